package dev.partnerregistry.store;

import static dev.partnerregistry.store.RegistryTable.ACCOUNT;
import static dev.partnerregistry.store.RegistryTable.PARTITION_KEY;
import static dev.partnerregistry.store.RegistryTable.SORT_KEY;

import dev.partnerregistry.domain.Access;
import dev.partnerregistry.domain.PartnerEventSource;
import dev.partnerregistry.domain.PartnerSourceStore;
import dev.partnerregistry.domain.RegistryException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionCheck;
import software.amazon.awssdk.services.dynamodb.model.Delete;
import software.amazon.awssdk.services.dynamodb.model.Get;
import software.amazon.awssdk.services.dynamodb.model.ItemResponse;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.TransactGetItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.Update;

/**
 * The registry's store on one DynamoDB table ({@link RegistryTable}), with the low-level client.
 *
 * <p>Every write is ONE TransactWriteItems of four items, in the order {@link CancellationReasons}
 * reads: a condition check of the region's switches, a condition check of the partner item (caller
 * registered, {@link AccessConditions}; for a create, the limit as believed, {@link SourceLimit}),
 * the partner's counter, and the source itself. The function only reads the items that grant
 * access or set limits and only writes counters and sources, which IAM can hold it to. Reads
 * fetch the same two items in the same TransactGetItems as the source and apply the same rule.
 * SDK exceptions stop here ({@link DynamoDbErrors}).
 */
public final class DynamoDbPartnerSourceStore implements PartnerSourceStore {

    private final DynamoDbClient dynamoDb;
    private final String tableName;
    private final SourceLimit limits = new SourceLimit();

    /** Where a read finds its items: the region's switches, the partner item, the source. */
    private static final int REGION_READ = 0;
    private static final int PARTNER_READ = 1;
    private static final int SOURCE_READ = 2;

    public DynamoDbPartnerSourceStore(DynamoDbClient dynamoDb, String tableName) {
        this.dynamoDb = dynamoDb;
        this.tableName = tableName;
    }

    @Override
    public void create(PartnerEventSource source, int defaultLimit, Access access, String callId) {
        Integer ownLimit = limits.believedOwnLimit(access.partner());
        // Twice at most: a first attempt that believed in a stale limit learns the real one.
        for (int attempt = 0; attempt < 2; attempt++) {
            int limit = ownLimit == null ? defaultLimit : ownLimit;
            TransactWriteItem checkPartner = partnerCheck(access, SourceLimit.limitIs(ownLimit),
                    ownLimit == null ? Map.of() : Map.of(":ownLimit", SourceLimit.number(ownLimit)));
            TransactWriteItem countIt = TransactWriteItem.builder().update(Update.builder()
                    .tableName(tableName)
                    .key(RegistryTable.counterKey(access.partner()))
                    .updateExpression(SourceLimit.COUNT_ONE_MORE)
                    .conditionExpression(SourceLimit.belowLimit(limit))
                    .expressionAttributeValues(Map.of(":zero", SourceLimit.number(0), ":one", SourceLimit.number(1),
                            ":limit", SourceLimit.number(limit)))
                    .build()).build();
            TransactWriteItem putIt = TransactWriteItem.builder().put(Put.builder()
                    .tableName(tableName)
                    .item(SourceItem.of(source, callId))
                    .conditionExpression("attribute_not_exists(" + PARTITION_KEY + ")")
                    .build()).build();

            CancellationReasons cancelled = transact(operationEnabled(access), checkPartner, countIt, putIt);
            if (cancelled == null) {
                return;
            }
            cancelled.throwIfAccessFailed(access);
            if (cancelled.partnerFailed()) {
                Integer actual = SourceLimit.ownLimitOf(cancelled.partnerItem());
                limits.learn(access.partner(), actual);
                if (Objects.equals(actual, ownLimit)) {
                    throw cancelled.engineFailure();
                }
                ownLimit = actual;
                continue;
            }
            if (cancelled.sourceFailed()) {
                if (createdByThisCall(source, callId, access)) {
                    return;
                }
                throw new RegistryException.ResourceAlreadyExists(source.name());
            }
            if (cancelled.counterFailed()) {
                throw new RegistryException.LimitExceeded(access.partner());
            }
            throw cancelled.engineFailure();
        }
        // The limit changed between both attempts: another writer is at work.
        throw new RegistryException.ConcurrentModification();
    }

