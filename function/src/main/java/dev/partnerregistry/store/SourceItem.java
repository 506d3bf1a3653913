package dev.partnerregistry.store;

import static dev.partnerregistry.store.RegistryTable.ACCOUNT;
import static dev.partnerregistry.store.RegistryTable.CALL_ID;
import static dev.partnerregistry.store.RegistryTable.CREATED_AT;
import static dev.partnerregistry.store.RegistryTable.SOURCE_NAME;
import static dev.partnerregistry.store.RegistryTable.STATE;

import dev.partnerregistry.domain.PartnerEventSource;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * A source as a DynamoDB item and back, written by hand: four attributes do not justify the
 * enhanced client's class loading at cold start, and nothing here reflects over beans.
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
        item.put(SOURCE_NAME, AttributeValue.fromS(source.name()));
        item.put(ACCOUNT, AttributeValue.fromS(source.account()));
        item.put(CREATED_AT, AttributeValue.fromN(Long.toString(source.creationTime().toEpochMilli())));
        item.put(STATE, AttributeValue.fromS(source.state().name()));
        if (callId != null) {
            item.put(CALL_ID, AttributeValue.fromS(callId));
        }
        return item;
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
                Instant.ofEpochMilli(Long.parseLong(item.get(CREATED_AT).n())),
                PartnerEventSource.SourceState.valueOf(item.get(STATE).s()));
    }
}
