package dev.partnerregistry.store;

import dev.partnerregistry.domain.Jitter;
import dev.partnerregistry.domain.RegistryException;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.function.LongSupplier;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * Absorbs DynamoDB's {@code TransactionConflict}: two transactions touching one item at once (every
 * create and delete of a partner updates its counter item) cancel one of them, which wrote nothing
 * and may simply run again. The AWS SDKs do not retry it, so the store does, as DynamoDB's
 * developer guide advises for errors worth retrying ("Error retries and exponential backoff": up to
 * 50 ms before the first retry, up to 100 ms before the second, up to 200 ms before the third...):
 * exponential backoff with full jitter (a wait drawn uniformly between zero and the cap), the cap
 * doubling from {@link #FIRST_CAP} to at most {@link #LAST_CAP}. Retries stop at the write's budget:
 * a retry whose wait would end past it is not made, and the call answers
 * ConcurrentModificationException. A cancellation that carries any other reason (a failed condition,
 * throttling) is the caller's to read.
 */
public final class ConflictBackoff {

    /** The budget when a settings-less caller (the sweep, the operator's audit) makes one. */
    public static final Duration DEFAULT_BUDGET = Duration.ofSeconds(2);
    static final Duration FIRST_CAP = Duration.ofMillis(50);
    static final Duration LAST_CAP = Duration.ofMillis(800);
    static final String TRANSACTION_CONFLICT = "TransactionConflict";

    /** How the backoff waits: the thread sleeps (tests may count instead). */
    interface Sleeper {
        void sleep(long nanos);
    }

    private final DynamoDbClient dynamoDb;
    private final long budgetNanos;
    private final LongSupplier nanoTime;
    private final Sleeper sleeper;

    public ConflictBackoff(DynamoDbClient dynamoDb, Duration budget) {
        this(dynamoDb, budget, System::nanoTime, ConflictBackoff::sleep);
    }

    ConflictBackoff(DynamoDbClient dynamoDb, Duration budget, LongSupplier nanoTime, Sleeper sleeper) {
        this.dynamoDb = dynamoDb;
        this.budgetNanos = budget.toNanos();
        this.nanoTime = nanoTime;
        this.sleeper = sleeper;
    }

    /** One write (all the transactions of one create, delete or change) and its budget, which starts now. */
    Write start() {
        return new Write(nanoTime.getAsLong() + budgetNanos);
    }

    /** True if DynamoDB cancelled the transaction for a conflict alone: no condition failed, nothing else went wrong. */
    static boolean conflictOnly(List<CancellationReason> reasons) {
        boolean conflict = false;
        for (CancellationReason reason : reasons) {
            String code = reason.code();
            if (TRANSACTION_CONFLICT.equals(code)) {
                conflict = true;
            } else if (code != null && !"None".equals(code)) {
                return false;
            }
        }
        return conflict;
    }

    /** The wait before retry {@code retry} (0 = the first): uniform in [0, cap], the cap doubling from 50 ms to 800 ms. */
    static long jitteredWaitNanos(int retry) {
        long cap = Math.min(LAST_CAP.toNanos(), FIRST_CAP.toNanos() << Math.min(retry, 16));
        return Jitter.below(cap + 1);
    }

    private static void sleep(long nanos) {
        try {
            Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryException.Internal(e);
        }
    }

    /** The transactions of one write, sharing one deadline. */
    final class Write {
        private final long deadline;

        private Write(long deadline) {
            this.deadline = deadline;
        }

        /**
         * Runs the transaction until it commits or is cancelled for a reason other than a conflict
         * (thrown, for the caller to read its reasons). Each attempt has its own client request token:
         * the SDK's own retries of one attempt share it, so DynamoDB deduplicates a retry after a lost
         * answer, while a cancelled attempt wrote nothing and the next one is a new transaction.
         *
         * @throws RegistryException.ConcurrentModification when conflicts outlast the budget
         */
        void commit(List<TransactWriteItem> items) {
            for (int retry = 0; ; retry++) {
                try {
                    dynamoDb.transactWriteItems(r -> r.transactItems(items).clientRequestToken(UUID.randomUUID().toString()));
                    return;
                } catch (TransactionCanceledException cancelled) {
                    if (!cancelled.hasCancellationReasons() || !conflictOnly(cancelled.cancellationReasons())) {
                        throw cancelled;
                    }
                    long wait = jitteredWaitNanos(retry);
                    if (nanoTime.getAsLong() + wait - deadline > 0) {
                        throw new RegistryException.ConcurrentModification();
                    }
                    sleeper.sleep(wait);
                }
            }
        }
    }
}
