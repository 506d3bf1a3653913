package dev.partnerregistry.store;

import static dev.partnerregistry.store.RegistryTable.SECRET;

import dev.partnerregistry.domain.PageTokenKey;
import dev.partnerregistry.domain.RegistryException;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The NextToken signing key, kept in the table so that every instance signs alike and no secret
 * sits in the environment. Read on first use; never written here: the operator creates it once
 * ({@code admin create-page-token-key}), and the function's role may not write it.
 */
public final class DynamoDbPageTokenKey implements PageTokenKey {

    private final DynamoDbClient dynamoDb;
    private final String tableName;

    public DynamoDbPageTokenKey(DynamoDbClient dynamoDb, String tableName) {
        this.dynamoDb = dynamoDb;
        this.tableName = tableName;
    }

    @Override
    public byte[] secret() {
        byte[] secret = DynamoDbErrors.call(this::read);
        if (secret == null) {
            throw new RegistryException.Internal(new IllegalStateException("no NextToken signing key in table " + tableName
                    + ": the operator creates it once with `admin create-page-token-key`"));
        }
        return secret;
    }

    private byte[] read() {
        Map<String, AttributeValue> item = dynamoDb.getItem(r -> r.tableName(tableName)
                .key(RegistryTable.pageTokenKeyKey()).consistentRead(true)).item();
        return item == null || !item.containsKey(SECRET) ? null : item.get(SECRET).b().asByteArray();
    }
}
