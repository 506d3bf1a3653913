package dev.partnerregistry.admin;

import static dev.partnerregistry.store.RegistryTable.DISABLED_OPERATIONS;
import static dev.partnerregistry.store.RegistryTable.PARTNER;
import static dev.partnerregistry.store.RegistryTable.PRINCIPALS;
import static dev.partnerregistry.store.RegistryTable.REGION;
import static dev.partnerregistry.store.RegistryTable.SOURCE_COUNT;
import static dev.partnerregistry.store.RegistryTable.SOURCE_LIMIT;

import dev.partnerregistry.domain.PartnerEventSource.SourceState;
import dev.partnerregistry.domain.RegistryOperation;
import dev.partnerregistry.store.RegistryTable;
import java.security.SecureRandom;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.pagination.sync.SdkIterable;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.Select;
import software.amazon.awssdk.services.dynamodb.paginators.QueryIterable;

/**
 * The operator's writes: which principals act for a partner, a partner's own limit, and which
 * operations are switched off in a region. Each is one UpdateItem and returns the item as written.
 */
public final class DynamoDbRegistryAdmin {

    private static final int RECOUNT_ATTEMPTS = 10;

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

    /**
     * Sets the partner's counter to the number of its sources that are not DELETED (a DELETED
     * source only waits for its customer's bus to go and no longer counts against the limit), for
     * a counter lost or wrong (a partner item recreated by hand). Every write that changes what
     * counts changes the counter in the same transaction, so the write is conditioned on the
     * counter read before the sources were counted, and repeated if one of them ran in between.
     */
    public Map<String, AttributeValue> recount(String partner) {
        Map<String, AttributeValue> registered = get(RegistryTable.partnerKey(partner));
        if (registered == null || registered.isEmpty()) {
            throw new IllegalArgumentException("partner " + partner + " is not registered");
        }
        for (int attempt = 0; attempt < RECOUNT_ATTEMPTS; attempt++) {
            Map<String, AttributeValue> before = get(RegistryTable.counterKey(partner));
            // Every write of the counter (create, delete, a source turning DELETED, the expiry sweep)
            // bumps countChanges: unchanged, it proves none ran in between
            // (the count alone would not: a create and a delete leave it where it was).
            AttributeValue changes = before == null ? null : before.get(RegistryTable.COUNT_CHANGES);
            int sources = countedSources(partner);
            Map<String, AttributeValue> values = new HashMap<>();
            values.put(":sources", AttributeValue.fromN(Integer.toString(sources)));
            values.put(":one", AttributeValue.fromN("1"));
            values.put(":zero", AttributeValue.fromN("0"));
            if (changes != null) {
                values.put(":changes", changes);
            }
            String unchanged = changes == null ? "attribute_not_exists(#changes)" : "#changes = :changes";
            try {
                dynamoDb.updateItem(r -> r.tableName(tableName)
                        .key(RegistryTable.counterKey(partner))
                        .updateExpression("SET #sourceCount = :sources, #changes = if_not_exists(#changes, :zero) + :one")
                        .conditionExpression(unchanged)
                        .expressionAttributeNames(Map.of("#sourceCount", SOURCE_COUNT, "#changes", RegistryTable.COUNT_CHANGES))
                        .expressionAttributeValues(values));
                return partner(partner);
            } catch (ConditionalCheckFailedException raced) {
                // A create or delete committed between the read and the write: count again.
            }
        }
        throw new IllegalStateException("partner " + partner + " kept changing; recount not written after " + RECOUNT_ATTEMPTS + " attempts");
    }

    /** How many of the partner's sources count against its limit: those not DELETED (consistent reads; also the audit's count). */
    int countedSources(String partner) {
        return sources(AttributeValue.fromS(RegistryTable.sourcePartition(partner)), true).stream().mapToInt(QueryResponse::count).sum();
    }

    /**
     * Moves a table written before sources and counters had partitions of their own (sources
     * under {@code PARTNER#<partner>}, the count on the partner item): each source is copied to
     * its partner's source partition, then its old item deleted, the old count removed, and the
     * counter recounted. Safe to run again, and with the registry running: a source already moved
     * is not copied twice, and the recount is conditioned on the counter.
     *
     * @return how many partners were looked at and how many sources moved
     */
    public Map<String, AttributeValue> migrateLayout() {
        int partners = 0;
        int moved = 0;
        for (Map<String, AttributeValue> partnerItem : partnerItems()) {
            String partner = partnerItem.get(PARTNER).s();
            partners++;
            moved += moveSources(partner);
            dynamoDb.updateItem(r -> r.tableName(tableName).key(RegistryTable.partnerKey(partner))
                    .updateExpression("REMOVE #sourceCount").expressionAttributeNames(Map.of("#sourceCount", SOURCE_COUNT)));
            recount(partner);
        }
        return Map.of("partners", AttributeValue.fromN(Integer.toString(partners)),
                "movedSources", AttributeValue.fromN(Integer.toString(moved)));
    }

