package dev.partnerregistry.store;

import static dev.partnerregistry.store.RegistryTable.ACCOUNT;
import static dev.partnerregistry.store.RegistryTable.BUS_ACCOUNT;
import static dev.partnerregistry.store.RegistryTable.BUS_CREATED_AT;
import static dev.partnerregistry.store.RegistryTable.CALL_ID;
import static dev.partnerregistry.store.RegistryTable.CREATED_AT;
import static dev.partnerregistry.store.RegistryTable.DELIVER_TO;
import static dev.partnerregistry.store.RegistryTable.EXPIRES_AT;
import static dev.partnerregistry.store.RegistryTable.EXPIRY_QUEUE;
import static dev.partnerregistry.store.RegistryTable.SOURCE_NAME;
import static dev.partnerregistry.store.RegistryTable.STATE;

import dev.partnerregistry.domain.PartnerEventSource;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * A source as a DynamoDB item and back, written by hand: a few attributes do not justify the
 * enhanced client's class loading at cold start, and nothing here reflects over beans. Also the
 * update that turns a stored source into another, and the condition that it is still as read.
 */
final class SourceItem {

    private SourceItem() {
    }

    static Map<String, AttributeValue> of(PartnerEventSource source) {
        return of(source, null);
    }

    /** @param callId the client's id for the call that creates it, if it gave one */
    static Map<String, AttributeValue> of(PartnerEventSource source, String callId) {
        Map<String, AttributeValue> item = new HashMap<>(RegistryTable.sourceKey(source.partner(), source.name()));
        item.putAll(attributes(source));
        item.values().removeIf(value -> value == null);
        if (callId != null) {
            item.put(CALL_ID, AttributeValue.fromS(callId));
        }
        return item;
    }

    /** Every non-key attribute of the source; null for one it does not have. */
    private static Map<String, AttributeValue> attributes(PartnerEventSource source) {
        Map<String, AttributeValue> attributes = new HashMap<>();
        attributes.put(SOURCE_NAME, AttributeValue.fromS(source.name()));
        attributes.put(ACCOUNT, AttributeValue.fromS(source.account()));
        attributes.put(CREATED_AT, millis(source.creationTime()));
        attributes.put(STATE, AttributeValue.fromS(source.state().name()));
        attributes.put(EXPIRES_AT, source.expirationTime() == null ? null : millis(source.expirationTime()));
        attributes.put(EXPIRY_QUEUE, source.expirationTime() == null ? null : AttributeValue.fromS(RegistryTable.EXPIRY_QUEUE_VALUE));
        attributes.put(BUS_ACCOUNT, source.busAccount() == null ? null : AttributeValue.fromS(source.busAccount()));
        attributes.put(BUS_CREATED_AT, source.busCreationTime() == null ? null : millis(source.busCreationTime()));
        attributes.put(DELIVER_TO, source.deliverTo() == null ? null : AttributeValue.fromS(source.deliverTo()));
        attributes.put(RegistryTable.BUS_DESCRIPTION, source.busDescription() == null ? null : AttributeValue.fromS(source.busDescription()));
        return attributes;
    }

    /**
     * An UpdateItem expression that makes the stored item {@code next}: every attribute it has is
     * SET, every one it lacks REMOVEd; with {@code keepBus}, the bus attributes are left as stored
     * (a partner's re-create does not know of, nor change, the customer's bus).
     */
    static Expression update(PartnerEventSource next, String callId, boolean keepBus) {
        Expression expression = new Expression();
        List<String> set = new ArrayList<>();
        List<String> remove = new ArrayList<>();
        Map<String, AttributeValue> attributes = attributes(next);
        if (keepBus) {
            attributes.remove(BUS_ACCOUNT);
            attributes.remove(BUS_CREATED_AT);
            attributes.remove(DELIVER_TO);
            attributes.remove(RegistryTable.BUS_DESCRIPTION);
        }
        attributes.put(CALL_ID, callId == null ? null : AttributeValue.fromS(callId));
        attributes.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(attribute -> {
            String name = expression.name(attribute.getKey());
            if (attribute.getValue() == null) {
                remove.add(name);
            } else {
                set.add(name + " = " + expression.value(attribute.getValue()));
            }
        });
        expression.text = "SET " + String.join(", ", set) + (remove.isEmpty() ? "" : " REMOVE " + String.join(", ", remove));
        return expression;
    }

    /** A condition that the stored item is {@code expected} still: the same creation, state, expiry and bus. */
    static String unchanged(PartnerEventSource expected, Expression expression) {
        return expression.name(STATE) + " = " + expression.value(AttributeValue.fromS(expected.state().name()))
                + " AND " + expression.name(CREATED_AT) + " = " + expression.value(millis(expected.creationTime()))
                + " AND " + expression.name(ACCOUNT) + " = " + expression.value(AttributeValue.fromS(expected.account()))
                + " AND " + equalOrAbsent(expression, EXPIRES_AT, expected.expirationTime() == null ? null : millis(expected.expirationTime()))
                + " AND " + equalOrAbsent(expression, BUS_ACCOUNT, expected.busAccount() == null ? null : AttributeValue.fromS(expected.busAccount()));
    }

    private static String equalOrAbsent(Expression expression, String attribute, AttributeValue value) {
        return value == null ? "attribute_not_exists(" + expression.name(attribute) + ")"
                : expression.name(attribute) + " = " + expression.value(value);
    }

    /** Whether {@code item} is the source an earlier attempt of the same call created, for the same account. */
    static boolean createdByCall(Map<String, AttributeValue> item, String account, String callId) {
        if (item == null || callId == null) {
            return false;
        }
        AttributeValue storedCall = item.get(CALL_ID);
        AttributeValue storedAccount = item.get(ACCOUNT);
        return storedCall != null && callId.equals(storedCall.s()) && storedAccount != null && account.equals(storedAccount.s());
    }

    static PartnerEventSource source(Map<String, AttributeValue> item) {
        return new PartnerEventSource(
                item.get(SOURCE_NAME).s(),
                item.get(ACCOUNT).s(),
                instant(item.get(CREATED_AT)),
                PartnerEventSource.SourceState.valueOf(item.get(STATE).s()),
                instant(item.get(EXPIRES_AT)),
                item.containsKey(BUS_ACCOUNT) ? item.get(BUS_ACCOUNT).s() : null,
                instant(item.get(BUS_CREATED_AT)),
                item.containsKey(DELIVER_TO) ? item.get(DELIVER_TO).s() : null,
                item.containsKey(RegistryTable.BUS_DESCRIPTION) ? item.get(RegistryTable.BUS_DESCRIPTION).s() : null);
    }

    private static AttributeValue millis(Instant instant) {
        return AttributeValue.fromN(Long.toString(instant.toEpochMilli()));
    }

    private static Instant instant(AttributeValue value) {
        return value == null || value.n() == null ? null : Instant.ofEpochMilli(Long.parseLong(value.n()));
    }

    /** Expression text with its attribute names and values by placeholder ({@code #a0}, {@code :v0}), built up as it is written. */
    static final class Expression {
        final Map<String, String> names = new HashMap<>();
        final Map<String, AttributeValue> values = new HashMap<>();
        String text;

        String name(String attribute) {
            for (Map.Entry<String, String> name : names.entrySet()) {
                if (name.getValue().equals(attribute)) {
                    return name.getKey();
                }
            }
            String placeholder = "#a" + names.size();
            names.put(placeholder, attribute);
            return placeholder;
        }

        String value(AttributeValue value) {
            String placeholder = ":v" + values.size();
            values.put(placeholder, value);
            return placeholder;
        }
    }
}
