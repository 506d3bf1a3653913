package dev.partnerregistry.domain;

import java.util.List;

/** Where accepted events wait for delivery (the port; SQS in the store package). */
public interface EventQueue {

    /** Queues each event; the answer says, in the same order, which ones were queued. Never throws for one event's failure. */
    List<Boolean> send(List<QueuedEvent> events);
}
