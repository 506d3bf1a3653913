package dev.partnerregistry.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.partnerregistry.admin.ToolCredentials;
import dev.partnerregistry.store.AwsJsonClient;
import dev.partnerregistry.store.SqsQueue;
import dev.partnerregistry.testing.DynamoDbEngine;
import dev.partnerregistry.testing.FaultInjectingProxy;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.protocols.jsoncore.JsonNode;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.EventBridgeException;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResponse;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResultEntry;

/**
 * The fault-injecting proxy's PutEvents and SQS modes, on the engine (moto serves EventBridge and
 * SQS): the stock SDK reads their answers as AWS's, what is not faulted really reaches the engine,
 * and each injected fault is counted by kind.
 */
@ExtendWith(DynamoDbEngine.class)
class FaultProxyModesTest {

    private static FaultInjectingProxy proxy;
    private static EventBridgeClient events;
    private static AwsJsonClient sqs;
    private static AwsJsonClient sqsViaProxy;
    private static String busArn;
    private static String targetQueue;

    @BeforeAll
    static void start(DynamoDbEngine.EngineTable table) throws Exception {
        URI engine = table.endpoint();
        proxy = new FaultInjectingProxy(engine);
        events = WireFixture.eventBridge(proxy.endpoint(), "customer", "customer", false);
        sqs = new AwsJsonClient(ToolCredentials.forEndpoint(engine), DynamoDbEngine.REGION, engine, "sqs", "1.0");
        sqsViaProxy = new AwsJsonClient(ToolCredentials.forEndpoint(engine), DynamoDbEngine.REGION, proxy.endpoint(), "sqs", "1.0");
        // A bus whose rule sends everything to a queue: what reaches it is what the engine really delivered.
        String name = "faults-" + UUID.randomUUID().toString().substring(0, 8);
        try (EventBridgeClient direct = WireFixture.eventBridge(engine, "customer", "customer", false)) {
            busArn = direct.createEventBus(r -> r.name(name)).eventBusArn();
            targetQueue = createQueue(name + "-target");
            String queueArn = call(sqs, "GetQueueAttributes", w -> w.writeFieldName("QueueUrl").writeValue(targetQueue)
                    .writeFieldName("AttributeNames").writeStartArray().writeValue("QueueArn").writeEndArray())
                    .field("Attributes").orElseThrow().field("QueueArn").orElseThrow().asString();
            direct.putRule(r -> r.name("all").eventBusName(name).eventPattern("{\"source\":[{\"prefix\":\"faults.\"}]}"));
            direct.putTargets(r -> r.rule("all").eventBusName(name).targets(t -> t.id("queue").arn(queueArn)));
        }
    }

    @AfterAll
    static void stop() {
        if (events != null) {
            events.close();
        }
        if (proxy != null) {
            proxy.close();
        }
    }

    /** The proxy's counts when the test began: it counts over its life, and the tests share it. */
    private Map<String, Integer> before;

    @BeforeEach
    void countFromHere() {
        before = proxy.faultsInjected();
    }

    @AfterEach
    void clearFaults() {
        proxy.clear();
    }

    /** The faults injected during this test, by kind. */
    private Map<String, Integer> injected() {
        Map<String, Integer> since = new TreeMap<>();
        proxy.faultsInjected().forEach((kind, count) -> {
            if (count > before.getOrDefault(kind, 0)) {
                since.put(kind, count - before.getOrDefault(kind, 0));
            }
        });
        return since;
    }

    private static List<PutEventsRequestEntry> entries(String run, int count) {
        return IntStream.range(0, count).mapToObj(i -> PutEventsRequestEntry.builder().eventBusName(busArn).source("faults.test")
                .detailType("t").detail("{\"run\":\"" + run + "\",\"n\":" + i + "}").build()).toList();
    }

    @Test
    void malformedDetailFailsTheSameEntriesEveryTimeAndOnlyTheOthersReachTheBus() {
        List<PutEventsRequestEntry> sent = entries(UUID.randomUUID().toString(), 8);
        List<FaultInjectingProxy.PutEventsEntry> observed = new CopyOnWriteArrayList<>();
        proxy.observePutEvents(observed::add);
        proxy.injectEntryFaults(0.5, 0, 0, 42);

        PutEventsResponse first = events.putEvents(r -> r.entries(sent));
        PutEventsResponse again = events.putEvents(r -> r.entries(sent));

        List<Integer> malformed = new ArrayList<>();
        for (int i = 0; i < sent.size(); i++) {
            PutEventsResultEntry result = first.entries().get(i);
            if (result.errorCode() != null) {
                assertEquals("MalformedDetail", result.errorCode());
                assertEquals("Detail is malformed.", result.errorMessage());
                assertNull(result.eventId());
                malformed.add(i);
            } else {
                assertNotNull(result.eventId());
            }
            assertEquals(result.errorCode(), again.entries().get(i).errorCode(), "the same entry, the same verdict: " + i);
        }
        assertTrue(!malformed.isEmpty() && malformed.size() < sent.size(), "a rate of one half faulted some, not all: " + malformed);
        assertEquals(malformed.size(), first.failedEntryCount());
        assertEquals(Map.of(FaultInjectingProxy.MALFORMED_DETAIL, 2 * malformed.size()), injected());
        assertEquals(2 * sent.size(), observed.size());
        assertEquals(2 * malformed.size(), observed.stream().filter(FaultInjectingProxy.PutEventsEntry::injected).count());
        assertEquals(first.entries().get(0).eventId(), observed.get(0).eventId());

        List<Integer> arrived = new ArrayList<>();
        for (JsonNode event : receiveAll()) {
            arrived.add(Integer.parseInt(event.field("detail").orElseThrow().field("n").orElseThrow().asNumber()));
        }
        List<Integer> good = IntStream.range(0, sent.size()).filter(i -> !malformed.contains(i)).boxed().toList();
        List<Integer> twice = new ArrayList<>(good);
        twice.addAll(good);
        assertEquals(twice.stream().sorted().toList(), arrived.stream().sorted().toList(), "the good entries of both calls, and only they");
    }

