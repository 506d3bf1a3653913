package dev.partnerregistry.wire;

import static dev.partnerregistry.wire.WireFixture.ACCOUNT;
import static dev.partnerregistry.wire.WireFixture.EXAMPLE_KEY;
import static dev.partnerregistry.wire.WireFixture.EXAMPLE_SECRET;
import static dev.partnerregistry.wire.WireFixture.REGION;
import static dev.partnerregistry.wire.WireFixture.arn;
import static dev.partnerregistry.wire.WireFixture.uniqueName;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.partnerregistry.RegistryAssembly;
import dev.partnerregistry.RegistrySettings;
import dev.partnerregistry.admin.DynamoDbRegistryAdmin;
import dev.partnerregistry.admin.ToolCredentials;
import dev.partnerregistry.api.PartnerRegistryHandler;
import dev.partnerregistry.local.LocalConfig;
import dev.partnerregistry.local.LocalServer;
import dev.partnerregistry.store.DynamoDbClients;
import dev.partnerregistry.store.RegistryTable;
import dev.partnerregistry.testing.DynamoDbEngine;
import dev.partnerregistry.testing.FaultInjectingProxy;
import dev.partnerregistry.wire.AwsCli.Result;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.ResourceAlreadyExistsException;
import software.amazon.awssdk.protocols.jsoncore.JsonNode;

/**
 * A create whose answer is lost: the engine stalls past the function's DynamoDB timeout, the
 * function answers InternalException, the write commits when the engine resumes, and the stock
 * client retries with the same amz-sdk-invocation-id. The retry must answer the ARN, not
 * ResourceAlreadyExists, with the real Java SDK and the real AWS CLI doing the retrying.
 */
@ExtendWith(DynamoDbEngine.class)
class RetriedCreateWireTest {

    /** The function's DynamoDB call gives up after this; the stall outlasts it, the client's retry does not. */
    private static final Duration CALL_TIMEOUT = Duration.ofMillis(1500);
    private static final Duration STALL = Duration.ofMillis(2500);

    private static FaultInjectingProxy proxy;
    private static LocalServer server;
    private static DynamoDbEngine.EngineTable engine;
    private static AwsCli cli;
    private static final List<Integer> answered = new CopyOnWriteArrayList<>();

    @TempDir
    static Path home;

    @BeforeAll
    static void start(DynamoDbEngine.EngineTable table) throws Exception {
        engine = table;
        proxy = new FaultInjectingProxy(table.endpoint());
        RegistrySettings settings = table.settingsBuilder(100).region(REGION).dynamoDbEndpoint(proxy.endpoint()).build();
        DynamoDbClient throughProxy = DynamoDbClients.lean(settings,
                StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")), CALL_TIMEOUT);
        LocalConfig config = LocalConfig.load(Map.of(), WireFixture.root());
        WireFixture.issueLocalKeys(table, config);
        RegistrySettings keySettings = table.keySettingsBuilder(100).region(REGION).dynamoDbEndpoint(proxy.endpoint()).build();
        PartnerRegistryHandler function = new PartnerRegistryHandler(
                RegistryAssembly.protocol(throughProxy, keySettings, new PrintStream(OutputStream.nullOutputStream())),
                RegistryAssembly.verifier(table.registryClient(), keySettings, ToolCredentials.forEndpoint(table.endpoint()), Clock.systemUTC()));
        DynamoDbRegistryAdmin admin = new DynamoDbRegistryAdmin(table.client(), table.tableName());
        config.partners().forEach(admin::registerPrincipals);
        server = LocalServer.start(0, (event, context) -> {
            var response = function.handleRequest(event, context);
            answered.add(response.getStatusCode());
            return response;
        }, null);
        cli = new AwsCli(home);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        if (proxy != null) {
            proxy.close();
        }
    }

    @BeforeEach
    void reset() {
        proxy.clear();
        answered.clear();
    }

    /** The SDK's default retries (standard mode, three attempts), as a partner's client has them. */
    @Test
    void theJavaSdkRetryingALostCreateGetsTheArn() {
        String name = uniqueName("example.com", "retried-sdk", "shop-1");
        try (EventBridgeClient events = WireFixture.eventBridge(server.endpoint(), EXAMPLE_KEY, EXAMPLE_SECRET, true)) {
            proxy.stallNext("TransactWriteItems", STALL);

            String eventSourceArn = events.createPartnerEventSource(r -> r.name(name).account(ACCOUNT)).eventSourceArn();

            assertEquals(arn(name), eventSourceArn);
            assertEquals(List.of(500, 200), answered, "the first answer was InternalException, the retry's the ARN");
            assertCreatedOnce(name);
        }
    }

    @Test
    void theAwsCliRetryingALostCreatePrintsTheArn() throws Exception {
        String name = uniqueName("example.com", "retried-cli", "shop-1");
        proxy.stallNext("TransactWriteItems", STALL);

        Result result = cli.run(List.of("events", "create-partner-event-source", "--endpoint-url", server.endpoint().toString(),
                "--name", name, "--account", ACCOUNT), EXAMPLE_KEY, EXAMPLE_SECRET, 3);

        assertEquals(0, result.exitCode(), result.toString());
        assertEquals(arn(name), JsonNode.parser().parse(result.stdout()).field("EventSourceArn").orElseThrow().asString());
        assertEquals(500, answered.get(0), "the first answer was InternalException: " + answered);
        assertEquals(200, answered.get(answered.size() - 1), "the retry answered the ARN: " + answered);
        assertCreatedOnce(name);
    }

    @Test
    void anotherCallForTheNameStillGetsResourceAlreadyExists() {
        String name = uniqueName("example.com", "retried-other", "shop-1");
        try (EventBridgeClient events = WireFixture.eventBridge(server.endpoint(), EXAMPLE_KEY, EXAMPLE_SECRET, true)) {
            events.createPartnerEventSource(r -> r.name(name).account(ACCOUNT));
            ResourceAlreadyExistsException e = org.junit.jupiter.api.Assertions.assertThrows(ResourceAlreadyExistsException.class,
                    () -> events.createPartnerEventSource(r -> r.name(name).account(ACCOUNT)));
            assertEquals("Event source " + name + " already exists.", e.awsErrorDetails().errorMessage());
        }
    }

    /** The source exists once, and the partner's counter counted it once. */
    private static void assertCreatedOnce(String name) {
        var sources = engine.client().query(r -> r.tableName(engine.tableName())
                .keyConditionExpression("#pk = :pk AND #sk = :sk")
                .expressionAttributeNames(Map.of("#pk", RegistryTable.PARTITION_KEY, "#sk", RegistryTable.SORT_KEY))
                .expressionAttributeValues(Map.of(
                        ":pk", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS(RegistryTable.sourcePartition("example.com")),
                        ":sk", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS(RegistryTable.sourceSortKey(name))))
                .consistentRead(true)).count();
        assertEquals(1, sources);
        assertTrue(proxy.received("TransactWriteItems").size() >= 2, "the first attempt and the retry both wrote");
    }
}
