package dev.partnerregistry.store;

import static dev.partnerregistry.store.TableItems.PK;

import dev.partnerregistry.domain.Access;
import dev.partnerregistry.domain.PartnerEventSource;
import dev.partnerregistry.domain.PartnerSourceStore;
import dev.partnerregistry.domain.RegistryException;
import dev.partnerregistry.store.TableItems.PageTokenKeyItem;
import dev.partnerregistry.store.TableItems.PartnerItem;
import dev.partnerregistry.store.TableItems.RegionItem;
import dev.partnerregistry.store.TableItems.SourceItem;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.enhanced.dynamodb.DynamoDbEnhancedClient;
import software.amazon.awssdk.enhanced.dynamodb.DynamoDbTable;
import software.amazon.awssdk.enhanced.dynamodb.Document;
import software.amazon.awssdk.enhanced.dynamodb.Expression;
import software.amazon.awssdk.enhanced.dynamodb.Key;
import software.amazon.awssdk.enhanced.dynamodb.model.QueryConditional;
import software.amazon.awssdk.enhanced.dynamodb.model.QueryEnhancedRequest;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ConditionCheck;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.Delete;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.TransactionConflictException;
import software.amazon.awssdk.services.dynamodb.model.Update;

/**
 * The registry's store on one DynamoDB table (layout in {@link TableItems}).
 *
 * <p>Every write is ONE TransactWriteItems of three items, in this order: a condition check of the
 * region's switches, an update of the partner item (caller registered; counter below the limit),
 * and the source itself. Reads check the same two items in the same TransactGetItems as the
 * source. The transaction is built from the static schemas' item maps with the low-level client
 * because the enhanced client cannot express a counter update conditioned on the item's own limit
 * and return the old item when it fails; everything else goes through the enhanced client.
 *
 * <p>SDK exceptions stop here: callers only see {@link RegistryException}s.
 */
public final class DynamoDbPartnerSourceStore implements PartnerSourceStore {

    private static final int REGION_ITEM = 0;
    private static final int PARTNER_ITEM = 1;
    private static final int SOURCE_ITEM = 2;
    private static final String CONDITIONAL_CHECK_FAILED = "ConditionalCheckFailed";
    /** Stands in for a caller without identity: no registered ARN equals it. */
    private static final String NO_PRINCIPAL = "anonymous";

    private final DynamoDbClient dynamoDb;
    private final DynamoDbEnhancedClient enhanced;
    private final String tableName;
    private final DynamoDbTable<SourceItem> sources;
    private final DynamoDbTable<PartnerItem> partners;
    private final DynamoDbTable<RegionItem> regions;
    private final DynamoDbTable<PageTokenKeyItem> pageTokenKeys;

    public DynamoDbPartnerSourceStore(DynamoDbClient dynamoDb, String tableName) {
        this.dynamoDb = dynamoDb;
        this.tableName = tableName;
        this.enhanced = DynamoDbEnhancedClient.builder().dynamoDbClient(dynamoDb).build();
        this.sources = enhanced.table(tableName, TableItems.SOURCE);
        this.partners = enhanced.table(tableName, TableItems.PARTNER);
        this.regions = enhanced.table(tableName, TableItems.REGION);
        this.pageTokenKeys = enhanced.table(tableName, TableItems.PAGE_TOKEN_KEY);
    }

    @Override
    public void create(PartnerEventSource source, int defaultLimit, Access access) {
        SourceItem item = new SourceItem();
        Key key = TableItems.sourceKey(source.partner(), source.name());
        item.pk = key.partitionKeyValue().s();
        item.sk = key.sortKeyValue().orElseThrow().s();
        item.name = source.name();
        item.account = source.account();
        item.createdAt = source.creationTime().toEpochMilli();
        item.state = source.state().name();

        Map<String, AttributeValue> values = accessValues(access);
        values.put(":one", number(1));
        values.put(":zero", number(0));
        values.put(":defaultLimit", number(defaultLimit));
        // A missing counter is zero, and a missing limit is the default one.
        String belowDefault = defaultLimit > 0
                ? "(attribute_not_exists(sourceCount) OR sourceCount < :defaultLimit)"
                : "sourceCount < :defaultLimit";
        String belowLimit = "((attribute_exists(sourceLimit) AND ((attribute_not_exists(sourceCount) AND sourceLimit > :zero)"
                + " OR sourceCount < sourceLimit)) OR (attribute_not_exists(sourceLimit) AND " + belowDefault + "))";
        TransactWriteItem countIt = TransactWriteItem.builder().update(Update.builder()
                .tableName(tableName)
                .key(TableItems.keyMap(TableItems.partnerKey(access.partner())))
                .updateExpression("SET sourceCount = if_not_exists(sourceCount, :zero) + :one")
                .conditionExpression(registered(access) + " AND " + belowLimit)
                .expressionAttributeValues(values)
                .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
                .build()).build();
        TransactWriteItem putIt = TransactWriteItem.builder().put(Put.builder()
                .tableName(tableName)
                .item(TableItems.SOURCE.itemToMap(item, true))
                .conditionExpression("attribute_not_exists(" + PK + ")")
                .build()).build();

        List<CancellationReason> reasons = transact(List.of(regionEnabled(access), countIt, putIt));
        if (reasons.isEmpty()) {
            return;
        }
        throwForAccess(reasons, access);
        if (failed(reasons, SOURCE_ITEM)) {
            throw new RegistryException.ResourceAlreadyExists(source.name());
        }
        if (failed(reasons, PARTNER_ITEM)) {
            throw new RegistryException.LimitExceeded(access.partner());
        }
        throw engineFailure(reasons);
    }

