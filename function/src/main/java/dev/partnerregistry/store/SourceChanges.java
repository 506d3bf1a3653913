package dev.partnerregistry.store;

import dev.partnerregistry.domain.PartnerEventSource;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Delete;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.Update;

/** The transaction items that write a source: the store's and the sweep's, so both write a source alike. */
final class SourceChanges {

    private SourceChanges() {
    }

    /** The source's removal (a null {@code next}), or its change into {@code next}, on condition that it is still {@code stored}. */
    static TransactWriteItem change(String tableName, PartnerEventSource stored, PartnerEventSource next, Map<String, AttributeValue> key) {
        if (next == null) {
            SourceItem.Expression condition = new SourceItem.Expression();
            condition.text = SourceItem.unchanged(stored, condition);
            return TransactWriteItem.builder().delete(Delete.builder()
                    .tableName(tableName)
                    .key(key)
                    .conditionExpression(condition.text)
                    .expressionAttributeNames(condition.names)
                    .expressionAttributeValues(condition.values)
                    .build()).build();
        }
        SourceItem.Expression write = SourceItem.update(next, null, false);
        return update(tableName, key, write, SourceItem.unchanged(stored, write));
    }

    /** The update {@code write} of the source at {@code key}, on {@code condition} (written with the same expression's names). */
    static TransactWriteItem update(String tableName, Map<String, AttributeValue> key, SourceItem.Expression write, String condition) {
        return TransactWriteItem.builder().update(Update.builder()
                .tableName(tableName)
                .key(key)
                .updateExpression(write.text)
                .conditionExpression(condition)
                .expressionAttributeNames(write.names)
                .expressionAttributeValues(write.values)
                .build()).build();
    }
}
