package dev.partnerregistry.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import dev.partnerregistry.testing.DynamoDbEngine;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import software.amazon.awssdk.protocols.jsoncore.JsonNode;

/**
 * Every API Gateway proxy event in {@code events/} as {@code make invoke EVENT=...} runs it ({@link LocalInvoke}), on a real
 * engine and a table of its own: the partners and keys of the local config, the preconditions the file states in
 * {@code events/given.properties} set up by make invoke itself, and the exact answer EventBridge gives for it. A file
 * without an expectation here fails the build, so {@code make invoke EVENT=...} examples cannot rot.
 */
class EventFilesTest {

    static final String REGION = DynamoDbEngine.REGION;
    static final String EXAMPLE_PARTNER = "arn:aws:iam::123456789012:user/example-partner";
    static final String SHOP_42 = "aws.partner/example.com/orders/shop-42";
    static final String ACCOUNT = "123456789012";
    static final String BUS_ARN = "arn:aws:events:" + REGION + ":" + ACCOUNT + ":event-bus/" + SHOP_42;

    /** What the function must answer for one event file; {@code check} looks further at the answer, on the same table. */
    record Expected(int status, String errorType, String message, String body, AnswerCheck check) {

        static Expected success(String body) {
            return new Expected(200, null, null, body, (table, json) -> { });
        }

        static Expected error(String errorType, String message) {
            return new Expected(400, errorType, message, null, (table, json) -> { });
        }

        Expected then(AnswerCheck more) {
            return new Expected(status, errorType, message, body, more);
        }
    }