    @Override
    public boolean delete(String name, String account, Access access) {
        Map<String, AttributeValue> values = accessValues(access);
        values.put(":one", number(1));
        TransactWriteItem uncountIt = TransactWriteItem.builder().update(Update.builder()
                .tableName(tableName)
                .key(TableItems.keyMap(TableItems.partnerKey(access.partner())))
                .updateExpression("SET sourceCount = sourceCount - :one")
                .conditionExpression(registered(access))
                .expressionAttributeValues(values)
                .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
                .build()).build();
        TransactWriteItem deleteIt = TransactWriteItem.builder().delete(Delete.builder()
                .tableName(tableName)
                .key(TableItems.keyMap(TableItems.sourceKey(access.partner(), name)))
                .conditionExpression("attribute_exists(" + PK + ") AND account = :account")
                .expressionAttributeValues(Map.of(":account", AttributeValue.fromS(account)))
                .build()).build();

        List<CancellationReason> reasons = transact(List.of(regionEnabled(access), uncountIt, deleteIt));
        if (reasons.isEmpty()) {
            return true;
        }
        throwForAccess(reasons, access);
        if (failed(reasons, SOURCE_ITEM)) {
            return false;
        }
        throw engineFailure(reasons);
    }

    @Override
    public Optional<PartnerEventSource> find(String name, Access access) {
        return readWithAccess(access, TableItems.sourceKey(access.partner(), name)).map(DynamoDbPartnerSourceStore::toSource);
    }

    @Override
    public List<PartnerEventSource> list(String prefix, String exclusiveStartName, int limit, Access access) {
        readWithAccess(access, null);
        QueryEnhancedRequest.Builder query = QueryEnhancedRequest.builder()
                .queryConditional(QueryConditional.sortBeginsWith(Key.builder()
                        .partitionValue(TableItems.partnerPk(access.partner()))
                        .sortValue(TableItems.SOURCE_SK_PREFIX + prefix).build()))
                .consistentRead(true)
                .limit(limit);
        if (exclusiveStartName != null) {
            query.exclusiveStartKey(TableItems.keyMap(TableItems.sourceKey(access.partner(), exclusiveStartName)));
        }
        return call(() -> {
            List<PartnerEventSource> page = new ArrayList<>(limit);
            for (SourceItem item : sources.query(query.build()).items()) {
                page.add(toSource(item));
                if (page.size() == limit) {
                    break;
                }
            }
            return page;
        });
    }

    @Override
    public byte[] pageTokenKey() {
        return call(() -> {
            Key key = TableItems.pageTokenKeyKey();
            PageTokenKeyItem existing = pageTokenKeys.getItem(r -> r.key(key).consistentRead(true));
            if (existing != null) {
                return existing.secret.asByteArray();
            }
            byte[] secret = new byte[32];
            new SecureRandom().nextBytes(secret);
            PageTokenKeyItem item = new PageTokenKeyItem();
            item.pk = key.partitionKeyValue().s();
            item.sk = key.sortKeyValue().orElseThrow().s();
            item.secret = SdkBytes.fromByteArray(secret);
            try {
                // First writer wins, so that every instance signs with the same key.
                pageTokenKeys.putItem(r -> r.item(item).conditionExpression(
                        Expression.builder().expression("attribute_not_exists(" + PK + ")").build()));
                return secret;
            } catch (ConditionalCheckFailedException raced) {
                return pageTokenKeys.getItem(r -> r.key(key).consistentRead(true)).secret.asByteArray();
            }
        });
    }

    /**
     * Reads the region's switches and the partner item (and the source, if {@code sourceKey} is
     * given) in one consistent TransactGetItems, and enforces access before the source is seen.
     */
    private Optional<SourceItem> readWithAccess(Access access, Key sourceKey) {
        List<Document> items = call(() -> enhanced.transactGetItems(r -> {
            r.addGetItem(regions, TableItems.regionKey(access.region()));
            r.addGetItem(partners, TableItems.partnerKey(access.partner()));
            if (sourceKey != null) {
                r.addGetItem(sources, sourceKey);
            }
        }));
        checkAccess(items.get(REGION_ITEM).getItem(regions), items.get(PARTNER_ITEM).getItem(partners), access);
        return sourceKey == null ? Optional.empty() : Optional.ofNullable(items.get(SOURCE_ITEM).getItem(sources));
    }

    private TransactWriteItem regionEnabled(Access access) {
        return TransactWriteItem.builder().conditionCheck(ConditionCheck.builder()
                .tableName(tableName)
                .key(TableItems.keyMap(TableItems.regionKey(access.region())))
                .conditionExpression("attribute_not_exists(disabledOperations) OR NOT contains(disabledOperations, :operation)")
                .expressionAttributeValues(Map.of(":operation", AttributeValue.fromS(access.operation().operationName())))
                .build()).build();
    }

