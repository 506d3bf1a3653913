package dev.partnerregistry.admin;

import static dev.partnerregistry.store.RegistryTable.ACCESS_KEYS;
import static dev.partnerregistry.store.RegistryTable.ACTIVE_KEYS;
import static dev.partnerregistry.store.RegistryTable.CREATED_AT;
import static dev.partnerregistry.store.RegistryTable.ENCRYPTED_SECRET;
import static dev.partnerregistry.store.RegistryTable.KEY_PRINCIPAL;
import static dev.partnerregistry.store.RegistryTable.KEY_STATUS;
import static dev.partnerregistry.store.RegistryTable.LAST_USED_AT;
import static dev.partnerregistry.store.RegistryTable.PARTITION_KEY;

import dev.partnerregistry.store.DynamoDbAccessKeys;
import dev.partnerregistry.store.RegistryTable;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.kms.KmsClient;

/**
 * The operator's side of registry-issued access keys: issue (the secret shown once, stored only as
 * KMS ciphertext under the key id as encryption context), list, deactivate, activate and delete.
 * A principal holds at most {@value #MAX_ACTIVE_KEYS} active keys, as an IAM user does, so a key
 * can be rotated without downtime. Each change is one transaction over the key's item and the
 * principal's list of keys, so the two never disagree.
 */
public final class IssuedAccessKeys {

    public static final int MAX_ACTIVE_KEYS = 2;
    /** Not an AWS prefix (AKIA, ASIA, ...), so a registry key is never mistaken for an IAM one. */
    public static final String ID_PREFIX = "PRKA";
    static final Pattern IMPORTABLE_ID = Pattern.compile("[A-Z0-9]{16,128}");
    private static final char[] BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A key as the operator sees it: never its secret, except in the answer that issued it. */
    public record IssuedKey(String accessKeyId, String principalArn, String status, Instant createdAt, Instant lastUsedAt,
                            String secretAccessKey) {

        @Override
        public String toString() {
            return "IssuedKey[" + accessKeyId + ", " + principalArn + ", " + status + "]";
        }
    }

    private final DynamoDbClient dynamoDb;
    private final String tableName;
    private final KmsClient kms;
    private final String kmsKeyArn;
    private final Clock clock;

    public IssuedAccessKeys(DynamoDbClient dynamoDb, String tableName, KmsClient kms, String kmsKeyArn, Clock clock) {
        this.dynamoDb = dynamoDb;
        this.tableName = tableName;
        this.kms = kms;
        this.kmsKeyArn = kmsKeyArn;
        this.clock = clock;
    }

    /**
     * A new key for the principal: a fresh id and a 40-character secret, returned here and nowhere else.
     * Refused for an account root, and for a principal with no rights yet (registered for no partner,
     * granted no account): its key could sign requests that do nothing, or, before grants, everything.
     */
    public IssuedKey issue(String principalArn) {
        CustomerGrants.accountOf(principalArn);
        if (PrincipalRights.read(dynamoDb, tableName, principalArn).none()) {
            throw new IllegalArgumentException(principalArn + " is registered for no partner and granted no account: run "
                    + "register-partner --partner P --principal " + principalArn + " (a partner's key) or register-customer --account "
                    + new dev.partnerregistry.domain.Caller(principalArn).accountId() + " --principal " + principalArn
                    + " (a customer's key) first");
        }
        byte[] secret = new byte[30];
        RANDOM.nextBytes(secret);
        return put(principalArn, newId(), Base64.getEncoder().encodeToString(secret));
    }

    /**
     * A key with a given id and secret (the local config's keys, seeded at each start of make run). An
     * existing key of that id is replaced, so the file stays the truth; it must belong to the same principal.
     */
    public IssuedKey importKey(String principalArn, String accessKeyId, String secret) {
        if (!IMPORTABLE_ID.matcher(accessKeyId).matches()) {
            throw new IllegalArgumentException("'" + accessKeyId + "' is not an access key id (16-128 upper-case letters and digits)");
        }
        Optional<IssuedKey> existing = find(accessKeyId);
        if (existing.isPresent()) {
            if (!existing.get().principalArn().equals(principalArn)) {
                throw new IllegalArgumentException("access key " + accessKeyId + " belongs to " + existing.get().principalArn());
            }
            delete(accessKeyId);
        }
        return put(principalArn, accessKeyId, secret);
    }

