package dev.partnerregistry.wire;

import static dev.partnerregistry.wire.WireFixture.ACCOUNT;
import static dev.partnerregistry.wire.WireFixture.EXAMPLE_KEY;
import static dev.partnerregistry.wire.WireFixture.EXAMPLE_SECRET;
import static dev.partnerregistry.wire.WireFixture.uniqueName;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.partnerregistry.RegistryAssembly;
import dev.partnerregistry.RegistrySettings;
import dev.partnerregistry.admin.ToolCredentials;
import dev.partnerregistry.api.EventForwarderHandler;
import dev.partnerregistry.domain.EventDelivery;
import dev.partnerregistry.domain.QueuedEvent;
import dev.partnerregistry.local.LocalDelivery;
import dev.partnerregistry.store.AwsJsonClient;
import dev.partnerregistry.store.EventBridgePutEvents;
import dev.partnerregistry.store.QueuedEventJson;
import dev.partnerregistry.store.DeadLetterJson;
import dev.partnerregistry.store.SqsQueue;
import dev.partnerregistry.domain.DeadLetter;
import dev.partnerregistry.admin.AdminCommand;
import dev.partnerregistry.store.SqsDeadLetterQueue;
import dev.partnerregistry.testing.DynamoDbEngine;
import dev.partnerregistry.testing.FaultInjectingProxy;
import dev.partnerregistry.testing.MovableClock;
import dev.partnerregistry.wire.AwsCli.Result;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.protocols.json.SdkJsonGenerator;
import software.amazon.awssdk.protocols.json.StructuredJsonGenerator;
import software.amazon.awssdk.protocols.jsoncore.JsonNode;
import software.amazon.awssdk.protocols.jsoncore.JsonNodeParser;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.PutPartnerEventsResponse;
import software.amazon.awssdk.services.eventbridge.model.PutPartnerEventsResultEntry;

/**
 * Partner events end to end on the engine's emulated parts (moto serves SQS and EventBridge): the
 * partner's PutPartnerEvents through the local endpoint, the delivery queue, the forwarder (its
 * EventBridge calls through a fault-injecting proxy), the customer's own bus, a rule on it, and the
 * queue the rule targets, from which the test reads what the customer would get.
 */
@ExtendWith(DynamoDbEngine.class)
class PartnerEventsDeliveryTest {

    /** Short, so that redeliveries come within the test; one poller here, so no batch outlives it. */
    private static final int VISIBILITY_SECONDS = 2;
    private static WireFixture fixture;
    private static LocalDelivery delivery;
    private static FaultInjectingProxy eventBridge;
    private static EventForwarderHandler forwarder;
    private static AwsJsonClient sqs;
    private static EventBridgeClient customerEvents;
    private static String busArn;
    private static String targetQueue;
    private static String targetQueueArn;
    private static URI engine;
    private static AwsCli cli;

    @TempDir
    static Path home;

    @BeforeAll
    static void start(DynamoDbEngine.EngineTable table) throws Exception {
        engine = table.endpoint();
        AwsCredentialsProvider credentials = ToolCredentials.forEndpoint(engine);
        sqs = new AwsJsonClient(credentials, DynamoDbEngine.REGION, engine, "sqs", "1.0");
        delivery = LocalDelivery.create(sqs, table.tableName(), VISIBILITY_SECONDS);
        RegistrySettings settings = table.keySettingsBuilder(100).eventQueueUrl(delivery.queueUrl()).sqsEndpoint(engine).build();
        fixture = WireFixture.start(table, function -> function, new MovableClock(), RegistrySettings.DEFAULT_SOURCE_EXPIRATION,
                RegistryAssembly.eventQueue(settings, credentials));
        eventBridge = new FaultInjectingProxy(engine);
        forwarder = new EventForwarderHandler(new EventDelivery(new EventBridgePutEvents(credentials, eventBridge.endpoint()), millis -> { }),
                new SqsDeadLetterQueue(sqs, delivery.deadLetterQueueUrl()), "PartnerRegistry", java.time.Clock.systemUTC(), new PrintStream(OutputStream.nullOutputStream()));

        // The customer's side, in its own account's EventBridge and SQS (moto): a bus, a rule matching the registry's events, a queue.
        String busName = "orders-" + UUID.randomUUID().toString().substring(0, 8);
        customerEvents = WireFixture.eventBridge(engine, "customer", "customer", false);
        busArn = customerEvents.createEventBus(r -> r.name(busName)).eventBusArn();
        targetQueue = call("CreateQueue", w -> w.writeFieldName("QueueName").writeValue(busName + "-target")).field("QueueUrl").orElseThrow().asString();
        targetQueueArn = call("GetQueueAttributes", w -> w.writeFieldName("QueueUrl").writeValue(targetQueue)
                .writeFieldName("AttributeNames").writeStartArray().writeValue("QueueArn").writeEndArray())
                .field("Attributes").orElseThrow().field("QueueArn").orElseThrow().asString();
        customerEvents.putRule(r -> r.name("from-partners").eventBusName(busName).eventPattern("{\"source\":[{\"prefix\":\"partner-registry.\"}]}"));
        customerEvents.putTargets(r -> r.rule("from-partners").eventBusName(busName).targets(t -> t.id("queue").arn(targetQueueArn)));
        cli = new AwsCli(home);
    }

