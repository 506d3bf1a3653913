package dev.partnerregistry.domain;

import java.util.List;

/** Writes events into a customer's own event bus (the port; EventBridge's PutEvents in the store package). */
public interface EventBusWriter {

    /**
     * At most {@value EventDelivery#PUT_EVENTS_BATCH} events to one bus; one result per event, in order: null for delivered, else
     * why not (a call that failed retryably: every entry {@link Failure#internal}).
     *
     * @throws CallRefused when the bus refused the call as a whole, not retryably (PutEvents' 256 KB per call, a
     *                     ValidationException, a bus that does not exist): something in it is at fault, not necessarily every entry
     */
    List<Failure> put(String busArn, List<QueuedEvent> events);

    /** Why an entry was not delivered: PutEvents' per-entry {@code ErrorCode} and {@code ErrorMessage}. */
    record Failure(String code, String message) {

        public Failure {
            message = message == null ? "" : message;
        }

        /** A call that failed as a whole, retryably (5xx, a timeout, no answer): each entry as PutEvents' InternalFailure. */
        public static Failure internal(String why) {
            return new Failure("InternalFailure", why);
        }
    }

    /** The whole call was refused, with this error code and message, and sending it again as it is will not help. */
    final class CallRefused extends RuntimeException {
        private final Failure failure;

        public CallRefused(String code, String message) {
            super(code, null, false, false);
            this.failure = new Failure(code, message);
        }

        public Failure failure() {
            return failure;
        }
    }
}
