package dev.partnerregistry.domain;

import java.util.List;

/** Writes events into a customer's own event bus (the port; EventBridge's PutEvents in the store package). */
public interface EventBusWriter {

    /** At most {@value EventDelivery#PUT_EVENTS_BATCH} events to one bus; one result per event, in order: null for delivered, else the error code. */
    List<String> put(String busArn, List<QueuedEvent> events);
}
