package dev.partnerregistry.store;

import dev.partnerregistry.domain.RegistryException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;

/** One BatchGetItem of up to 100 keys of a table, consistent, its unprocessed keys asked again (five tries, then Throttling). */
final class ConsistentBatchGet {

    private ConsistentBatchGet() {
    }

    /** The items found at {@code keys}, in no particular order; a key with no item has none. */
    static List<Map<String, AttributeValue>> items(DynamoDbClient dynamoDb, String tableName, List<Map<String, AttributeValue>> keys) {
        List<Map<String, AttributeValue>> found = new ArrayList<>(keys.size());
        List<Map<String, AttributeValue>> pending = keys;
        for (int attempt = 0; !pending.isEmpty(); attempt++) {
            if (attempt == 5) {
                throw new RegistryException.Throttling();
            }
            List<Map<String, AttributeValue>> ask = pending;
            BatchGetItemResponse response = DynamoDbErrors.call(() -> dynamoDb.batchGetItem(r -> r.requestItems(Map.of(tableName,
                    KeysAndAttributes.builder().keys(ask).consistentRead(true).build()))));
            found.addAll(response.responses().getOrDefault(tableName, List.of()));
            KeysAndAttributes unprocessed = response.unprocessedKeys().get(tableName);
            pending = unprocessed == null ? List.of() : unprocessed.keys();
        }
        return found;
    }
}
