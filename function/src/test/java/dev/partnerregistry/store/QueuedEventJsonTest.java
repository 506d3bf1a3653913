package dev.partnerregistry.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.partnerregistry.domain.JsonWriter;
import dev.partnerregistry.domain.QueuedEvent;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The queued message read back without a tree, and anything else a poison message. */
class QueuedEventJsonTest {

    private static final QueuedEvent EVENT = new QueuedEvent("id-1", "aws.partner/p.com/s", "p.com", "123456789012",
            "arn:aws:events:us-east-1:123456789012:event-bus/b", Instant.ofEpochMilli(1764806400123L), "Order \"Placed\"",
            "{\"a\":\"\\u00e9 \uD83D\uDE00\",\"b\":[1,2]}", List.of("r1", "arn:x"));

    @Test
    void whatIsWrittenIsReadBack() {
        assertEquals(EVENT, QueuedEventJson.read(QueuedEventJson.write(EVENT)));
    }

    @Test
    void theQuotedFormIsTheWrittenTextQuotedForSqsInOnePass() {
        for (String text : List.of("plain", "quote \" backslash \\ /", "\n\r\t\b\f\u0000\u001f", "caf\u00e9 \u20ac \uD83D\uDE00",
                "lone \uD800 and \uDC00", "non-characters \uFFFE \uFFFF", "{\"a\":\"\\\"\\\\\\u0001\"}")) {
            QueuedEvent event = new QueuedEvent("id-" + text, "aws.partner/p.com/" + text, "p.com", "123456789012",
                    "arn:aws:events:us-east-1:123456789012:event-bus/b", Instant.ofEpochMilli(1764806400123L), text, text, List.of(text, "r"));

            String quoted = QueuedEventJson.writeQuoted(event);

            assertEquals(SqsQueue.quoteMessage(new StringBuilder(), QueuedEventJson.write(event)).toString(), quoted, text);
            assertEquals(software.amazon.awssdk.protocols.jsoncore.JsonNode.parser().parse(quoted).asString()
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8).length, SqsQueue.quotedMessageBytes(quoted), text);
        }
    }

    @Test
    void membersInAnyOrderAndUnknownOnesSkipped() {
        String body = "{\"resources\":[],\"future\":{\"x\":[1,{\"y\":null}]},\"time\":5,\"detail\":\"{}\",\"detailType\":\"t\","
                + "\"deliverTo\":\"arn:aws:events:us-east-1:1:event-bus/b\",\"account\":\"1\",\"partner\":\"p\",\"source\":\"s\",\"eventId\":\"e\"}";
        QueuedEvent event = QueuedEventJson.read(body);
        assertEquals("e", event.eventId());
        assertEquals(Instant.ofEpochMilli(5), event.time());
        assertEquals(List.of(), event.resources());
    }

    @Test
    void anythingElseIsAPoisonMessage() {
        String good = QueuedEventJson.write(EVENT);
        for (String body : new String[] {null, "", "null", "[]", "{}", "not json", good + "{}", good + " x", good.substring(0, good.length() - 1),
                good.replace("\"time\":1764806400123", "\"time\":1.5"), good.replace("\"time\":1764806400123", "\"time\":\"1\""),
                good.replace("\"time\":1764806400123", "\"time\":99999999999999999999"),
                good.replace("\"eventId\":\"id-1\"", "\"eventId\":null"), good.replace("\"eventId\":\"id-1\",", ""),
                good.replace("[\"r1\",\"arn:x\"]", "[\"r1\",2]"), good.replace("[\"r1\",\"arn:x\"]", "\"r1\""),
                good.replace("\"eventId\":\"id-1\"", "\"eventId\":\"id-1\",\"eventId\":\"id-2\"")}) {
            assertThrows(IllegalArgumentException.class, () -> QueuedEventJson.read(body), String.valueOf(body));
        }
    }
}
