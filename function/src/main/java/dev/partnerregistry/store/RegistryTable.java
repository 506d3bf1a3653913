package dev.partnerregistry.store;

import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The single table's layout: the one place its key schema, item keys and attribute names are
 * written. The store, the operator command, the tests and the CDK stack's test read them here.
 *
 * <pre>
 * pk                    sk                   item
 * PARTNER#&lt;partner&gt;    PARTNER              partner: principals, sourceLimit (override), sourceCount
 * PARTNER#&lt;partner&gt;    SOURCE#&lt;name&gt;        source: name, account, createdAt, state, callId
 * REGION#&lt;region&gt;      REGION               region switches: disabledOperations
 * CONFIG                PAGE_TOKEN_KEY       the HMAC key of NextTokens: secret
 * </pre>
 *
 * A partner's sources share its partition, sorted by name: listing by prefix is a Query with
 * begins_with, describe and delete are key lookups, and the counter sits beside what it counts.
 */
public final class RegistryTable {

    /** Key schema: both keys are strings. */
    public static final String PARTITION_KEY = "pk";
    public static final String SORT_KEY = "sk";

    // The partner item.
    public static final String PARTNER = "partner";
    public static final String PRINCIPALS = "principals";
    public static final String SOURCE_LIMIT = "sourceLimit";
    public static final String SOURCE_COUNT = "sourceCount";

    // A source item.
    public static final String SOURCE_NAME = "name";
    public static final String ACCOUNT = "account";
    public static final String CREATED_AT = "createdAt";
    public static final String STATE = "state";
    /** The client's id for the call that created the source (amz-sdk-invocation-id), so its retries are recognised. */
    public static final String CALL_ID = "callId";

    // The region item.
    public static final String REGION = "region";
    public static final String DISABLED_OPERATIONS = "disabledOperations";

    // The page-token key item.
    public static final String SECRET = "secret";

    static final String PARTNER_PARTITION_PREFIX = "PARTNER#";
    static final String PARTNER_SORT_KEY = "PARTNER";
    static final String SOURCE_SORT_KEY_PREFIX = "SOURCE#";

    /**
     * Every DynamoDB action the function's store calls, as IAM names them: TransactWriteItems is
     * authorized per part (ConditionCheckItem, UpdateItem, PutItem, DeleteItem), TransactGetItems
     * as GetItem, and the page-token key is a GetItem and a conditional PutItem.
     */
    public static final List<String> FUNCTION_ACTIONS = List.of(
            "dynamodb:ConditionCheckItem",
            "dynamodb:DeleteItem",
            "dynamodb:GetItem",
            "dynamodb:PutItem",
            "dynamodb:Query",
            "dynamodb:UpdateItem");

    private RegistryTable() {
    }

    public static String partnerPartition(String partner) {
        return PARTNER_PARTITION_PREFIX + partner;
    }

    public static String sourceSortKey(String name) {
        return SOURCE_SORT_KEY_PREFIX + name;
    }

    public static Map<String, AttributeValue> partnerKey(String partner) {
        return key(partnerPartition(partner), PARTNER_SORT_KEY);
    }

    public static Map<String, AttributeValue> sourceKey(String partner, String name) {
        return key(partnerPartition(partner), sourceSortKey(name));
    }

    public static Map<String, AttributeValue> regionKey(String region) {
        return key("REGION#" + region, "REGION");
    }

    public static Map<String, AttributeValue> pageTokenKeyKey() {
        return key("CONFIG", "PAGE_TOKEN_KEY");
    }

    private static Map<String, AttributeValue> key(String partition, String sort) {
        return Map.of(PARTITION_KEY, AttributeValue.fromS(partition), SORT_KEY, AttributeValue.fromS(sort));
    }
}