    interface AnswerCheck {
        void verify(String table, JsonNode body);
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
                    Expected.error("ResourceAlreadyExistsException", "Event source " + SHOP_42 + " already exists.")),
            Map.entry("create-partner-event-source-limit-exceeded.json",
                    Expected.error("LimitExceededException", "The partner example.com has reached its limit of partner event sources.")),
            Map.entry("create-partner-event-source-operation-disabled.json",
                    Expected.error("OperationDisabledException", "The operation you are attempting is not available in this region.")),
            Map.entry("create-partner-event-source-access-denied.json", Expected.error("AccessDeniedException",
                    "User: " + EXAMPLE_PARTNER + " is not authorized to perform: events:CreatePartnerEventSource on resource: "
                            + arn("aws.partner/other.example/orders/shop-7"))),
            Map.entry("unknown-target.json", Expected.error("UnknownOperationException",
                    "Operation 'AWSEvents.CreatePartnerEventSources' is not supported by this registry. Supported: "
                            + "AWSEvents.CreatePartnerEventSource, AWSEvents.DescribePartnerEventSource, AWSEvents.ListPartnerEventSources, "
                            + "AWSEvents.ListPartnerEventSourceAccounts, AWSEvents.DeletePartnerEventSource, AWSEvents.ListEventSources, "
                            + "AWSEvents.DescribeEventSource, AWSEvents.ActivateEventSource, AWSEvents.DeactivateEventSource, "
                            + "AWSEvents.CreateEventBus, AWSEvents.DeleteEventBus, AWSEvents.DescribeEventBus, AWSEvents.PutPartnerEvents.")),
            Map.entry("describe-partner-event-source.json",
                    Expected.success("{\"Arn\":\"" + arn(SHOP_42) + "\",\"Name\":\"" + SHOP_42 + "\"}")),
            Map.entry("describe-partner-event-source-not-found.json", Expected.error("ResourceNotFoundException",
                    "Event source aws.partner/example.com/orders/shop-404 does not exist.")),
            Map.entry("list-partner-event-sources.json",
                    Expected.success("{\"PartnerEventSources\":[{\"Arn\":\"" + arn(SHOP_42) + "\",\"Name\":\"" + SHOP_42 + "\"}]}")),
            Map.entry("list-partner-event-sources-invalid-token.json",
                    Expected.error("ValidationException", "The NextToken is invalid or has expired.")),
            Map.entry("list-partner-event-source-accounts.json",
                    new Expected(200, null, null, null, (table, json) -> {
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
                    Expected.success("{}").then((table, json) -> assertEquals("400",
                            invoke("describe-partner-event-source.json", table).field("statusCode").orElseThrow().asNumber(),
                            "the source is gone after the delete: describing it is ResourceNotFoundException"))),
            Map.entry("list-event-sources.json", Expected.success(null).then((table, json) -> {
                List<JsonNode> sources = json.field("EventSources").orElseThrow().asArray();
                assertEquals(1, sources.size(), "the one source offered to the customer's account");
                assertPendingSource(sources.get(0));
            })),
            Map.entry("describe-event-source.json", Expected.success(null).then((table, json) -> assertPendingSource(json))),
            Map.entry("describe-event-source-not-found.json", Expected.error("ResourceNotFoundException",
                    "Event source aws.partner/example.com/orders/shop-404 does not exist.")),
            Map.entry("create-event-bus.json",
                    Expected.success("{\"EventBusArn\":\"" + BUS_ARN + "\",\"Description\":\"Orders from shop 42\"}")),
            Map.entry("describe-event-bus.json", Expected.success(null).then((table, json) -> {
                assertEquals(SHOP_42, json.field("Name").orElseThrow().asString());
                assertEquals(BUS_ARN, json.field("Arn").orElseThrow().asString());
                assertEquals("Orders from shop 42", json.field("Description").orElseThrow().asString());
                assertTrue(json.field("CreationTime").orElseThrow().isNumber());
            })),
            Map.entry("deactivate-event-source.json", Expected.success("{}")),
            Map.entry("activate-event-source.json", Expected.success("{}")),
            Map.entry("activate-event-source-invalid-state.json",
                    Expected.error("InvalidStateException", "Event source " + SHOP_42 + " is ACTIVE.")),
            Map.entry("delete-event-bus.json", Expected.success("{}")),
            Map.entry("put-partner-events.json", Expected.success(null).then((table, json) -> {
                assertEquals("0", json.field("FailedEntryCount").orElseThrow().asNumber());
                List<JsonNode> entries = json.field("Entries").orElseThrow().asArray();
                assertEquals(1, entries.size());
                assertTrue(entries.get(0).field("EventId").isPresent(), "queued for the customer's bus: " + entries.get(0));
            })));

    static void assertPendingSource(JsonNode source) {
        assertEquals(SHOP_42, source.field("Name").orElseThrow().asString());
        assertEquals(arn(SHOP_42), source.field("Arn").orElseThrow().asString());
        assertEquals("example.com", source.field("CreatedBy").orElseThrow().asString());
        assertEquals("PENDING", source.field("State").orElseThrow().asString());
        assertTrue(source.field("CreationTime").orElseThrow().isNumber());
        assertTrue(source.field("ExpirationTime").orElseThrow().isNumber(), "a PENDING source expires");
    }

    /** make invoke on {@code file}, on the engine's table {@code table}: its printed proxy response. */
    static JsonNode invoke(String file, String table) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Map<String, String> env = Map.of("DYNAMODB_ENDPOINT", DynamoDbEngine.endpoint().toString(), "TABLE_NAME", table,
                "AWS_REGION", REGION);
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = LocalInvoke.run(new String[] {"events/" + file}, env, root(), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(0, exit, () -> "make invoke's exit code for " + file + "; it said:\n" + err.toString(StandardCharsets.UTF_8));
        return JsonNode.parser().parse(out.toString(StandardCharsets.UTF_8));
    }

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
        return eventFiles().stream().map(file -> DynamicTest.dynamicTest(file.getFileName().toString(), () -> {
            String name = file.getFileName().toString();
            Expected expected = EXPECTED.get(name);
            assertNotNull(expected, "no expectation for " + name);
            APIGatewayProxyRequestEvent event = ProxyEvents.readRequest(file);
            String table = "registry-events-" + UUID.randomUUID().toString().substring(0, 8);

            JsonNode response = invoke(name, table);

            int status = Integer.parseInt(response.field("statusCode").orElseThrow().asNumber());
            String responseBody = response.field("body").orElseThrow().asString();
            Map<String, JsonNode> headers = response.field("headers").orElseThrow().asObject();
            assertEquals(expected.status(), status, () -> "status; body " + responseBody);
            assertEquals(event.getRequestContext().getRequestId(), headers.get("x-amzn-RequestId").asString(),
                    "the request id API Gateway assigned is the one the client sees");
            assertFalse(response.field("isBase64Encoded").map(JsonNode::asBoolean).orElse(false));
            JsonNode body = JsonNode.parser().parse(responseBody);
            if (expected.errorType() == null) {
                assertFalse(headers.containsKey("x-amzn-ErrorType"), () -> "no error expected: " + responseBody);
                if (expected.body() != null) {
                    assertEquals(expected.body(), responseBody);
                }
            } else {
                assertEquals(expected.errorType(), headers.get("x-amzn-ErrorType").asString(), "x-amzn-ErrorType header");
                assertEquals(expected.errorType(), body.field("__type").map(JsonNode::asString).orElse(null), "__type");
                assertEquals(expected.message(), body.field("message").map(JsonNode::asString).orElse(null), "message");
            }
            expected.check().verify(table, body);
        }));
    }
}