    public List<IssuedKey> list(String principalArn) {
        Map<String, AttributeValue> principal = dynamoDb.getItem(r -> r.tableName(tableName)
                .key(RegistryTable.principalKeysKey(principalArn)).consistentRead(true)).item();
        List<IssuedKey> keys = new ArrayList<>();
        if (principal != null && principal.containsKey(ACCESS_KEYS)) {
            for (String id : principal.get(ACCESS_KEYS).ss().stream().sorted().toList()) {
                find(id).ifPresent(keys::add);
            }
        }
        return keys;
    }

    public Optional<IssuedKey> find(String accessKeyId) {
        Map<String, AttributeValue> item = dynamoDb.getItem(r -> r.tableName(tableName)
                .key(RegistryTable.accessKeyKey(accessKeyId)).consistentRead(true)).item();
        if (item == null || item.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new IssuedKey(accessKeyId, item.get(KEY_PRINCIPAL).s(), item.get(KEY_STATUS).s(), time(item, CREATED_AT),
                time(item, LAST_USED_AT), null));
    }

    /** The key stops signing within the function's cache TTL (ACCESS_KEY_CACHE_SECONDS). */
    public IssuedKey deactivate(String accessKeyId) {
        IssuedKey key = existing(accessKeyId);
        if (key.status().equals(DynamoDbAccessKeys.INACTIVE)) {
            return key;
        }
        transact(accessKeyId, List.of(
                setStatus(accessKeyId, DynamoDbAccessKeys.INACTIVE),
                principalUpdate(key.principalArn(), "DELETE #active :id", null, accessKeyId)));
        return existing(accessKeyId);
    }

    public IssuedKey activate(String accessKeyId) {
        IssuedKey key = existing(accessKeyId);
        if (key.status().equals(DynamoDbAccessKeys.ACTIVE)) {
            return key;
        }
        transact(accessKeyId, List.of(
                setStatus(accessKeyId, DynamoDbAccessKeys.ACTIVE),
                principalUpdate(key.principalArn(), "ADD #active :id", "attribute_not_exists(#active) OR size(#active) < :max", accessKeyId)));
        return existing(accessKeyId);
    }

    public IssuedKey delete(String accessKeyId) {
        IssuedKey key = existing(accessKeyId);
        transact(accessKeyId, List.of(
                TransactWriteItem.builder().delete(d -> d.tableName(tableName).key(RegistryTable.accessKeyKey(accessKeyId))
                        .conditionExpression("attribute_exists(#pk)").expressionAttributeNames(Map.of("#pk", PARTITION_KEY))).build(),
                principalUpdate(key.principalArn(), "DELETE #keys :id, #active :id", null, accessKeyId)));
        return key;
    }

    private IssuedKey put(String principalArn, String accessKeyId, String secret) {
        byte[] ciphertext = kms.encrypt(r -> r.keyId(kmsKeyArn)
                .plaintext(SdkBytes.fromString(secret, StandardCharsets.UTF_8))
                .encryptionContext(DynamoDbAccessKeys.encryptionContext(accessKeyId))).ciphertextBlob().asByteArray();
        Instant now = clock.instant();
        transact(accessKeyId, List.of(
                principalUpdate(principalArn, "SET #principal = :principal ADD #keys :id, #active :id",
                        "attribute_not_exists(#active) OR size(#active) < :max", accessKeyId),
                TransactWriteItem.builder().put(p -> p.tableName(tableName)
                        .item(Map.of(
                                PARTITION_KEY, RegistryTable.accessKeyKey(accessKeyId).get(PARTITION_KEY),
                                RegistryTable.SORT_KEY, RegistryTable.accessKeyKey(accessKeyId).get(RegistryTable.SORT_KEY),
                                KEY_PRINCIPAL, AttributeValue.fromS(principalArn),
                                KEY_STATUS, AttributeValue.fromS(DynamoDbAccessKeys.ACTIVE),
                                ENCRYPTED_SECRET, AttributeValue.fromB(SdkBytes.fromByteArray(ciphertext)),
                                CREATED_AT, AttributeValue.fromN(Long.toString(now.toEpochMilli()))))
                        .conditionExpression("attribute_not_exists(#pk)")
                        .expressionAttributeNames(Map.of("#pk", PARTITION_KEY))).build()));
        return new IssuedKey(accessKeyId, principalArn, DynamoDbAccessKeys.ACTIVE, now, null, secret);
    }

