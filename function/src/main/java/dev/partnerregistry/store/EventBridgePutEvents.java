package dev.partnerregistry.store;

import dev.partnerregistry.domain.AwsRegions;
import dev.partnerregistry.domain.EventBusWriter;
import dev.partnerregistry.domain.EventBusWriter.Failure;
import dev.partnerregistry.domain.QueuedEvent;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.protocols.json.SdkJsonGenerator;
import software.amazon.awssdk.protocols.json.StructuredJsonGenerator;
import software.amazon.awssdk.protocols.jsoncore.JsonNode;
import software.amazon.awssdk.protocols.jsoncore.JsonNodeParser;

/**
 * EventBridge's PutEvents into a customer's own bus, in the bus's region, with the forwarder's
 * credentials (the customer's bus policy admits the registry's account). Each event keeps its
 * DetailType, Detail and Time; its {@code source} is {@value #SOURCE_PREFIX} and the partner (AWS
 * reserves {@code aws.}); its first two resources are the event source's ARN and
 * {@code partner-registry:event-id/<EventId>}, the id the partner was answered with, then the
 * partner's own resources: enough for a customer's rule to match and to deduplicate by.
 */
public final class EventBridgePutEvents implements EventBusWriter {

    public static final String SOURCE_PREFIX = QueuedEvent.SOURCE_PREFIX;
    public static final String EVENT_ID_RESOURCE = QueuedEvent.EVENT_ID_RESOURCE;

    private final AwsCredentialsProvider credentials;
    private final URI endpointOverride;
    /** How an event to a bus in no known region fails: not retryable, so it goes to the dead-letter queue. */
    static final Failure UNKNOWN_REGION = new Failure("InvalidArgument", "The event bus is in no region the registry knows.");

    /** One client per region, keyed only by known regions ({@link AwsRegions}): bounded by AWS's region count. */
    private final Map<String, AwsJsonClient> byRegion = new ConcurrentHashMap<>();

    /** @param endpointOverride a local EventBridge (moto), or null for each bus's region */
    public EventBridgePutEvents(AwsCredentialsProvider credentials, URI endpointOverride) {
        this.credentials = credentials;
        this.endpointOverride = endpointOverride;
    }

    /** How many regional clients this writer holds. */
    int clients() {
        return byRegion.size();
    }

    @Override
    public List<Failure> put(String busArn, List<QueuedEvent> events) {
        String region = busArn.split(":", 6)[3];
        if (!AwsRegions.isKnown(region)) {
            // Only a known region gets a client, so the cache below holds at most one per AWS region. CreateEventBus
            // refuses any other; a bus queued before it did cannot be reached, and its events go to the dead-letter queue.
            return Collections.nCopies(events.size(), UNKNOWN_REGION);
        }
        AwsJsonClient eventBridge = byRegion.computeIfAbsent(region,
                r -> new AwsJsonClient(credentials, r, AwsJsonClient.endpoint(endpointOverride, "events", r), "events", "1.1"));
        StructuredJsonGenerator w = new SdkJsonGenerator(JsonNodeParser.DEFAULT_JSON_FACTORY, "application/x-amz-json-1.1");
        w.writeStartObject().writeFieldName("Entries").writeStartArray();
        for (QueuedEvent event : events) {
            w.writeStartObject()
                    .writeFieldName("EventBusName").writeValue(busArn)
                    .writeFieldName("Source").writeValue(event.deliveredSource())
                    .writeFieldName("DetailType").writeValue(event.detailType())
                    .writeFieldName("Detail").writeValue(event.detail())
                    .writeFieldName("Time").writeNumber(BigDecimal.valueOf(event.time().toEpochMilli(), 3).toPlainString())
                    .writeFieldName("Resources").writeStartArray()
                    .writeValue(event.sourceArn())
                    .writeValue(EVENT_ID_RESOURCE + event.eventId());
            // PutPartnerEvents refuses reserved resources; an event queued before it did still carries only the registry's.
            event.partnerResources().forEach(w::writeValue);
            w.writeEndArray().writeEndObject();
        }
        w.writeEndArray().writeEndObject();
        AwsJsonClient.Answer answer;
        try {
            answer = eventBridge.call("AWSEvents.PutEvents", w.getBytes());
        } catch (UncheckedIOException unreachable) {
            return Collections.nCopies(events.size(), Failure.internal("PutEvents got no answer: " + unreachable.getMessage()));
        }
        if (!answer.ok()) {
            if (answer.retryable()) {
                return Collections.nCopies(events.size(), answer.errorType().contains("Throttl")
                        ? new Failure("ThrottlingException", answer.errorMessage())
                        : Failure.internal("PutEvents answered " + answer.status() + " " + answer.errorType() + ": " + answer.errorMessage()));
            }
            // Refused as a whole (over 256 KB, a ValidationException, no such bus): the delivery finds which entries are at fault.
            throw new EventBusWriter.CallRefused(answer.errorType(), answer.errorMessage());
        }
        JsonNode entries = answer.body().isObject() ? answer.body().asObject().get("Entries") : null;
        List<Failure> results = new ArrayList<>(events.size());
        for (int i = 0; i < events.size(); i++) {
            JsonNode entry = entries != null && entries.isArray() && i < entries.asArray().size() ? entries.asArray().get(i) : null;
            JsonNode code = entry != null && entry.isObject() ? entry.asObject().get("ErrorCode") : null;
            JsonNode id = entry != null && entry.isObject() ? entry.asObject().get("EventId") : null;
            JsonNode message = entry != null && entry.isObject() ? entry.asObject().get("ErrorMessage") : null;
            results.add(code != null && code.isString() ? new Failure(code.asString(), message != null && message.isString() ? message.asString() : "")
                    : id != null && id.isString() ? null : Failure.internal("PutEvents answered no EventId for the entry."));
        }
        return results;
    }
}
