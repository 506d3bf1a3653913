package dev.partnerregistry.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.partnerregistry.admin.ToolCredentials;
import dev.partnerregistry.testing.DynamoDbEngine;
import dev.partnerregistry.testing.FaultInjectingProxy;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.protocols.jsoncore.JsonNode;

/**
 * The SQS adapter on the engine's SQS, behind a proxy that refuses what SQS refuses and moto takes: a message with a
 * character outside SQS's allowed set. JSON allows U+FFFF raw in a string, so a partner's valid Detail could carry
 * one; the adapter sends it escaped and the message reads back as the same JSON.
 */
@ExtendWith(DynamoDbEngine.class)
class SqsQueueEngineTest {

    private static FaultInjectingProxy sqsProxy;
    private static AwsJsonClient sqs;
    private static SqsQueue queue;

    @BeforeAll
    static void start(DynamoDbEngine.EngineTable table) throws Exception {
        sqsProxy = new FaultInjectingProxy(table.endpoint());
        sqsProxy.enforceSqsMessageCharacters();
        sqs = new AwsJsonClient(ToolCredentials.forEndpoint(table.endpoint()), DynamoDbEngine.REGION, sqsProxy.endpoint(), "sqs", "1.0");
        String url = SqsQueue.call(sqs, "CreateQueue", w -> w.writeFieldName("QueueName").writeValue("chars-" + UUID.randomUUID()))
                .field("QueueUrl").orElseThrow().asString();
        queue = new SqsQueue(sqs, url);
    }

    @AfterAll
    static void stop() {
        sqsProxy.close();
    }

    @Test
    void aBodyWithCharactersSqsRefusesIsSentEscapedAndReadsBackAsTheSameJson() {
        String detail = "{\"a\":\"\uffff\uFFFE \ud83d\ude00\"}";
        String json = "{\"detail\":\"" + detail.replace("\"", "\\\"") + "\"}";

        assertEquals(List.of(true, true), queue.send(List.of("{\"good\":1}", json)));

        List<SqsQueue.Received> received = queue.receive(30, 0);
        assertEquals(2, received.size());
        String read = received.stream().map(SqsQueue.Received::body).filter(b -> b.contains("detail")).findFirst().orElseThrow();
        assertEquals(detail, JsonNode.parser().parse(read).field("detail").orElseThrow().asString());
    }

    @Test
    void theProxyRefusesTheRawCharacterAsSqsDoesOnlyForItsEntry() {
        JsonNode answer = SqsQueue.call(sqs, "SendMessageBatch", w -> w.writeFieldName("QueueUrl").writeValue(queue.url())
                .writeFieldName("Entries").writeStartArray()
                .writeStartObject().writeFieldName("Id").writeValue("raw").writeFieldName("MessageBody").writeValue("{\"a\":\"\uffff\"}").writeEndObject()
                .writeStartObject().writeFieldName("Id").writeValue("fine").writeFieldName("MessageBody").writeValue("{}").writeEndObject()
                .writeEndArray());

        assertEquals("raw", answer.field("Failed").orElseThrow().asArray().get(0).field("Id").orElseThrow().asString());
        assertEquals("InvalidMessageContents", answer.field("Failed").orElseThrow().asArray().get(0).field("Code").orElseThrow().asString());
        assertEquals("fine", answer.field("Successful").orElseThrow().asArray().get(0).field("Id").orElseThrow().asString());
        queue.delete(queue.receive(30, 0).stream().map(SqsQueue.Received::receiptHandle).toList());
    }
}
