package dev.partnerregistry.store;

import dev.partnerregistry.domain.Access;
import dev.partnerregistry.domain.RegistryException;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;

/**
 * Why a registry write transaction was cancelled, item by item, read into the answer in the
 * documented precedence: OperationDisabled > AccessDenied > the operation's own errors > engine
 * failures. Every write is the same four items in the same order: {@link #REGION} switch,
 * {@link #PARTNER} item (registration, and for a create the limit), {@link #COUNTER}, {@link #SOURCE}.
 */
final class CancellationReasons {

    static final int REGION = 0;
    static final int PARTNER = 1;
    static final int COUNTER = 2;
    static final int SOURCE = 3;
    static final int ITEMS = 4;

    private static final String CONDITIONAL_CHECK_FAILED = "ConditionalCheckFailed";

    private final List<CancellationReason> reasons;

    CancellationReasons(List<CancellationReason> reasons) {
        if (reasons.size() != ITEMS) {
            throw new IllegalArgumentException("a registry transaction has " + ITEMS + " items, got reasons " + reasons);
        }
        this.reasons = reasons;
    }

    /**
     * Throws OperationDisabled if the region's switch failed, then AccessDenied if the partner's
     * condition failed for a caller its item does not name (a registered caller there means the
     * limit the create believed in has changed: see {@link #partnerItem()}).
     */
    void throwIfAccessFailed(Access access) {
        if (failed(REGION)) {
            throw new RegistryException.OperationDisabled();
        }
        if (failed(PARTNER) && !AccessConditions.callerRegistered(oldItem(PARTNER), access)) {
            throw access.denied();
        }
    }

    boolean partnerFailed() {
        return failed(PARTNER);
    }

    /** The partner item as its failed condition saw it (the condition check asks for it). */
    Map<String, AttributeValue> partnerItem() {
        return oldItem(PARTNER);
    }

    boolean counterFailed() {
        return failed(COUNTER);
    }

    boolean sourceFailed() {
        return failed(SOURCE);
    }

    /** A conflict or throttle on any item, once no condition has decided the answer. */
    RegistryException engineFailure() {
        return engineFailure(reasons);
    }

    /** As {@link #engineFailure()}, for a transaction of another shape (a customer's change, the sweep's). */
    static RegistryException engineFailure(List<CancellationReason> reasons) {
        for (CancellationReason reason : reasons) {
            String code = reason.code();
            if ("TransactionConflict".equals(code)) {
                return new RegistryException.ConcurrentModification();
            }
            if ("ThrottlingError".equals(code) || "ProvisionedThroughputExceeded".equals(code) || "RequestLimitExceeded".equals(code)) {
                return new RegistryException.Throttling();
            }
        }
        return new RegistryException.Internal(new IllegalStateException("Unexpected cancellation reasons " + reasons));
    }

    private boolean failed(int item) {
        return CONDITIONAL_CHECK_FAILED.equals(reasons.get(item).code());
    }

    private Map<String, AttributeValue> oldItem(int item) {
        Map<String, AttributeValue> old = reasons.get(item).item();
        return old == null || old.isEmpty() ? null : old;
    }
}
