package dev.partnerregistry.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import dev.partnerregistry.api.PartnerRegistryHandler;
import dev.partnerregistry.domain.Caller;
import dev.partnerregistry.domain.PartnerRegistry;
import dev.partnerregistry.domain.RegistryException;
import dev.partnerregistry.domain.RegistryOperation;
import dev.partnerregistry.admin.DynamoDbRegistryAdmin;
import dev.partnerregistry.testing.DynamoDbEngine;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import software.amazon.awssdk.protocols.jsoncore.JsonNode;

/**
 * Every API Gateway proxy event in {@code events/} through the function, on a real engine: each
 * file on a fresh table with the partners of {@code local/partners.properties} registered and the
 * state its case needs, and the exact answer EventBridge gives for it. A file without an
 * expectation here fails the build, so {@code make invoke EVENT=...} examples cannot rot.
 */
class EventFilesTest {

    static final String REGION = DynamoDbEngine.REGION;
    static final String EXAMPLE_PARTNER = "arn:aws:iam::123456789012:user/example-partner";
    static final String SHOP_42 = "aws.partner/example.com/orders/shop-42";
    static final String SHOP_7 = "aws.partner/example.com/orders/shop-7";
    static final String ACCOUNT = "123456789012";

    /** A case's table: the handler under test, and the registry and admin to set its state up. */
    record Fixture(PartnerRegistryHandler handler, PartnerRegistry registry, DynamoDbRegistryAdmin admin) {

        void create(String name) {
            registry.createPartnerEventSource(name, ACCOUNT, new Caller(EXAMPLE_PARTNER));
        }
    }

    /** What the function must answer for one event file. */
    record Expected(int status, String errorType, String message, String body, Consumer<Fixture> setup,
                    AnswerCheck check) {

        static Expected success(String body) {
            return new Expected(200, null, null, body, f -> { }, (f, json) -> { });
        }

        static Expected error(String errorType, String message) {
            return new Expected(400, errorType, message, null, f -> { }, (f, json) -> { });
        }

        Expected given(Consumer<Fixture> state) {
            return new Expected(status, errorType, message, body, state, check);
        }

        Expected then(AnswerCheck more) {
            return new Expected(status, errorType, message, body, setup, more);
        }
    }

    interface AnswerCheck {
        void verify(Fixture fixture, JsonNode body);
    }

    static String arn(String name) {
        return "arn:aws:events:" + REGION + "::event-source/" + name;
    }

