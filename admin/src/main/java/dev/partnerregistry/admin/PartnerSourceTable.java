package dev.partnerregistry.admin;

import dev.partnerregistry.store.RegistryTable;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * Creates the registry's table on a local engine, with its indexes (a customer's sources by account,
 * PENDING sources by expiry) and its NextToken signing key; deployed, the CDK stack owns the table
 * and the operator creates the key once.
 */
public final class PartnerSourceTable {

    private PartnerSourceTable() {
    }

    /** @return whether the table was made now (false: it was there already) */
    public static boolean createIfAbsent(DynamoDbClient dynamoDb, String tableName) {
        boolean created = false;
        try {
            dynamoDb.createTable(r -> r.tableName(tableName)
                    .billingMode(BillingMode.PAY_PER_REQUEST)
                    .attributeDefinitions(
                            attribute(RegistryTable.PARTITION_KEY, ScalarAttributeType.S),
                            attribute(RegistryTable.SORT_KEY, ScalarAttributeType.S),
                            attribute(RegistryTable.ACCOUNT, ScalarAttributeType.S),
                            attribute(RegistryTable.EXPIRY_QUEUE, ScalarAttributeType.S),
                            attribute(RegistryTable.EXPIRES_AT, ScalarAttributeType.N))
                    .keySchema(key(RegistryTable.PARTITION_KEY, KeyType.HASH), key(RegistryTable.SORT_KEY, KeyType.RANGE))
                    .globalSecondaryIndexes(
                            GlobalSecondaryIndex.builder().indexName(RegistryTable.ACCOUNT_INDEX)
                                    .keySchema(key(RegistryTable.ACCOUNT, KeyType.HASH), key(RegistryTable.SORT_KEY, KeyType.RANGE))
                                    .projection(p -> p.projectionType(ProjectionType.ALL)).build(),
                            GlobalSecondaryIndex.builder().indexName(RegistryTable.EXPIRY_INDEX)
                                    .keySchema(key(RegistryTable.EXPIRY_QUEUE, KeyType.HASH), key(RegistryTable.EXPIRES_AT, KeyType.RANGE))
                                    .projection(p -> p.projectionType(ProjectionType.KEYS_ONLY)).build()));
            dynamoDb.waiter().waitUntilTableExists(r -> r.tableName(tableName));
            created = true;
        } catch (ResourceInUseException exists) {
            // Already there; make sure of the key below all the same.
        }
        new DynamoDbRegistryAdmin(dynamoDb, tableName).createPageTokenKey();
        return created;
    }

    private static AttributeDefinition attribute(String name, ScalarAttributeType type) {
        return AttributeDefinition.builder().attributeName(name).attributeType(type).build();
    }

    private static KeySchemaElement key(String name, KeyType type) {
        return KeySchemaElement.builder().attributeName(name).keyType(type).build();
    }
}
