package dev.partnerregistry.admin;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.partnerregistry.domain.Caller;
import dev.partnerregistry.domain.RegistryException;
import dev.partnerregistry.store.RegistryTable;
import dev.partnerregistry.testing.DynamoDbEngine;
import dev.partnerregistry.testing.RegistryFixture;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The operator's repairs on a real engine: recounting a partner, and the one NextToken key. */
@ExtendWith(DynamoDbEngine.class)
class OperatorRepairsTest {

    private static final String ACCOUNT = "123456789012";
    private final RegistryFixture fixture;

    OperatorRepairsTest(DynamoDbEngine.EngineTable table) {
        this.fixture = new RegistryFixture(table, 3);
    }

    @Test
    void recountRebuildsALostCounterSoTheLimitHoldsAgain() {
        Caller caller = fixture.registerPartner("recounted.example", null);
        for (int i = 0; i < 3; i++) {
            fixture.registry.createPartnerEventSource("aws.partner/recounted.example/s/" + i, ACCOUNT, caller);
        }
        fixture.table.client().updateItem(r -> r.tableName(fixture.table.tableName())
                .key(RegistryTable.counterKey("recounted.example")).updateExpression("REMOVE " + RegistryTable.SOURCE_COUNT));

        Map<String, AttributeValue> item = fixture.admin.recount("recounted.example");

        assertEquals("3", item.get(RegistryTable.SOURCE_COUNT).n());
        assertThrows(RegistryException.LimitExceeded.class,
                () -> fixture.registry.createPartnerEventSource("aws.partner/recounted.example/s/3", ACCOUNT, caller));
    }

    @Test
    void recountCorrectsACounterThatIsWrong() {
        Caller caller = fixture.registerPartner("miscounted.example", null);
        fixture.registry.createPartnerEventSource("aws.partner/miscounted.example/s/0", ACCOUNT, caller);
        fixture.table.client().updateItem(r -> r.tableName(fixture.table.tableName())
                .key(RegistryTable.counterKey("miscounted.example")).updateExpression("SET " + RegistryTable.SOURCE_COUNT + " = :n")
                .expressionAttributeValues(Map.of(":n", AttributeValue.fromN("42"))));

        assertEquals("1", fixture.admin.recount("miscounted.example").get(RegistryTable.SOURCE_COUNT).n());
        assertEquals(1, fixture.sourceCount("miscounted.example"));
    }

    @Test
    void recountOfAnUnregisteredPartnerIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> fixture.admin.recount("nobody.example"));
    }

    @Test
    void theNextTokenKeyIsCreatedOnceAndNeverReplaced() {
        Map<String, AttributeValue> before = fixture.table.client().getItem(r -> r.tableName(fixture.table.tableName())
                .key(RegistryTable.pageTokenKeyKey()).consistentRead(true)).item();
        fixture.admin.createPageTokenKey();
        Map<String, AttributeValue> after = fixture.table.client().getItem(r -> r.tableName(fixture.table.tableName())
                .key(RegistryTable.pageTokenKeyKey()).consistentRead(true)).item();
        assertEquals(32, before.get(RegistryTable.SECRET).b().asByteArray().length);
        assertArrayEquals(before.get(RegistryTable.SECRET).b().asByteArray(), after.get(RegistryTable.SECRET).b().asByteArray());
    }
}
