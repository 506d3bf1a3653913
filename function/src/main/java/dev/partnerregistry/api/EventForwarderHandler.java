package dev.partnerregistry.api;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.partnerregistry.RegistrySettings;
import dev.partnerregistry.domain.EventDelivery;
import dev.partnerregistry.domain.QueuedEvent;
import dev.partnerregistry.store.DynamoDbClients;
import dev.partnerregistry.store.EventBridgePutEvents;
import dev.partnerregistry.store.QueuedEventJson;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.protocols.json.StructuredJsonGenerator;

/**
 * The forwarder (a Lambda function of its own, on the same jar, fed by the delivery queue with
 * partial batch responses): delivers each message's event into its customer's own bus and reports
 * the messages whose events could not be delivered, so that only those are received again (and,
 * after the redrive policy's receives, land in the dead-letter queue). A message that is not an
 * event at all is reported too: it goes to the dead-letter queue without being tried. One log line
 * per batch, also an EMF document: {@value #DELIVERED}, {@value #FAILED} and {@value #LAG} (from
 * the event's time to its delivery).
 */
public final class EventForwarderHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {

    public static final String DELIVERED = "EventsDelivered";
    public static final String FAILED = "EventsDeliveryFailed";
    public static final String LAG = "DeliveryLag";

    private final EventDelivery delivery;
    private final String namespace;
    private final Clock clock;
    private final PrintStream out;

    /** Lambda's constructor: settings and the EventBridge caller built once, at init. */
    public EventForwarderHandler() {
        this(RegistrySettings.fromEnvironment(System.getenv()), Clock.systemUTC());
    }

    private EventForwarderHandler(RegistrySettings settings, Clock clock) {
        this(new EventDelivery(new EventBridgePutEvents(DynamoDbClients.lambdaCredentials(System.getenv()), settings.delivery().eventsEndpoint()),
                EventDelivery.realSleep()), settings.metricsNamespace(), clock, System.out);
    }

    /** For the local runtime and tests. */
    public EventForwarderHandler(EventDelivery delivery, String namespace, Clock clock, PrintStream out) {
        this.delivery = delivery;
        this.namespace = namespace;
        this.clock = clock;
        this.out = out;
    }

    @Override
    public SQSBatchResponse handleRequest(SQSEvent input, Context context) {
        List<SQSBatchResponse.BatchItemFailure> failures = new ArrayList<>();
        Map<QueuedEvent, String> messageOf = new IdentityHashMap<>();
        List<QueuedEvent> events = new ArrayList<>();
        int poison = 0;
        for (SQSEvent.SQSMessage message : input == null || input.getRecords() == null ? List.<SQSEvent.SQSMessage>of() : input.getRecords()) {
            try {
                QueuedEvent event = QueuedEventJson.read(message.getBody());
                messageOf.put(event, message.getMessageId());
                events.add(event);
            } catch (IllegalArgumentException notAnEvent) {
                poison++;
                failures.add(new SQSBatchResponse.BatchItemFailure(message.getMessageId()));
            }
        }
        EventDelivery.Report report = delivery.deliver(events);
        report.failed().forEach(event -> failures.add(new SQSBatchResponse.BatchItemFailure(messageOf.get(event))));
        long now = clock.millis();
        long maxLag = report.delivered().stream().mapToLong(event -> now - event.time().toEpochMilli()).max().orElse(0);
        log(now, report, poison, maxLag);
        return new SQSBatchResponse(failures);
    }

    private void log(long now, EventDelivery.Report report, int poison, long maxLag) {
        StructuredJsonGenerator w = JsonOutput.generator();
        w.writeStartObject();
        Map<String, String> metrics = new java.util.LinkedHashMap<>();
        metrics.put(DELIVERED, "Count");
        metrics.put(FAILED, "Count");
        metrics.put(LAG, "Milliseconds");
        EmbeddedMetrics.directive(w, now, namespace, List.of(List.of()), metrics);
        w.writeFieldName("forwarder").writeValue("partner events");
        w.writeFieldName(DELIVERED).writeValue(report.delivered().size());
        w.writeFieldName(FAILED).writeValue(report.failed().size() + poison);
        w.writeFieldName(LAG).writeValue(maxLag);
        w.writeFieldName("failureCodes").writeStartObject();
        report.failureCodes().forEach((code, count) -> w.writeFieldName(code).writeValue(count));
        if (poison > 0) {
            w.writeFieldName("NotAnEvent").writeValue(poison);
        }
        w.writeEndObject();
        w.writeEndObject();
        out.println(new String(w.getBytes(), StandardCharsets.UTF_8));
    }
}
