package dev.partnerregistry.domain;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.LongConsumer;
import java.util.function.LongUnaryOperator;

/**
 * Delivers queued events into their customers' own buses, at least once: grouped by bus, at most ten
 * and 256 KB per PutEvents (its limits, {@link #batches}), in rounds ({@link #deliver}), a call refused as a whole halved until the
 * entry at fault is alone (unless the refusal is the bus's own, {@link #BUS_WIDE}, which fails every
 * entry at once), and only the entries that failed with a retryable code ({@value #RETRYABLE}, as
 * PutEvents documents them) sent again, with backoff and jitter, up to {@value #ATTEMPTS} attempts. The
 * report says, for each event not delivered, why and whether sending it later may help: the forwarder
 * dead-letters the others at once. Nothing delivered is sent again by this run.
 */
public final class EventDelivery {

    public static final int PUT_EVENTS_BATCH = 10;
    static final int ATTEMPTS = 3;
    static final String RETRYABLE = "InternalFailure, ThrottlingException";
    private static final Set<String> RETRYABLE_CODES = Set.of("InternalFailure", "ThrottlingException");
    /**
     * Refusals of a whole call that say the bus itself cannot be written: halving the call would not help. Not
     * AccessDeniedException: a bus policy admits partners one by one, and a call may hold several partners' events.
     */
    static final Set<String> BUS_WIDE = Set.of("ResourceNotFoundException");
    static final Duration FIRST_BACKOFF = Duration.ofMillis(100);

    /** An event not delivered: the bus's answer for it, and whether sending it again later may succeed. */
    public record Failed(QueuedEvent event, EventBusWriter.Failure failure, boolean retryable) {
    }

    /** What one run did: the events delivered, and the ones that were not, each with its reason. */
    public record Report(List<QueuedEvent> delivered, List<Failed> failed) {

        /** How many events failed with each code. */
        public Map<String, Integer> failureCodes() {
            Map<String, Integer> codes = new LinkedHashMap<>();
            failed.forEach(f -> codes.merge(f.failure().code(), 1, Integer::sum));
            return codes;
        }
    }

    private final EventBusWriter writer;
    private final LongConsumer sleep;
    private final LongUnaryOperator jitter;

    /** @param sleep waits the given milliseconds between attempts (tests pass one that does not wait) */
    public EventDelivery(EventBusWriter writer, LongConsumer sleep) {
        this(writer, sleep, bound -> Jitter.between(bound / 2, bound + 1));
    }

    /** @param jitter the wait before a retry, given its exponential bound (tests pass the identity) */
    EventDelivery(EventBusWriter writer, LongConsumer sleep, LongUnaryOperator jitter) {
        this.writer = writer;
        this.sleep = sleep;
        this.jitter = jitter;
    }

    /** One PutEvents call to make: its bus and its entries. */
    private record Call(String bus, List<QueuedEvent> events) {
    }

    /**
     * In rounds: every call's first attempt, then one wait, then the retryable entries of every bus, and so on. A bus
     * that fails or throttles never delays another bus's first attempt, and a batch waits at most the rounds' backoff
     * however many of its buses retry.
     */
    public Report deliver(List<QueuedEvent> events) {
        return deliver(events, () -> false);
    }

    /** Why an event was not sent at all: the invocation's time ran out first. Retryable: the queue delivers it again. */
    static final EventBusWriter.Failure OUT_OF_TIME = EventBusWriter.Failure.internal("The forwarder ran out of time before sending it.");

    /**
     * As above, sending no call once {@code outOfTime} says so: what is left is reported {@link #OUT_OF_TIME}, retryable,
     * so that the invocation answers before its timeout and only those messages come back (a timed-out invocation would
     * send its whole batch, delivered events too, back to the queue).
     */
    public Report deliver(List<QueuedEvent> events, BooleanSupplier outOfTime) {
        Map<String, List<QueuedEvent>> byBus = new LinkedHashMap<>();
        events.forEach(event -> byBus.computeIfAbsent(event.deliverTo(), bus -> new ArrayList<>()).add(event));
        List<Call> pending = new ArrayList<>();
        byBus.forEach((bus, toBus) -> batches(toBus).forEach(batch -> pending.add(new Call(bus, batch))));
        List<QueuedEvent> delivered = new ArrayList<>();
        Map<QueuedEvent, EventBusWriter.Failure> last = new LinkedHashMap<>();
        List<Call> round = pending;
        for (int attempt = 1; attempt <= ATTEMPTS && !round.isEmpty(); attempt++) {
            if (attempt > 1) {
                if (outOfTime.getAsBoolean()) {
                    break; // what is left already failed retryably: the queue delivers it again
                }
                // Equal jitter over an exponential bound (100, then 400 ms): parallel forwarders retrying one throttled bus spread out.
                sleep.accept(jitter.applyAsLong(FIRST_BACKOFF.toMillis() << (2 * (attempt - 2))));
            }
            List<Call> again = new ArrayList<>();
            for (Call call : round) {
                if (outOfTime.getAsBoolean()) {
                    call.events().forEach(event -> last.putIfAbsent(event, OUT_OF_TIME));
                } else {
                    attempt(call, delivered, last, again);
                }
            }
            round = again;
        }
        List<Failed> failed = new ArrayList<>();
        last.forEach((event, failure) -> failed.add(new Failed(event, failure, retryable(failure.code()))));
        return new Report(List.copyOf(delivered), List.copyOf(failed));
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

    /** One attempt of {@code call}: what was delivered, each failure, and the retryable entries added to {@code again}. */
    private void attempt(Call call, List<QueuedEvent> delivered, Map<QueuedEvent, EventBusWriter.Failure> last, List<Call> again) {
        List<QueuedEvent> events = call.events();
        List<EventBusWriter.Failure> results;
        try {
            results = writer.put(call.bus(), events);
        } catch (EventBusWriter.CallRefused refused) {
            if (events.size() > 1 && !BUS_WIDE.contains(refused.failure().code())) {
                // Bisected: each half is a call of its own (and is halved again if refused), so the good entries
                // are delivered and only the one at fault fails, with the call's code: at most 2n - 1 calls.
                int half = events.size() / 2;
                attempt(new Call(call.bus(), events.subList(0, half)), delivered, last, again);
                attempt(new Call(call.bus(), events.subList(half, events.size())), delivered, last, again);
                return;
            }
            results = Collections.nCopies(events.size(), refused.failure());
        } catch (RuntimeException unreachable) {
            results = Collections.nCopies(events.size(), EventBusWriter.Failure.internal("The event bus could not be reached."));
        }
        List<QueuedEvent> retry = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
            EventBusWriter.Failure failure = i < results.size() ? results.get(i) : EventBusWriter.Failure.internal("No result for the entry.");
            if (failure == null) {
                delivered.add(events.get(i));
                last.remove(events.get(i));
            } else {
                last.put(events.get(i), failure);
                if (retryable(failure.code())) {
                    retry.add(events.get(i));
                }
            }
        }
        if (!retry.isEmpty()) {
            again.add(new Call(call.bus(), retry));
        }
    }

    /** PutEvents' retryable codes; every other code, documented or not, fails the same way however often it is sent. */
    public static boolean retryable(String code) {
        return RETRYABLE_CODES.contains(code);
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
