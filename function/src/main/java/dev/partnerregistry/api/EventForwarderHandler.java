package dev.partnerregistry.api;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.partnerregistry.RegistryAssembly;
import dev.partnerregistry.RegistrySettings;
import dev.partnerregistry.domain.DeadLetter;
import dev.partnerregistry.domain.DeadLetterQueue;
import dev.partnerregistry.domain.EventDelivery;
import dev.partnerregistry.domain.QueuedEvent;
import dev.partnerregistry.store.DeadLetterJson;
import dev.partnerregistry.store.DynamoDbClients;
import dev.partnerregistry.store.QueuedEventJson;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import dev.partnerregistry.domain.JsonWriter;

/**
 * The forwarder (a Lambda function of its own, on the same jar, fed by the delivery queue with
 * partial batch responses): delivers each message's event into its customer's own bus. What can
 * never be delivered goes to the dead-letter queue at once, with its reason ({@link DeadLetter}): an
 * entry PutEvents refused not retryably, and a message that is no event at all. An entry that failed
 * retryably is reported as a batch item failure, so that only it is received again; on its
 * {@value #MAX_RECEIVES}th receive it is dead-lettered too, with its last reason, before the queue's own
 * redrive policy would move it without one. A dead letter moved back to the delivery queue as it is
 * (SQS's {@code start-message-move-task}) is delivered as its event. A letter the dead-letter queue does not take is reported as
 * a failure instead: nothing is lost. One log line per batch, also an EMF document: {@value #DELIVERED},
 * {@value #FAILED} (to be received again), {@value #DEAD_LETTERED} and {@value #LAG} (from the event's
 * time to its delivery), and the count of each failure code.
 */
public final class EventForwarderHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {

    public static final String DELIVERED = "EventsDelivered";
    public static final String FAILED = "EventsDeliveryFailed";
    public static final String DEAD_LETTERED = "EventsDeadLettered";
    public static final String LAG = "DeliveryLag";
    /**
     * The time kept back from the invocation's for the dead letters and the answer: no PutEvents starts later than
     * this before the timeout: one call's worst (2 s connect, 5 s read), the letters' (two attempts of as long), a second.
     */
    public static final java.time.Duration RESERVE = java.time.Duration.ofSeconds(22);
    /** The batch line's metrics and their units, in order. */
    private static final Map<String, String> METRICS = metrics();
    /** The receives the delivery queue's redrive policy allows (the stack sets its maxReceiveCount from this). */
    public static final int MAX_RECEIVES = 5;
    /** The SQS message attribute Lambda's event source mapping passes: how often the message has been received. */
    public static final String RECEIVE_COUNT = dev.partnerregistry.store.SqsQueue.RECEIVE_COUNT;

    private final EventDelivery delivery;
    private final DeadLetterQueue deadLetters;
    /** The EMF directive after its timestamp: constant for the namespace, so made once. */
    private final String metricsDirective;
    private final Clock clock;
    private final PrintStream out;

    /** Lambda's constructor: settings, the EventBridge and SQS callers built once, at init. */
    public EventForwarderHandler() {
        this(RegistryAssembly.forwarder(RegistrySettings.fromEnvironment(System.getenv()), DynamoDbClients.lambdaCredentials(System.getenv())),
                Clock.systemUTC(), System.out);
    }

    /** The forwarder as the assembly puts it together, on this clock, its lines to {@code out} (the local runtime's). */
    public EventForwarderHandler(RegistryAssembly.Forwarder parts, Clock clock, PrintStream out) {
        this(parts.delivery(), parts.deadLetters(), parts.namespace(), clock, out);
    }

    /** For the assembly, the local runtime and tests. */
    public EventForwarderHandler(EventDelivery delivery, DeadLetterQueue deadLetters, String namespace, Clock clock, PrintStream out) {
        this.delivery = delivery;
        this.deadLetters = deadLetters;
        this.metricsDirective = EmbeddedMetrics.afterTimestamp(namespace, List.of(List.of()), METRICS);
        this.clock = clock;
        this.out = out;
    }

