package dev.partnerregistry.store;

import static dev.partnerregistry.store.RegistryTable.ACCOUNT;
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
        Map<String, AttributeValue> item = new HashMap<>(RegistryTable.sourceKey(source.partner(), source.name()));
        item.put(SOURCE_NAME, AttributeValue.fromS(source.name()));
        item.put(ACCOUNT, AttributeValue.fromS(source.account()));
        item.put(CREATED_AT, AttributeValue.fromN(Long.toString(source.creationTime().toEpochMilli())));
        item.put(STATE, AttributeValue.fromS(source.state().name()));
        return item;
    }

    static PartnerEventSource source(Map<String, AttributeValue> item) {
        return new PartnerEventSource(
                item.get(SOURCE_NAME).s(),
                item.get(ACCOUNT).s(),
                Instant.ofEpochMilli(Long.parseLong(item.get(CREATED_AT).n())),
                PartnerEventSource.SourceState.valueOf(item.get(STATE).s()));
    }
}