    @Test
    void transientEntryFaultsAnswerInternalFailureOrThrottlingWithTheirMessages() {
        proxy.injectEntryFaults(0, 1, 0, 1);
        PutEventsResponse failing = events.putEvents(r -> r.entries(entries("internal", 3)));
        assertEquals(3, failing.failedEntryCount());
        failing.entries().forEach(result -> {
            assertEquals("InternalFailure", result.errorCode());
            assertEquals("The request processing has failed because of an unknown error, exception or failure.", result.errorMessage());
        });

        proxy.injectEntryFaults(0, 0, 1, 1);
        PutEventsResponse throttled = events.putEvents(r -> r.entries(entries("throttled", 2)));
        assertEquals(List.of("ThrottlingException", "ThrottlingException"),
                throttled.entries().stream().map(PutEventsResultEntry::errorCode).toList());
        assertEquals("The request was denied due to request throttling.", throttled.entries().get(0).errorMessage());
        assertEquals(Map.of(FaultInjectingProxy.INTERNAL_FAILURE, 3, FaultInjectingProxy.THROTTLING, 2), injected());
        assertEquals(List.of(), receiveAll(), "nothing faulted reached the bus");
    }

    @Test
    void aThrottledCallIsA400ThrottlingExceptionAndReachesNothing() {
        proxy.throttlePutEvents(1, 3);
        EventBridgeException refused = assertThrows(EventBridgeException.class, () -> events.putEvents(r -> r.entries(entries("call", 2))));
        assertEquals(400, refused.statusCode());
        assertEquals("ThrottlingException", refused.awsErrorDetails().errorCode());
        assertEquals(Map.of(FaultInjectingProxy.CALL_THROTTLED, 1), injected());

        proxy.throttlePutEvents(0, 3);
        assertEquals(0, events.putEvents(r -> r.entries(entries("call", 2))).failedEntryCount());
        assertEquals(2, receiveAll().size(), "only the call that was not throttled");
    }

    @Test
    void anSqsMessageSentThroughTheProxyMayArriveTwice() {
        String queue = createQueue("duplicates-" + UUID.randomUUID().toString().substring(0, 8));
        proxy.duplicateSqsMessages(1, 5);
        JsonNode answer = call(sqsViaProxy, "SendMessageBatch", w -> {
            w.writeFieldName("QueueUrl").writeValue(queue).writeFieldName("Entries").writeStartArray();
            for (int i = 0; i < 3; i++) {
                w.writeStartObject().writeFieldName("Id").writeValue("m" + i).writeFieldName("MessageBody").writeValue("body-" + i).writeEndObject();
            }
            w.writeEndArray();
        });
        assertEquals(3, answer.field("Successful").orElseThrow().asArray().size(), "the caller sees its own three");
        proxy.duplicateSqsMessages(0, 5);
        call(sqsViaProxy, "SendMessage", w -> w.writeFieldName("QueueUrl").writeValue(queue).writeFieldName("MessageBody").writeValue("once"));

        List<String> bodies = new ArrayList<>(drain(queue));
        bodies.sort(null);
        assertEquals(List.of("body-0", "body-0", "body-1", "body-1", "body-2", "body-2", "once"), bodies);
        assertEquals(Map.of(FaultInjectingProxy.SQS_DUPLICATE, 3), injected());
    }

    // ---------------------------------------------------------------- SQS on the engine

    private static String createQueue(String name) {
        return call(sqs, "CreateQueue", w -> w.writeFieldName("QueueName").writeValue(name)).field("QueueUrl").orElseThrow().asString();
    }

    private static List<JsonNode> receiveAll() {
        return drain(targetQueue).stream().map(body -> JsonNode.parser().parse(body)).toList();
    }

    /** Every message's body, each received and deleted once. */
    private static List<String> drain(String queue) {
        List<String> bodies = new ArrayList<>();
        while (true) {
            JsonNode answer = call(sqs, "ReceiveMessage", w -> w.writeFieldName("QueueUrl").writeValue(queue)
                    .writeFieldName("MaxNumberOfMessages").writeValue(10).writeFieldName("WaitTimeSeconds").writeValue(1));
            List<JsonNode> messages = answer.field("Messages").map(JsonNode::asArray).orElse(List.of());
            if (messages.isEmpty()) {
                return bodies;
            }
            for (JsonNode message : messages) {
                bodies.add(message.field("Body").orElseThrow().asString());
                call(sqs, "DeleteMessage", w -> w.writeFieldName("QueueUrl").writeValue(queue)
                        .writeFieldName("ReceiptHandle").writeValue(message.field("ReceiptHandle").orElseThrow().asString()));
            }
        }
    }

    /** An SQS action through the registry's own adapter, which fails on an error answer. */
    private static JsonNode call(AwsJsonClient client, String action, SqsQueue.Members members) {
        return SqsQueue.call(client, action, members);
    }
}
