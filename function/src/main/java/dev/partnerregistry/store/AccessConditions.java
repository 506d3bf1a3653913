package dev.partnerregistry.store;

import static dev.partnerregistry.store.RegistryTable.DISABLED_OPERATIONS;
import static dev.partnerregistry.store.RegistryTable.PRINCIPALS;

import dev.partnerregistry.domain.Access;
import dev.partnerregistry.domain.Caller;
import dev.partnerregistry.domain.RegistryOperation;
import dev.partnerregistry.domain.RegistryException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The access rule, written twice on purpose and side by side so the two cannot drift: as condition
 * expressions DynamoDB checks atomically with a write, and as the same test over the items a read
 * fetched in the same transaction (or a cancelled write returned). The rule: the operation is not
 * switched off in the region, and the caller is one of the partner's registered principals (on
 * the customer side: one of the principals the account's customer item grants).
 */
final class AccessConditions {

    /** Stands in for a caller without identity: no registered ARN equals it. */
    private static final String NO_PRINCIPAL = "anonymous";

    private AccessConditions() {
    }

    // --- the operation is enabled in the region ---

    /*
     * contains() also matches a substring of a String and an element of a List; the Java side
     * only reads string sets (what the operator command writes). Both sides therefore insist on a
     * string set, so that a hand-edited item of another type means the same thing to both.
     */
    static final String OPERATION_ENABLED = "attribute_not_exists(" + DISABLED_OPERATIONS + ") OR NOT attribute_type("
            + DISABLED_OPERATIONS + ", :stringSet) OR NOT contains(" + DISABLED_OPERATIONS + ", :operation)";

    static Map<String, AttributeValue> operationValues(Access access) {
        return operationValues(access.operation());
    }

    static Map<String, AttributeValue> operationValues(RegistryOperation operation) {
        return Map.of(":operation", AttributeValue.fromS(operation.operationName()), ":stringSet", STRING_SET);
    }

    static boolean operationEnabled(Map<String, AttributeValue> regionItem, Access access) {
        return operationEnabled(regionItem, access.operation());
    }

    static boolean operationEnabled(Map<String, AttributeValue> regionItem, RegistryOperation operation) {
        AttributeValue disabled = regionItem == null ? null : regionItem.get(DISABLED_OPERATIONS);
        return disabled == null || !disabled.hasSs() || !disabled.ss().contains(operation.operationName());
    }

    private static final AttributeValue STRING_SET = AttributeValue.fromS("SS");

    // --- the caller is named by the item: registered for the partner, or granted the account ---

    /**
     * {@code (attribute_type(principals, :stringSet) AND (contains(principals, :principal0) OR ...))},
     * one term per name the caller may be registered under.
     */
    static String callerRegistered(Access access) {
        return callerNamed(access.caller());
    }

    /** The same condition over a customer item: the caller is granted the account. */
    static String callerNamed(Caller caller) {
        int candidates = Math.max(1, caller.registrationCandidates().size());
        StringBuilder condition = new StringBuilder("(attribute_type(").append(PRINCIPALS).append(", :stringSet) AND (");
        for (int i = 0; i < candidates; i++) {
            condition.append(i == 0 ? "" : " OR ").append("contains(").append(PRINCIPALS).append(", :principal").append(i).append(')');
        }
        return condition.append("))").toString();
    }

    /** The values of {@link #callerRegistered}; a mutable map, so that a write may add its own. */
    static Map<String, AttributeValue> callerValues(Access access) {
        return callerValues(access.caller());
    }

    static Map<String, AttributeValue> callerValues(Caller caller) {
        List<String> candidates = caller.registrationCandidates();
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":stringSet", STRING_SET);
        if (candidates.isEmpty()) {
            values.put(":principal0", AttributeValue.fromS(NO_PRINCIPAL));
        }
        for (int i = 0; i < candidates.size(); i++) {
            values.put(":principal" + i, AttributeValue.fromS(candidates.get(i)));
        }
        return values;
    }

    static boolean callerRegistered(Map<String, AttributeValue> partnerItem, Access access) {
        return callerNamed(partnerItem, access.caller());
    }

    /** The item (a partner's, a customer's) names the caller, or the role its session is of. */
    static boolean callerNamed(Map<String, AttributeValue> item, Caller caller) {
        AttributeValue principals = item == null ? null : item.get(PRINCIPALS);
        if (principals == null || !principals.hasSs()) {
            return false;
        }
        List<String> named = principals.ss();
        return caller.registrationCandidates().stream().anyMatch(named::contains);
    }

    // --- both, for a read ---

    /** Disabled first, then unregistered: both are decided before anything about a source is revealed. */
    static void enforce(Map<String, AttributeValue> regionItem, Map<String, AttributeValue> partnerItem, Access access) {
        if (!operationEnabled(regionItem, access)) {
            throw new RegistryException.OperationDisabled();
        }
        if (!callerRegistered(partnerItem, access)) {
            throw access.denied();
        }
    }
}