    /** The condition that the caller is one of the partner's registered principals. */
    private static String registered(Access access) {
        int candidates = Math.max(1, access.caller().registrationCandidates().size());
        StringBuilder condition = new StringBuilder("(");
        for (int i = 0; i < candidates; i++) {
            condition.append(i == 0 ? "" : " OR ").append("contains(principals, :principal").append(i).append(')');
        }
        return condition.append(')').toString();
    }

    private static Map<String, AttributeValue> accessValues(Access access) {
        List<String> candidates = access.caller().registrationCandidates();
        Map<String, AttributeValue> values = new HashMap<>();
        if (candidates.isEmpty()) {
            values.put(":principal0", AttributeValue.fromS(NO_PRINCIPAL));
        }
        for (int i = 0; i < candidates.size(); i++) {
            values.put(":principal" + i, AttributeValue.fromS(candidates.get(i)));
        }
        return values;
    }

    /**
     * Runs the transaction; an empty list means it committed, else the reasons it was cancelled.
     * The SDK retries with the same request, so one token per call makes a retry after a lost
     * response idempotent in DynamoDB (for ten minutes) instead of failing its own conditions.
     */
    private List<CancellationReason> transact(List<TransactWriteItem> items) {
        try {
            dynamoDb.transactWriteItems(TransactWriteItemsRequest.builder()
                    .transactItems(items)
                    .clientRequestToken(UUID.randomUUID().toString())
                    .build());
            return List.of();
        } catch (TransactionCanceledException cancelled) {
            if (!cancelled.hasCancellationReasons() || cancelled.cancellationReasons().size() != items.size()) {
                throw internal(cancelled);
            }
            return cancelled.cancellationReasons();
        } catch (RuntimeException e) {
            throw translate(e);
        }
    }

    /**
     * Disabled region first, then an unregistered caller: both are decided before anything about
     * the source is revealed.
     */
    private void throwForAccess(List<CancellationReason> reasons, Access access) {
        if (failed(reasons, REGION_ITEM)) {
            throw new RegistryException.OperationDisabled();
        }
        if (failed(reasons, PARTNER_ITEM)) {
            Map<String, AttributeValue> old = reasons.get(PARTNER_ITEM).item();
            PartnerItem partner = old == null || old.isEmpty() ? null : TableItems.PARTNER.mapToItem(old);
            if (!isRegistered(partner, access)) {
                throw access.denied();
            }
        }
    }

    /** A conflict or throttle on any item, once no condition has decided the answer. */
    private static RegistryException engineFailure(List<CancellationReason> reasons) {
        for (CancellationReason reason : reasons) {
            String code = reason.code();
            if ("TransactionConflict".equals(code)) {
                return new RegistryException.ConcurrentModification();
            }
            if ("ThrottlingError".equals(code) || "ProvisionedThroughputExceeded".equals(code) || "RequestLimitExceeded".equals(code)) {
                return new RegistryException.Throttling();
            }
        }
        return internal(new IllegalStateException("Unexpected cancellation reasons " + reasons));
    }

    private static boolean failed(List<CancellationReason> reasons, int index) {
        return CONDITIONAL_CHECK_FAILED.equals(reasons.get(index).code());
    }

    private static void checkAccess(RegionItem region, PartnerItem partner, Access access) {
        if (region != null && region.disabledOperations != null
                && region.disabledOperations.contains(access.operation().operationName())) {
            throw new RegistryException.OperationDisabled();
        }
        if (!isRegistered(partner, access)) {
            throw access.denied();
        }
    }

    private static boolean isRegistered(PartnerItem partner, Access access) {
        if (partner == null || partner.principals == null) {
            return false;
        }
        Set<String> principals = partner.principals;
        return access.caller().registrationCandidates().stream().anyMatch(principals::contains);
    }

    private static PartnerEventSource toSource(SourceItem item) {
        return new PartnerEventSource(item.name, item.account, Instant.ofEpochMilli(item.createdAt),
                PartnerEventSource.SourceState.valueOf(item.state));
    }


    private static AttributeValue number(int value) {
        return AttributeValue.fromN(Integer.toString(value));
    }

    private static <T> T call(Supplier<T> call) {
        try {
            return call.get();
        } catch (RegistryException e) {
            throw e;
        } catch (RuntimeException e) {
            throw translate(e);
        }
    }

    /** SDK failures become the service's errors; the cause is logged, never returned to the caller. */
    private static RegistryException translate(RuntimeException e) {
        if (e instanceof TransactionConflictException) {
            return new RegistryException.ConcurrentModification();
        }
        if (e instanceof DynamoDbException dynamoDbException && dynamoDbException.isThrottlingException()) {
            return new RegistryException.Throttling();
        }
        return internal(e);
    }

    private static RegistryException.Internal internal(Throwable cause) {
        System.err.println("ERROR dynamodb: " + cause);
        cause.printStackTrace();
        return new RegistryException.Internal();
    }
}
