package dev.partnerregistry.store;

import static dev.partnerregistry.store.RegistryTable.EXPIRES_AT;
import static dev.partnerregistry.store.RegistryTable.EXPIRY_QUEUE;
import static dev.partnerregistry.store.RegistryTable.PARTITION_KEY;
import static dev.partnerregistry.store.RegistryTable.SORT_KEY;

import dev.partnerregistry.domain.PartnerEventSource;
import dev.partnerregistry.domain.PartnerEventSource.SourceState;
import dev.partnerregistry.domain.RegistryException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.Update;

/**
 * Deletes PENDING sources whose expiry has passed, in transactions with their partner's counter,
 * so the count stays exact (DynamoDB's TTL would delete outside any transaction and leave the
 * counter behind). A source whose customer still has its bus (deactivated, then left) becomes
 * DELETED instead, as EventBridge shows such a source. Each write is conditional on the source as
 * read: one activated, re-created or replaced meanwhile is left alone. Readers never see an
 * expired source in between: they filter by expiry themselves.
 *
 * <p>Batched, so that a wave of expiries is cleared at DynamoDB's pace rather than one round trip
 * at a time: a page of the expiry index (up to {@value #BATCH} keys, KEYS_ONLY), one consistent
 * BatchGetItem of those sources (the index lags the table), then transactions that
 * removes them and counts them out of their partners' counters at once ({@value #TRANSACTION_ITEMS} items
 * each, so a page takes about four). About six requests per hundred sources instead of two per source.
 */
public final class ExpiredSourceSweep {

    /** Index keys per Query, and so sources per BatchGetItem (its limit is 100). */
    static final int BATCH = 100;
    /**
     * Items per transaction, the sources and their partners' counters: DynamoDB allows 100, but a
     * cancelled transaction is paid in full and retried, and moto copies the whole table once per
     * item of a transaction (100 items on a table of 600 sources take it over 3 s); 25 keep a
     * page to about four transactions.
     */
    static final int TRANSACTION_ITEMS = 25;
    /** Transactions of one partner's batch: each drops the sources whose conditions failed and tries the rest again. */
    private static final int ATTEMPTS = 3;

    /** What one run did. */
    public record Result(int expired, int skipped) {
    }

    private final DynamoDbClient dynamoDb;
    private final String tableName;
    private final ConflictBackoff conflicts;

    public ExpiredSourceSweep(DynamoDbClient dynamoDb, String tableName) {
        this(dynamoDb, tableName, ConflictBackoff.DEFAULT_BUDGET);
    }

    /** @param conflictBudget how long one transaction may keep retrying when cancelled by a conflict */
    public ExpiredSourceSweep(DynamoDbClient dynamoDb, String tableName, Duration conflictBudget) {
        this.dynamoDb = dynamoDb;
        this.tableName = tableName;
        this.conflicts = new ConflictBackoff(dynamoDb, conflictBudget);
    }