    static final Map<String, Expected> EXPECTED = Map.ofEntries(
            Map.entry("create-partner-event-source.json",
                    Expected.success("{\"EventSourceArn\":\"" + arn(SHOP_42) + "\"}")),
            Map.entry("create-partner-event-source-invalid-name.json", Expected.error("ValidationException",
                    "1 validation error detected: Value 'aws.partner.TestBus' at 'name' failed to satisfy constraint: "
                            + "Member must satisfy regular expression pattern: aws\\.partner(/[\\.\\-_A-Za-z0-9]+){2,}")),
            Map.entry("create-partner-event-source-invalid-account.json", Expected.error("ValidationException",
                    "1 validation error detected: Value '1234-5678-90' at 'account' failed to satisfy constraint: "
                            + "Member must satisfy regular expression pattern: \\d{12}")),
            Map.entry("create-partner-event-source-missing-members.json", Expected.error("ValidationException",
                    "2 validation errors detected: Value null at 'name' failed to satisfy constraint: Member must not be null; "
                            + "Value null at 'account' failed to satisfy constraint: Member must not be null")),
            Map.entry("create-partner-event-source-body-not-json.json",
                    Expected.error("SerializationException", "The request body is not valid JSON.")),
            Map.entry("create-partner-event-source-member-wrong-type.json",
                    Expected.error("SerializationException", "NUMBER_VALUE can not be converted to a String")),
            Map.entry("create-partner-event-source-already-exists.json",
                    Expected.error("ResourceAlreadyExistsException", "Event source " + SHOP_42 + " already exists.")
                            .given(f -> f.create(SHOP_42))),
            Map.entry("create-partner-event-source-limit-exceeded.json",
                    Expected.error("LimitExceededException", "The partner example.com has reached its limit of partner event sources.")
                            .given(f -> f.admin().setPartnerLimit("example.com", 0))),
            Map.entry("create-partner-event-source-operation-disabled.json",
                    Expected.error("OperationDisabledException", "The operation you are attempting is not available in this region.")
                            .given(f -> f.admin().disable(REGION, RegistryOperation.CREATE_PARTNER_EVENT_SOURCE))),
            Map.entry("create-partner-event-source-access-denied.json", Expected.error("AccessDeniedException",
                    "User: " + EXAMPLE_PARTNER + " is not authorized to perform: events:CreatePartnerEventSource on resource: "
                            + arn("aws.partner/other.example/orders/shop-7"))),
            Map.entry("unknown-target.json", Expected.error("UnknownOperationException", "Operation 'AWSEvents.CreatePartnerEventSources' "
                    + "is not supported by this registry. Supported: AWSEvents.CreatePartnerEventSource, AWSEvents.DescribePartnerEventSource, "
                    + "AWSEvents.ListPartnerEventSources, AWSEvents.ListPartnerEventSourceAccounts, AWSEvents.DeletePartnerEventSource, "
                    + "AWSEvents.ListEventSources, AWSEvents.DescribeEventSource, AWSEvents.ActivateEventSource, "
                    + "AWSEvents.DeactivateEventSource, AWSEvents.CreateEventBus, AWSEvents.DeleteEventBus, AWSEvents.DescribeEventBus, "
                    + "AWSEvents.PutPartnerEvents.")),
            Map.entry("describe-partner-event-source.json",
                    Expected.success("{\"Arn\":\"" + arn(SHOP_42) + "\",\"Name\":\"" + SHOP_42 + "\"}")
                            .given(f -> f.create(SHOP_42))),
            Map.entry("describe-partner-event-source-not-found.json", Expected.error("ResourceNotFoundException",
                    "Event source aws.partner/example.com/orders/shop-404 does not exist.")
                    .given(f -> f.create(SHOP_42))),
            Map.entry("list-partner-event-sources.json",
                    Expected.success("{\"PartnerEventSources\":["
                                    + "{\"Arn\":\"" + arn(SHOP_42) + "\",\"Name\":\"" + SHOP_42 + "\"},"
                                    + "{\"Arn\":\"" + arn(SHOP_7) + "\",\"Name\":\"" + SHOP_7 + "\"}]}")
                            .given(f -> {
                                f.create(SHOP_7);
                                f.create(SHOP_42);
                                f.create("aws.partner/example.com/invoices/inv-1");
                            })),
            Map.entry("list-partner-event-sources-invalid-token.json",
                    Expected.error("ValidationException", "The NextToken is invalid or has expired.")
                            .given(f -> f.create(SHOP_42))),
            Map.entry("list-partner-event-source-accounts.json",
                    new Expected(200, null, null, null, f -> f.create(SHOP_42), (f, json) -> {
                        List<JsonNode> accounts = json.field("PartnerEventSourceAccounts").orElseThrow().asArray();
                        assertEquals(1, accounts.size(), "one account per source");
                        Map<String, JsonNode> account = accounts.get(0).asObject();
                        assertEquals(new TreeSet<>(List.of("Account", "CreationTime", "ExpirationTime", "State")), new TreeSet<>(account.keySet()));
                        assertEquals(ACCOUNT, account.get("Account").asString());
                        assertEquals("PENDING", account.get("State").asString());
                        assertTrue(account.get("CreationTime").isNumber(), "AWS JSON 1.1 timestamps are epoch-second numbers");
                        Instant created = Instant.ofEpochMilli(new BigDecimal(account.get("CreationTime").asNumber())
                                .movePointRight(3).longValue());
                        assertTrue(Duration.between(created, Instant.now()).abs().compareTo(Duration.ofMinutes(1)) < 0,
                                "CreationTime " + created + " is the time of the create");
                    })),
            Map.entry("delete-partner-event-source.json",
                    Expected.success("{}").given(f -> f.create(SHOP_42)).then((f, json) ->
                            assertThrows(RegistryException.ResourceNotFound.class,
                                    () -> f.registry().describePartnerEventSource(SHOP_42, new Caller(EXAMPLE_PARTNER)),
                                    "the source is gone after the delete"))));

