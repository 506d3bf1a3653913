package dev.partnerregistry.store;

import dev.partnerregistry.domain.QueuedEvent;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.protocols.json.SdkJsonGenerator;
import software.amazon.awssdk.protocols.json.StructuredJsonGenerator;
import software.amazon.awssdk.protocols.jsoncore.JsonNode;
import software.amazon.awssdk.protocols.jsoncore.JsonNodeParser;

/** A queued event as an SQS message body (JSON) and back: the one format the registry writes and the forwarder reads. */
public final class QueuedEventJson {

    private QueuedEventJson() {
    }

    public static String write(QueuedEvent event) {
        StructuredJsonGenerator w = new SdkJsonGenerator(JsonNodeParser.DEFAULT_JSON_FACTORY, "application/json");
        writeObject(w, event);
        return new String(w.getBytes(), StandardCharsets.UTF_8);
    }

    /** The event as one JSON object into {@code w} (a dead letter holds it so). */
    static void writeObject(StructuredJsonGenerator w, QueuedEvent event) {
        w.writeStartObject();
        w.writeFieldName("eventId").writeValue(event.eventId());
        w.writeFieldName("source").writeValue(event.source());
        w.writeFieldName("partner").writeValue(event.partner());
        w.writeFieldName("account").writeValue(event.account());
        w.writeFieldName("deliverTo").writeValue(event.deliverTo());
        w.writeFieldName("time").writeValue(event.time().toEpochMilli());
        w.writeFieldName("detailType").writeValue(event.detailType());
        w.writeFieldName("detail").writeValue(event.detail());
        w.writeFieldName("resources").writeStartArray();
        event.resources().forEach(w::writeValue);
        w.writeEndArray();
        w.writeEndObject();
    }

    /** @throws IllegalArgumentException for a body that is not a queued event (a poison message) */
    public static QueuedEvent read(String body) {
        try {
            return of(JsonNode.parser().parse(body).asObject());
        } catch (RuntimeException notAnEvent) {
            throw new IllegalArgumentException("not a queued partner event: " + notAnEvent.getMessage(), notAnEvent);
        }
    }

    /** The event a parsed object holds. @throws RuntimeException when it holds none */
    static QueuedEvent of(Map<String, JsonNode> json) {
        List<String> resources = new ArrayList<>();
        json.get("resources").asArray().forEach(resource -> resources.add(resource.asString()));
        return new QueuedEvent(text(json, "eventId"), text(json, "source"), text(json, "partner"), text(json, "account"),
                text(json, "deliverTo"), Instant.ofEpochMilli(Long.parseLong(json.get("time").asNumber())), text(json, "detailType"),
                text(json, "detail"), resources);
    }

    private static String text(Map<String, JsonNode> json, String field) {
        JsonNode value = json.get(field);
        if (value == null || !value.isString()) {
            throw new IllegalArgumentException("no " + field);
        }
        return value.asString();
    }
}
