package dev.partnerregistry.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
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
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.protocols.jsoncore.JsonNode;

/**
 * The forwarder's contract with its SQS event source mapping: the messages whose events were not
 * delivered, and those that are no event at all, come back as batch item failures, so that only
 * they are received again; its line is an EMF document of delivered, failed and lag.
 */
class EventForwarderHandlerTest {

    private static final Instant NOW = Instant.parse("2026-11-27T10:00:00Z");

    private static SQSEvent.SQSMessage message(String id, String body) {
        SQSEvent.SQSMessage message = new SQSEvent.SQSMessage();
        message.setMessageId(id);
        message.setBody(body);
        return message;
    }

    private static String event(String eventId) {
        return QueuedEventJson.write(new QueuedEvent(eventId, "aws.partner/p/s", "p", "123456789012",
                "arn:aws:events:us-east-1:123456789012:event-bus/orders", NOW.minusMillis(1500), "t", "{}", List.of()));
    }

    @Test
    void onlyUndeliveredEventsAndNonEventsAreReportedAsFailures() {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        List<String> attempted = new ArrayList<>();
        EventForwarderHandler forwarder = new EventForwarderHandler(new EventDelivery((bus, events) -> {
            List<String> results = new ArrayList<>();
            for (QueuedEvent e : events) {
                attempted.add(e.eventId());
                results.add(e.eventId().equals("bad") ? "AccessDeniedException" : null);
            }
            return results;
        }, millis -> { }), "PartnerRegistry", Clock.fixed(NOW, ZoneOffset.UTC), new PrintStream(log, true, StandardCharsets.UTF_8));
        SQSEvent batch = new SQSEvent();
        batch.setRecords(List.of(message("m1", event("good")), message("m2", event("bad")), message("m3", "not an event")));

        SQSBatchResponse response = forwarder.handleRequest(batch, null);

        assertEquals(List.of("m3", "m2"), response.getBatchItemFailures().stream().map(SQSBatchResponse.BatchItemFailure::getItemIdentifier).toList());
        assertEquals(List.of("good", "bad"), attempted, "a poison message is never sent");
        JsonNode line = JsonNode.parser().parse(log.toString(StandardCharsets.UTF_8).trim());
        assertEquals("1", line.field("EventsDelivered").orElseThrow().asNumber());
        assertEquals("2", line.field("EventsDeliveryFailed").orElseThrow().asNumber());
        assertEquals("1500", line.field("DeliveryLag").orElseThrow().asNumber());
        assertTrue(line.field("_aws").isPresent(), "an EMF document");
    }
}
