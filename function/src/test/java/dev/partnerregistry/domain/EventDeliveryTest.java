package dev.partnerregistry.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;

/**
 * Delivery into customers' buses over a scripted bus writer (our port, not EventBridge): ten per
 * PutEvents, grouped by bus; only the entries that failed with a retryable code are sent again,
 * with backoff; what still fails is handed back, and nothing delivered is sent twice.
 */
class EventDeliveryTest {

    private final List<List<String>> calls = new ArrayList<>();
    private final List<Long> sleeps = new ArrayList<>();

    private EventDelivery delivery(BiFunction<Integer, QueuedEvent, String> outcome) {
        return new EventDelivery((bus, events) -> {
            calls.add(events.stream().map(e -> bus.substring(bus.lastIndexOf('/') + 1) + ":" + e.eventId()).toList());
            List<String> results = new ArrayList<>();
            for (QueuedEvent event : events) {
                results.add(outcome.apply(calls.size(), event));
            }
            return results;
        }, sleeps::add);
    }

    private static List<QueuedEvent> events(String bus, int count) {
        List<QueuedEvent> events = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            events.add(new QueuedEvent(bus + "-" + i, "aws.partner/p/s", "p", "123456789012",
                    "arn:aws:events:us-east-1:123456789012:event-bus/" + bus, Instant.EPOCH, "t", "{}", List.of()));
        }
        return events;
    }

    @Test
    void twentyEventsToOneBusAreTwoPutEventsOfTen() {
        EventDelivery.Report report = delivery((call, event) -> null).deliver(events("orders", 20));

        assertEquals(List.of(10, 10), calls.stream().map(List::size).toList());
        assertEquals(20, report.delivered().size());
        assertEquals(List.of(), report.failed());
    }

    @Test
    void eventsForDifferentBusesNeverShareACall() {
        List<QueuedEvent> mixed = new ArrayList<>(events("a", 3));
        mixed.addAll(events("b", 2));

        delivery((call, event) -> null).deliver(mixed);

        assertEquals(List.of(List.of("a:a-0", "a:a-1", "a:a-2"), List.of("b:b-0", "b:b-1")), calls);
    }

    @Test
    void onlyTheEntriesThatFailedRetryablyAreSentAgainWithBackoff() {
        EventDelivery.Report report = delivery((call, event) -> call == 1 && event.eventId().endsWith("-1") ? "ThrottlingException" : null)
                .deliver(events("orders", 3));

        assertEquals(List.of(List.of("orders:orders-0", "orders:orders-1", "orders:orders-2"), List.of("orders:orders-1")), calls);
        assertEquals(3, report.delivered().size());
        assertEquals(List.of(100L), sleeps);
    }

    @Test
    void anEntryStillFailingAfterTheLastAttemptIsHandedBackForTheQueueToRedeliver() {
        EventDelivery.Report report = delivery((call, event) -> event.eventId().endsWith("-0") ? "InternalFailure" : null)
                .deliver(events("orders", 2));

        assertEquals(3, calls.size(), "three attempts for the failing one");
        assertEquals(List.of("orders-0"), report.failed().stream().map(QueuedEvent::eventId).toList());
        assertEquals(Map.of("InternalFailure", 1), report.failureCodes());
        assertEquals(List.of(100L, 400L), sleeps);
    }

    @Test
    void aNonRetryableFailureIsNotSentAgainButHandedBack() {
        EventDelivery.Report report = delivery((call, event) -> "AccessDeniedException").deliver(events("orders", 1));

        assertEquals(1, calls.size());
        assertEquals(1, report.failed().size());
        assertEquals(Map.of("AccessDeniedException", 1), report.failureCodes());
    }
}
