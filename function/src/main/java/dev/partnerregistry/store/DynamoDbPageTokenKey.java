package dev.partnerregistry.store;

import static dev.partnerregistry.store.RegistryTable.PARTITION_KEY;
import static dev.partnerregistry.store.RegistryTable.SECRET;

import dev.partnerregistry.domain.PageTokenKey;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * The NextToken signing key, kept in the table so that every instance signs alike and no secret
 * sits in the environment: read on first use, created by whichever instance gets there first.
 */
public final class DynamoDbPageTokenKey implements PageTokenKey {

    private static final int KEY_BYTES = 32;

    private final DynamoDbClient dynamoDb;
    private final String tableName;

    public DynamoDbPageTokenKey(DynamoDbClient dynamoDb, String tableName) {
        this.dynamoDb = dynamoDb;
        this.tableName = tableName;
    }

    @Override
    public byte[] secret() {
        return DynamoDbErrors.call(() -> {
            byte[] existing = read();
            if (existing != null) {
                return existing;
            }
            byte[] secret = new byte[KEY_BYTES];
            new SecureRandom().nextBytes(secret);
            Map<String, AttributeValue> item = new HashMap<>(RegistryTable.pageTokenKeyKey());
            item.put(SECRET, AttributeValue.fromB(SdkBytes.fromByteArray(secret)));
            try {
                // First writer wins, so that every instance signs with the same key.
                dynamoDb.putItem(r -> r.tableName(tableName).item(item).conditionExpression("attribute_not_exists(" + PARTITION_KEY + ")"));
                return secret;
            } catch (ConditionalCheckFailedException raced) {
                return read();
            }
        });
    }

    private byte[] read() {
        Map<String, AttributeValue> item = dynamoDb.getItem(r -> r.tableName(tableName)
                .key(RegistryTable.pageTokenKeyKey()).consistentRead(true)).item();
        return item == null || !item.containsKey(SECRET) ? null : item.get(SECRET).b().asByteArray();
    }
}