    /** Every partner item: the operator's, one per registered partner. */
    private SdkIterable<Map<String, AttributeValue>> partnerItems() {
        return dynamoDb.scanPaginator(r -> r.tableName(tableName)
                .filterExpression("#sk = :partnerItem AND attribute_exists(#partner)")
                .expressionAttributeNames(Map.of("#sk", RegistryTable.SORT_KEY, "#partner", PARTNER))
                .expressionAttributeValues(Map.of(":partnerItem", AttributeValue.fromS(RegistryTable.PARTNER_SORT_KEY)))
                .consistentRead(true)).items();
    }

    /** The pages of source items in {@code partition} (the SDK follows the pages), or only the counts of those not DELETED. */
    private QueryIterable sources(AttributeValue partition, boolean countedOnly) {
        Map<String, String> names = new HashMap<>(Map.of("#pk", RegistryTable.PARTITION_KEY, "#sk", RegistryTable.SORT_KEY));
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":pk", partition,
                ":source", AttributeValue.fromS(RegistryTable.sourceSortKey(""))));
        if (countedOnly) {
            names.put("#state", RegistryTable.STATE);
            values.put(":deleted", AttributeValue.fromS(SourceState.DELETED.name()));
        }
        return dynamoDb.queryPaginator(r -> {
            r.tableName(tableName)
                    .keyConditionExpression("#pk = :pk AND begins_with(#sk, :source)")
                    .expressionAttributeNames(names)
                    .expressionAttributeValues(values)
                    .consistentRead(true);
            if (countedOnly) {
                // Count is taken after the filter; a source without a state (never written so) counts.
                r.filterExpression("attribute_not_exists(#state) OR #state <> :deleted").select(Select.COUNT);
            }
        });
    }

    /** Copies each source from the partner item's partition to the source partition, then deletes the old one. */
    private int moveSources(String partner) {
        AttributeValue oldPartition = RegistryTable.partnerKey(partner).get(RegistryTable.PARTITION_KEY);
        int moved = 0;
        for (Map<String, AttributeValue> old : sources(oldPartition, false).items()) {
            Map<String, AttributeValue> moving = new HashMap<>(old);
            moving.put(RegistryTable.PARTITION_KEY, AttributeValue.fromS(RegistryTable.sourcePartition(partner)));
            try {
                dynamoDb.putItem(r -> r.tableName(tableName).item(moving)
                        .conditionExpression("attribute_not_exists(#pk)")
                        .expressionAttributeNames(Map.of("#pk", RegistryTable.PARTITION_KEY)));
                moved++;
            } catch (ConditionalCheckFailedException alreadyMoved) {
                // A run before this one copied it and stopped before the delete.
            }
            dynamoDb.deleteItem(r -> r.tableName(tableName)
                    .key(Map.of(RegistryTable.PARTITION_KEY, oldPartition, RegistryTable.SORT_KEY, old.get(RegistryTable.SORT_KEY))));
        }
        return moved;
    }

    /**
     * Creates the NextToken signing key, once: the function may read it but not write it. A second
     * call leaves the existing key alone and says so.
     */
    public Map<String, AttributeValue> createPageTokenKey() {
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        Map<String, AttributeValue> item = new HashMap<>(RegistryTable.pageTokenKeyKey());
        item.put(RegistryTable.SECRET, AttributeValue.fromB(SdkBytes.fromByteArray(secret)));
        try {
            dynamoDb.putItem(r -> r.tableName(tableName).item(item)
                    .conditionExpression("attribute_not_exists(#pk)")
                    .expressionAttributeNames(Map.of("#pk", RegistryTable.PARTITION_KEY)));
        } catch (ConditionalCheckFailedException exists) {
            // Kept: replacing it would invalidate every NextToken in flight.
        }
        Map<String, AttributeValue> shown = new HashMap<>(RegistryTable.pageTokenKeyKey());
        shown.put(RegistryTable.SECRET, AttributeValue.fromS("(32 bytes, not shown)"));
        return shown;
    }

    /** The partner as the operator sees it: its item, with the count of its sources from the counter beside it. */
    public Map<String, AttributeValue> partner(String partner) {
        Map<String, AttributeValue> item = get(RegistryTable.partnerKey(partner));
        Map<String, AttributeValue> counter = get(RegistryTable.counterKey(partner));
        if (item == null || item.isEmpty() || counter == null || !counter.containsKey(SOURCE_COUNT)) {
            return item;
        }
        Map<String, AttributeValue> shown = new HashMap<>(item);
        shown.put(SOURCE_COUNT, counter.get(SOURCE_COUNT));
        return shown;
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
