package dev.partnerregistry.store;

import static dev.partnerregistry.store.RegistryTable.ENCRYPTED_SECRET;
import static dev.partnerregistry.store.RegistryTable.KEY_PRINCIPAL;
import static dev.partnerregistry.store.RegistryTable.KEY_STATUS;
import static dev.partnerregistry.store.RegistryTable.LAST_USED_AT;
import static dev.partnerregistry.store.RegistryTable.PARTITION_KEY;

import dev.partnerregistry.auth.AccessKey;
import dev.partnerregistry.auth.AccessKeys;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;

/**
 * Registry-issued access keys in the table ({@link RegistryTable#accessKeyKey}), their secrets
 * decrypted by KMS under the key id as encryption context, so that a secret copied onto another
 * key's item does not decrypt. The function only reads keys and notes their last use; the
 * operator command issues, deactivates and deletes them.
 */
public final class DynamoDbAccessKeys implements AccessKeys {

    /** A key's status, as IAM spells its own. */
    public static final String ACTIVE = "Active";
    public static final String INACTIVE = "Inactive";

    private final DynamoDbClient dynamoDb;
    private final String tableName;
    private final KmsDecrypt kms;

    public DynamoDbAccessKeys(DynamoDbClient dynamoDb, String tableName, KmsDecrypt kms) {
        this.dynamoDb = dynamoDb;
        this.tableName = tableName;
        this.kms = kms;
    }

    /** The encryption context of a key's secret: binds the ciphertext to that key's id. */
    public static Map<String, String> encryptionContext(String accessKeyId) {
        return Map.of(RegistryTable.SECRET_ENCRYPTION_CONTEXT, accessKeyId);
    }

    @Override
    public Optional<AccessKey> find(String accessKeyId) {
        Map<String, AttributeValue> item = DynamoDbErrors.call(() -> dynamoDb.getItem(r -> r.tableName(tableName)
                .key(RegistryTable.accessKeyKey(accessKeyId)).consistentRead(true)).item());
        if (item == null || item.isEmpty() || !item.containsKey(KEY_PRINCIPAL)) {
            return Optional.empty();
        }
        String principal = item.get(KEY_PRINCIPAL).s();
        AttributeValue status = item.get(KEY_STATUS);
        if (status == null || !ACTIVE.equals(status.s()) || !item.containsKey(ENCRYPTED_SECRET)) {
            // An inactive key's secret is never decrypted.
            return Optional.of(new AccessKey(accessKeyId, principal, false, null));
        }
        byte[] secret = kms.decrypt(item.get(ENCRYPTED_SECRET).b().asByteArray(), encryptionContext(accessKeyId));
        AttributeValue used = item.get(LAST_USED_AT);
        Instant lastUsedAt = null;
        if (used != null && used.n() != null) {
            try {
                lastUsedAt = Instant.ofEpochMilli(Long.parseLong(used.n()));
            } catch (NumberFormatException notMillis) {
                // Not a time this registry wrote: as if never noted, so the next use writes one.
            }
        }
        return Optional.of(new AccessKey(accessKeyId, principal, true, new String(secret, StandardCharsets.UTF_8), lastUsedAt));
    }

    /** Best effort: a request is not failed because its key's last-used time could not be written. */
    @Override
    public void recordUse(String accessKeyId, Instant at) {
        try {
            dynamoDb.updateItem(r -> r.tableName(tableName)
                    .key(RegistryTable.accessKeyKey(accessKeyId))
                    .updateExpression("SET #used = :at")
                    .conditionExpression("attribute_exists(#pk)")
                    .expressionAttributeNames(Map.of("#used", LAST_USED_AT, "#pk", PARTITION_KEY))
                    .expressionAttributeValues(Map.of(":at", AttributeValue.fromN(Long.toString(at.toEpochMilli())))));
        } catch (DynamoDbException | software.amazon.awssdk.core.exception.SdkClientException ignored) {
            // Deleted since it was read, or the table is busy: the next read of the key notes its use again.
        }
    }
}
