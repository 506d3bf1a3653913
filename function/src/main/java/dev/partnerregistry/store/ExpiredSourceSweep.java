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
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.Update;

/**
 * Deletes PENDING sources whose expiry has passed, each in one transaction with its partner's
 * counter, so the count stays exact (DynamoDB's TTL would delete outside any transaction and leave
 * the counter behind). A source whose customer still has its bus (deactivated, then left) becomes
 * DELETED instead, as EventBridge shows such a source. Each write is conditional on the source as
 * the index showed it: one activated, re-created or replaced meanwhile is left alone. Readers never
 * see an expired source in between: they filter by expiry themselves.
 */
public final class ExpiredSourceSweep {

    /** What one run did. */
    public record Result(int expired, int skipped) {
    }

    private final DynamoDbClient dynamoDb;
    private final String tableName;
    private final ConflictBackoff conflicts;

    public ExpiredSourceSweep(DynamoDbClient dynamoDb, String tableName) {
        this(dynamoDb, tableName, ConflictBackoff.DEFAULT_BUDGET);
    }

    /** @param conflictBudget how long one source's removal may keep retrying transactions cancelled by a conflict */
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
            QueryResponse page = DynamoDbErrors.call(() -> dynamoDb.query(r -> r.tableName(tableName)
                    .indexName(RegistryTable.EXPIRY_INDEX)
                    .keyConditionExpression("#queue = :pending AND #expires <= :now")
                    .expressionAttributeNames(Map.of("#queue", EXPIRY_QUEUE, "#expires", EXPIRES_AT))
                    .expressionAttributeValues(Map.of(":pending", AttributeValue.fromS(RegistryTable.EXPIRY_QUEUE_VALUE),
                            ":now", AttributeValue.fromN(Long.toString(now.toEpochMilli()))))
                    .limit(100)
                    .exclusiveStartKey(start)));
            for (Map<String, AttributeValue> key : page.items()) {
                if (expired + skipped >= max) {
                    return new Result(expired, skipped);
                }
                if (expire(Map.of(PARTITION_KEY, key.get(PARTITION_KEY), SORT_KEY, key.get(SORT_KEY)), now)) {
                    expired++;
                } else {
                    skipped++;
                }
            }
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
        if (item == null || item.isEmpty()) {
            return false;
        }
        PartnerEventSource source = SourceItem.source(item);
        if (!source.expiredAt(now)) {
            return false;
        }
        PartnerEventSource keepAs = source.hasBus() ? source.in(SourceState.DELETED, null) : null;
        TransactWriteItem uncount = TransactWriteItem.builder().update(Update.builder()
                .tableName(tableName)
                .key(RegistryTable.counterKey(source.partner()))
                .updateExpression(SourceLimit.COUNT_ONE_LESS)
                .expressionAttributeValues(Map.of(":zero", SourceLimit.number(0), ":one", SourceLimit.number(1)))
                .build()).build();
        TransactWriteItem change = SourceChanges.change(tableName, source, keepAs, key);
        try {
            // The counter is the partner's: a create or delete of the same partner at this moment conflicts, and is waited out.
            conflicts.start().commit(List.of(uncount, change));
            return true;
        } catch (TransactionCanceledException cancelled) {
            List<CancellationReason> reasons = cancelled.hasCancellationReasons() ? cancelled.cancellationReasons() : List.of();
            if (reasons.size() == 2 && "ConditionalCheckFailed".equals(reasons.get(1).code())) {
                return false;
            }
            throw reasons.isEmpty() ? new RegistryException.Internal(cancelled) : CancellationReasons.engineFailure(reasons);
        } catch (RuntimeException e) {
            throw DynamoDbErrors.translate(e);
        }
    }
}
