package dev.partnerregistry.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.partnerregistry.testing.DynamoDbEngine;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.TransactGetItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * The lean client (what the functions run) against the engine: items of every attribute type read back as written,
 * through each of its six operations, and the engine's errors surface as the SDK client's do for the same request.
 */
@ExtendWith(DynamoDbEngine.class)
class LeanDynamoDbClientEngineTest {

    private final DynamoDbEngine.EngineTable table;
    private final DynamoDbClient lean;
    private final DynamoDbClient sdk;

    LeanDynamoDbClientEngineTest(DynamoDbEngine.EngineTable table) {
        this.table = table;
        this.lean = table.registryClient();
        this.sdk = table.client();
    }

    private static Map<String, AttributeValue> key(String pk) {
        return Map.of(RegistryTable.PARTITION_KEY, AttributeValue.fromS(pk), RegistryTable.SORT_KEY, AttributeValue.fromS("ITEM"));
    }

    /** An item with every attribute type, nested ones inside a map and a list, and text and bytes that are not ASCII. */
    private static Map<String, AttributeValue> everyType(String pk) {
        Map<String, AttributeValue> item = new HashMap<>(key(pk));
        item.put("s", AttributeValue.fromS("Grüße, 東京 \"quoted\" \\ \u0001"));
        item.put("n", AttributeValue.fromN("-12.50"));
        item.put("big", AttributeValue.fromN("123456789012345678901234567890"));
        item.put("b", AttributeValue.fromB(SdkBytes.fromByteArray(new byte[] {0, 1, (byte) 0xfe, (byte) 0xff})));
        item.put("ss", AttributeValue.fromSs(List.of("a", "b")));
        item.put("ns", AttributeValue.fromNs(List.of("1", "2.5")));
        item.put("bs", AttributeValue.fromBs(List.of(SdkBytes.fromUtf8String("x"), SdkBytes.fromByteArray(new byte[] {(byte) 0x80}))));
        item.put("m", AttributeValue.fromM(Map.of("inner", AttributeValue.fromL(List.of(AttributeValue.fromN("1"), AttributeValue.fromBool(false))),
                "empty", AttributeValue.fromM(Map.of()))));
        item.put("l", AttributeValue.fromL(List.of(AttributeValue.fromS("x"), AttributeValue.fromNul(true),
                AttributeValue.fromM(Map.of("b", AttributeValue.fromB(SdkBytes.fromUtf8String("y")))), AttributeValue.fromL(List.of()))));
        item.put("null", AttributeValue.fromNul(true));
        item.put("bool", AttributeValue.fromBool(true));
        return item;
    }

