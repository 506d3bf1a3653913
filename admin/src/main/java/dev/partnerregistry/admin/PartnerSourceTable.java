package dev.partnerregistry.admin;

import dev.partnerregistry.store.RegistryTable;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * Creates the registry's table on a local engine, with its NextToken signing key; deployed, the
 * CDK stack owns the table and the operator creates the key once.
 */
public final class PartnerSourceTable {

    private PartnerSourceTable() {
    }

    public static void createIfAbsent(DynamoDbClient dynamoDb, String tableName) {
        try {
            dynamoDb.createTable(r -> r.tableName(tableName)
                    .billingMode(BillingMode.PAY_PER_REQUEST)
                    .attributeDefinitions(
                            AttributeDefinition.builder().attributeName(RegistryTable.PARTITION_KEY).attributeType(ScalarAttributeType.S).build(),
                            AttributeDefinition.builder().attributeName(RegistryTable.SORT_KEY).attributeType(ScalarAttributeType.S).build())
                    .keySchema(
                            KeySchemaElement.builder().attributeName(RegistryTable.PARTITION_KEY).keyType(KeyType.HASH).build(),
                            KeySchemaElement.builder().attributeName(RegistryTable.SORT_KEY).keyType(KeyType.RANGE).build()));
            dynamoDb.waiter().waitUntilTableExists(r -> r.tableName(tableName));
        } catch (ResourceInUseException exists) {
            // Already there; make sure of the key below all the same.
        }
        new DynamoDbRegistryAdmin(dynamoDb, tableName).createPageTokenKey();
    }
}
