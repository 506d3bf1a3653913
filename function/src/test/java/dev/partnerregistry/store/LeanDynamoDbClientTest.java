package dev.partnerregistry.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.partnerregistry.RegistrySettings;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import java.util.zip.CRC32;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.protocols.jsoncore.JsonNode;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.Select;
import software.amazon.awssdk.services.dynamodb.model.TransactGetItem;
import software.amazon.awssdk.services.dynamodb.model.TransactGetItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * The lean client against a local stub: its request bodies are the SDK client's (both sent to the same stub, compared
 * as parsed JSON), and its retries, call timeout, checksum and errors are what {@link DynamoDbClients#create} gives.
 * (What DynamoDB itself answers, item types and errors, is LeanDynamoDbClientEngineTest's, on moto.)
 */
class LeanDynamoDbClientTest {

    static {
        // As the benchmarks' stubs: without it the JDK server delays small answers (Nagle), slowing every call here.
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    private static final StaticCredentialsProvider CREDENTIALS = StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "secret"));

    /** An answer the stub gives: status, body, headers. */
    private record Answer(int status, String body, Map<String, String> headers) {
        static Answer ok(String body) {
            return new Answer(200, body, Map.of("x-amz-crc32", crc32(body)));
        }

        static Answer error(int status, String type, String message) {
            return new Answer(status, "{\"__type\":\"com.amazonaws.dynamodb.v20120810#" + type + "\",\"message\":\"" + message + "\"}", Map.of());
        }
    }

    private final List<String> bodies = new CopyOnWriteArrayList<>();
    private final List<String> targets = new CopyOnWriteArrayList<>();
    private final Queue<Answer> script = new ConcurrentLinkedQueue<>();
    private final CountDownLatch release = new CountDownLatch(1);
    private final ExecutorService serverThreads = Executors.newCachedThreadPool();
    private volatile boolean hang;
    private HttpServer server;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 8);
        server.setExecutor(serverThreads);
        server.createContext("/", exchange -> {
            bodies.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            targets.add(exchange.getRequestHeaders().getFirst("X-Amz-Target"));
            if (hang) {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            Answer answer = script.isEmpty() ? Answer.ok("{}") : script.poll();
            byte[] body = answer.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.0");
            exchange.getResponseHeaders().add("x-amzn-RequestId", "REQ-1");
            answer.headers().forEach(exchange.getResponseHeaders()::add);
            exchange.sendResponseHeaders(answer.status(), body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
    }

    @AfterEach
    void stop() {
        release.countDown();
        server.stop(0);
        serverThreads.shutdownNow();
    }

    private RegistrySettings settings() {
        return RegistrySettings.builder(Map.of("TABLE_NAME", "registry", "AWS_REGION", "eu-west-1",
                "DYNAMODB_ENDPOINT", "http://127.0.0.1:" + server.getAddress().getPort())).build();
    }

    private DynamoDbClient lean(Duration callTimeout) {
        return DynamoDbClients.lean(settings(), CREDENTIALS, callTimeout);
    }

    // --- (a) the SDK's JSON ----------------------------------------------------------------------------------------

    private static final Map<String, AttributeValue> KEY = Map.of("pk", AttributeValue.fromS("PARTNER#example.com"),
            "sk", AttributeValue.fromS("SOURCE#aws.partner/example.com/orders"));
    private static final Map<String, String> NAMES = Map.of("#s", "state", "#c", "count");
    private static final Map<String, AttributeValue> VALUES = Map.of(":active", AttributeValue.fromS("ACTIVE"),
            ":one", AttributeValue.fromN("1"), ":limit", AttributeValue.fromN("100"), ":yes", AttributeValue.fromBool(true),
            ":none", AttributeValue.fromNul(true), ":blob", AttributeValue.fromB(SdkBytes.fromUtf8String("\u0000\u00ffbytes")),
            ":set", AttributeValue.fromSs(List.of("a", "b")), ":list", AttributeValue.fromL(List.of(AttributeValue.fromN("2.5"),
                    AttributeValue.fromM(Map.of("inner", AttributeValue.fromNs(List.of("1", "-3")))))),
            ":bs", AttributeValue.fromBs(List.of(SdkBytes.fromUtf8String("x"))));

    private static final GetItemRequest GET_ITEM = GetItemRequest.builder().tableName("registry").key(KEY).consistentRead(true)
            .projectionExpression("#s, #c").expressionAttributeNames(NAMES).build();
    private static final UpdateItemRequest UPDATE_ITEM = UpdateItemRequest.builder().tableName("registry").key(KEY)
            .updateExpression("SET #s = :active ADD #c :one").conditionExpression("attribute_exists(pk) AND #c < :limit")
            .expressionAttributeNames(NAMES).expressionAttributeValues(VALUES).returnValues(ReturnValue.ALL_NEW)
            .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD).build();
    private static final BatchGetItemRequest BATCH_GET = BatchGetItemRequest.builder().requestItems(Map.of("registry",
            KeysAndAttributes.builder().keys(KEY, Map.of("pk", AttributeValue.fromS("P2"), "sk", AttributeValue.fromS("S2")))
                    .consistentRead(true).projectionExpression("#s").expressionAttributeNames(Map.of("#s", "state")).build())).build();
    private static final QueryRequest QUERY = QueryRequest.builder().tableName("registry").indexName("byAccount")
            .keyConditionExpression("pk = :pk AND begins_with(sk, :prefix)").filterExpression("#s = :active")
            .expressionAttributeNames(Map.of("#s", "state")).expressionAttributeValues(Map.of(":pk", AttributeValue.fromS("A#1"),
                    ":prefix", AttributeValue.fromS("SOURCE#"), ":active", AttributeValue.fromS("ACTIVE")))
            .exclusiveStartKey(KEY).limit(25).consistentRead(false).scanIndexForward(false).select(Select.ALL_ATTRIBUTES).build();
    private static final TransactGetItemsRequest TRANSACT_GET = TransactGetItemsRequest.builder().transactItems(
            TransactGetItem.builder().get(g -> g.tableName("registry").key(KEY)).build(),
            TransactGetItem.builder().get(g -> g.tableName("registry").key(KEY).projectionExpression("#s")
                    .expressionAttributeNames(Map.of("#s", "state"))).build()).build();
    private static final TransactWriteItemsRequest TRANSACT_WRITE = TransactWriteItemsRequest.builder().clientRequestToken("token-1")
            .transactItems(
                    TransactWriteItem.builder().put(p -> p.tableName("registry").item(VALUES.entrySet().stream().collect(
                                    java.util.stream.Collectors.toMap(e -> e.getKey().substring(1), Map.Entry::getValue)))
                            .conditionExpression("attribute_not_exists(pk)")
                            .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)).build(),
                    TransactWriteItem.builder().update(u -> u.tableName("registry").key(KEY).updateExpression("ADD #c :one")
                            .conditionExpression("#c < :limit").expressionAttributeNames(Map.of("#c", "count"))
                            .expressionAttributeValues(Map.of(":one", AttributeValue.fromN("1"), ":limit", AttributeValue.fromN("100")))
                            .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)).build(),
                    TransactWriteItem.builder().delete(d -> d.tableName("registry").key(KEY).conditionExpression("#s = :active")
                            .expressionAttributeNames(Map.of("#s", "state"))
                            .expressionAttributeValues(Map.of(":active", AttributeValue.fromS("ACTIVE")))).build(),
                    TransactWriteItem.builder().conditionCheck(c -> c.tableName("registry").key(KEY).conditionExpression("attribute_exists(pk)")
                            .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.NONE)).build())
            .build();

    /** Each of the six requests, every member the store sets (and a few more), as the SDK client sends it. */
    @Test
    void eachRequestsJsonIsTheSdkClients() {
        List<Consumer<DynamoDbClient>> calls = List.of(c -> c.getItem(GET_ITEM), c -> c.updateItem(UPDATE_ITEM), c -> c.batchGetItem(BATCH_GET),
                c -> c.query(QUERY), c -> c.transactGetItems(TRANSACT_GET), c -> c.transactWriteItems(TRANSACT_WRITE));
        try (DynamoDbClient sdk = DynamoDbClients.create(settings(), CREDENTIALS); DynamoDbClient lean = lean(Duration.ofSeconds(4))) {
            for (Consumer<DynamoDbClient> call : calls) {
                call.accept(sdk);
                call.accept(lean);
            }
        }
        assertEquals(12, bodies.size());
        for (int i = 0; i < 12; i += 2) {
            assertEquals(targets.get(i), targets.get(i + 1));
            assertEquals(tree(bodies.get(i)), tree(bodies.get(i + 1)), targets.get(i));
        }
        assertEquals(List.of("GetItem", "UpdateItem", "BatchGetItem", "Query", "TransactGetItems", "TransactWriteItems"),
                targets.stream().distinct().map(t -> t.substring("DynamoDB_20120810.".length())).toList());
    }

    @Test
    void aTransactionWithoutATokenGetsAFreshOneKeptAcrossItsRetries() {
        script.add(Answer.error(500, "InternalServerError", "try again"));
        TransactWriteItemsRequest noToken = TRANSACT_WRITE.toBuilder().clientRequestToken(null).build();
        try (DynamoDbClient lean = lean(Duration.ofSeconds(4))) {
            lean.transactWriteItems(noToken);
            lean.transactWriteItems(noToken);
        }
        assertEquals(3, bodies.size());
        String first = tokenOf(bodies.get(0));
        UUID.fromString(first);
        assertEquals(first, tokenOf(bodies.get(1)), "a retry is the same transaction");
        assertNotEquals(first, tokenOf(bodies.get(2)), "another call, another transaction");
    }

    // --- responses and errors ---------------------------------------------------------------------------------------

    @Test
    void anAnswersMembersAreReadIntoTheModel() {
        script.add(Answer.ok("{\"Item\":{\"pk\":{\"S\":\"P\"},\"n\":{\"N\":\"12.50\"},\"b\":{\"B\":\"AP8=\"},\"l\":{\"L\":[{\"NULL\":true},"
                + "{\"BOOL\":false}]}},\"ConsumedCapacity\":{\"TableName\":\"registry\",\"CapacityUnits\":0.5}}"));
        try (DynamoDbClient lean = lean(Duration.ofSeconds(4))) {
            GetItemResponse response = lean.getItem(GET_ITEM);
            assertEquals(Map.of("pk", AttributeValue.fromS("P"), "n", AttributeValue.fromN("12.50"),
                    "b", AttributeValue.fromB(SdkBytes.fromByteArray(new byte[] {0, (byte) 0xff})),
                    "l", AttributeValue.fromL(List.of(AttributeValue.fromNul(true), AttributeValue.fromBool(false)))), response.item());
            assertEquals(0.5, response.consumedCapacity().capacityUnits());
            assertEquals(200, response.sdkHttpResponse().statusCode());
        }
    }

    @Test
    void aCancelledTransactionIsTheSdksExceptionWithItsReasonsAndTheirItems() {
        String body = "{\"__type\":\"com.amazonaws.dynamodb.v20120810#TransactionCanceledException\",\"Message\":\"Transaction cancelled\","
                + "\"CancellationReasons\":[{\"Code\":\"ConditionalCheckFailed\",\"Message\":\"The conditional request failed\","
                + "\"Item\":{\"pk\":{\"S\":\"P\"},\"count\":{\"N\":\"3\"}}},{\"Code\":\"None\"}]}";
        script.add(new Answer(400, body, Map.of()));
        script.add(new Answer(400, body, Map.of()));
        TransactionCanceledException lean;
        TransactionCanceledException sdk;
        try (DynamoDbClient client = lean(Duration.ofSeconds(4))) {
            lean = assertThrows(TransactionCanceledException.class, () -> client.transactWriteItems(TRANSACT_WRITE));
        }
        try (DynamoDbClient client = DynamoDbClients.create(settings(), CREDENTIALS)) {
            sdk = assertThrows(TransactionCanceledException.class, () -> client.transactWriteItems(TRANSACT_WRITE));
        }
        assertEquals(2, bodies.size(), "never retried");
        assertEquals(List.of(CancellationReason.builder().code("ConditionalCheckFailed").message("The conditional request failed")
                .item(Map.of("pk", AttributeValue.fromS("P"), "count", AttributeValue.fromN("3"))).build(),
                CancellationReason.builder().code("None").build()), lean.cancellationReasons());
        assertSameError(sdk, lean);
    }

    @Test
    void aFailedConditionIsNeverRetriedAndCarriesItsItem() {
        String body = "{\"__type\":\"com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException\",\"message\":\"The conditional request failed\","
                + "\"Item\":{\"pk\":{\"S\":\"P\"}}}";
        script.add(new Answer(400, body, Map.of()));
        script.add(new Answer(400, body, Map.of()));
        ConditionalCheckFailedException lean;
        ConditionalCheckFailedException sdk;
        try (DynamoDbClient client = lean(Duration.ofSeconds(4))) {
            lean = assertThrows(ConditionalCheckFailedException.class, () -> client.updateItem(UPDATE_ITEM));
        }
        assertEquals(1, bodies.size());
        try (DynamoDbClient client = DynamoDbClients.create(settings(), CREDENTIALS)) {
            sdk = assertThrows(ConditionalCheckFailedException.class, () -> client.updateItem(UPDATE_ITEM));
        }
        assertEquals(Map.of("pk", AttributeValue.fromS("P")), lean.item());
        assertSameError(sdk, lean);
    }

    @Test
    void anUnmodelledErrorIsADynamoDbExceptionWithItsCode() {
        script.add(Answer.error(400, "ValidationException", "One or more parameter values were invalid"));
        script.add(Answer.error(400, "ValidationException", "One or more parameter values were invalid"));
        DynamoDbException lean;
        DynamoDbException sdk;
        try (DynamoDbClient client = lean(Duration.ofSeconds(4))) {
            lean = assertThrows(DynamoDbException.class, () -> client.getItem(GET_ITEM));
        }
        assertEquals(1, bodies.size(), "a 400 is not retried");
        try (DynamoDbClient client = DynamoDbClients.create(settings(), CREDENTIALS)) {
            sdk = assertThrows(DynamoDbException.class, () -> client.getItem(GET_ITEM));
        }
        assertEquals(DynamoDbException.class, lean.getClass());
        assertSameError(sdk, lean);
    }

    @Test
    void anErrorThatIsNotJsonIsADynamoDbExceptionWithItsStatus() {
        script.add(new Answer(403, "<html>Forbidden</html>", Map.of()));
        script.add(new Answer(403, "<html>Forbidden</html>", Map.of()));
        DynamoDbException lean;
        DynamoDbException sdk;
        try (DynamoDbClient client = lean(Duration.ofSeconds(4))) {
            lean = assertThrows(DynamoDbException.class, () -> client.getItem(GET_ITEM));
        }
        assertEquals(1, bodies.size());
        try (DynamoDbClient client = DynamoDbClients.create(settings(), CREDENTIALS)) {
            sdk = assertThrows(DynamoDbException.class, () -> client.getItem(GET_ITEM));
        }
        assertEquals(403, lean.statusCode());
        assertSameError(sdk, lean);
    }

    private static void assertSameError(DynamoDbException sdk, DynamoDbException lean) {
        assertEquals(sdk.getClass(), lean.getClass());
        assertEquals(sdk.statusCode(), lean.statusCode());
        assertEquals(sdk.awsErrorDetails().errorCode(), lean.awsErrorDetails().errorCode());
        assertEquals(sdk.awsErrorDetails().errorMessage(), lean.awsErrorDetails().errorMessage());
        assertEquals(sdk.awsErrorDetails().serviceName(), lean.awsErrorDetails().serviceName());
        assertEquals(sdk.awsErrorDetails().sdkHttpResponse().statusCode(), lean.awsErrorDetails().sdkHttpResponse().statusCode());
        assertEquals(sdk.isThrottlingException(), lean.isThrottlingException());
        assertEquals(sdk.requestId(), lean.requestId());
        assertEquals(sdk.getMessage(), lean.getMessage());
    }

    // --- (d) retries, the call timeout, the checksum ---------------------------------------------------------------

    @Test
    void a500IsRetriedAndTheSecondAttemptAnswers() {
        script.add(Answer.error(500, "InternalServerError", "Internal server error"));
        script.add(Answer.ok("{\"Item\":{\"pk\":{\"S\":\"P\"}}}"));
        DynamoDbRequestCounter.takeCount();
        try (DynamoDbClient lean = lean(Duration.ofSeconds(4))) {
            assertEquals(Map.of("pk", AttributeValue.fromS("P")), lean.getItem(GET_ITEM).item());
        }
        assertEquals(2, bodies.size());
        assertEquals(2, DynamoDbRequestCounter.takeCount(), "each attempt counted");
        assertEquals(bodies.get(0), bodies.get(1));
    }

    @Test
    void throttlingIsRetriedUpToThreeAttemptsAndEndsAsWithTheSdk() {
        for (int i = 0; i < 6; i++) {
            script.add(Answer.error(400, "ProvisionedThroughputExceededException", "slow down"));
        }
        ProvisionedThroughputExceededException lean;
        ProvisionedThroughputExceededException sdk;
        try (DynamoDbClient client = lean(Duration.ofSeconds(30))) {
            lean = assertThrows(ProvisionedThroughputExceededException.class, () -> client.getItem(GET_ITEM));
        }
        assertEquals(3, bodies.size());
        try (DynamoDbClient client = DynamoDbClients.create(settings(), CREDENTIALS, Duration.ofSeconds(30))) {
            sdk = assertThrows(ProvisionedThroughputExceededException.class, () -> client.getItem(GET_ITEM));
        }
        assertEquals(6, bodies.size());
        assertTrue(lean.isThrottlingException());
        assertSameError(sdk, lean);
        assertEquals(Arrays.stream(sdk.getSuppressed()).map(Throwable::getMessage).toList(),
                Arrays.stream(lean.getSuppressed()).map(Throwable::getMessage).toList(), "the earlier attempts' failures");
    }

    @Test
    void aTransactionInProgressIsRetried() {
        script.add(Answer.error(400, "TransactionInProgressException", "in progress"));
        try (DynamoDbClient lean = lean(Duration.ofSeconds(30))) {
            lean.transactWriteItems(TRANSACT_WRITE);
        }
        assertEquals(2, bodies.size());
    }

    @Test
    void aHangingCallEndsAtTheCallTimeout() {
        hang = true;
        try (DynamoDbClient lean = lean(Duration.ofMillis(300))) {
            assertThrows(ApiCallTimeoutException.class, () -> lean.getItem(GET_ITEM));
        }
        assertEquals(1, bodies.size(), "the one attempt the timeout cut short, not retried");
    }

    @Test
    void aWrongChecksumIsRetriedAndARightOneIsNot() {
        script.add(new Answer(200, "{\"Item\":{\"pk\":{\"S\":\"damaged\"}}}", Map.of("x-amz-crc32", "12345")));
        script.add(Answer.ok("{\"Item\":{\"pk\":{\"S\":\"P\"}}}"));
        try (DynamoDbClient lean = lean(Duration.ofSeconds(4))) {
            assertEquals(Map.of("pk", AttributeValue.fromS("P")), lean.getItem(GET_ITEM).item());
        }
        assertEquals(2, bodies.size());
    }

    @Test
    void anUnreachableEngineIsAnSdkClientExceptionAfterThreeAttempts() throws IOException {
        int closedPort;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        DynamoDbRequestCounter.takeCount();
        try (DynamoDbClient lean = DynamoDbClients.lean(RegistrySettings.builder(Map.of("TABLE_NAME", "registry", "AWS_REGION", "eu-west-1",
                "DYNAMODB_ENDPOINT", "http://127.0.0.1:" + closedPort)).build(), CREDENTIALS, Duration.ofSeconds(4))) {
            SdkClientException e = assertThrows(SdkClientException.class, () -> lean.getItem(GET_ITEM));
            assertInstanceOf(IOException.class, e.getCause());
        }
        assertEquals(3, DynamoDbRequestCounter.takeCount());
    }

    @Test
    void operationsTheFunctionNeverCallsAreUnsupported() {
        try (DynamoDbClient lean = lean(Duration.ofSeconds(4))) {
            assertThrows(UnsupportedOperationException.class, () -> lean.scan(r -> r.tableName("registry")));
            assertThrows(UnsupportedOperationException.class, () -> lean.putItem(r -> r.tableName("registry")));
            assertEquals("dynamodb", lean.serviceName());
        }
        assertEquals(0, bodies.size());
    }

    // --- helpers ----------------------------------------------------------------------------------------------------

    private static String crc32(String body) {
        CRC32 crc = new CRC32();
        crc.update(body.getBytes(StandardCharsets.UTF_8));
        return Long.toString(crc.getValue());
    }

    private static String tokenOf(String body) {
        return JsonNode.parser().parse(body).asObject().get("ClientRequestToken").asString();
    }

    /** A JSON text as plain Java values (maps, lists, strings; numbers as their text), to compare two texts as trees. */
    private static Object tree(String json) {
        return tree(JsonNode.parser().parse(json));
    }

    private static Object tree(JsonNode node) {
        if (node.isObject()) {
            Map<String, Object> map = new LinkedHashMap<>();
            node.asObject().forEach((name, value) -> map.put(name, tree(value)));
            return map;
        }
        if (node.isArray()) {
            List<Object> list = new ArrayList<>();
            node.asArray().forEach(element -> list.add(tree(element)));
            return list;
        }
        if (node.isString()) {
            return "s:" + node.asString();
        }
        if (node.isNumber()) {
            return "n:" + node.asNumber();
        }
        if (node.isBoolean()) {
            return node.asBoolean();
        }
        return null;
    }
}
