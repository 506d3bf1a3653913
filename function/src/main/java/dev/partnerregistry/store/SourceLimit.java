package dev.partnerregistry.store;

import static dev.partnerregistry.store.RegistryTable.COUNT_CHANGES;
import static dev.partnerregistry.store.RegistryTable.SOURCE_COUNT;
import static dev.partnerregistry.store.RegistryTable.SOURCE_LIMIT;

import dev.partnerregistry.domain.RegistryException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * A partner's limit and its counter as DynamoDB expressions. The limit lives on the partner item,
 * which the function may only read; the count on a counter item, which it may only count. One
 * condition cannot compare two items, so a create names the limit it believes in twice: the
 * partner item must still hold it (checked with the caller's registration) and the counter must be
 * below it. The belief is the last limit seen for that partner (the default until one is seen): a
 * wrong belief costs one more transaction, never a wrong answer.
 */
final class SourceLimit {

    static final String COUNT_ONE_MORE = "SET " + SOURCE_COUNT + " = if_not_exists(" + SOURCE_COUNT + ", :zero) + :one, "
            + COUNT_CHANGES + " = if_not_exists(" + COUNT_CHANGES + ", :zero) + :one";
    /** A missing counter (lost, or never written) goes to zero and never fails the delete. */
    static final String COUNT_ONE_LESS = "SET " + SOURCE_COUNT + " = if_not_exists(" + SOURCE_COUNT + ", :one) - :one, "
            + COUNT_CHANGES + " = if_not_exists(" + COUNT_CHANGES + ", :zero) + :one";
    /** {@code :fewer} sources out at once (the sweep's batch); a missing counter goes to zero. */
    static final String COUNT_FEWER = "SET " + SOURCE_COUNT + " = if_not_exists(" + SOURCE_COUNT + ", :fewer) - :fewer, "
            + COUNT_CHANGES + " = if_not_exists(" + COUNT_CHANGES + ", :zero) + :one";
    /** One source out and one in (an expired source replaced): the count stays, the change is counted. */
    static final String COUNT_UNCHANGED = "SET " + SOURCE_COUNT + " = if_not_exists(" + SOURCE_COUNT + ", :one) + :zero, "
            + COUNT_CHANGES + " = if_not_exists(" + COUNT_CHANGES + ", :zero) + :one";
    /** No partner's own limit is remembered beyond this many partners; forgetting only costs a retry. */
    private static final int MAX_KNOWN = 10_000;
    /** Stands for "no limit of its own" in the map, which holds no nulls. */
    private static final int NONE = -1;

    private final Map<String, Integer> ownLimits = new ConcurrentHashMap<>();

    /** The partner's own limit as last seen, or null if it has none (or none was seen yet). */
    Integer believedOwnLimit(String partner) {
        Integer own = ownLimits.get(partner);
        return own == null || own == NONE ? null : own;
    }

    void learn(String partner, Integer ownLimit) {
        if (ownLimits.size() >= MAX_KNOWN) {
            ownLimits.clear();
        }
        ownLimits.put(partner, ownLimit == null ? NONE : ownLimit);
    }

    /** The partner item still holds {@code ownLimit} (null: no limit of its own). Uses {@code :ownLimit}. */
    static String limitIs(Integer ownLimit) {
        return ownLimit == null ? "attribute_not_exists(" + SOURCE_LIMIT + ")" : SOURCE_LIMIT + " = :ownLimit";
    }

    /** The counter is below {@code :limit}; a missing counter is zero. */
    static String belowLimit(int limit) {
        return limit > 0
                ? "attribute_not_exists(" + SOURCE_COUNT + ") OR " + SOURCE_COUNT + " < :limit"
                // A missing counter compares as false: nothing is below a limit of zero.
                : SOURCE_COUNT + " < :limit";
    }

    /** The partner's own limit on its item, or null when the deployment's default applies. */
    static Integer ownLimitOf(Map<String, AttributeValue> partnerItem) {
        AttributeValue limit = partnerItem == null ? null : partnerItem.get(SOURCE_LIMIT);
        if (limit == null) {
            return null;
        }
        try {
            return Integer.valueOf(limit.n());
        } catch (NumberFormatException notAWholeNumber) {
            // Only a hand-edited item gets here (the operator command writes whole numbers): a fault, said so in the log.
            throw new RegistryException.Internal(new IllegalStateException("partner item has a sourceLimit that is not a whole number: " + limit));
        }
    }

    static AttributeValue number(int value) {
        return AttributeValue.fromN(Integer.toString(value));
    }
}
