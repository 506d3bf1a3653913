package dev.partnerregistry.admin;

import static dev.partnerregistry.store.RegistryTable.PARTITION_KEY;
import static dev.partnerregistry.store.RegistryTable.PRINCIPALS;
import static dev.partnerregistry.store.RegistryTable.SORT_KEY;

import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The operator's reads of one kind of item across the table: a consistent, paginated Scan filtered by key shape. */
final class RegistryItems {

    private RegistryItems() {
    }

    /** Every item whose partition key starts with {@code partitionPrefix} and whose sort key is {@code sortKey}. */
    static Iterable<Map<String, AttributeValue>> scan(DynamoDbClient dynamoDb, String tableName, String partitionPrefix, String sortKey) {
        return scan(dynamoDb, tableName, partitionPrefix, sortKey, null);
    }

    /** As above, only those whose {@code principals} name {@code principal} (null: all). */
    static Iterable<Map<String, AttributeValue>> scan(DynamoDbClient dynamoDb, String tableName, String partitionPrefix, String sortKey,
                                                      String principal) {
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":prefix", AttributeValue.fromS(partitionPrefix),
                ":sk", AttributeValue.fromS(sortKey)));
        Map<String, String> names = new HashMap<>(Map.of("#pk", PARTITION_KEY, "#sk", SORT_KEY));
        String filter = "begins_with(#pk, :prefix) AND #sk = :sk";
        if (principal != null) {
            names.put("#principals", PRINCIPALS);
            values.put(":principal", AttributeValue.fromS(principal));
            filter += " AND contains(#principals, :principal)";
        }
        String expression = filter;
        return dynamoDb.scanPaginator(r -> r.tableName(tableName).consistentRead(true)
                .filterExpression(expression).expressionAttributeNames(names).expressionAttributeValues(values)).items();
    }
}