    private TransactWriteItem setStatus(String accessKeyId, String status) {
        return TransactWriteItem.builder().update(u -> u.tableName(tableName).key(RegistryTable.accessKeyKey(accessKeyId))
                .updateExpression("SET #status = :status")
                .conditionExpression("attribute_exists(#pk)")
                .expressionAttributeNames(Map.of("#status", KEY_STATUS, "#pk", PARTITION_KEY))
                .expressionAttributeValues(Map.of(":status", AttributeValue.fromS(status)))).build();
    }

    private TransactWriteItem principalUpdate(String principalArn, String update, String condition, String accessKeyId) {
        Map<String, String> names = new java.util.HashMap<>(Map.of("#active", ACTIVE_KEYS));
        Map<String, AttributeValue> values = new java.util.HashMap<>(Map.of(":id", AttributeValue.fromSs(List.of(accessKeyId))));
        if (update.contains("#keys")) {
            names.put("#keys", ACCESS_KEYS);
        }
        if (update.contains("#principal")) {
            names.put("#principal", KEY_PRINCIPAL);
            values.put(":principal", AttributeValue.fromS(principalArn));
        }
        if (condition != null) {
            values.put(":max", AttributeValue.fromN(Integer.toString(MAX_ACTIVE_KEYS)));
        }
        return TransactWriteItem.builder().update(u -> u.tableName(tableName).key(RegistryTable.principalKeysKey(principalArn))
                .updateExpression(update).conditionExpression(condition)
                .expressionAttributeNames(names).expressionAttributeValues(values)).build();
    }

    /** The first item of each transaction here is the principal's list (or the key); a failed condition there is the limit. */
    private void transact(String accessKeyId, List<TransactWriteItem> items) {
        try {
            dynamoDb.transactWriteItems(r -> r.transactItems(items));
        } catch (TransactionCanceledException e) {
            List<CancellationReason> reasons = e.cancellationReasons();
            for (int i = 0; i < reasons.size(); i++) {
                if ("ConditionalCheckFailed".equals(reasons.get(i).code())) {
                    boolean principalItem = items.get(i).update() != null
                            && items.get(i).update().key().get(PARTITION_KEY).s().startsWith("PRINCIPAL#");
                    throw new IllegalStateException(principalItem
                            ? "the principal already has " + MAX_ACTIVE_KEYS + " active keys: deactivate one first"
                            : "access key " + accessKeyId + " changed meanwhile (or already exists); run the command again");
                }
            }
            throw e;
        }
    }

    private IssuedKey existing(String accessKeyId) {
        return find(accessKeyId).orElseThrow(() -> new IllegalArgumentException("no access key " + accessKeyId));
    }

    private static String newId() {
        StringBuilder id = new StringBuilder(ID_PREFIX);
        for (int i = 0; i < 16; i++) {
            id.append(BASE32[RANDOM.nextInt(BASE32.length)]);
        }
        return id.toString();
    }

    private static Instant time(Map<String, AttributeValue> item, String attribute) {
        AttributeValue value = item.get(attribute);
        return value == null || value.n() == null ? null : Instant.ofEpochMilli(Long.parseLong(value.n()));
    }
}
