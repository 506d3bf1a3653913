package dev.partnerregistry.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;

/**
 * Delivery into customers' buses over a scripted bus writer (our port, not EventBridge): ten per
 * PutEvents, grouped by bus; only the entries that failed with a retryable code are sent again,
 * with jittered backoff; what still fails is reported with its reason and whether it is retryable,
 * and nothing delivered is sent twice.
 */
class EventDeliveryTest {

    private final List<List<String>> calls = new ArrayList<>();
    private final List<Long> sleeps = new ArrayList<>();

    /** A delivery whose bus answers each entry with {@code outcome}'s code (null: delivered), waiting without jitter. */
    private EventDelivery delivery(BiFunction<Integer, QueuedEvent, String> outcome) {
        return new EventDelivery((bus, events) -> {
            calls.add(events.stream().map(e -> bus.substring(bus.lastIndexOf('/') + 1) + ":" + e.eventId()).toList());
            List<EventBusWriter.Failure> results = new ArrayList<>();
            for (QueuedEvent event : events) {
                String code = outcome.apply(calls.size(), event);
                results.add(code == null ? null : new EventBusWriter.Failure(code, "the bus said " + code));
            }
            return results;
        }, sleeps::add, bound -> bound);
    }

    private static List<String> failedIds(EventDelivery.Report report) {
        return report.failed().stream().map(f -> f.event().eventId()).toList();
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
        assertEquals(List.of("orders-0"), failedIds(report));
        assertEquals(new EventBusWriter.Failure("InternalFailure", "the bus said InternalFailure"), report.failed().get(0).failure());
        assertTrue(report.failed().get(0).retryable(), "the queue may deliver it again");
        assertEquals(List.of(100L, 400L), sleeps);
    }

    @Test
    void aNonRetryableFailureIsNotSentAgainAndIsReportedAsNotRetryableWithItsReason() {
        EventDelivery.Report report = delivery((call, event) -> "MalformedDetail").deliver(events("orders", 1));

        assertEquals(1, calls.size());
        assertEquals(1, report.failed().size());
        assertEquals(new EventBusWriter.Failure("MalformedDetail", "the bus said MalformedDetail"), report.failed().get(0).failure());
        assertFalse(report.failed().get(0).retryable(), "dead-lettered at once, not received five times");
        assertEquals(Map.of("MalformedDetail", 1), report.failureCodes());
    }

    @Test
    void onlyPutEventsDocumentedRetryableCodesAreRetryable() {
        assertTrue(EventDelivery.retryable("InternalFailure"));
        assertTrue(EventDelivery.retryable("ThrottlingException"));
        for (String code : List.of("AccessDeniedException", "InvalidAccountIdException", "InvalidArgument", "MalformedDetail",
                "RedactionFailure", "NotAuthorizedForSourceException", "NotAuthorizedForDetailTypeException", "SomethingNew")) {
            assertFalse(EventDelivery.retryable(code), code);
        }
    }

    @Test
    void aBusThatDoesNotExistFailsTheWholeCallAtOnceWithoutHalvingIt() {
        List<QueuedEvent> batch = events("gone", 10);
        EventDelivery.Report report = new EventDelivery((bus, events) -> {
            calls.add(events.stream().map(QueuedEvent::eventId).toList());
            throw new EventBusWriter.CallRefused("ResourceNotFoundException", "Event bus gone does not exist.");
        }, sleeps::add, bound -> bound).deliver(batch);

        assertEquals(1, calls.size(), "one call: the bus, not an entry, is at fault");
        assertEquals(10, report.failed().size());
        report.failed().forEach(f -> {
            assertEquals(new EventBusWriter.Failure("ResourceNotFoundException", "Event bus gone does not exist."), f.failure());
            assertFalse(f.retryable());
        });
    }

    @Test
    void aThrottledBusNeverDelaysAnotherBussFirstAttemptAndTheBatchWaitsOnceARound() {
        List<QueuedEvent> mixed = new ArrayList<>(events("a", 1));
        mixed.addAll(events("b", 1));
        mixed.addAll(events("c", 1));

        EventDelivery.Report report = delivery((call, event) -> event.eventId().startsWith("b") ? null : "ThrottlingException").deliver(mixed);

        assertEquals(List.of(List.of("a:a-0"), List.of("b:b-0"), List.of("c:c-0"), List.of("a:a-0"), List.of("c:c-0"),
                List.of("a:a-0"), List.of("c:c-0")), calls, "b is sent before any wait; a and c retry in the same rounds");
        assertEquals(List.of(100L, 400L), sleeps, "one wait a round, not one a bus");
        assertEquals(List.of("a-0", "c-0"), failedIds(report));
    }

