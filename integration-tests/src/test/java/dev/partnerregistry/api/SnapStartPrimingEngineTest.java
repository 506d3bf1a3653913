package dev.partnerregistry.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.partnerregistry.testing.DynamoDbEngine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** On a real engine, the SnapStart priming requests are cancelled by their conditions: nothing is written. */
@ExtendWith(DynamoDbEngine.class)
class SnapStartPrimingEngineTest {

    @Test
    void primingWritesNothing(DynamoDbEngine.EngineTable table) {
        var before = table.client().scan(r -> r.tableName(table.tableName()).consistentRead(true)).items();
        SnapStartPriming.prime(table.handler(10));
        assertEquals(before, table.client().scan(r -> r.tableName(table.tableName()).consistentRead(true)).items());
    }
}