    @Test
    void anItemOfEveryTypeReadsBackThroughEachRead() {
        Map<String, AttributeValue> item = everyType("EVERY#read");
        sdk.putItem(r -> r.tableName(table.tableName()).item(item));

        assertEquals(item, lean.getItem(r -> r.tableName(table.tableName()).key(key("EVERY#read")).consistentRead(true)).item());
        assertEquals(List.of(item), lean.batchGetItem(r -> r.requestItems(Map.of(table.tableName(),
                software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes.builder().keys(key("EVERY#read")).consistentRead(true).build())))
                .responses().get(table.tableName()));
        assertEquals(List.of(item), lean.query(r -> r.tableName(table.tableName()).keyConditionExpression("pk = :pk")
                .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS("EVERY#read"))).consistentRead(true)).items());
        assertEquals(item, lean.transactGetItems(r -> r.transactItems(TransactGetItem.builder()
                .get(g -> g.tableName(table.tableName()).key(key("EVERY#read"))).build())).responses().get(0).item());
    }

    @Test
    void anItemOfEveryTypeIsWrittenAsGivenThroughEachWrite() {
        Map<String, AttributeValue> item = everyType("EVERY#transact");
        lean.transactWriteItems(r -> r.transactItems(TransactWriteItem.builder().put(p -> p.tableName(table.tableName()).item(item)).build()));
        assertEquals(item, sdk.getItem(r -> r.tableName(table.tableName()).key(key("EVERY#transact")).consistentRead(true)).item());

        Map<String, AttributeValue> values = new HashMap<>();
        StringBuilder set = new StringBuilder("SET ");
        Map<String, String> names = new HashMap<>();
        everyType("unused").forEach((name, value) -> {
            if (!name.equals(RegistryTable.PARTITION_KEY) && !name.equals(RegistryTable.SORT_KEY)) {
                set.append(set.length() > 4 ? ", " : "").append("#").append(name).append(" = :").append(name);
                names.put("#" + name, name);
                values.put(":" + name, value);
            }
        });
        Map<String, AttributeValue> updated = lean.updateItem(r -> r.tableName(table.tableName()).key(key("EVERY#update"))
                .updateExpression(set.toString()).expressionAttributeNames(names).expressionAttributeValues(values)
                .returnValues(ReturnValue.ALL_NEW)).attributes();
        assertEquals(everyType("EVERY#update"), updated);
        assertEquals(updated, sdk.getItem(r -> r.tableName(table.tableName()).key(key("EVERY#update")).consistentRead(true)).item());
    }

    @Test
    void aFailedConditionInATransactionIsCancelledWithItsReasonsAndTheItem() {
        Map<String, AttributeValue> item = everyType("EVERY#cancel");
        sdk.putItem(r -> r.tableName(table.tableName()).item(item));
        Function<DynamoDbClient, TransactionCanceledException> cancel = client -> assertThrows(TransactionCanceledException.class,
                () -> client.transactWriteItems(r -> r.transactItems(
                        TransactWriteItem.builder().put(p -> p.tableName(table.tableName()).item(key("EVERY#untouched"))).build(),
                        TransactWriteItem.builder().conditionCheck(c -> c.tableName(table.tableName()).key(key("EVERY#cancel"))
                                .conditionExpression("attribute_not_exists(pk)")
                                .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)).build())));
        TransactionCanceledException fromLean = cancel.apply(lean);
        TransactionCanceledException fromSdk = cancel.apply(sdk);

        assertEquals(2, fromLean.cancellationReasons().size());
        assertEquals("ConditionalCheckFailed", fromLean.cancellationReasons().get(1).code());
        assertEquals(item, fromLean.cancellationReasons().get(1).item());
        assertEquals(fromSdk.cancellationReasons(), fromLean.cancellationReasons());
        assertSameError(fromSdk, fromLean);
        assertFalse(sdk.getItem(r -> r.tableName(table.tableName()).key(key("EVERY#untouched")).consistentRead(true)).hasItem());
    }

    @Test
    void aFailedConditionOnAnUpdateCarriesTheItem() {
        Map<String, AttributeValue> item = everyType("EVERY#condition");
        sdk.putItem(r -> r.tableName(table.tableName()).item(item));
        Function<DynamoDbClient, ConditionalCheckFailedException> fail = client -> assertThrows(ConditionalCheckFailedException.class,
                () -> client.updateItem(r -> r.tableName(table.tableName()).key(key("EVERY#condition")).updateExpression("SET x = :x")
                        .conditionExpression("attribute_not_exists(pk)").expressionAttributeValues(Map.of(":x", AttributeValue.fromS("x")))
                        .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)));
        ConditionalCheckFailedException fromLean = fail.apply(lean);
        ConditionalCheckFailedException fromSdk = fail.apply(sdk);
        assertEquals(fromSdk.item(), fromLean.item());
        assertSameError(fromSdk, fromLean);
    }

    @Test
    void anInvalidRequestIsAValidationExceptionWithStatus400() {
        Function<DynamoDbClient, DynamoDbException> invalid = client -> assertThrows(DynamoDbException.class,
                () -> client.getItem(r -> r.tableName(table.tableName()).key(Map.of(RegistryTable.PARTITION_KEY, AttributeValue.fromS("only")))));
        DynamoDbException fromLean = invalid.apply(lean);
        assertEquals(DynamoDbException.class, fromLean.getClass());
        assertEquals("ValidationException", fromLean.awsErrorDetails().errorCode());
        assertEquals(400, fromLean.statusCode());
        assertSameError(invalid.apply(sdk), fromLean);
    }

    @Test
    void anUnknownTableIsResourceNotFound() {
        Function<DynamoDbClient, ResourceNotFoundException> missing = client -> assertThrows(ResourceNotFoundException.class,
                () -> client.query(r -> r.tableName("no-such-table").keyConditionExpression("pk = :pk")
                        .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS("x")))));
        assertSameError(missing.apply(sdk), missing.apply(lean));
    }

    private static void assertSameError(DynamoDbException sdk, DynamoDbException lean) {
        assertEquals(sdk.getClass(), lean.getClass());
        assertEquals(sdk.statusCode(), lean.statusCode());
        assertEquals(sdk.awsErrorDetails().errorCode(), lean.awsErrorDetails().errorCode());
        assertEquals(sdk.awsErrorDetails().errorMessage(), lean.awsErrorDetails().errorMessage());
        assertEquals(sdk.awsErrorDetails().serviceName(), lean.awsErrorDetails().serviceName());
        assertEquals(sdk.isThrottlingException(), lean.isThrottlingException());
    }
}