    /** An earlier attempt of this very call (its answer lost) stored the source: the source is this call's. */
    private boolean createdByThisCall(PartnerEventSource source, String callId, Access access) {
        if (callId == null) {
            return false;
        }
        Map<String, AttributeValue> existing = DynamoDbErrors.call(() -> dynamoDb.getItem(r -> r.tableName(tableName)
                .key(RegistryTable.sourceKey(access.partner(), source.name())).consistentRead(true)).item());
        return SourceItem.createdByCall(existing, source.account(), callId);
    }

    @Override
    public boolean delete(String name, String account, Access access) {
        TransactWriteItem checkPartner = partnerCheck(access, null, Map.of());
        TransactWriteItem uncountIt = TransactWriteItem.builder().update(Update.builder()
                .tableName(tableName)
                .key(RegistryTable.counterKey(access.partner()))
                .updateExpression(SourceLimit.COUNT_ONE_LESS)
                .expressionAttributeValues(Map.of(":zero", SourceLimit.number(0), ":one", SourceLimit.number(1)))
                .build()).build();
        TransactWriteItem deleteIt = TransactWriteItem.builder().delete(Delete.builder()
                .tableName(tableName)
                .key(RegistryTable.sourceKey(access.partner(), name))
                .conditionExpression("attribute_exists(" + PARTITION_KEY + ") AND #account = :account")
                .expressionAttributeNames(Map.of("#account", ACCOUNT))
                .expressionAttributeValues(Map.of(":account", AttributeValue.fromS(account)))
                .build()).build();

        CancellationReasons cancelled = transact(operationEnabled(access), checkPartner, uncountIt, deleteIt);
        if (cancelled == null) {
            return true;
        }
        cancelled.throwIfAccessFailed(access);
        if (cancelled.sourceFailed()) {
            return false;
        }
        throw cancelled.engineFailure();
    }

    @Override
    public Optional<PartnerEventSource> find(String name, Access access) {
        List<ItemResponse> items = readWithAccess(access, RegistryTable.sourceKey(access.partner(), name));
        return Optional.ofNullable(itemOf(items.get(SOURCE_READ))).map(SourceItem::source);
    }

    @Override
    public List<PartnerEventSource> list(String prefix, Supplier<String> exclusiveStartName, int limit, Access access) {
        readWithAccess(access, null);
        String after = exclusiveStartName.get();
        return DynamoDbErrors.call(() -> {
            List<PartnerEventSource> page = new ArrayList<>(limit);
            Map<String, AttributeValue> startKey = after == null ? null : RegistryTable.sourceKey(access.partner(), after);
            // A Query stops at 1 MB; carry on from where it stopped until the page is full.
            do {
                Map<String, AttributeValue> from = startKey;
                QueryResponse response = dynamoDb.query(r -> r.tableName(tableName)
                        .keyConditionExpression("#pk = :partition AND begins_with(#sk, :prefix)")
                        .expressionAttributeNames(Map.of("#pk", PARTITION_KEY, "#sk", SORT_KEY))
                        .expressionAttributeValues(Map.of(
                                ":partition", AttributeValue.fromS(RegistryTable.sourcePartition(access.partner())),
                                ":prefix", AttributeValue.fromS(RegistryTable.sourceSortKey(prefix))))
                        .consistentRead(true)
                        .limit(limit - page.size())
                        .exclusiveStartKey(from));
                response.items().forEach(item -> page.add(SourceItem.source(item)));
                startKey = response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty() ? response.lastEvaluatedKey() : null;
            } while (startKey != null && page.size() < limit);
            return page;
        });
    }