    static Path root() {
        String root = System.getProperty("project.root");
        assertNotNull(root, "surefire sets project.root to the repository root");
        return Path.of(root).toAbsolutePath().normalize();
    }

    static List<Path> eventFiles() throws IOException {
        try (Stream<Path> files = Files.list(root().resolve("events"))) {
            return files.filter(f -> f.getFileName().toString().endsWith(".json")).sorted().toList();
        }
    }

    @Test
    void everyEventFileHasAnExpectationAndEveryExpectationAFile() throws IOException {
        TreeSet<String> files = eventFiles().stream().map(f -> f.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
        TreeSet<String> withoutExpectation = new TreeSet<>(files);
        withoutExpectation.removeAll(EXPECTED.keySet());
        TreeSet<String> withoutFile = new TreeSet<>(EXPECTED.keySet());
        withoutFile.removeAll(files);
        assertTrue(withoutExpectation.isEmpty(), "events/ files without an expected answer in EventFilesTest: " + withoutExpectation);
        assertTrue(withoutFile.isEmpty(), "expected answers for files missing from events/: " + withoutFile);
    }

    @TestFactory
    Stream<DynamicTest> eachEventFileGetsItsEventBridgeAnswer() throws IOException {
        Map<String, List<String>> partners = LocalConfig.readPartners(root().resolve(LocalConfig.DEFAULT_PARTNERS_FILE));
        return eventFiles().stream().map(file -> DynamicTest.dynamicTest(file.getFileName().toString(), () -> {
            Expected expected = EXPECTED.get(file.getFileName().toString());
            assertNotNull(expected, "no expectation for " + file.getFileName());
            APIGatewayProxyRequestEvent event = ProxyEvents.readRequest(file);

            DynamoDbEngine.EngineTable table = DynamoDbEngine.newTable("events");
            DynamoDbRegistryAdmin admin = new DynamoDbRegistryAdmin(table.client(), table.tableName());
            partners.forEach(admin::registerPrincipals);
            Fixture fixture = new Fixture(table.handler(100), table.registry(100),
                    admin);
            expected.setup().accept(fixture);

            APIGatewayProxyResponseEvent response = fixture.handler().handleRequest(event, new LocalContext("test", System.err));

            assertEquals(expected.status(), response.getStatusCode(), () -> "status; body " + response.getBody());
            assertEquals(event.getRequestContext().getRequestId(), response.getHeaders().get("x-amzn-RequestId"),
                    "the request id API Gateway assigned is the one the client sees");
            assertFalse(Boolean.TRUE.equals(response.getIsBase64Encoded()));
            JsonNode body = JsonNode.parser().parse(response.getBody());
            if (expected.errorType() == null) {
                assertFalse(response.getHeaders().containsKey("x-amzn-ErrorType"), () -> "no error expected: " + response.getBody());
                if (expected.body() != null) {
                    assertEquals(expected.body(), response.getBody());
                }
            } else {
                assertEquals(expected.errorType(), response.getHeaders().get("x-amzn-ErrorType"), "x-amzn-ErrorType header");
                assertEquals(expected.errorType(), body.field("__type").map(JsonNode::asString).orElse(null), "__type");
                assertEquals(expected.message(), body.field("message").map(JsonNode::asString).orElse(null), "message");
            }
            expected.check().verify(fixture, body);
        }));
    }
}
