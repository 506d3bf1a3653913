package dev.partnerregistry.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.partnerregistry.domain.DeadLetter;
import dev.partnerregistry.domain.DeadLetterQueue;
import dev.partnerregistry.domain.EventBusWriter;
import dev.partnerregistry.domain.EventDelivery;
import dev.partnerregistry.domain.QueuedEvent;
import dev.partnerregistry.store.QueuedEventJson;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.protocols.jsoncore.JsonNode;

/**
 * The forwarder's contract with its SQS event source mapping and its dead-letter queue: what can never be
 * delivered is dead-lettered at once with its reason; what failed retryably comes back as a batch item failure,
 * to be received again, until its last receive, when it is dead-lettered with its last reason; a letter the
 * dead-letter queue does not take comes back too. Its line is an EMF document.
 */
class EventForwarderHandlerTest {

    private static final Instant NOW = Instant.parse("2026-11-27T10:00:00Z");

    private final List<String> attempted = new ArrayList<>();
    private final List<DeadLetter> letters = new ArrayList<>();
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();
    private boolean deadLetterQueueTakes = true;

    private static SQSEvent.SQSMessage message(String id, String body, int receiveCount) {
        SQSEvent.SQSMessage message = new SQSEvent.SQSMessage();
        message.setMessageId(id);
        message.setBody(body);
        message.setAttributes(Map.of("ApproximateReceiveCount", Integer.toString(receiveCount)));
        return message;
    }

    private static String event(String eventId) {
        return QueuedEventJson.write(new QueuedEvent(eventId, "aws.partner/p/s", "p", "123456789012",
                "arn:aws:events:us-east-1:123456789012:event-bus/orders", NOW.minusMillis(1500), "t", "{}", List.of()));
    }

    /** The bus delivers "good*", refuses "malformed*" with MalformedDetail, throttles "throttled*". */
    private SQSBatchResponse forward(SQSEvent.SQSMessage... messages) {
        return forwardWithin(null, messages);
    }