    /** Every source expired by {@code now}, at most {@code max} of them in this run. */
    public Result sweep(Instant now, int max) {
        int expired = 0;
        int skipped = 0;
        Map<String, AttributeValue> from = null;
        do {
            Map<String, AttributeValue> start = from;
            int room = max - expired - skipped;
            if (room <= 0) {
                break;
            }
            QueryResponse page = DynamoDbErrors.call(() -> dynamoDb.query(r -> r.tableName(tableName)
                    .indexName(RegistryTable.EXPIRY_INDEX)
                    .keyConditionExpression("#queue = :pending AND #expires <= :now")
                    .expressionAttributeNames(Map.of("#queue", EXPIRY_QUEUE, "#expires", EXPIRES_AT))
                    .expressionAttributeValues(Map.of(":pending", AttributeValue.fromS(RegistryTable.EXPIRY_QUEUE_VALUE),
                            ":now", AttributeValue.fromN(Long.toString(now.toEpochMilli()))))
                    .limit(Math.min(BATCH, room))
                    .exclusiveStartKey(start)));
            List<Map<String, AttributeValue>> keys = new ArrayList<>();
            page.items().forEach(key -> keys.add(Map.of(PARTITION_KEY, key.get(PARTITION_KEY), SORT_KEY, key.get(SORT_KEY))));
            int done = keys.isEmpty() ? 0 : expireAll(ConsistentBatchGet.items(dynamoDb, tableName, keys), now);
            expired += done;
            skipped += keys.size() - done;
            from = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (from != null);
        return new Result(expired, skipped);
    }

    /**
     * One source: read as it is now (the index lags), then removed with its count if still expired.
     * False if it is gone or no longer expired, or changed between that read and the write. Also the
     * operator's audit's repair of an expired source it found (one without expiryQueue included,
     * which this index never shows).
     */
    public boolean expire(Map<String, AttributeValue> key, Instant now) {
        Map<String, AttributeValue> item = DynamoDbErrors.call(() -> dynamoDb.getItem(r -> r.tableName(tableName).key(key).consistentRead(true))
                .item());
        return item != null && !item.isEmpty() && expireAll(List.of(item), now) == 1;
    }

    /** Removes those of {@code items} that are expired by {@code now}, in as few transactions as fit them; how many went. */
    private int expireAll(List<Map<String, AttributeValue>> items, Instant now) {
        int expired = 0;
        List<PartnerEventSource> batch = new ArrayList<>();
        Set<String> partners = new HashSet<>();
        for (Map<String, AttributeValue> item : items) {
            PartnerEventSource source = SourceItem.source(item);
            if (!source.expiredAt(now)) {
                continue;
            }
            int partnersWith = partners.size() + (partners.contains(source.partner()) ? 0 : 1);
            if (batch.size() + 1 + partnersWith > TRANSACTION_ITEMS) {
                expired += expire(batch);
                batch = new ArrayList<>();
                partners.clear();
            }
            batch.add(source);
            partners.add(source.partner());
        }
        return batch.isEmpty() ? expired : expired + expire(batch);
    }

    /**
     * One transaction: each partner's counter less its sources among {@code sources}, and each source
     * removed (or DELETED while its bus exists) on condition it is still as read. A source whose
     * condition fails is left out and the rest tried again; how many went.
     */
    private int expire(List<PartnerEventSource> sources) {
        List<PartnerEventSource> pending = sources;
        for (int attempt = 0; attempt < ATTEMPTS && !pending.isEmpty(); attempt++) {
            Map<String, Integer> fewer = new LinkedHashMap<>();
            pending.forEach(source -> fewer.merge(source.partner(), 1, Integer::sum));
            List<TransactWriteItem> writes = new ArrayList<>(fewer.size() + pending.size());
            fewer.forEach((partner, count) -> writes.add(TransactWriteItem.builder().update(Update.builder()
                    .tableName(tableName)
                    .key(RegistryTable.counterKey(partner))
                    .updateExpression(SourceLimit.COUNT_FEWER)
                    .expressionAttributeValues(Map.of(":zero", SourceLimit.number(0), ":one", SourceLimit.number(1),
                            ":fewer", SourceLimit.number(count)))
                    .build()).build()));
            for (PartnerEventSource source : pending) {
                PartnerEventSource keepAs = source.hasBus() ? source.in(SourceState.DELETED, null) : null;
                writes.add(SourceChanges.change(tableName, source, keepAs, RegistryTable.sourceKey(source.partner(), source.name())));
            }
            try {
                // The counters are the partners': a create or delete of one of them at this moment conflicts, and is waited out.
                conflicts.start().commit(writes);
                return pending.size();
            } catch (TransactionCanceledException cancelled) {
                List<CancellationReason> reasons = cancelled.hasCancellationReasons() ? cancelled.cancellationReasons() : List.of();
                if (reasons.size() != writes.size()) {
                    throw new RegistryException.Internal(cancelled);
                }
                List<PartnerEventSource> unchanged = new ArrayList<>(pending.size());
                for (int i = 0; i < pending.size(); i++) {
                    if (!"ConditionalCheckFailed".equals(reasons.get(fewer.size() + i).code())) {
                        unchanged.add(pending.get(i));
                    }
                }
                if (unchanged.size() == pending.size()) {
                    throw CancellationReasons.engineFailure(reasons);
                }
                pending = unchanged;
            } catch (RuntimeException e) {
                throw DynamoDbErrors.translate(e);
            }
        }
        // Every source failed its condition, or they kept changing: none went; a later run finds those still expired.
        return 0;
    }
}
