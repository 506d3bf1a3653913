package dev.partnerregistry.store;

import dev.partnerregistry.domain.DeadLetter;
import dev.partnerregistry.domain.JsonWriter;
import dev.partnerregistry.domain.QueuedEvent;
import java.time.Instant;
import java.util.Map;
import software.amazon.awssdk.protocols.jsoncore.JsonNode;

/**
 * A dead letter as the dead-letter queue holds it, the one format the forwarder writes and the operator's
 * commands read:
 * <pre>{"eventId": "...", "eventBusArn": "arn:aws:events:...", "errorCode": "MalformedDetail", "errorMessage": "...",
 *  "receiveCount": 1, "deadLetteredAt": "2026-12-04T17:00:00.123Z", "event": {the queued event}}</pre>
 * A message that was no queued event has {@code "body"} (as received) instead of the event's three members. A
 * message the queue's own redrive policy moved (the forwarder could not write its letter) is the queued event
 * itself: {@link #read} takes all three.
 */
public final class DeadLetterJson {

    private DeadLetterJson() {
    }

    public static String write(DeadLetter letter) {
        JsonWriter w = new JsonWriter();
        w.writeStartObject();
        if (letter.event() != null) {
            w.writeFieldName("eventId").writeValue(letter.event().eventId());
            w.writeFieldName("eventBusArn").writeValue(letter.event().deliverTo());
        }
        w.writeFieldName("errorCode").writeValue(letter.errorCode());
        w.writeFieldName("errorMessage").writeValue(letter.errorMessage());
        w.writeFieldName("receiveCount").writeValue(letter.receiveCount());
        w.writeFieldName("deadLetteredAt").writeValue(letter.deadLetteredAt().toString());
        if (letter.event() != null) {
            w.writeFieldName("event").writeRaw(QueuedEventJson.write(letter.event()));
        } else {
            w.writeFieldName("body").writeValue(letter.body());
        }
        w.writeEndObject();
        return w.toString();
    }

    /** What the redrive policy wrote in place of a letter: no reason is known. */
    public static final String MOVED_BY_THE_QUEUE = "MovedByTheQueue";

    /**
     * The letter a dead-letter queue message holds: one the forwarder wrote, a queued event the queue moved (its code
     * {@value #MOVED_BY_THE_QUEUE}), or else a letter of code {@value DeadLetter#NOT_A_QUEUED_EVENT} holding the body.
     */
    public static DeadLetter read(String body) {
        JsonNode json;
        try {
            json = JsonNode.parser().parse(body);
        } catch (RuntimeException notJson) {
            json = null;
        }
        if (json != null && json.isObject()) {
            Map<String, JsonNode> members = json.asObject();
            JsonNode event = members.get("event");
            JsonNode code = members.get("errorCode");
            try {
                if (event != null && event.isObject() && code != null && code.isString()) {
                    return new DeadLetter(QueuedEventJson.of(event.asObject()), null, code.asString(), text(members, "errorMessage"),
                            number(members, "receiveCount"), instant(members, "deadLetteredAt"));
                }
                if (code != null && code.isString() && members.get("body") != null && members.get("body").isString()) {
                    return new DeadLetter(null, members.get("body").asString(), code.asString(), text(members, "errorMessage"),
                            number(members, "receiveCount"), instant(members, "deadLetteredAt"));
                }
                QueuedEvent moved = QueuedEventJson.of(members);
                return new DeadLetter(moved, null, MOVED_BY_THE_QUEUE, "The delivery queue's redrive policy moved it.", 0, null);
            } catch (RuntimeException notALetter) {
                // falls through: whatever it is, it is kept as it was received
            }
        }
        return DeadLetter.notAnEvent(body, "The message is neither a dead letter nor a queued event.", 0, null);
    }

    private static String text(Map<String, JsonNode> members, String name) {
        JsonNode value = members.get(name);
        return value != null && value.isString() ? value.asString() : "";
    }

    private static int number(Map<String, JsonNode> members, String name) {
        JsonNode value = members.get(name);
        return value != null && value.isNumber() ? Integer.parseInt(value.asNumber()) : 0;
    }

    private static Instant instant(Map<String, JsonNode> members, String name) {
        JsonNode value = members.get(name);
        return value != null && value.isString() ? Instant.parse(value.asString()) : null;
    }
}
