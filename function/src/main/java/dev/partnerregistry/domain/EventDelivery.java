package dev.partnerregistry.domain;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongConsumer;

/**
 * Delivers queued events into their customers' own buses, at least once: grouped by bus, at most ten
 * and 256 KB per PutEvents (its limits, {@link #batches}), a call refused as a whole halved until the
 * entry at fault is alone, and only the entries that failed with a retryable code ({@value #RETRYABLE})
 * sent again, with backoff, up to {@value #ATTEMPTS} attempts. What still fails is handed back, so
 * that the queue delivers it again and, after as many receives as its redrive policy allows, moves
 * it to the dead-letter queue. Nothing delivered is sent again by this run.
 */
public final class EventDelivery {

    public static final int PUT_EVENTS_BATCH = 10;
    static final int ATTEMPTS = 3;
    static final String RETRYABLE = "InternalFailure, ThrottlingException";
    private static final Set<String> RETRYABLE_CODES = Set.of("InternalFailure", "ThrottlingException");
    static final Duration FIRST_BACKOFF = Duration.ofMillis(100);

    /** What one run did: the events delivered, and the ones that failed (to be received again). */
    public record Report(List<QueuedEvent> delivered, List<QueuedEvent> failed, Map<String, Integer> failureCodes) {
    }

    private final EventBusWriter writer;
    private final LongConsumer sleep;

    /** @param sleep waits the given milliseconds between attempts (tests pass one that does not wait) */
    public EventDelivery(EventBusWriter writer, LongConsumer sleep) {
        this.writer = writer;
        this.sleep = sleep;
    }

    public Report deliver(List<QueuedEvent> events) {
        Map<String, List<QueuedEvent>> byBus = new LinkedHashMap<>();
        events.forEach(event -> byBus.computeIfAbsent(event.deliverTo(), bus -> new ArrayList<>()).add(event));
        List<QueuedEvent> delivered = new ArrayList<>();
        List<QueuedEvent> failed = new ArrayList<>();
        Map<String, Integer> codes = new LinkedHashMap<>();
        byBus.forEach((bus, toBus) -> batches(toBus).forEach(batch -> deliverBatch(bus, batch, delivered, failed, codes)));
        return new Report(List.copyOf(delivered), List.copyOf(failed), Map.copyOf(codes));
    }

    /**
     * The events in order, cut into PutEvents calls of at most {@value #PUT_EVENTS_BATCH} entries and at
     * most {@link PartnerEvents#MAX_ENTRIES_BYTES} bytes as AWS counts them ({@link QueuedEvent#putEventsSize()}):
     * ten accepted 100 KB events are five calls, never one PutEvents refuses. An event larger than that on
     * its own (queued before PutPartnerEvents checked sizes) is a call of its own, which only it can fail.
     */
    static List<List<QueuedEvent>> batches(List<QueuedEvent> events) {
        List<List<QueuedEvent>> batches = new ArrayList<>();
        List<QueuedEvent> batch = new ArrayList<>();
        long bytes = 0;
        for (QueuedEvent event : events) {
            long size = event.putEventsSize();
            if (!batch.isEmpty() && (batch.size() == PUT_EVENTS_BATCH || bytes + size > PartnerEvents.MAX_ENTRIES_BYTES)) {
                batches.add(batch);
                batch = new ArrayList<>();
                bytes = 0;
            }
            batch.add(event);
            bytes += size;
        }
        if (!batch.isEmpty()) {
            batches.add(batch);
        }
        return batches;
    }

    private void deliverBatch(String bus, List<QueuedEvent> batch, List<QueuedEvent> delivered, List<QueuedEvent> failed,
                              Map<String, Integer> codes) {
        List<QueuedEvent> pending = batch;
        Map<QueuedEvent, String> lastCode = new LinkedHashMap<>();
        for (int attempt = 1; attempt <= ATTEMPTS && !pending.isEmpty(); attempt++) {
            if (attempt > 1) {
                sleep.accept(FIRST_BACKOFF.toMillis() << (2 * (attempt - 2)));
            }
            List<String> results;
            try {
                results = writer.put(bus, pending);
            } catch (EventBusWriter.CallRefused refused) {
                if (pending.size() > 1) {
                    // Bisected: each half is a call of its own (and is halved again if refused), so the good entries
                    // are delivered and only the one at fault fails, with the call's code: at most 2n - 1 calls.
                    lastCode.keySet().removeAll(pending);
                    int half = pending.size() / 2;
                    deliverBatch(bus, pending.subList(0, half), delivered, failed, codes);
                    deliverBatch(bus, pending.subList(half, pending.size()), delivered, failed, codes);
                    pending = List.of();
                    break;
                }
                results = List.of(refused.code());
            } catch (RuntimeException unreachable) {
                results = new ArrayList<>(java.util.Collections.nCopies(pending.size(), "InternalFailure"));
            }
            List<QueuedEvent> again = new ArrayList<>();
            for (int i = 0; i < pending.size(); i++) {
                String code = i < results.size() ? results.get(i) : "InternalFailure";
                if (code == null) {
                    delivered.add(pending.get(i));
                    lastCode.remove(pending.get(i));
                } else {
                    lastCode.put(pending.get(i), code);
                    if (RETRYABLE_CODES.contains(code)) {
                        again.add(pending.get(i));
                    }
                }
            }
            pending = again;
        }
        Set<QueuedEvent> counted = new HashSet<>();
        lastCode.forEach((event, code) -> {
            if (counted.add(event)) {
                failed.add(event);
                codes.merge(code, 1, Integer::sum);
            }
        });
    }

    /** The sleep of a running function. */
    public static LongConsumer realSleep() {
        return millis -> {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
    }
}
