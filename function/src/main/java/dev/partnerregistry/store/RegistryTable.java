package dev.partnerregistry.store;

import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The single table's layout: the one place its key schema, item keys and attribute names are
 * written. The store, the operator command, the tests and the CDK stack's test read them here.
 *
 * <pre>
 * pk                    sk                   item                                          written by
 * PARTNER#&lt;partner&gt;    PARTNER              partner: principals, sourceLimit (override)   the operator
 * COUNT#&lt;partner&gt;      COUNT                counter: sourceCount, countChanges            the function
 * SOURCES#&lt;partner&gt;    SOURCE#&lt;name&gt;        source: name, account, createdAt, state, callId, the function
 *                                            expiresAt + expiryQueue (while PENDING),
 *                                            busAccount + busCreatedAt + deliverTo (the
 *                                            customer's bus, and its own bus to deliver to)
 * REGION#&lt;region&gt;      REGION               region switches: disabledOperations           the operator
 * CONFIG                PAGE_TOKEN_KEY       the HMAC key of NextTokens: secret            the operator
 * ACCESSKEY#&lt;id&gt;       ACCESSKEY            a registry-issued access key: principal,      the operator
 *                                            keyStatus, encryptedSecret, createdAt,        (lastUsedAt: the
 *                                            lastUsedAt                                    function)
 * PRINCIPAL#&lt;arn&gt;      KEYS                 a principal's keys: accessKeys, activeKeys    the operator
 * CUSTOMER#&lt;account&gt;  CUSTOMER             who acts as the account's customer:           the operator
 *                                            principals (the grants)
 * </pre>
 *
 * A partner's sources share a partition, sorted by name: listing by prefix is a Query with
 * begins_with, describe and delete are key lookups. What grants access or sets a limit lives in
 * items the function may only read; what the function writes lives in partitions of its own
 * ({@link #SOURCE_PARTITION_PREFIX}, {@link #COUNTER_PARTITION_PREFIX}), so that IAM can tell the
 * two apart by partition key alone.
 */
public final class RegistryTable {

    /** Key schema: both keys are strings. */
    public static final String PARTITION_KEY = "pk";
    public static final String SORT_KEY = "sk";

    // The partner item; {@link #PRINCIPALS} also names the principals a customer item grants.
    public static final String PARTNER = "partner";
    public static final String PRINCIPALS = "principals";
    public static final String SOURCE_LIMIT = "sourceLimit";

    // The counter item.
    public static final String SOURCE_COUNT = "sourceCount";
    /** Bumped by every write of the counter, so that a recount can tell a +1-1 from no change at all. */
    public static final String COUNT_CHANGES = "countChanges";

    // A source item.
    public static final String SOURCE_NAME = "name";
    public static final String ACCOUNT = "account";
    public static final String CREATED_AT = "createdAt";
    public static final String STATE = "state";
    /** The client's id for the call that created the source (amz-sdk-invocation-id), so its retries are recognised. */
    public static final String CALL_ID = "callId";
    /** When a PENDING source expires (epoch milliseconds); absent in any other state. */
    public static final String EXPIRES_AT = "expiresAt";
    /** {@value #EXPIRY_QUEUE_VALUE} while the source is PENDING, else absent: the sparse key of {@link #EXPIRY_INDEX}. */
    public static final String EXPIRY_QUEUE = "expiryQueue";
    public static final String EXPIRY_QUEUE_VALUE = "PENDING";
    /** The account whose partner event bus is matched to the source, and when it was created; absent without one. */
    public static final String BUS_ACCOUNT = "busAccount";
    public static final String BUS_CREATED_AT = "busCreatedAt";
    /** The customer's own event bus (ARN) the source's events are delivered to, named when it created the matching bus. */
    public static final String DELIVER_TO = "deliverTo";
    /** The Description the customer gave its partner event bus (CreateEventBus), returned by CreateEventBus and DescribeEventBus. */
    public static final String BUS_DESCRIPTION = "busDescription";

    /**
     * A customer's sources: partition key {@link #ACCOUNT} (only source items carry it), sort key
     * {@link #SORT_KEY} ({@code SOURCE#<name>}), so ListEventSources Queries by account and prefix.
     */
    public static final String ACCOUNT_INDEX = "byAccount";
    /** PENDING sources by expiry: partition key {@link #EXPIRY_QUEUE}, sort key {@link #EXPIRES_AT}; the sweep's Query. */
    public static final String EXPIRY_INDEX = "byExpiry";

    // The region item.
    public static final String REGION = "region";
    public static final String DISABLED_OPERATIONS = "disabledOperations";

    // The page-token key item.
    public static final String SECRET = "secret";

    // An access key item (the secret is KMS ciphertext, bound to the key id by the encryption context).
    public static final String KEY_PRINCIPAL = "principal";
    public static final String KEY_STATUS = "keyStatus";
    public static final String ENCRYPTED_SECRET = "encryptedSecret";
    public static final String LAST_USED_AT = "lastUsedAt";
    /** The encryption context key under which an access key's secret is encrypted; its value is the access key id. */
    public static final String SECRET_ENCRYPTION_CONTEXT = "accessKeyId";

    // A principal's keys item.
    public static final String ACCESS_KEYS = "accessKeys";
    public static final String ACTIVE_KEYS = "activeKeys";

    static final String PARTNER_PARTITION_PREFIX = "PARTNER#";
    public static final String PARTNER_SORT_KEY = "PARTNER";
    public static final String SOURCE_PARTITION_PREFIX = "SOURCES#";
    static final String SOURCE_SORT_KEY_PREFIX = "SOURCE#";
    public static final String COUNTER_PARTITION_PREFIX = "COUNT#";
    public static final String ACCESS_KEY_PARTITION_PREFIX = "ACCESSKEY#";
    static final String PRINCIPAL_PARTITION_PREFIX = "PRINCIPAL#";
    public static final String CUSTOMER_PARTITION_PREFIX = "CUSTOMER#";
    public static final String CUSTOMER_SORT_KEY = "CUSTOMER";

    /**
     * The DynamoDB actions the function's store calls, as IAM names them, by what they may touch.
     * Reads: TransactGetItems is authorized as GetItem, a transaction's condition checks as
     * ConditionCheckItem, listing is a Query, the page-token key a GetItem; any item.
     */
    public static final List<String> FUNCTION_READ_ACTIONS = List.of(
            "dynamodb:ConditionCheckItem",
            "dynamodb:GetItem",
            "dynamodb:Query");
    /** A transaction's put, update (a state change) and delete of a source: only in source partitions, only its attributes. */
    public static final List<String> FUNCTION_SOURCE_ACTIONS = List.of("dynamodb:DeleteItem", "dynamodb:PutItem", "dynamodb:UpdateItem");
    /** A transaction's update of a counter: only in counter partitions, only the count. */
    public static final List<String> FUNCTION_COUNTER_ACTIONS = List.of("dynamodb:UpdateItem");
    /** Every attribute a source write names (item, key and condition): what IAM lets the function write there. */
    public static final List<String> SOURCE_ATTRIBUTES = List.of(
            PARTITION_KEY, SORT_KEY, SOURCE_NAME, ACCOUNT, CREATED_AT, STATE, CALL_ID, EXPIRES_AT, EXPIRY_QUEUE, BUS_ACCOUNT, BUS_CREATED_AT,
            DELIVER_TO, BUS_DESCRIPTION);
    /** The indexes the function queries ({@code <table ARN>/index/<name>}): a customer's sources. */
    public static final List<String> FUNCTION_QUERIED_INDEXES = List.of(ACCOUNT_INDEX);
    /**
     * What the expiry sweep does: Query the expiry index, and in one transaction per expired source
     * delete it, or mark it DELETED while its customer's bus exists (only in source partitions), and
     * count it out (only counters), the function's own attribute rules applying.
     */
    public static final List<String> SWEEP_QUERIED_INDEXES = List.of(EXPIRY_INDEX);
    /** The sweep reads the sources the index names, consistently, before it decides (the index lags): a page at once, or one (the audit's repair). */
    public static final List<String> SWEEP_READ_ACTIONS = List.of("dynamodb:BatchGetItem", "dynamodb:GetItem");
    public static final List<String> SWEEP_SOURCE_ACTIONS = List.of("dynamodb:DeleteItem", "dynamodb:UpdateItem");
    /** Every attribute a counter update names. */
    public static final List<String> COUNTER_ATTRIBUTES = List.of(PARTITION_KEY, SORT_KEY, SOURCE_COUNT, COUNT_CHANGES);
    /** The note of an access key's last use: only in access-key partitions, only that time. */
    public static final List<String> FUNCTION_ACCESS_KEY_ACTIONS = List.of("dynamodb:UpdateItem");
    public static final List<String> ACCESS_KEY_USE_ATTRIBUTES = List.of(PARTITION_KEY, SORT_KEY, LAST_USED_AT);

    private RegistryTable() {
    }

    /** The partition that holds the partner's sources. */
    public static String sourcePartition(String partner) {
        return SOURCE_PARTITION_PREFIX + partner;
    }

    public static String sourceSortKey(String name) {
        return SOURCE_SORT_KEY_PREFIX + name;
    }

    /** The source name a source item's sort key holds. */
    static String nameOfSortKey(String sortKey) {
        if (!sortKey.startsWith(SOURCE_SORT_KEY_PREFIX)) {
            throw new IllegalArgumentException("not a source's sort key: " + sortKey);
        }
        return sortKey.substring(SOURCE_SORT_KEY_PREFIX.length());
    }

    /** The partner item: who may act for the partner, and its own limit. */
    public static Map<String, AttributeValue> partnerKey(String partner) {
        return key(PARTNER_PARTITION_PREFIX + partner, PARTNER_SORT_KEY);
    }

    /** The partner's counter: how many sources it holds. */
    public static Map<String, AttributeValue> counterKey(String partner) {
        return key(COUNTER_PARTITION_PREFIX + partner, "COUNT");
    }

    public static Map<String, AttributeValue> sourceKey(String partner, String name) {
        return key(sourcePartition(partner), sourceSortKey(name));
    }

    public static Map<String, AttributeValue> regionKey(String region) {
        return key("REGION#" + region, "REGION");
    }

    public static Map<String, AttributeValue> pageTokenKeyKey() {
        return key("CONFIG", "PAGE_TOKEN_KEY");
    }

    /** A registry-issued access key, found by its id as the signature names it. */
    public static Map<String, AttributeValue> accessKeyKey(String accessKeyId) {
        return key(ACCESS_KEY_PARTITION_PREFIX + accessKeyId, "ACCESSKEY");
    }

    /** Which keys a principal holds, and which of them are active (at most two). */
    public static Map<String, AttributeValue> principalKeysKey(String principalArn) {
        return key(PRINCIPAL_PARTITION_PREFIX + principalArn, "KEYS");
    }

    /**
     * The account's customer grants: which principals act as the customer of {@code account}
     * (ListEventSources, CreateEventBus, ...). Written by the operator only, read by the function
     * with the source it guards.
     */
    public static Map<String, AttributeValue> customerKey(String account) {
        return key(CUSTOMER_PARTITION_PREFIX + account, CUSTOMER_SORT_KEY);
    }

    private static Map<String, AttributeValue> key(String partition, String sort) {
        return Map.of(PARTITION_KEY, AttributeValue.fromS(partition), SORT_KEY, AttributeValue.fromS(sort));
    }
}