    /** A Lambda context with this much time left (only what the forwarder asks of it). */
    private static com.amazonaws.services.lambda.runtime.Context remaining(int millis) {
        return (com.amazonaws.services.lambda.runtime.Context) java.lang.reflect.Proxy.newProxyInstance(
                EventForwarderHandlerTest.class.getClassLoader(), new Class<?>[] {com.amazonaws.services.lambda.runtime.Context.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("getRemainingTimeInMillis")) {
                        return millis;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }

    private SQSBatchResponse forwardWithin(com.amazonaws.services.lambda.runtime.Context context, SQSEvent.SQSMessage... messages) {
        EventBusWriter bus = (busArn, events) -> {
            List<EventBusWriter.Failure> results = new ArrayList<>();
            for (QueuedEvent e : events) {
                attempted.add(e.eventId());
                results.add(e.eventId().startsWith("malformed") ? new EventBusWriter.Failure("MalformedDetail", "Detail is malformed.")
                        : e.eventId().startsWith("throttled") ? new EventBusWriter.Failure("ThrottlingException", "Rate exceeded")
                        : null);
            }
            return results;
        };
        DeadLetterQueue deadLetters = sent -> {
            if (!deadLetterQueueTakes) {
                return Collections.nCopies(sent.size(), false);
            }
            letters.addAll(sent);
            return Collections.nCopies(sent.size(), true);
        };
        EventForwarderHandler forwarder = new EventForwarderHandler(new EventDelivery(bus, millis -> { }), deadLetters, "PartnerRegistry",
                Clock.fixed(NOW, ZoneOffset.UTC), new PrintStream(log, true, StandardCharsets.UTF_8));
        SQSEvent batch = new SQSEvent();
        batch.setRecords(List.of(messages));
        return forwarder.handleRequest(batch, context);
    }

    private static List<String> failures(SQSBatchResponse response) {
        return response.getBatchItemFailures().stream().map(SQSBatchResponse.BatchItemFailure::getItemIdentifier).toList();
    }

    private JsonNode line() {
        return JsonNode.parser().parse(log.toString(StandardCharsets.UTF_8).trim());
    }

    @Test
    void anEventTheBusRefusesNotRetryablyIsDeadLetteredAtOnceWithItsReasonAndNotReceivedAgain() {
        SQSBatchResponse response = forward(message("m1", event("good"), 1), message("m2", event("malformed"), 1));

        assertEquals(List.of(), failures(response), "nothing goes back to the queue");
        assertEquals(1, letters.size());
        DeadLetter letter = letters.get(0);
        assertEquals("malformed", letter.event().eventId());
        assertEquals("MalformedDetail", letter.errorCode());
        assertEquals("Detail is malformed.", letter.errorMessage());
        assertEquals(1, letter.receiveCount());
        assertEquals(NOW, letter.deadLetteredAt());
        assertEquals("1", line().field("EventsDelivered").orElseThrow().asNumber());
        assertEquals("1", line().field("EventsDeadLettered").orElseThrow().asNumber());
        assertEquals("0", line().field("EventsDeliveryFailed").orElseThrow().asNumber());
        assertEquals("1", line().field("failureCodes").orElseThrow().field("MalformedDetail").orElseThrow().asNumber());
        assertTrue(line().field("_aws").isPresent(), "an EMF document");
    }

    @Test
    void aRetryableFailureGoesBackToTheQueueBeforeItsLastReceive() {
        SQSBatchResponse response = forward(message("m1", event("throttled"), 4));

        assertEquals(List.of("m1"), failures(response));
        assertEquals(List.of(), letters);
    }

    @Test
    void aRetryableFailureOnItsLastReceiveIsDeadLetteredWithItsLastReason() {
        SQSBatchResponse response = forward(message("m1", event("throttled"), EventForwarderHandler.MAX_RECEIVES));

        assertEquals(List.of(), failures(response));
        assertEquals(List.of("ThrottlingException"), letters.stream().map(DeadLetter::errorCode).toList());
        assertEquals(EventForwarderHandler.MAX_RECEIVES, letters.get(0).receiveCount());
    }

    @Test
    void aMessageThatIsNoEventIsDeadLetteredAsItCameWithoutBeingSent() {
        SQSBatchResponse response = forward(message("m1", "not an event", 1), message("m2", event("good"), 1));

        assertEquals(List.of(), failures(response));
        assertEquals(List.of("good"), attempted, "a poison message is never sent");
        assertNull(letters.get(0).event());
        assertEquals("not an event", letters.get(0).body());
        assertEquals(DeadLetter.NOT_A_QUEUED_EVENT, letters.get(0).errorCode());
        assertEquals("1", line().field("failureCodes").orElseThrow().field(DeadLetter.NOT_A_QUEUED_EVENT).orElseThrow().asNumber());
    }

    @Test
    void aLetterTheDeadLetterQueueDoesNotTakeGoesBackToTheDeliveryQueueSoNothingIsLost() {
        deadLetterQueueTakes = false;

        SQSBatchResponse response = forward(message("m1", event("malformed"), 1), message("m2", "not an event", 1), message("m3", event("good"), 1));

        assertEquals(List.of("m2", "m1"), failures(response));
        assertEquals("2", line().field("EventsDeliveryFailed").orElseThrow().asNumber());
        assertEquals("0", line().field("EventsDeadLettered").orElseThrow().asNumber());
    }

    @Test
    void aDeadLetterMovedBackAsItIsIsDeliveredAsItsEvent() {
        QueuedEvent event = dev.partnerregistry.store.QueuedEventJson.read(event("good-again"));
        String letter = dev.partnerregistry.store.DeadLetterJson.write(DeadLetter.of(event,
                new EventBusWriter.Failure("ResourceNotFoundException", "Event bus orders does not exist."), 1, NOW));

        SQSBatchResponse response = forward(message("m1", letter, 1));

        assertEquals(List.of(), failures(response));
        assertEquals(List.of("good-again"), attempted);
        assertEquals(List.of(), letters);
    }

    @Test
    void withLessTimeLeftThanItsReserveNothingIsSentAndEveryEventGoesBackToTheQueue() {
        SQSBatchResponse response = forwardWithin(remaining((int) EventForwarderHandler.RESERVE.toMillis() - 1),
                message("m1", event("good"), 1), message("m2", event("good-too"), 1));

        assertEquals(List.of(), attempted, "no PutEvents that could outlast the invocation");
        assertEquals(List.of("m1", "m2"), failures(response));
        assertEquals(List.of(), letters);
    }

    @Test
    void withTimeLeftTheBatchIsSent() {
        SQSBatchResponse response = forwardWithin(remaining(30_000), message("m1", event("good"), 1));

        assertEquals(List.of("good"), attempted);
        assertEquals(List.of(), failures(response));
    }

    @Test
    void aDeadLetterQueueThatThrowsIsALetterNotTakenNotACrash() {
        EventForwarderHandler forwarder = new EventForwarderHandler(new EventDelivery((bus, events) ->
                Collections.nCopies(events.size(), new EventBusWriter.Failure("MalformedDetail", "Detail is malformed.")), millis -> { }),
                sent -> {
                    throw new IllegalStateException("no credentials");
                }, "PartnerRegistry", Clock.fixed(NOW, ZoneOffset.UTC), new PrintStream(log, true, StandardCharsets.UTF_8));
        SQSEvent batch = new SQSEvent();
        batch.setRecords(List.of(message("m1", event("malformed"), 1)));

        assertEquals(List.of("m1"), failures(forwarder.handleRequest(batch, null)));
    }

    @Test
    void aMessageWhoseBusIsNoEventBusArnIsNoEventAndCostsTheOthersNothing() {
        String noBus = event("bad-bus").replace("arn:aws:events:us-east-1:123456789012:event-bus/orders", "not-an-arn");

        SQSBatchResponse response = forward(message("m1", noBus, 1), message("m2", event("good"), 1));

        assertEquals(List.of(), failures(response));
        assertEquals(List.of("good"), attempted);
        assertEquals(List.of(DeadLetter.NOT_A_QUEUED_EVENT), letters.stream().map(DeadLetter::errorCode).toList());
    }

    @Test
    void aBareEventTheStrictReaderRefusesIsNotReadAgainLeniently() {
        String twice = event("dup").replace("\"account\":", "\"deliverTo\":\"arn:aws:events:us-east-1:123456789012:event-bus/x\",\"account\":");

        SQSBatchResponse response = forward(message("m1", twice, 1));

        assertEquals(List.of(), attempted);
        assertEquals(List.of(DeadLetter.NOT_A_QUEUED_EVENT), letters.stream().map(DeadLetter::errorCode).toList());
        assertEquals(List.of(), failures(response));
    }

    @Test
    void theLagIsFromTheEventsTimeToItsDelivery() {
        forward(message("m1", event("good"), 1));

        assertEquals("1500", line().field("DeliveryLag").orElseThrow().asNumber());
    }
}
