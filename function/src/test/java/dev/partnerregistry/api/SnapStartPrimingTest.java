package dev.partnerregistry.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.partnerregistry.testing.DynamoDbEngine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The SnapStart priming request exercises the store's path and leaves no trace in the table. */
@ExtendWith(DynamoDbEngine.class)
class SnapStartPrimingTest {

    @Test
    void primingReachesTheStore() {
        PartnerRegistryHandler handler = new PartnerRegistryHandler(
                new dev.partnerregistry.domain.PartnerRegistry(new UnreachableStore(), "us-east-1", 10, java.time.Clock.systemUTC()));
        assertThrows(AssertionError.class, () -> SnapStartPriming.prime(handler));
    }

    @Test
    void primingWritesNothing(DynamoDbEngine.EngineTable table) {
        SnapStartPriming.prime(new PartnerRegistryHandler(table.client(), table.settings(10)));
        assertEquals(0, table.client().scan(r -> r.tableName(table.tableName())).count());
    }
}