    /**
     * Reads the region's switches and the partner item (and the source, if {@code sourceKey} is
     * given) in one consistent TransactGetItems, and enforces access before the source is seen.
     */
    private List<ItemResponse> readWithAccess(Access access, Map<String, AttributeValue> sourceKey) {
        List<TransactGetItem> gets = new ArrayList<>(3);
        gets.add(get(RegistryTable.regionKey(access.region())));
        gets.add(get(RegistryTable.partnerKey(access.partner())));
        if (sourceKey != null) {
            gets.add(get(sourceKey));
        }
        List<ItemResponse> items = DynamoDbErrors.call(() -> dynamoDb.transactGetItems(r -> r.transactItems(gets)).responses());
        if (items.size() != gets.size()) {
            throw new RegistryException.Internal(new IllegalStateException("TransactGetItems answered " + items.size() + " of " + gets.size()));
        }
        Map<String, AttributeValue> partner = itemOf(items.get(PARTNER_READ));
        AccessConditions.enforce(itemOf(items.get(REGION_READ)), partner, access);
        // The read saw the partner's limit: the next create believes in it.
        limits.learn(access.partner(), SourceLimit.ownLimitOf(partner));
        return items;
    }

    private TransactGetItem get(Map<String, AttributeValue> key) {
        return TransactGetItem.builder().get(Get.builder().tableName(tableName).key(key).build()).build();
    }

    private static Map<String, AttributeValue> itemOf(ItemResponse response) {
        return response == null || !response.hasItem() || response.item().isEmpty() ? null : response.item();
    }

    /**
     * The partner item names the caller, and {@code alsoHolds} (with its {@code alsoValues}) if
     * given; on failure the item comes back, to tell an unregistered caller from the rest.
     */
    private TransactWriteItem partnerCheck(Access access, String alsoHolds, Map<String, AttributeValue> alsoValues) {
        Map<String, AttributeValue> values = AccessConditions.callerValues(access);
        values.putAll(alsoValues);
        return TransactWriteItem.builder().conditionCheck(ConditionCheck.builder()
                .tableName(tableName)
                .key(RegistryTable.partnerKey(access.partner()))
                .conditionExpression(AccessConditions.callerRegistered(access) + (alsoHolds == null ? "" : " AND " + alsoHolds))
                .expressionAttributeValues(values)
                .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
                .build()).build();
    }

    private TransactWriteItem operationEnabled(Access access) {
        return TransactWriteItem.builder().conditionCheck(ConditionCheck.builder()
                .tableName(tableName)
                .key(RegistryTable.regionKey(access.region()))
                .conditionExpression(AccessConditions.OPERATION_ENABLED)
                .expressionAttributeValues(AccessConditions.operationValues(access))
                .build()).build();
    }

    /**
     * Runs the transaction; null means it committed, else why it was cancelled. The SDK retries
     * with the same request, so one token per call makes a retry after a lost response
     * idempotent in DynamoDB (for ten minutes) instead of failing its own conditions.
     */
    private CancellationReasons transact(TransactWriteItem region, TransactWriteItem partner, TransactWriteItem counter,
                                         TransactWriteItem source) {
        try {
            dynamoDb.transactWriteItems(r -> r.transactItems(region, partner, counter, source)
                    .clientRequestToken(UUID.randomUUID().toString()));
            return null;
        } catch (TransactionCanceledException cancelled) {
            if (!cancelled.hasCancellationReasons() || cancelled.cancellationReasons().size() != CancellationReasons.ITEMS) {
                throw new RegistryException.Internal(cancelled);
            }
            return new CancellationReasons(cancelled.cancellationReasons());
        } catch (RuntimeException e) {
            throw DynamoDbErrors.translate(e);
        }
    }
}
