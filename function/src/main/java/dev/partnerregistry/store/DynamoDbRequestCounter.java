package dev.partnerregistry.store;

import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

/**
 * Counts the HTTP requests (retries included) that the DynamoDB client sends on behalf of the
 * current thread, for the request log: the SDK client through this interceptor, the lean client
 * ({@link LeanDynamoDbClient}) by {@link #sent()}. Both send on the calling thread, and a request
 * is served on one thread, so a thread-local count is exact.
 */
public final class DynamoDbRequestCounter implements ExecutionInterceptor {

    private static final ThreadLocal<int[]> SENT = ThreadLocal.withInitial(() -> new int[1]);

    @Override
    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes executionAttributes) {
        sent();
    }

    /** One HTTP request sent by this thread ({@link LeanDynamoDbClient}'s attempts: it has no interceptors). */
    static void sent() {
        SENT.get()[0]++;
    }

    /** The requests this thread sent since the last call, and starts counting again from zero. */
    public static int takeCount() {
        int[] sent = SENT.get();
        int count = sent[0];
        sent[0] = 0;
        return count;
    }
}