    @Test
    void onceOutOfTimeNoCallIsMadeAndWhatIsLeftIsRetryable() {
        List<QueuedEvent> mixed = new ArrayList<>(events("a", 1));
        mixed.addAll(events("b", 1));
        int[] checks = {0};

        EventDelivery.Report report = delivery((call, event) -> null).deliver(mixed, () -> checks[0]++ >= 1);

        assertEquals(List.of(List.of("a:a-0")), calls, "the first call went out; the second would have outlasted the invocation");
        assertEquals(List.of("b-0"), failedIds(report));
        assertEquals(EventDelivery.OUT_OF_TIME, report.failed().get(0).failure());
        assertTrue(report.failed().get(0).retryable());
    }

    @Test
    void aWholeCallAccessDeniedIsHalvedLikeAnyRefusalForAPolicyAdmitsPartnersOneByOne() {
        List<QueuedEvent> batch = events("orders", 2);
        QueuedEvent refused = batch.get(1);
        EventDelivery.Report report = new EventDelivery((bus, events) -> {
            calls.add(events.stream().map(QueuedEvent::eventId).toList());
            if (events.contains(refused)) {
                throw new EventBusWriter.CallRefused("AccessDeniedException", "not authorized");
            }
            return java.util.Collections.<EventBusWriter.Failure>nCopies(events.size(), null);
        }, sleeps::add, bound -> bound).deliver(batch);

        assertEquals(List.of(2, 1, 1), calls.stream().map(List::size).toList());
        assertEquals(List.of(refused.eventId()), failedIds(report));
    }

    @Test
    void retriesWaitAJitteredShareOfTheExponentialBound() {
        List<Long> bounds = new ArrayList<>();
        new EventDelivery((bus, events) -> java.util.Collections.nCopies(events.size(), EventBusWriter.Failure.internal("down")),
                sleeps::add, bound -> {
                    bounds.add(bound);
                    return bound / 2;
                }).deliver(events("orders", 1));

        assertEquals(List.of(100L, 400L), bounds);
        assertEquals(List.of(50L, 200L), sleeps);
    }

    private static QueuedEvent sized(String id, int detailBytes) {
        return new QueuedEvent(id, "aws.partner/p/s", "p", "123456789012", "arn:aws:events:us-east-1:123456789012:event-bus/orders",
                Instant.EPOCH, "t", "{\"x\":\"" + "a".repeat(detailBytes - 8) + "\"}", List.of());
    }

    @Test
    void tenEventsOfAHundredKilobytesToOneBusAreFiveCallsOfTwoEachUnderPutEventsLimit() {
        List<QueuedEvent> large = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            large.add(sized("big-" + i, 100 * 1024));
        }
        List<Long> callSizes = new ArrayList<>();
        EventDelivery.Report report = new EventDelivery((bus, events) -> {
            calls.add(events.stream().map(QueuedEvent::eventId).toList());
            callSizes.add(events.stream().mapToLong(QueuedEvent::putEventsSize).sum());
            return java.util.Collections.<EventBusWriter.Failure>nCopies(events.size(), null);
        }, sleeps::add).deliver(large);

        assertEquals(List.of(2, 2, 2, 2, 2), calls.stream().map(List::size).toList());
        callSizes.forEach(size -> org.junit.jupiter.api.Assertions.assertTrue(size <= 262_144, "a call of " + size + " bytes"));
        assertEquals(10, report.delivered().size());
    }

    @Test
    void theSizeOfAnEventIsItsPutEventsEntryAsAwsCountsIt() {
        QueuedEvent event = sized("id", 100);
        assertEquals(14 + "partner-registry.p".length() + "t".length() + 100
                + "arn:aws:events:us-east-1::event-source/aws.partner/p/s".length() + "partner-registry:event-id/".length() + 36,
                event.putEventsSize());
    }

    @Test
    void aCallRefusedAsAWholeIsHalvedUntilTheEntryAtFaultIsAloneAndOnlyItFails() {
        List<QueuedEvent> batch = events("orders", 10);
        QueuedEvent poison = batch.get(6);
        EventDelivery.Report report = new EventDelivery((bus, events) -> {
            calls.add(events.stream().map(QueuedEvent::eventId).toList());
            if (events.contains(poison)) {
                throw new EventBusWriter.CallRefused("ValidationException", "Total size of the entries in the request is over the limit.");
            }
            return java.util.Collections.<EventBusWriter.Failure>nCopies(events.size(), null);
        }, sleeps::add).deliver(batch);

        assertEquals(List.of(poison.eventId()), failedIds(report));
        assertFalse(report.failed().get(0).retryable());
        assertEquals(Map.of("ValidationException", 1), report.failureCodes());
        assertEquals(9, report.delivered().size());
        assertEquals(9, new java.util.HashSet<>(report.delivered()).size(), "each good event delivered once");
        // Depth first: 0-9 refused; 0-4 delivered; 5-9 refused; 5-6 refused; 5 delivered; 6 refused alone; 7-9 delivered.
        assertEquals(List.of(10, 5, 5, 2, 1, 1, 3), calls.stream().map(List::size).toList());
        assertEquals(List.of(), sleeps, "a refusal is not waited on: it is not retried");
    }
}
