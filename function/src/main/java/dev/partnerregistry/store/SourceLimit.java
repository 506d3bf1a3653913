package dev.partnerregistry.store;

import static dev.partnerregistry.store.RegistryTable.SOURCE_COUNT;
import static dev.partnerregistry.store.RegistryTable.SOURCE_LIMIT;

import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The partner's counter and its limit as DynamoDB expressions: the counter sits on the partner
 * item, so counting a source and checking the limit are one conditional update.
 */
final class SourceLimit {

    static final String COUNT_ONE_MORE = "SET " + SOURCE_COUNT + " = if_not_exists(" + SOURCE_COUNT + ", :zero) + :one";
    /** A missing counter (a partner item recreated by hand) goes to zero, never below, and never fails the delete. */
    static final String COUNT_ONE_LESS = "SET " + SOURCE_COUNT + " = if_not_exists(" + SOURCE_COUNT + ", :one) - :one";

    private SourceLimit() {
    }

    /**
     * The counter is below the partner's own limit, or the default one where it has none. A
     * missing counter is zero.
     */
    static String belowLimit(int defaultLimit) {
        String belowDefault = defaultLimit > 0
                ? "(attribute_not_exists(" + SOURCE_COUNT + ") OR " + SOURCE_COUNT + " < :defaultLimit)"
                : SOURCE_COUNT + " < :defaultLimit";
        return "((attribute_exists(" + SOURCE_LIMIT + ") AND ((attribute_not_exists(" + SOURCE_COUNT + ") AND " + SOURCE_LIMIT + " > :zero)"
                + " OR " + SOURCE_COUNT + " < " + SOURCE_LIMIT + ")) OR (attribute_not_exists(" + SOURCE_LIMIT + ") AND " + belowDefault + "))";
    }

    /** The values {@link #belowLimit} and the counting updates use. */
    static void putValues(Map<String, AttributeValue> values, int defaultLimit) {
        values.put(":one", number(1));
        values.put(":zero", number(0));
        values.put(":defaultLimit", number(defaultLimit));
    }

    static AttributeValue number(int value) {
        return AttributeValue.fromN(Integer.toString(value));
    }
}
