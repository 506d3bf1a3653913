package dev.partnerregistry.domain;

import java.util.List;

/** Writes events into a customer's own event bus (the port; EventBridge's PutEvents in the store package). */
public interface EventBusWriter {

    /**
     * At most {@value EventDelivery#PUT_EVENTS_BATCH} events to one bus; one result per event, in order: null for delivered, else the
     * error code (a call that failed retryably, every entry {@code InternalFailure}).
     *
     * @throws CallRefused when the bus refused the call as a whole, not retryably (PutEvents' 256 KB per call, a
     *                     ValidationException): something in it is at fault, not necessarily every entry
     */
    List<String> put(String busArn, List<QueuedEvent> events);

    /** The whole call was refused, with this error code, and sending it again as it is will not help. */
    final class CallRefused extends RuntimeException {
        private final String code;

        public CallRefused(String code) {
            super(code, null, false, false);
            this.code = code;
        }

        public String code() {
            return code;
        }
    }
}
