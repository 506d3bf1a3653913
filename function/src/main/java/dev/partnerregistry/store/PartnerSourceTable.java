package dev.partnerregistry.store;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/** Creates the registry's table on a local engine; deployed, the CDK stack owns it. */
public final class PartnerSourceTable {

    private PartnerSourceTable() {
    }

    public static void createIfAbsent(DynamoDbClient dynamoDb, String tableName) {
        try {
            dynamoDb.createTable(r -> r.tableName(tableName)
                    .billingMode(BillingMode.PAY_PER_REQUEST)
                    .attributeDefinitions(
                            AttributeDefinition.builder().attributeName(TableItems.PK).attributeType(ScalarAttributeType.S).build(),
                            AttributeDefinition.builder().attributeName(TableItems.SK).attributeType(ScalarAttributeType.S).build())
                    .keySchema(
                            KeySchemaElement.builder().attributeName(TableItems.PK).keyType(KeyType.HASH).build(),
                            KeySchemaElement.builder().attributeName(TableItems.SK).keyType(KeyType.RANGE).build()));
        } catch (ResourceInUseException exists) {
            return;
        }
        dynamoDb.waiter().waitUntilTableExists(r -> r.tableName(tableName));
    }
}