    @AfterAll
    static void stop() {
        if (fixture != null) {
            fixture.close();
        }
        if (eventBridge != null) {
            eventBridge.close();
        }
    }

    @AfterEach
    void clearFaults() {
        eventBridge.clear();
        takeDeadLetters();
    }

    /** A source of example.com offered to ACCOUNT, accepted by the customer with its bus to deliver to. */
    private static String activeSource() throws Exception {
        return activeSource(busArn);
    }

    /** As above, delivering to {@code deliverTo}. */
    private static String activeSource(String deliverTo) throws Exception {
        String name = uniqueName("example.com", "delivered", "orders");
        try (EventBridgeClient partner = fixture.client(EXAMPLE_KEY, EXAMPLE_SECRET);
             EventBridgeClient customer = fixture.client(CustomerStoryWireTest.CUSTOMER_KEY, CustomerStoryWireTest.CUSTOMER_SECRET)) {
            partner.createPartnerEventSource(r -> r.name(name).account(ACCOUNT));
            customer.createEventBus(r -> r.name(name).eventSourceName(name).tags(t -> t.key("partner-registry:deliver-to").value(deliverTo)));
        }
        return name;
    }

    private static PutPartnerEventsResponse put(String source, int count) {
        try (EventBridgeClient partner = fixture.client(EXAMPLE_KEY, EXAMPLE_SECRET)) {
            return partner.putPartnerEvents(r -> r.entries(java.util.stream.IntStream.range(0, count).mapToObj(i ->
                    software.amazon.awssdk.services.eventbridge.model.PutPartnerEventsRequestEntry.builder()
                            .source(source).detailType("Order Placed").detail("{\"orderId\":" + i + "}").build()).toList()));
        }
    }

    @Test
    void theStockCliPutsAnEventThatReachesTheQueueBehindARuleOnTheCustomersBus() throws Exception {
        String source = activeSource();

        Result put = cli.run(List.of("events", "put-partner-events", "--endpoint-url", fixture.endpoint().toString(), "--entries",
                "[{\"Source\":\"" + source + "\",\"DetailType\":\"Order Placed\",\"Detail\":\"{\\\"orderId\\\":42}\","
                        + "\"Resources\":[\"arn:aws:shop:::order/42\"]}]"), EXAMPLE_KEY, EXAMPLE_SECRET, 1);
        assertEquals(0, put.exitCode(), put.toString());
        JsonNode answer = JsonNode.parser().parse(put.stdout());
        assertEquals("0", answer.field("FailedEntryCount").orElseThrow().asNumber());
        String eventId = answer.field("Entries").orElseThrow().asArray().get(0).field("EventId").orElseThrow().asString();

        drain();

        List<JsonNode> received = receiveAll();
        assertEquals(1, received.size());
        JsonNode event = received.get(0);
        assertEquals("partner-registry.example.com", event.field("source").orElseThrow().asString());
        assertEquals("Order Placed", event.field("detail-type").orElseThrow().asString());
        assertEquals("42", event.field("detail").orElseThrow().field("orderId").orElseThrow().asNumber());
        List<String> resources = event.field("resources").orElseThrow().asArray().stream().map(JsonNode::asString).toList();
        assertEquals(List.of("arn:aws:events:us-east-1::event-source/" + source, "partner-registry:event-id/" + eventId,
                "arn:aws:shop:::order/42"), resources);
    }

