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

    public QueuedEvent {
        resources = resources == null ? List.of() : List.copyOf(resources);
    }
}
