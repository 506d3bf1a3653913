package dev.partnerregistry.store;

import dev.partnerregistry.domain.JsonWriter;
import dev.partnerregistry.domain.QueuedEvent;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.protocols.jsoncore.JsonNode;
import software.amazon.awssdk.protocols.jsoncore.JsonNodeParser;
import software.amazon.awssdk.thirdparty.jackson.core.JsonFactory;
import software.amazon.awssdk.thirdparty.jackson.core.JsonParser;
import software.amazon.awssdk.thirdparty.jackson.core.JsonToken;

/** A queued event as an SQS message body (JSON) and back: the one format the registry writes and the forwarder reads. */
public final class QueuedEventJson {

    /** The SDK's own JSON reader, streaming: no tree, and a member named twice is refused. */
    private static final JsonFactory JSON = JsonNodeParser.DEFAULT_JSON_FACTORY.copy().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private QueuedEventJson() {
    }

    public static String write(QueuedEvent event) {
        return write(event, new JsonWriter(new StringBuilder(256 + event.detail().length()))).toString();
    }

    /** {@link #write}'s text as the JSON string of a SendMessageBatch entry's {@code MessageBody}, in one pass ({@code SqsQueue.quoteMessage}'s form). */
    public static String writeQuoted(QueuedEvent event) {
        StringBuilder quoted = new StringBuilder(320 + event.detail().length() * 5 / 4).append('"');
        write(event, JsonWriter.nested(quoted));
        return quoted.append('"').toString();
    }

    private static JsonWriter write(QueuedEvent event, JsonWriter w) {
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
        return w.writeEndObject();
    }

    /**
     * The event in {@code body}, read in one streaming pass: one JSON object, nothing after it, each
     * member at most once; every member {@link #write} writes present, each a string but {@code time}
     * (a whole number of epoch milliseconds) and {@code resources} (an array of strings). A member
     * this version does not know is skipped, whatever its value, as the tree reader before it did.
     *
     * @throws IllegalArgumentException for a body that is not a queued event (a poison message)
     */
    public static QueuedEvent read(String body) {
        if (body == null) {
            throw new IllegalArgumentException("not a queued partner event: no body");
        }
        String eventId = null;
        String source = null;
        String partner = null;
        String account = null;
        String deliverTo = null;
        String detailType = null;
        String detail = null;
        Long time = null;
        List<String> resources = null;
        try (JsonParser json = JSON.createParser(body)) {
            expect(json.nextToken() == JsonToken.START_OBJECT, "not an object");
            for (JsonToken token = json.nextToken(); token != JsonToken.END_OBJECT; token = json.nextToken()) {
                String member = json.getCurrentName();
                JsonToken value = json.nextToken();
                switch (member) {
                    case "eventId" -> eventId = text(json, value, member);
                    case "source" -> source = text(json, value, member);
                    case "partner" -> partner = text(json, value, member);
                    case "account" -> account = text(json, value, member);
                    case "deliverTo" -> deliverTo = text(json, value, member);
                    case "detailType" -> detailType = text(json, value, member);
                    case "detail" -> detail = text(json, value, member);
                    case "time" -> {
                        expect(value == JsonToken.VALUE_NUMBER_INT && json.getNumberType() != JsonParser.NumberType.BIG_INTEGER,
                                "time is not epoch milliseconds");
                        time = json.getLongValue();
                    }
                    case "resources" -> {
                        expect(value == JsonToken.START_ARRAY, "resources is not an array");
                        resources = new ArrayList<>();
                        for (JsonToken resource = json.nextToken(); resource != JsonToken.END_ARRAY; resource = json.nextToken()) {
                            resources.add(text(json, resource, "a resource"));
                        }
                    }
                    default -> json.skipChildren();
                }
            }
            expect(json.nextToken() == null, "content after the object");
        } catch (IllegalArgumentException notAnEvent) {
            throw notAnEvent;
        } catch (IOException | RuntimeException notJson) {
            throw new IllegalArgumentException("not a queued partner event: " + notJson.getMessage(), notJson);
        }
        expect(eventId != null && source != null && partner != null && account != null && deliverTo != null && detailType != null
                && detail != null && time != null && resources != null, "a member is missing");
        return new QueuedEvent(eventId, source, partner, account, deliverTo, Instant.ofEpochMilli(time), detailType, detail, resources);
    }

    /**
     * The event an already parsed object holds (a dead letter's {@code event} member; the operator's commands read
     * letters as trees, off the hot path). @throws RuntimeException when it holds none
     */
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

    private static String text(JsonParser json, JsonToken value, String member) throws IOException {
        expect(value == JsonToken.VALUE_STRING, member + " is not a string");
        return json.getText();
    }

    private static void expect(boolean condition, String problem) {
        if (!condition) {
            throw new IllegalArgumentException("not a queued partner event: " + problem);
        }
    }
}