    @Test
    void twentyEntriesAreDeliveredInPutEventsOfTenAndEachOnce() throws Exception {
        String source = activeSource();
        int before = eventBridge.received("PutEvents").size();

        PutPartnerEventsResponse response = put(source, 20);
        assertEquals(0, response.failedEntryCount());
        drain();

        List<String> calls = eventBridge.received("PutEvents").subList(before, eventBridge.received("PutEvents").size());
        assertEquals(List.of(10, 10), calls.stream().map(body -> JsonNode.parser().parse(body).field("Entries").orElseThrow().asArray().size()).toList());
        assertEquals(20, receiveAll().size(), "each delivered once in the normal path");
    }

    @Test
    void aPendingSourcesEventsAreAcceptedAndDroppedAndADeletedSourcesFailTheirEntries() throws Exception {
        String pending = uniqueName("example.com", "pending", "orders");
        String deleted = activeSource();
        try (EventBridgeClient partner = fixture.client(EXAMPLE_KEY, EXAMPLE_SECRET)) {
            partner.createPartnerEventSource(r -> r.name(pending).account(ACCOUNT));
            partner.deletePartnerEventSource(r -> r.name(deleted).account(ACCOUNT));
        }

        PutPartnerEventsResponse toPending = put(pending, 1);
        PutPartnerEventsResponse toDeleted = put(deleted, 1);

        assertNotNull(toPending.entries().get(0).eventId());
        assertEquals(0, toPending.failedEntryCount());
        PutPartnerEventsResultEntry failed = toDeleted.entries().get(0);
        assertEquals("InvalidArgument", failed.errorCode());
        assertEquals("Event source " + deleted + " does not exist.", failed.errorMessage());
        drain();
        assertEquals(List.of(), receiveAll(), "nothing reaches the customer");
    }

    @Test
    void underInjectedFaultsEveryEventIsDeliveredAtLeastOnce() throws Exception {
        String source = activeSource();
        PutPartnerEventsResponse response = put(source, 5);
        Set<String> sent = new HashSet<>();
        response.entries().forEach(entry -> sent.add(entry.eventId()));

        eventBridge.inject(new FaultInjectingProxy.Fault("PutEvents", 500, "{\"__type\":\"InternalException\",\"message\":\"down\"}"));
        assertEquals(5, delivery.pollOnce(forwarder, 1), "received, failed, handed back to the queue");
        eventBridge.clear();
        drain();

        Set<String> delivered = new HashSet<>();
        for (JsonNode event : receiveAll()) {
            delivered.add(event.field("resources").orElseThrow().asArray().get(1).asString().substring("partner-registry:event-id/".length()));
        }
        assertEquals(sent, delivered);
    }

    @Test
    void hostileValuesGetPerEntryErrorsAtPutPartnerEventsAndOnlyTheGoodEventIsDelivered() throws Exception {
        String source = activeSource();
        List<String> hostileDetails = List.of("{\"a\":1} trailing", "{\"a\":1}{\"b\":2}", "{\"a\":1 /* c */}", "{\"a\":\"\\ud800\"}",
                "{\"n\":9223372036854775808}");
        List<software.amazon.awssdk.services.eventbridge.model.PutPartnerEventsRequestEntry> entries = new ArrayList<>();
        hostileDetails.forEach(detail -> entries.add(software.amazon.awssdk.services.eventbridge.model.PutPartnerEventsRequestEntry.builder()
                .source(source).detailType("Order Placed").detail(detail).build()));
        entries.add(software.amazon.awssdk.services.eventbridge.model.PutPartnerEventsRequestEntry.builder()
                .source(source).detailType("Order Placed").detail("{}").time(java.time.Instant.ofEpochSecond(-1_000_000_000_000L)).build());
        entries.add(software.amazon.awssdk.services.eventbridge.model.PutPartnerEventsRequestEntry.builder()
                .source(source).detailType("Order Placed").detail("{\"good\":true}").build());
        PutPartnerEventsResponse response;
        try (EventBridgeClient partner = fixture.client(EXAMPLE_KEY, EXAMPLE_SECRET)) {
            response = partner.putPartnerEvents(r -> r.entries(entries));
        }

        assertEquals(6, response.failedEntryCount());
        for (int i = 0; i < hostileDetails.size(); i++) {
            assertEquals("MalformedDetail", response.entries().get(i).errorCode(), hostileDetails.get(i));
            assertEquals("Detail is malformed.", response.entries().get(i).errorMessage());
        }
        assertEquals("InvalidArgument", response.entries().get(5).errorCode());
        assertEquals("Parameter Time is not valid. Reason: Time must be between year 0000 and year 9999.",
                response.entries().get(5).errorMessage());
        String goodId = response.entries().get(6).eventId();
        assertNotNull(goodId);
        drain();
        List<JsonNode> delivered = receiveAll();
        assertEquals(1, delivered.size());
        assertEquals("partner-registry:event-id/" + goodId, delivered.get(0).field("resources").orElseThrow().asArray().get(1).asString());
        assertEquals(0, dlqDepth(), "nothing accepted was undeliverable");
    }

