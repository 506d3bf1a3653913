package dev.partnerregistry.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.protocols.jsoncore.JsonNode;

/**
 * A JSON message body as the SQS adapter writes it into SendMessageBatch: a JSON string that reads back as the body,
 * except that the characters SQS refuses in a message become JSON escapes, which read back as the same text.
 */
class SqsQueueTest {

    /** The message SQS would keep: the request's MessageBody string, decoded. */
    private static String message(String json) {
        return JsonNode.parser().parse(SqsQueue.quoteMessage(new StringBuilder(), json).toString()).asString();
    }

    @Test
    void aBodySqsTakesIsTheMessageAsItIs() {
        for (String body : List.of("{\"a\":\"caf\u00e9 \ud83d\ude00\"}", "{\"a\":\"q\\\"b\\\\n\"}", "{}\n\t\r", "\u0001")) {
            assertEquals(body, message(body), body);
        }
    }

    @Test
    void nonCharactersAndLoneSurrogatesBecomeEscapesThatReadBackTheSame() {
        String text = "x\uffff\ufffe\ud800y\udc00";
        String body = "{\"a\":\"" + text + "\"}";

        String kept = message(body);

        assertEquals("{\"a\":\"x\\uffff\\ufffe\\ud800y\\udc00\"}", kept);
        assertEquals(text, JsonNode.parser().parse(kept).field("a").orElseThrow().asString());
    }

    @Test
    void theMessagesSizeIsItsUtf8BytesAsKeptEscapesIncluded() {
        for (String body : List.of("{}", "{\"a\":\"caf\u00e9 \u20ac \ud83d\ude00\"}", "{\"a\":\"\uffff\ud800\"}", "{}\n\t\r\u0001\u0080",
                "{\"a\":\"q\\\"b\\\\n \\u00e9\"}")) {
            assertEquals(message(body).getBytes(StandardCharsets.UTF_8).length,
                    SqsQueue.quotedMessageBytes(SqsQueue.quoteMessage(new StringBuilder(), body).toString()), body);
        }
    }
}
