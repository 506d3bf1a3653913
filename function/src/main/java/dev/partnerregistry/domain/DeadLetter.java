package dev.partnerregistry.domain;

import java.time.Instant;

/**
 * A queued message the forwarder gave up on, with the reason: what an operator reads in the dead-letter queue and
 * what a redrive sends back. {@code event} is null for a message that was no queued event at all ({@code body} then
 * holds it as received).
 */
public record DeadLetter(QueuedEvent event, String body, String errorCode, String errorMessage, int receiveCount, Instant deadLetteredAt) {

    /** The code of a message that is not a queued event: it can never be delivered, nor redriven. */
    public static final String NOT_A_QUEUED_EVENT = "NotAQueuedEvent";

    public static DeadLetter of(QueuedEvent event, EventBusWriter.Failure failure, int receiveCount, Instant at) {
        return new DeadLetter(event, null, failure.code(), failure.message(), receiveCount, at);
    }

    public static DeadLetter notAnEvent(String body, String why, int receiveCount, Instant at) {
        return new DeadLetter(null, body, NOT_A_QUEUED_EVENT, why, receiveCount, at);
    }
}
