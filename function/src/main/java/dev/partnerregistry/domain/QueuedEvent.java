package dev.partnerregistry.domain;

import java.time.Instant;
import java.util.List;

/**
 * An accepted partner event on its way to the customer's own bus: what the forwarder needs to send
 * it, and what the customer needs to recognise it (the source, its partner, the EventId the partner
 * was answered with).
 */
public record QueuedEvent(String eventId, String source, String partner, String account, String deliverTo, Instant time,
                          String detailType, String detail, List<String> resources) {

    /** A delivered event's {@code source} is this and the partner (AWS reserves {@code aws.}). */
    public static final String SOURCE_PREFIX = "partner-registry.";
    /** A delivered event's second resource is this and the EventId the partner was answered with. */
    public static final String EVENT_ID_RESOURCE = "partner-registry:event-id/";

    public QueuedEvent {
        resources = resources == null ? List.of() : List.copyOf(resources);
    }

    /** The {@code source} the event is delivered with. */
    public String deliveredSource() {
        return SOURCE_PREFIX + partner;
    }

    /** The event source's ARN as the delivered event's first resource names it: in the bus's partition and region. */
    public String sourceArn() {
        return sourceArnIn(deliverTo, source);
    }

    static String sourceArnIn(String busArn, String sourceName) {
        String[] parts = busArn.split(":", 6);
        return "arn:" + parts[1] + ":events:" + parts[3] + "::event-source/" + sourceName;
    }
}
