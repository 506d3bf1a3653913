package dev.partnerregistry.admin;

import static dev.partnerregistry.store.RegistryTable.DISABLED_OPERATIONS;
import static dev.partnerregistry.store.RegistryTable.PARTNER;
import static dev.partnerregistry.store.RegistryTable.PRINCIPALS;
import static dev.partnerregistry.store.RegistryTable.REGION;
import static dev.partnerregistry.store.RegistryTable.SOURCE_LIMIT;

import dev.partnerregistry.domain.RegistryOperation;
import dev.partnerregistry.store.RegistryTable;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
        return update(RegistryTable.partnerKey(partner), "SET #partner = :partner ADD #principals :principals",
                Map.of(":partner", AttributeValue.fromS(partner), ":principals", AttributeValue.fromSs(principals.stream().toList())));
    }

    public Map<String, AttributeValue> deregisterPrincipals(String partner, Collection<String> principals) {
        return update(RegistryTable.partnerKey(partner), "DELETE #principals :principals",
                Map.of(":principals", AttributeValue.fromSs(principals.stream().toList())));
    }

    /** Sets the partner's own limit; null removes it, so the deployment's default applies again. */
    public Map<String, AttributeValue> setPartnerLimit(String partner, Integer limit) {
        if (limit == null) {
            return update(RegistryTable.partnerKey(partner), "SET #partner = :partner REMOVE #sourceLimit",
                    Map.of(":partner", AttributeValue.fromS(partner)));
        }
        return update(RegistryTable.partnerKey(partner), "SET #partner = :partner, #sourceLimit = :limit",
                Map.of(":partner", AttributeValue.fromS(partner), ":limit", AttributeValue.fromN(Integer.toString(limit))));
    }

    public Map<String, AttributeValue> disable(String region, RegistryOperation operation) {
        return update(RegistryTable.regionKey(region), "SET #region = :region ADD #disabledOperations :operation",
                Map.of(":region", AttributeValue.fromS(region), ":operation", AttributeValue.fromSs(List.of(operation.operationName()))));
    }

    public Map<String, AttributeValue> enable(String region, RegistryOperation operation) {
        return update(RegistryTable.regionKey(region), "DELETE #disabledOperations :operation",
                Map.of(":operation", AttributeValue.fromSs(List.of(operation.operationName()))));
    }

    public Map<String, AttributeValue> partner(String partner) {
        return get(RegistryTable.partnerKey(partner));
    }

    public Map<String, AttributeValue> region(String region) {
        return get(RegistryTable.regionKey(region));
    }

    private Map<String, AttributeValue> get(Map<String, AttributeValue> key) {
        return dynamoDb.getItem(r -> r.tableName(tableName).key(key).consistentRead(true)).item();
    }

    private Map<String, AttributeValue> update(Map<String, AttributeValue> key, String expression, Map<String, AttributeValue> values) {
        // Every attribute by placeholder: "region" and others are DynamoDB reserved words.
        Map<String, String> names = new HashMap<>();
        for (String attribute : List.of(PARTNER, PRINCIPALS, SOURCE_LIMIT, REGION, DISABLED_OPERATIONS)) {
            if (expression.contains("#" + attribute)) {
                names.put("#" + attribute, attribute);
            }
        }
        return dynamoDb.updateItem(r -> r.tableName(tableName)
                .key(key)
                .updateExpression(expression)
                .expressionAttributeValues(values)
                .expressionAttributeNames(names)
                .returnValues(ReturnValue.ALL_NEW)).attributes();
    }

}
