package dev.partnerregistry.store;

import dev.partnerregistry.domain.RegistryException;
import java.util.function.Supplier;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.TransactionConflictException;

/**
 * SDK failures become the service's errors at the store's edge: callers only ever see a
 * {@link RegistryException}. An unexpected one is {@link RegistryException.Internal} carrying its
 * cause, which the request log records once; nothing is logged here.
 */
final class DynamoDbErrors {

    private DynamoDbErrors() {
    }

    static <T> T call(Supplier<T> call) {
        try {
            return call.get();
        } catch (RegistryException e) {
            throw e;
        } catch (RuntimeException e) {
            throw translate(e);
        }
    }

    static RegistryException translate(RuntimeException e) {
        if (e instanceof RegistryException answer) {
            return answer;   // already decided here (conflicts that outlasted their budget)
        }
        if (e instanceof TransactionConflictException) {
            return new RegistryException.ConcurrentModification();
        }
        if (e instanceof DynamoDbException dynamoDbException && dynamoDbException.isThrottlingException()) {
            return new RegistryException.Throttling();
        }
        return new RegistryException.Internal(e);
    }
}