    @Test
    void aNullResourceIsAPerEntryInvalidArgumentAndRawBytesThatAreNotUtf8AreSerializationException() throws Exception {
        String source = activeSource();
        AwsJsonClient partner = new AwsJsonClient(software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
                software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create(EXAMPLE_KEY, EXAMPLE_SECRET)), DynamoDbEngine.REGION,
                fixture.endpoint(), "events", "1.1");
        AwsJsonClient.Answer nullResource = partner.call("AWSEvents.PutPartnerEvents", ("{\"Entries\":[{\"Source\":\"" + source
                + "\",\"DetailType\":\"t\",\"Detail\":\"{}\",\"Resources\":[null]}]}").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertEquals(200, nullResource.status(), nullResource.body().toString());
        JsonNode result = nullResource.body().field("Entries").orElseThrow().asArray().get(0);
        assertEquals("InvalidArgument", result.field("ErrorCode").orElseThrow().asString());
        assertEquals("Parameter Resources is not valid. Reason: Resources must not contain null.",
                result.field("ErrorMessage").orElseThrow().asString());

        java.io.ByteArrayOutputStream notUtf8 = new java.io.ByteArrayOutputStream();
        notUtf8.writeBytes(("{\"Entries\":[{\"Source\":\"" + source + "\",\"DetailType\":\"t\",\"Detail\":\"{\\\"a\\\":\\\"")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        notUtf8.write(0xff);
        notUtf8.write(0xfe);
        notUtf8.writeBytes("\\\"}\"}]}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        AwsJsonClient.Answer rawBytes = partner.call("AWSEvents.PutPartnerEvents", notUtf8.toByteArray());
        assertEquals(400, rawBytes.status());
        assertEquals("SerializationException", rawBytes.errorType());
    }

    @Test
    void aForgedEventIdOrAnotherPartnersSourceArnIsRefusedAndTheDeliveredEventCarriesOnlyItsOwnId() throws Exception {
        String source = activeSource();
        String othersArn = "arn:aws:events:us-east-1::event-source/aws.partner/other.example/orders/theirs";
        PutPartnerEventsResponse response;
        try (EventBridgeClient partner = fixture.client(EXAMPLE_KEY, EXAMPLE_SECRET)) {
            response = partner.putPartnerEvents(r -> r.entries(
                    e -> e.source(source).detailType("t").detail("{}").resources("partner-registry:event-id/forged"),
                    e -> e.source(source).detailType("t").detail("{}").resources(othersArn),
                    e -> e.source(source).detailType("t").detail("{}").resources("arn:aws:shop:::order/42")));
        }
        for (int i = 0; i < 2; i++) {
            assertEquals("InvalidArgument", response.entries().get(i).errorCode());
            assertEquals("Parameter Resources is not valid. Reason: resources starting with partner-registry: and event source ARNs "
                    + "are set by the registry.", response.entries().get(i).errorMessage());
        }
        String eventId = response.entries().get(2).eventId();
        drain();
        List<JsonNode> delivered = receiveAll();
        assertEquals(1, delivered.size());
        assertEquals(List.of("arn:aws:events:us-east-1::event-source/" + source, "partner-registry:event-id/" + eventId,
                "arn:aws:shop:::order/42"), delivered.get(0).field("resources").orElseThrow().asArray().stream().map(JsonNode::asString).toList());
    }

    @Test
    void anEventQueuedWithAForgedResourceBeforeTheCheckIsDeliveredWithoutIt() throws Exception {
        String source = activeSource();
        QueuedEvent queued = new QueuedEvent(UUID.randomUUID().toString(), source, "example.com", ACCOUNT, busArn, java.time.Instant.now(),
                "t", "{}", List.of("partner-registry:event-id/forged", "arn:aws:shop:::order/42"));
        call("SendMessage", w -> w.writeFieldName("QueueUrl").writeValue(delivery.queueUrl())
                .writeFieldName("MessageBody").writeValue(QueuedEventJson.write(queued)));
        drain();
        List<JsonNode> delivered = receiveAll();
        assertEquals(1, delivered.size());
        assertEquals(List.of("arn:aws:events:us-east-1::event-source/" + source, "partner-registry:event-id/" + queued.eventId(),
                "arn:aws:shop:::order/42"), delivered.get(0).field("resources").orElseThrow().asArray().stream().map(JsonNode::asString).toList());
    }

    @Test
    void tenAcceptedEventsOfAHundredKilobytesToOneBusAreAllDeliveredInCallsPutEventsTakes() throws Exception {
        String source = activeSource();
        eventBridge.enforcePutEventsCallLimit();
        int before = eventBridge.received("PutEvents").size();
        int refusedBefore = eventBridge.callsRefused();
        String detail = "{\"blob\":\"" + "x".repeat(100 * 1024) + "\"}";
        Set<String> accepted = new HashSet<>();
        try (EventBridgeClient partner = fixture.client(EXAMPLE_KEY, EXAMPLE_SECRET)) {
            for (int call = 0; call < 5; call++) {
                PutPartnerEventsResponse response = partner.putPartnerEvents(r -> r.entries(
                        e -> e.source(source).detailType("Big").detail(detail), e -> e.source(source).detailType("Big").detail(detail)));
                assertEquals(0, response.failedEntryCount());
                response.entries().forEach(entry -> accepted.add(entry.eventId()));
            }
        }
        drain();

        assertEquals(refusedBefore, eventBridge.callsRefused(), "no PutEvents over 256 KB was made");
        List<String> calls = eventBridge.received("PutEvents").subList(before, eventBridge.received("PutEvents").size());
        assertTrue(calls.stream().allMatch(body -> JsonNode.parser().parse(body).field("Entries").orElseThrow().asArray().size() <= 2), 
                "two 100 KB events per call at most");
        Set<String> delivered = new HashSet<>();
        for (JsonNode event : receiveAll()) {
            delivered.add(event.field("resources").orElseThrow().asArray().get(1).asString().substring("partner-registry:event-id/".length()));
        }
        assertEquals(accepted, delivered);
        assertEquals(0, dlqDepth());
    }

    /**
     * An event PutEvents can never take (over 256 KB once sent, queued before PutPartnerEvents checked sizes)
     * among nine good ones in one forwarder batch: the nine are delivered, once; only it fails, and it is
     * dead-lettered at once with PutEvents' refusal, its refusal costing no other event.
     */
    @Test
    void aBatchMixingOneUndeliverableEventWithNineGoodOnesDeliversTheNineOnceAndDeadLettersOnlyTheOneOnce() throws Exception {
        String source = activeSource();
        eventBridge.enforcePutEventsCallLimit();
        int refusedBefore = eventBridge.callsRefused();
        List<SQSEvent.SQSMessage> messages = new ArrayList<>();
        Set<String> good = new HashSet<>();
        String[] undeliverable = new String[1];
        for (int i = 0; i < 10; i++) {
            String detail = i == 4 ? "{\"blob\":\"" + "x".repeat(262_100) + "\"}" : "{\"orderId\":" + i + "}";
            QueuedEvent event = new QueuedEvent(UUID.randomUUID().toString(), source, "example.com", ACCOUNT, busArn,
                    java.time.Instant.now(), "t", detail, List.of());
            if (i != 4) {
                good.add(event.eventId());
            } else {
                undeliverable[0] = event.eventId();
            }
            SQSEvent.SQSMessage message = new SQSEvent.SQSMessage();
            message.setMessageId("m" + i);
            message.setBody(QueuedEventJson.write(event));
            messages.add(message);
        }
        SQSEvent batch = new SQSEvent();
        batch.setRecords(messages);

        SQSBatchResponse response = forwarder.handleRequest(batch, null);

        assertEquals(List.of(), response.getBatchItemFailures(), "nothing is received again");
        assertEquals(refusedBefore + 1, eventBridge.callsRefused(), "only the call holding the undeliverable event was refused");
        List<DeadLetter> letters = takeDeadLetters();
        assertEquals(List.of(undeliverable[0]), letters.stream().map(letter -> letter.event().eventId()).toList(), "dead-lettered once");
        assertEquals("ValidationException", letters.get(0).errorCode());
        assertEquals("Total size of the entries in the request is over the limit.", letters.get(0).errorMessage());
        assertEquals(busArn, letters.get(0).event().deliverTo());
        List<String> delivered = new ArrayList<>();
        for (JsonNode event : receiveAll()) {
            delivered.add(event.field("resources").orElseThrow().asArray().get(1).asString().substring("partner-registry:event-id/".length()));
        }
        assertEquals(good, new HashSet<>(delivered));
        assertEquals(9, delivered.size(), "each good event once");
    }

    @Test
    void aMessageThatIsNoEventIsDeadLetteredOnItsFirstReceiveAsItCame() throws Exception {
        call("SendMessage", w -> w.writeFieldName("QueueUrl").writeValue(delivery.queueUrl()).writeFieldName("MessageBody").writeValue("not an event"));

        assertEquals(1, delivery.pollOnce(forwarder, 0));

        List<DeadLetter> letters = takeDeadLetters();
        assertEquals(1, letters.size());
        assertEquals(DeadLetter.NOT_A_QUEUED_EVENT, letters.get(0).errorCode());
        assertEquals("not an event", letters.get(0).body());
    }

    @Test
    void anEventForABusThatDoesNotExistIsDeadLetteredAtOnceWithTheBussAnswerAndTheRedriveDeliversItOnceTheBusExists() throws Exception {
        String busName = "later-" + UUID.randomUUID().toString().substring(0, 8);
        String laterBus = busArn.substring(0, busArn.lastIndexOf('/') + 1) + busName;
        String source = activeSource(laterBus);
        String eventId = put(source, 1).entries().get(0).eventId();

        drain();
        List<DeadLetter> letters = deadLettersLeftInPlace();
        assertEquals(1, letters.size(), "dead-lettered at once, once");
        assertEquals(eventId, letters.get(0).event().eventId());
        assertEquals("ResourceNotFoundException", letters.get(0).errorCode());
        assertEquals("Event bus " + busName + " does not exist.", letters.get(0).errorMessage(), "moto's words, passed on as they came");
        assertEquals(1, letters.get(0).receiveCount(), "on its first receive, not its fifth");

        // The customer creates the bus; the operator redrives.
        customerEvents.createEventBus(r -> r.name(busName));
        customerEvents.putRule(r -> r.name("from-partners").eventBusName(busName).eventPattern("{\"source\":[{\"prefix\":\"partner-registry.\"}]}"));
        customerEvents.putTargets(r -> r.rule("from-partners").eventBusName(busName).targets(t -> t.id("queue").arn(targetQueueArn)));
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        int exit = AdminCommand.run(new String[] {"redrive-dead-letters", "--error-code", "ResourceNotFoundException"}, java.util.Map.of(
                        "TABLE_NAME", "unused", "AWS_REGION", DynamoDbEngine.REGION, "DYNAMODB_ENDPOINT", engine.toString(),
                        "EVENT_QUEUE_URL", delivery.queueUrl(), "DEAD_LETTER_QUEUE_URL", delivery.deadLetterQueueUrl()),
                new PrintStream(out, true), System.err);

        assertEquals(0, exit, out.toString());
        assertEquals("{\"Redriven\": 1, \"Left\": 0, \"ByErrorCode\": {\"ResourceNotFoundException\": 1}}", out.toString().trim());
        drain();
        List<JsonNode> delivered = receiveAll();
        assertEquals(1, delivered.size());
        assertEquals("partner-registry:event-id/" + eventId, delivered.get(0).field("resources").orElseThrow().asArray().get(1).asString());
        assertEquals(0, dlqDepth());
    }

    @Test
    void anEventStillFailingRetryablyOnItsFifthReceiveIsDeadLetteredByTheForwarderWithItsLastReason() throws Exception {
        String source = activeSource();
        String eventId = put(source, 1).entries().get(0).eventId();
        eventBridge.inject(new FaultInjectingProxy.Fault("PutEvents", 500, "{\"__type\":\"InternalException\",\"message\":\"down\"}"));

        drain();

        List<DeadLetter> letters = takeDeadLetters();
        assertEquals(1, letters.size());
        assertEquals(eventId, letters.get(0).event().eventId());
        assertEquals("InternalFailure", letters.get(0).errorCode());
        assertEquals("PutEvents answered 500 InternalException: down", letters.get(0).errorMessage());
        assertEquals(EventForwarderHandler.MAX_RECEIVES, letters.get(0).receiveCount());
    }

    /** Polls the delivery queue until it has looked empty for longer than a hidden message stays hidden. */
    private static void drain() throws InterruptedException {
        for (int empty = 0; empty < 2 * VISIBILITY_SECONDS + 2; ) {
            if (delivery.pollOnce(forwarder, 0) == 0) {
                empty++;
                Thread.sleep(500);
            } else {
                empty = 0;
            }
        }
    }

    private static List<JsonNode> receiveAll() {
        List<JsonNode> events = new ArrayList<>();
        while (true) {
            JsonNode answer = call("ReceiveMessage", w -> w.writeFieldName("QueueUrl").writeValue(targetQueue)
                    .writeFieldName("MaxNumberOfMessages").writeValue(10).writeFieldName("WaitTimeSeconds").writeValue(1));
            List<JsonNode> messages = answer.field("Messages").map(JsonNode::asArray).orElse(List.of());
            if (messages.isEmpty()) {
                return events;
            }
            for (JsonNode message : messages) {
                events.add(JsonNode.parser().parse(message.field("Body").orElseThrow().asString()));
                call("DeleteMessage", w -> w.writeFieldName("QueueUrl").writeValue(targetQueue)
                        .writeFieldName("ReceiptHandle").writeValue(message.field("ReceiptHandle").orElseThrow().asString()));
            }
        }
    }

    private static int dlqDepth() {
        return Integer.parseInt(call("GetQueueAttributes", w -> w.writeFieldName("QueueUrl").writeValue(delivery.deadLetterQueueUrl())
                .writeFieldName("AttributeNames").writeStartArray().writeValue("ApproximateNumberOfMessages").writeEndArray())
                .field("Attributes").orElseThrow().field("ApproximateNumberOfMessages").orElseThrow().asString());
    }

    private static JsonNode call(String action, SqsQueue.Members members) {
        return SqsQueue.call(sqs, action, members);
    }

    /** Every letter on the dead-letter queue, read and left there. */
    private static List<DeadLetter> deadLettersLeftInPlace() {
        SqsQueue deadLetters = new SqsQueue(sqs, delivery.deadLetterQueueUrl());
        List<SqsQueue.Received> seen = new ArrayList<>();
        for (List<SqsQueue.Received> batch = deadLetters.receive(30, 0); !batch.isEmpty(); batch = deadLetters.receive(30, 0)) {
            seen.addAll(batch);
        }
        deadLetters.release(seen.stream().map(SqsQueue.Received::receiptHandle).toList());
        return seen.stream().map(message -> DeadLetterJson.read(message.body())).toList();
    }

    /** Takes every letter off the dead-letter queue: what the forwarder gave up on since the last look. */
    private static List<DeadLetter> takeDeadLetters() {
        SqsQueue deadLetters = new SqsQueue(sqs, delivery.deadLetterQueueUrl());
        List<DeadLetter> letters = new ArrayList<>();
        for (List<SqsQueue.Received> batch = deadLetters.receive(30, 0); !batch.isEmpty(); batch = deadLetters.receive(30, 0)) {
            batch.forEach(message -> letters.add(DeadLetterJson.read(message.body())));
            deadLetters.delete(batch.stream().map(SqsQueue.Received::receiptHandle).toList());
        }
        return letters;
    }
}