    @Override
    public SQSBatchResponse handleRequest(SQSEvent input, Context context) {
        Instant now = clock.instant();
        Map<QueuedEvent, SQSEvent.SQSMessage> messageOf = new IdentityHashMap<>();
        List<QueuedEvent> events = new ArrayList<>();
        List<DeadLetter> letters = new ArrayList<>();
        List<String> letterMessages = new ArrayList<>();
        for (SQSEvent.SQSMessage message : input == null || input.getRecords() == null ? List.<SQSEvent.SQSMessage>of() : input.getRecords()) {
            QueuedEvent event = eventOf(message.getBody());
            if (event != null) {
                messageOf.put(event, message);
                events.add(event);
            } else {
                letters.add(DeadLetter.notAnEvent(String.valueOf(message.getBody()), "The message is not a queued partner event.",
                        receiveCount(message), now));
                letterMessages.add(message.getMessageId());
            }
        }
        long deadline = context == null ? Long.MAX_VALUE : System.nanoTime()
                + java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(context.getRemainingTimeInMillis() - RESERVE.toMillis());
        EventDelivery.Report report = delivery.deliver(events, () -> System.nanoTime() >= deadline);
        List<SQSBatchResponse.BatchItemFailure> failures = new ArrayList<>();
        for (EventDelivery.Failed failed : report.failed()) {
            SQSEvent.SQSMessage message = messageOf.get(failed.event());
            int receives = receiveCount(message);
            if (failed.retryable() && receives < MAX_RECEIVES) {
                failures.add(new SQSBatchResponse.BatchItemFailure(message.getMessageId()));
            } else {
                letters.add(DeadLetter.of(failed.event(), failed.failure(), receives, now));
                letterMessages.add(message.getMessageId());
            }
        }
        List<Boolean> taken;
        try {
            taken = letters.isEmpty() ? List.of() : deadLetters.send(letters);
        } catch (RuntimeException notTaken) {
            taken = List.of(); // none taken: each goes back to the delivery queue, as a letter refused would
        }
        int deadLettered = 0;
        for (int i = 0; i < letters.size(); i++) {
            if (i < taken.size() && Boolean.TRUE.equals(taken.get(i))) {
                deadLettered++;
            } else {
                failures.add(new SQSBatchResponse.BatchItemFailure(letterMessages.get(i)));
            }
        }
        Map<String, Integer> codes = new LinkedHashMap<>(report.failureCodes());
        letters.stream().filter(letter -> letter.event() == null).forEach(letter -> codes.merge(letter.errorCode(), 1, Integer::sum));
        long maxLag = report.delivered().stream().mapToLong(event -> now.toEpochMilli() - event.time().toEpochMilli()).max().orElse(0);
        log(now.toEpochMilli(), report.delivered().size(), failures.size(), deadLettered, maxLag, codes);
        return new SQSBatchResponse(failures);
    }

    /**
     * The event a message holds: a queued event, or a dead letter moved back as it was (SQS's own
     * {@code start-message-move-task} redrives so); null for anything else.
     */
    private static QueuedEvent eventOf(String body) {
        try {
            return QueuedEventJson.read(body);
        } catch (IllegalArgumentException notQueued) {
            if (body == null) {
                return null;
            }
            // Only a letter: a bare event the strict reader refused stays refused.
            DeadLetter letter = DeadLetterJson.read(body);
            return DeadLetterJson.MOVED_BY_THE_QUEUE.equals(letter.errorCode()) ? null : letter.event();
        }
    }

    /** The message's receive count as SQS reports it (1 when it is missing, as on a first receive). */
    private static int receiveCount(SQSEvent.SQSMessage message) {
        String count = message.getAttributes() == null ? null : message.getAttributes().get(RECEIVE_COUNT);
        try {
            return count == null ? 1 : Math.max(1, Integer.parseInt(count));
        } catch (NumberFormatException unreadable) {
            return 1;
        }
    }

    private static Map<String, String> metrics() {
        Map<String, String> metrics = new LinkedHashMap<>();
        metrics.put(DELIVERED, "Count");
        metrics.put(FAILED, "Count");
        metrics.put(DEAD_LETTERED, "Count");
        metrics.put(LAG, "Milliseconds");
        return metrics;
    }

    private void log(long now, int delivered, int failed, int deadLettered, long maxLag, Map<String, Integer> codes) {
        JsonWriter w = new JsonWriter();
        w.writeStartObject();
        EmbeddedMetrics.directive(w, now, metricsDirective);
        w.writeFieldName("forwarder").writeValue("partner events");
        w.writeFieldName(DELIVERED).writeValue(delivered);
        w.writeFieldName(FAILED).writeValue(failed);
        w.writeFieldName(DEAD_LETTERED).writeValue(deadLettered);
        w.writeFieldName(LAG).writeValue(maxLag);
        w.writeFieldName("failureCodes").writeStartObject();
        codes.forEach((code, count) -> w.writeFieldName(code).writeValue(count));
        w.writeEndObject();
        w.writeEndObject();
        out.println(w.toString());
    }
}
