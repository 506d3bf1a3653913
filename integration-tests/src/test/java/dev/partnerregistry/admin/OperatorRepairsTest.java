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
    void recountLeavesOutTheSourcesThatAreDeletedAndOnlyWaitForTheirBus() {
        Caller caller = fixture.registerPartner("bus-kept.example", null);
        fixture.registry.createPartnerEventSource("aws.partner/bus-kept.example/s/live", ACCOUNT, caller);
        String name = "aws.partner/bus-kept.example/s/gone";
        Map<String, AttributeValue> deleted = new java.util.HashMap<>(RegistryTable.sourceKey("bus-kept.example", name));
        deleted.put(RegistryTable.SOURCE_NAME, AttributeValue.fromS(name));
        deleted.put(RegistryTable.ACCOUNT, AttributeValue.fromS(ACCOUNT));
        deleted.put(RegistryTable.CREATED_AT, AttributeValue.fromN("1764154210123"));
        deleted.put(RegistryTable.STATE, AttributeValue.fromS("DELETED"));
        deleted.put(RegistryTable.BUS_ACCOUNT, AttributeValue.fromS(ACCOUNT));
        deleted.put(RegistryTable.BUS_CREATED_AT, AttributeValue.fromN("1764154210999"));
        fixture.table.client().putItem(r -> r.tableName(fixture.table.tableName()).item(deleted));

        assertEquals("1", fixture.admin.recount("bus-kept.example").get(RegistryTable.SOURCE_COUNT).n());
        assertEquals(2, fixture.storedSources("bus-kept.example"));
    }

    @Test
    void recountOfAnUnregisteredPartnerIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> fixture.admin.recount("nobody.example"));
    }

    @Test
    void recountIsNotFooledByACreateAndADeleteThatLeaveTheCountWhereItWas() {
        Caller caller = fixture.registerPartner("churned.example", null);
        fixture.registry.createPartnerEventSource("aws.partner/churned.example/s/a", ACCOUNT, caller);
        Map<String, AttributeValue> before = fixture.table.client().getItem(r -> r.tableName(fixture.table.tableName())
                .key(RegistryTable.counterKey("churned.example")).consistentRead(true)).item();
        fixture.registry.createPartnerEventSource("aws.partner/churned.example/s/b", ACCOUNT, caller);
        fixture.registry.deletePartnerEventSource("aws.partner/churned.example/s/a", ACCOUNT, caller);
        Map<String, AttributeValue> after = fixture.table.client().getItem(r -> r.tableName(fixture.table.tableName())
                .key(RegistryTable.counterKey("churned.example")).consistentRead(true)).item();
        assertEquals(before.get(RegistryTable.SOURCE_COUNT), after.get(RegistryTable.SOURCE_COUNT), "the count alone did not move");
        assertEquals(Integer.parseInt(before.get(RegistryTable.COUNT_CHANGES).n()) + 2, Integer.parseInt(after.get(RegistryTable.COUNT_CHANGES).n()),
                "but every write of the counter is counted, which a recount's condition reads");
    }

    @Test
    void aTableFromBeforeTheSourcePartitionsIsMigratedAndKeepsWorking() {
        String partner = "legacy.example";
        Caller caller = fixture.registerPartner(partner, 3);
        // The old layout: sources in the partner item's partition, the count on the partner item.
        fixture.table.client().updateItem(r -> r.tableName(fixture.table.tableName()).key(RegistryTable.partnerKey(partner))
                .updateExpression("SET " + RegistryTable.SOURCE_COUNT + " = :two")
                .expressionAttributeValues(Map.of(":two", AttributeValue.fromN("2"))));
        for (String suffix : java.util.List.of("one", "two")) {
            String name = "aws.partner/" + partner + "/old/" + suffix;
            Map<String, AttributeValue> item = new java.util.HashMap<>(Map.of(
                    RegistryTable.PARTITION_KEY, RegistryTable.partnerKey(partner).get(RegistryTable.PARTITION_KEY),
                    RegistryTable.SORT_KEY, AttributeValue.fromS(RegistryTable.sourceSortKey(name)),
                    RegistryTable.SOURCE_NAME, AttributeValue.fromS(name),
                    RegistryTable.ACCOUNT, AttributeValue.fromS(ACCOUNT),
                    RegistryTable.CREATED_AT, AttributeValue.fromN("1764154210123"),
                    RegistryTable.STATE, AttributeValue.fromS("PENDING")));
            fixture.table.client().putItem(r -> r.tableName(fixture.table.tableName()).item(item));
        }
        assertThrows(RegistryException.ResourceNotFound.class,
                () -> fixture.registry.describePartnerEventSource("aws.partner/" + partner + "/old/one", caller), "unreadable before");

        Map<String, AttributeValue> summary = fixture.admin.migrateLayout();

        assertEquals("2", summary.get("movedSources").n());
        assertEquals(ACCOUNT, fixture.registry.describePartnerEventSource("aws.partner/" + partner + "/old/one", caller).account());
        assertEquals(2, fixture.storedSources(partner));
        assertEquals(2, fixture.sourceCount(partner));
        assertEquals(null, fixture.table.client().getItem(r -> r.tableName(fixture.table.tableName())
                .key(RegistryTable.partnerKey(partner)).consistentRead(true)).item().get(RegistryTable.SOURCE_COUNT), "old count removed");
        fixture.registry.createPartnerEventSource("aws.partner/" + partner + "/new/three", ACCOUNT, caller);
        assertThrows(RegistryException.LimitExceeded.class,
                () -> fixture.registry.createPartnerEventSource("aws.partner/" + partner + "/new/four", ACCOUNT, caller), "the limit holds");
        assertEquals("0", fixture.admin.migrateLayout().get("movedSources").n(), "a second run moves nothing");
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
