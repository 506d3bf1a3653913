package dev.partnerregistry.store;

import static dev.partnerregistry.store.RegistryTable.ACCOUNT;
import static dev.partnerregistry.store.RegistryTable.PARTITION_KEY;
import static dev.partnerregistry.store.RegistryTable.SORT_KEY;
import static dev.partnerregistry.store.RegistryTable.STATE;

import dev.partnerregistry.domain.Access;
import dev.partnerregistry.domain.Caller;
import dev.partnerregistry.domain.Constraints;
import dev.partnerregistry.domain.CustomerAccess;
import dev.partnerregistry.domain.PartnerEventSource;
import dev.partnerregistry.domain.PartnerSourceStore;
import dev.partnerregistry.domain.PartnerSourceStore.Resume;
import dev.partnerregistry.domain.RegistryException;
import dev.partnerregistry.domain.RegistryOperation;
import java.time.Duration;
import dev.partnerregistry.domain.Shown;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.UUID;
import java.util.function.Supplier;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ConditionCheck;
import software.amazon.awssdk.services.dynamodb.model.Get;
import software.amazon.awssdk.services.dynamodb.model.ItemResponse;
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
 * The customer side does the same with the account's customer item in the partner item's place:
 * its grants are checked in the very read (or write) that touches the source, so a grant costs no
 * round trip and a revoked grant holds from the next request on.
 * SDK exceptions stop here ({@link DynamoDbErrors}).
 */
public final class DynamoDbPartnerSourceStore implements PartnerSourceStore {

    private final DynamoDbClient dynamoDb;
    private final String tableName;
    private final SourceLimit limits = new SourceLimit();
    private final ConflictBackoff conflicts;

    /** Where a read finds its items: the region's switches, the partner item, the source. */
    private static final int REGION_READ = 0;
    private static final int PARTNER_READ = 1;
    /** A customer-side read's second item: the account's customer grants. */
    private static final int CUSTOMER_READ = 1;
    private static final int SOURCE_READ = 2;

    public DynamoDbPartnerSourceStore(DynamoDbClient dynamoDb, String tableName) {
        this(dynamoDb, tableName, ConflictBackoff.DEFAULT_BUDGET);
    }

    /** @param conflictBudget how long one write may keep retrying transactions cancelled by a conflict ({@link ConflictBackoff}) */
    public DynamoDbPartnerSourceStore(DynamoDbClient dynamoDb, String tableName, Duration conflictBudget) {
        this(dynamoDb, tableName, new ConflictBackoff(dynamoDb, conflictBudget));
    }

    DynamoDbPartnerSourceStore(DynamoDbClient dynamoDb, String tableName, ConflictBackoff conflicts) {
        this.dynamoDb = dynamoDb;
        this.tableName = tableName;
        this.conflicts = conflicts;
    }

