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
 * <p>Every write is ONE TransactWriteItems of three items, in the order {@link CancellationReasons}
 * reads: a condition check of the region's switches, an update of the partner item (caller
 * registered, {@link AccessConditions}; counter below the limit, {@link SourceLimit}), and the
 * source itself. Reads fetch the same two items in the same TransactGetItems as the source and
 * apply the same rule. SDK exceptions stop here ({@link DynamoDbErrors}).
 */
public final class DynamoDbPartnerSourceStore implements PartnerSourceStore {

    private final DynamoDbClient dynamoDb;
    private final String tableName;

    public DynamoDbPartnerSourceStore(DynamoDbClient dynamoDb, String tableName) {
        this.dynamoDb = dynamoDb;
        this.tableName = tableName;
    }

    @Override
    public void create(PartnerEventSource source, int defaultLimit, Access access, String callId) {
        Map<String, AttributeValue> values = AccessConditions.callerValues(access);
        SourceLimit.putValues(values, defaultLimit);
        TransactWriteItem countIt = TransactWriteItem.builder().update(Update.builder()
                .tableName(tableName)
                .key(RegistryTable.partnerKey(access.partner()))
                .updateExpression(SourceLimit.COUNT_ONE_MORE)
                .conditionExpression(AccessConditions.callerRegistered(access) + " AND " + SourceLimit.belowLimit(defaultLimit))
                .expressionAttributeValues(values)
                .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
                .build()).build();
        TransactWriteItem putIt = TransactWriteItem.builder().put(Put.builder()
                .tableName(tableName)
                .item(SourceItem.of(source, callId))
                .conditionExpression("attribute_not_exists(" + PARTITION_KEY + ")")
                // The existing source comes back, to tell a retry of this very call from another call.
                .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
                .build()).build();

        CancellationReasons cancelled = transact(operationEnabled(access), countIt, putIt);
        if (cancelled == null) {
            return;
        }
        cancelled.throwIfAccessFailed(access);
        if (cancelled.sourceFailed()) {
            if (SourceItem.createdByCall(cancelled.oldSource(), source.account(), callId)) {
                return;
            }
            throw new RegistryException.ResourceAlreadyExists(source.name());
        }
        if (cancelled.partnerFailed()) {
            throw new RegistryException.LimitExceeded(access.partner());
        }
        throw cancelled.engineFailure();
    }

    @Override
    public boolean delete(String name, String account, Access access) {
        Map<String, AttributeValue> values = AccessConditions.callerValues(access);
        values.put(":one", SourceLimit.number(1));
        TransactWriteItem uncountIt = TransactWriteItem.builder().update(Update.builder()
                .tableName(tableName)
                .key(RegistryTable.partnerKey(access.partner()))
                .updateExpression(SourceLimit.COUNT_ONE_LESS)
                .conditionExpression(AccessConditions.callerRegistered(access))
                .expressionAttributeValues(values)
                .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
                .build()).build();
        TransactWriteItem deleteIt = TransactWriteItem.builder().delete(Delete.builder()
                .tableName(tableName)
                .key(RegistryTable.sourceKey(access.partner(), name))
                .conditionExpression("attribute_exists(" + PARTITION_KEY + ") AND #account = :account")
                .expressionAttributeNames(Map.of("#account", ACCOUNT))
                .expressionAttributeValues(Map.of(":account", AttributeValue.fromS(account)))
                .build()).build();

        CancellationReasons cancelled = transact(operationEnabled(access), uncountIt, deleteIt);
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
        return Optional.ofNullable(itemOf(items.get(CancellationReasons.SOURCE))).map(SourceItem::source);
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
                                ":partition", AttributeValue.fromS(RegistryTable.partnerPartition(access.partner())),
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
        List<TransactGetItem> gets = new ArrayList<>(CancellationReasons.ITEMS);
        gets.add(get(RegistryTable.regionKey(access.region())));
        gets.add(get(RegistryTable.partnerKey(access.partner())));
        if (sourceKey != null) {
            gets.add(get(sourceKey));
        }
        List<ItemResponse> items = DynamoDbErrors.call(() -> dynamoDb.transactGetItems(r -> r.transactItems(gets)).responses());
        if (items.size() != gets.size()) {
            throw new RegistryException.Internal(new IllegalStateException("TransactGetItems answered " + items.size() + " of " + gets.size()));
        }
        AccessConditions.enforce(itemOf(items.get(CancellationReasons.REGION)), itemOf(items.get(CancellationReasons.PARTNER)), access);
        return items;
    }

    private TransactGetItem get(Map<String, AttributeValue> key) {
        return TransactGetItem.builder().get(Get.builder().tableName(tableName).key(key).build()).build();
    }

    private static Map<String, AttributeValue> itemOf(ItemResponse response) {
        return response == null || !response.hasItem() || response.item().isEmpty() ? null : response.item();
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
    private CancellationReasons transact(TransactWriteItem region, TransactWriteItem partner, TransactWriteItem source) {
        try {
            dynamoDb.transactWriteItems(r -> r.transactItems(region, partner, source)
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
