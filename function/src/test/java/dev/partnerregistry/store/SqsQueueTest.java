package dev.partnerregistry.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.protocols.jsoncore.JsonNode;

/** What the SQS adapter does to a JSON body before SQS sees it: only the characters SQS refuses change, to escapes. */
class SqsQueueTest {

    @Test
    void aBodySqsTakesIsSentAsItIs() {
        String body = "{\"a\":\"caf\u00e9 \ud83d\ude00\tend\"}";
        assertSame(body, SqsQueue.sqsCharacters(body));
    }

    @Test
    void nonCharactersAndLoneSurrogatesBecomeEscapesThatReadBackTheSame() {
        String text = "x\uffff\ufffe\ud800y";
        String body = "{\"a\":\"" + text + "\"}";

        String sent = SqsQueue.sqsCharacters(body);

        assertEquals("{\"a\":\"x\\uffff\\ufffe\\ud800y\"}", sent);
        assertEquals(text, JsonNode.parser().parse(sent).field("a").orElseThrow().asString());
    }
}
