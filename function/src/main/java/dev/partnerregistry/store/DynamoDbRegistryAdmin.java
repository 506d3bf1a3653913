package dev.partnerregistry.store;

import dev.partnerregistry.domain.RegistryOperation;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.enhanced.dynamodb.Key;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;

/**
 * The operator's writes: which principals act for a partner, a partner's own limit, and which
 * operations are switched off in a region. Each is one UpdateItem and returns the item as written.
 */
public final class DynamoDbRegistryAdmin {

    private final DynamoDbClient dynamoDb;
    private final String tableName;

    public DynamoDbRegistryAdmin(DynamoDbClient dynamoDb, String tableName) {
        this.dynamoDb = dynamoDb;
        this.tableName = tableName;
    }

    public Map<String, AttributeValue> registerPrincipals(String partner, Collection<String> principals) {
        return update(TableItems.partnerKey(partner), "SET partner = :partner ADD principals :principals",
                Map.of(":partner", AttributeValue.fromS(partner), ":principals", AttributeValue.fromSs(principals.stream().toList())));
    }

    public Map<String, AttributeValue> deregisterPrincipals(String partner, Collection<String> principals) {
        return update(TableItems.partnerKey(partner), "DELETE principals :principals",
                Map.of(":principals", AttributeValue.fromSs(principals.stream().toList())));
    }

    /** Sets the partner's own limit; null removes it, so the deployment's default applies again. */
    public Map<String, AttributeValue> setPartnerLimit(String partner, Integer limit) {
        if (limit == null) {
            return update(TableItems.partnerKey(partner), "SET partner = :partner REMOVE sourceLimit",
                    Map.of(":partner", AttributeValue.fromS(partner)));
        }
        return update(TableItems.partnerKey(partner), "SET partner = :partner, sourceLimit = :limit",
                Map.of(":partner", AttributeValue.fromS(partner), ":limit", AttributeValue.fromN(Integer.toString(limit))));
    }

    public Map<String, AttributeValue> disable(String region, RegistryOperation operation) {
        return update(TableItems.regionKey(region), "SET #region = :region ADD disabledOperations :operation",
                Map.of(":region", AttributeValue.fromS(region), ":operation", AttributeValue.fromSs(java.util.List.of(operation.operationName()))));
    }

    public Map<String, AttributeValue> enable(String region, RegistryOperation operation) {
        return update(TableItems.regionKey(region), "DELETE disabledOperations :operation",
                Map.of(":operation", AttributeValue.fromSs(java.util.List.of(operation.operationName()))));
    }

    public Map<String, AttributeValue> partner(String partner) {
        return get(TableItems.partnerKey(partner));
    }

    public Map<String, AttributeValue> region(String region) {
        return get(TableItems.regionKey(region));
    }

    private Map<String, AttributeValue> get(Key key) {
        return dynamoDb.getItem(r -> r.tableName(tableName).key(TableItems.keyMap(key)).consistentRead(true)).item();
    }

    private Map<String, AttributeValue> update(Key key, String expression, Map<String, AttributeValue> values) {
        Map<String, String> names = new HashMap<>();
        if (expression.contains("#region")) {
            names.put("#region", "region");
        }
        return dynamoDb.updateItem(r -> r.tableName(tableName)
                .key(TableItems.keyMap(key))
                .updateExpression(expression)
                .expressionAttributeValues(values)
                .expressionAttributeNames(names.isEmpty() ? null : names)
                .returnValues(ReturnValue.ALL_NEW)).attributes();
    }

}
