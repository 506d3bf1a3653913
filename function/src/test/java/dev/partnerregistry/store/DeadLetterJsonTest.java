package dev.partnerregistry.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.partnerregistry.domain.DeadLetter;
import dev.partnerregistry.domain.EventBusWriter;
import dev.partnerregistry.domain.QueuedEvent;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.protocols.jsoncore.JsonNode;

/** The dead-letter queue's one message format: what the forwarder writes, the operator's commands read back. */
class DeadLetterJsonTest {

    private static final Instant AT = Instant.parse("2026-12-04T17:00:00.123Z");
    private static final QueuedEvent EVENT = new QueuedEvent("0b9c1f6e-1111-2222-3333-444455556666", "aws.partner/example.com/orders/s",
            "example.com", "123456789012", "arn:aws:events:us-east-1:123456789012:event-bus/orders", Instant.parse("2026-12-04T16:59:59Z"),
            "Order Placed", "{\"orderId\":42}", List.of("arn:aws:shop:::order/42"));

    @Test
    void aLetterNamesTheEventItsBusTheCodeAndTheMessageAtTheTopAndHoldsTheWholeEvent() {
        String body = DeadLetterJson.write(DeadLetter.of(EVENT, new EventBusWriter.Failure("MalformedDetail", "Detail is malformed."), 1, AT));

        JsonNode json = JsonNode.parser().parse(body);
        assertEquals("0b9c1f6e-1111-2222-3333-444455556666", json.field("eventId").orElseThrow().asString());
        assertEquals("arn:aws:events:us-east-1:123456789012:event-bus/orders", json.field("eventBusArn").orElseThrow().asString());
        assertEquals("MalformedDetail", json.field("errorCode").orElseThrow().asString());
        assertEquals("Detail is malformed.", json.field("errorMessage").orElseThrow().asString());
        assertEquals("1", json.field("receiveCount").orElseThrow().asNumber());
        assertEquals("2026-12-04T17:00:00.123Z", json.field("deadLetteredAt").orElseThrow().asString());
        assertEquals("{\"orderId\":42}", json.field("event").orElseThrow().field("detail").orElseThrow().asString());
    }

    @Test
    void whatIsWrittenReadsBackAsTheSameLetter() {
        DeadLetter letter = DeadLetter.of(EVENT, new EventBusWriter.Failure("ThrottlingException", "Rate exceeded"), 5, AT);

        assertEquals(letter, DeadLetterJson.read(DeadLetterJson.write(letter)));
    }

    @Test
    void aMessageThatWasNoEventReadsBackWithItsBody() {
        DeadLetter letter = DeadLetter.notAnEvent("not an event", "The message is not a queued partner event.", 1, AT);

        assertEquals(letter, DeadLetterJson.read(DeadLetterJson.write(letter)));
    }

    @Test
    void aQueuedEventTheQueuesRedrivePolicyMovedIsAnEventWithoutAKnownReason() {
        DeadLetter letter = DeadLetterJson.read(QueuedEventJson.write(EVENT));

        assertEquals(EVENT, letter.event());
        assertEquals(DeadLetterJson.MOVED_BY_THE_QUEUE, letter.errorCode());
        assertNull(letter.deadLetteredAt());
    }

    @Test
    void anythingElseIsKeptAsItCameAndIsNotAnEvent() {
        for (String body : List.of("", "[1]", "{\"errorCode\":1}", "{\"event\":{}, \"errorCode\":\"X\"}", "\u0000")) {
            DeadLetter letter = DeadLetterJson.read(body);
            assertEquals(DeadLetter.NOT_A_QUEUED_EVENT, letter.errorCode(), body);
            assertEquals(body, letter.body());
        }
    }
}