    @Override
    public void create(PartnerEventSource source, int defaultLimit, Access access, String callId, Instant now) {
        Integer ownLimit = limits.believedOwnLimit(access.partner());
        ConflictBackoff.Write write = conflicts.start();
        // Three times at most: a first attempt that believed in a stale limit learns the real one; one that
        // met an expired source replaces it, and if the sweep took it meanwhile, creates anew.
        for (int attempt = 0; attempt < 3; attempt++) {
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
            // An update, not a put: over a DELETED source the customer's bus stays, as EventBridge keeps it.
            SourceItem.Expression put = SourceItem.update(source, callId, true);
            String absentOrDeleted = "attribute_not_exists(" + put.name(PARTITION_KEY) + ") OR " + put.name(STATE) + " = "
                    + put.value(AttributeValue.fromS(PartnerEventSource.SourceState.DELETED.name()));
            TransactWriteItem writeIt = SourceChanges.update(tableName, RegistryTable.sourceKey(access.partner(), source.name()), put, absentOrDeleted);

            CancellationReasons cancelled = transact(write, operationEnabled(access), checkPartner, countIt, writeIt);
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
                Map<String, AttributeValue> existing = storedSource(access.partner(), source.name());
                if (existing == null || existing.isEmpty()) {
                    continue;   // gone since (the sweep took an expired one): create anew
                }
                if (SourceItem.createdByCall(existing, source.account(), callId)) {
                    return;
                }
                PartnerEventSource stored = SourceItem.source(existing);
                if (stored.expiredAt(now)) {
                    if (replaceExpired(write, stored, source, callId, access)) {
                        return;
                    }
                    continue;
                }
                throw new RegistryException.ResourceAlreadyExists(source.name());
            }
            if (cancelled.counterFailed()) {
                throw new RegistryException.LimitExceeded(access.partner());
            }
            throw cancelled.engineFailure();
        }
        // The limit changed between attempts, or the source kept changing: another writer is at work.
        throw new RegistryException.ConcurrentModification();
    }

    /**
     * Takes an expired PENDING source's place: one out, one in, so the count stays (the counter is
     * only touched, so that a recount sees a change). False if the source is no longer the expired
     * one read (the sweep took it, or it was re-created): the caller starts over.
     */
    private boolean replaceExpired(ConflictBackoff.Write attempt, PartnerEventSource expired, PartnerEventSource source, String callId,
                                   Access access) {
        SourceItem.Expression write = SourceItem.update(source, callId, true);
        String stillExpired = SourceItem.unchanged(expired, write);
        TransactWriteItem touchCounter = TransactWriteItem.builder().update(Update.builder()
                .tableName(tableName)
                .key(RegistryTable.counterKey(access.partner()))
                .updateExpression(SourceLimit.COUNT_UNCHANGED)
                .expressionAttributeValues(Map.of(":zero", SourceLimit.number(0), ":one", SourceLimit.number(1)))
                .build()).build();
        CancellationReasons cancelled = transact(attempt, operationEnabled(access), partnerCheck(access, null, Map.of()), touchCounter,
                SourceChanges.update(tableName, RegistryTable.sourceKey(access.partner(), source.name()), write, stillExpired));
        if (cancelled == null) {
            return true;
        }
        cancelled.throwIfAccessFailed(access);
        if (cancelled.sourceFailed()) {
            return false;
        }
        throw cancelled.engineFailure();
    }

    private Map<String, AttributeValue> storedSource(String partner, String name) {
        return DynamoDbErrors.call(() -> dynamoDb.getItem(r -> r.tableName(tableName)
                .key(RegistryTable.sourceKey(partner, name)).consistentRead(true)).item());
    }

    @Override
    public boolean delete(PartnerEventSource stored, PartnerEventSource keepAs, Access access) {
        TransactWriteItem checkPartner = partnerCheck(access, null, Map.of());
        TransactWriteItem uncountIt = TransactWriteItem.builder().update(Update.builder()
                .tableName(tableName)
                .key(RegistryTable.counterKey(access.partner()))
                .updateExpression(SourceLimit.COUNT_ONE_LESS)
                .expressionAttributeValues(Map.of(":zero", SourceLimit.number(0), ":one", SourceLimit.number(1)))
                .build()).build();
        CancellationReasons cancelled = transact(conflicts.start(), operationEnabled(access), checkPartner, uncountIt,
                SourceChanges.change(tableName, stored, keepAs, RegistryTable.sourceKey(access.partner(), stored.name())));
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
    public EventSources eventSources(Collection<String> names, Caller caller, String region) {
        Set<String> partners = new LinkedHashSet<>();
        names.forEach(name -> partners.add(Constraints.partnerOf(name)));
        List<Map<String, AttributeValue>> keys = new ArrayList<>();
        keys.add(RegistryTable.regionKey(region));
        partners.forEach(partner -> keys.add(RegistryTable.partnerKey(partner)));
        names.forEach(name -> keys.add(RegistryTable.sourceKey(Constraints.partnerOf(name), name)));
        Map<Map<String, AttributeValue>, Map<String, AttributeValue>> items = batchGet(keys);

        if (!AccessConditions.operationEnabled(items.get(RegistryTable.regionKey(region)), RegistryOperation.PUT_PARTNER_EVENTS)) {
            throw new RegistryException.OperationDisabled();
        }
        Set<String> registered = new java.util.HashSet<>();
        for (String partner : partners) {
            Access access = new Access(region, RegistryOperation.PUT_PARTNER_EVENTS, partner, caller, null);
            if (AccessConditions.callerRegistered(items.get(RegistryTable.partnerKey(partner)), access)) {
                registered.add(partner);
                limits.learn(partner, SourceLimit.ownLimitOf(items.get(RegistryTable.partnerKey(partner))));
            }
        }
        Map<String, PartnerEventSource> sources = new HashMap<>();
        for (String name : names) {
            Map<String, AttributeValue> item = items.get(RegistryTable.sourceKey(Constraints.partnerOf(name), name));
            // A source of a partner the caller does not act for is not read out: the answer says AccessDenied, nothing more.
            if (item != null && registered.contains(Constraints.partnerOf(name))) {
                sources.put(name, SourceItem.source(item));
            }
        }
        return new EventSources(Set.copyOf(registered), Map.copyOf(sources));
    }

    /** The items at {@code keys} (at most 100), by key; consistent, unprocessed keys asked again. */
    private Map<Map<String, AttributeValue>, Map<String, AttributeValue>> batchGet(List<Map<String, AttributeValue>> keys) {
        Map<Map<String, AttributeValue>, Map<String, AttributeValue>> found = new HashMap<>();
        for (Map<String, AttributeValue> item : ConsistentBatchGet.items(dynamoDb, tableName, keys)) {
            found.put(Map.of(PARTITION_KEY, item.get(PARTITION_KEY), SORT_KEY, item.get(SORT_KEY)), item);
        }
        return found;
    }

    @Override
    public Optional<PartnerEventSource> findOffered(String name, CustomerAccess access) {
        List<ItemResponse> items = readCustomerAccess(access, RegistryTable.sourceKey(Constraints.partnerOf(name), name));
        if (items == null) {
            return Optional.empty();
        }
        return Optional.ofNullable(itemOf(items.get(SOURCE_READ))).map(SourceItem::source).filter(source -> source.account().equals(access.account()));
    }

    @Override
    public Listing listOffered(String prefix, Supplier<Resume> resumeFrom, int limit, CustomerAccess access, Shown shown) {
        if (readCustomerAccess(access, null) == null) {
            // As for a granted account that is offered nothing: a bad NextToken is still refused as such.
            resumeFrom.get();
            return Listing.empty();
        }
        Resume resume = resumeFrom.get();
        String after = resume == null ? null : resume.afterName();
        Map<String, AttributeValue> startKey = after == null ? null : new HashMap<>(RegistryTable.sourceKey(Constraints.partnerOf(after), after));
        if (startKey != null) {
            startKey.put(ACCOUNT, AttributeValue.fromS(access.account()));
        }
        // The index is eventually consistent, as DynamoDB's global indexes are: a source created a moment ago may
        // be missing from a list for that moment, as EventBridge's lists may lag.
        SourceListing.Range range = new SourceListing.Range(tableName, RegistryTable.ACCOUNT_INDEX, ACCOUNT, access.account(),
                RegistryTable.sourceSortKey(prefix == null ? "" : prefix), false);
        return DynamoDbErrors.call(() -> SourceListing.page(range, startKey, resume, limit, shown, dynamoDb::query));
    }

    @Override
    public boolean change(PartnerEventSource stored, PartnerEventSource next, CustomerAccess access) {
        TransactWriteItem enabled = TransactWriteItem.builder().conditionCheck(ConditionCheck.builder()
                .tableName(tableName)
                .key(RegistryTable.regionKey(access.region()))
                .conditionExpression(AccessConditions.OPERATION_ENABLED)
                .expressionAttributeValues(AccessConditions.operationValues(access.operation()))
                .build()).build();
        TransactWriteItem granted = TransactWriteItem.builder().conditionCheck(ConditionCheck.builder()
                .tableName(tableName)
                .key(RegistryTable.customerKey(access.account()))
                .conditionExpression(AccessConditions.callerNamed(access.caller()))
                .expressionAttributeValues(AccessConditions.callerValues(access.caller()))
                .build()).build();
        TransactWriteItem changeIt = SourceChanges.change(tableName, stored, next, RegistryTable.sourceKey(stored.partner(), stored.name()));
        try {
            conflicts.start().commit(List.of(enabled, granted, changeIt));
            return true;
        } catch (TransactionCanceledException cancelled) {
            List<CancellationReason> reasons = cancelled.hasCancellationReasons() ? cancelled.cancellationReasons() : List.of();
            if (reasons.size() != 3) {
                throw new RegistryException.Internal(cancelled);
            }
            if ("ConditionalCheckFailed".equals(reasons.get(0).code())) {
                throw new RegistryException.OperationDisabled();
            }
            // The grant revoked since the read, or the source changed: either way the caller reads again, and
            // without its grant finds nothing.
            if ("ConditionalCheckFailed".equals(reasons.get(1).code()) || "ConditionalCheckFailed".equals(reasons.get(2).code())) {
                return false;
            }
            throw CancellationReasons.engineFailure(reasons);
        } catch (RuntimeException e) {
            throw DynamoDbErrors.translate(e);
        }
    }

    @Override
    public Optional<PartnerEventSource> find(String name, Access access) {
        List<ItemResponse> items = readWithAccess(access, RegistryTable.sourceKey(access.partner(), name));
        return Optional.ofNullable(itemOf(items.get(SOURCE_READ))).map(SourceItem::source);
    }

    @Override
    public Listing list(String prefix, Supplier<Resume> resumeFrom, int limit, Access access, Shown shown) {
        readWithAccess(access, null);
        Resume resume = resumeFrom.get();
        Map<String, AttributeValue> startKey = resume == null ? null : RegistryTable.sourceKey(access.partner(), resume.afterName());
        SourceListing.Range range = new SourceListing.Range(tableName, null, PARTITION_KEY, RegistryTable.sourcePartition(access.partner()),
                RegistryTable.sourceSortKey(prefix), true);
        return DynamoDbErrors.call(() -> SourceListing.page(range, startKey, resume, limit, shown, dynamoDb::query));
    }

    /**
     * Reads the region's switches and the partner item (and the source, if {@code sourceKey} is
     * given) in one consistent TransactGetItems, and enforces access before the source is seen.
     */
    private List<ItemResponse> readWithAccess(Access access, Map<String, AttributeValue> sourceKey) {
        List<ItemResponse> items = readGuarded(access.region(), RegistryTable.partnerKey(access.partner()), sourceKey);
        Map<String, AttributeValue> partner = itemOf(items.get(PARTNER_READ));
        AccessConditions.enforce(itemOf(items.get(REGION_READ)), partner, access);
        // The read saw the partner's limit: the next create believes in it.
        limits.learn(access.partner(), SourceLimit.ownLimitOf(partner));
        return items;
    }

    /**
     * Reads the region's switches and the account's customer item (and the source, if
     * {@code sourceKey} is given) in one consistent TransactGetItems: OperationDisabled first, then
     * null when the caller is not granted the account (it sees nothing, as if nothing were offered).
     */
    private List<ItemResponse> readCustomerAccess(CustomerAccess access, Map<String, AttributeValue> sourceKey) {
        List<ItemResponse> items = readGuarded(access.region(), RegistryTable.customerKey(access.account()), sourceKey);
        if (!AccessConditions.operationEnabled(itemOf(items.get(REGION_READ)), access.operation())) {
            throw new RegistryException.OperationDisabled();
        }
        return AccessConditions.callerNamed(itemOf(items.get(CUSTOMER_READ)), access.caller()) ? items : null;
    }

    /** The region's item, the item that grants access ({@code accessKey}) and the source, if {@code sourceKey} is given: one TransactGetItems. */
    private List<ItemResponse> readGuarded(String region, Map<String, AttributeValue> accessKey, Map<String, AttributeValue> sourceKey) {
        List<TransactGetItem> gets = new ArrayList<>(3);
        gets.add(get(RegistryTable.regionKey(region)));
        gets.add(get(accessKey));
        if (sourceKey != null) {
            gets.add(get(sourceKey));
        }
        List<ItemResponse> items = DynamoDbErrors.call(() -> dynamoDb.transactGetItems(r -> r.transactItems(gets)).responses());
        if (items.size() != gets.size()) {
            throw new RegistryException.Internal(new IllegalStateException("TransactGetItems answered " + items.size() + " of " + gets.size()));
        }
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
     * Runs the transaction within {@code write}'s budget for conflicts; null means it committed, else
     * why it was cancelled. The SDK retries with the same request, so one token per attempt makes a
     * retry after a lost response idempotent in DynamoDB (for ten minutes) instead of failing its own
     * conditions.
     */
    private CancellationReasons transact(ConflictBackoff.Write write, TransactWriteItem region, TransactWriteItem partner,
                                         TransactWriteItem counter, TransactWriteItem source) {
        try {
            write.commit(List.of(region, partner, counter, source));
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
