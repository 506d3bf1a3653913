package dev.partnerregistry.wire;

import static dev.partnerregistry.wire.WireFixture.ACCOUNT;
import static dev.partnerregistry.wire.WireFixture.EXAMPLE_KEY;
import static dev.partnerregistry.wire.WireFixture.EXAMPLE_SECRET;
import static dev.partnerregistry.wire.WireFixture.arn;
import static dev.partnerregistry.wire.WireFixture.uniqueName;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.partnerregistry.testing.DynamoDbEngine;
import dev.partnerregistry.wire.AwsCli.Result;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.protocols.jsoncore.JsonNode;

/**
 * The real AWS CLI ({@code aws} on PATH) against the local endpoint, as a partner would run it with
 * {@code --endpoint-url}: its SigV4 signing is accepted, its output is EventBridge's, and a service
 * error prints {@code An error occurred (<Code>) when calling the <Operation> operation: <message>}
 * with the CLI's service-error exit code (255 for CLI v1, 254 for v2). Without the CLI these tests
 * fail: they are the proof that the CLI works unchanged.
 */
@ExtendWith(DynamoDbEngine.class)
class AwsCliWireTest {

    private static WireFixture fixture;
    private static AwsCli cli;

    @TempDir
    static Path home;

    @BeforeAll
    static void start(DynamoDbEngine.EngineTable table) throws Exception {
        cli = new AwsCli(home);
        fixture = WireFixture.start(table);
    }

    @AfterAll
    static void stop() {
        if (fixture != null) {
            fixture.close();
        }
    }

    @Test
    void createPrintsTheEventSourceArn() throws Exception {
        String name = uniqueName("example.com", "orders", "shop-42");

        Result result = events("create-partner-event-source", "--name", name, "--account", ACCOUNT);

        assertEquals(0, result.exitCode(), result.toString());
        Map<String, JsonNode> output = JsonNode.parser().parse(result.stdout()).asObject();
        assertEquals(List.of("EventSourceArn"), List.copyOf(output.keySet()));
        assertEquals("arn:aws:events:us-east-1::event-source/" + name, output.get("EventSourceArn").asString());
    }

    @Test
    void createOfAnExistingNameFailsWithResourceAlreadyExistsException() throws Exception {
        String name = uniqueName("example.com", "orders", "shop-42");
        assertEquals(0, events("create-partner-event-source", "--name", name, "--account", ACCOUNT).exitCode());

        Result result = events("create-partner-event-source", "--name", name, "--account", ACCOUNT);

        assertServiceError(result, "ResourceAlreadyExistsException", "CreatePartnerEventSource",
                "Event source " + name + " already exists.");
    }

    @Test
    void createWithAnInvalidAccountFailsWithValidationExceptionAndEventBridgesMessage() throws Exception {
        String name = uniqueName("example.com", "orders", "shop-42");

        Result result = events("create-partner-event-source", "--name", name, "--account", "1234-5678-90");

        assertServiceError(result, "ValidationException", "CreatePartnerEventSource",
                "1 validation error detected: Value '1234-5678-90' at 'account' failed to satisfy constraint: "
                        + "Member must satisfy regular expression pattern: \\d{12}");
    }

    @Test
    void listPrintsTheSourcesUnderThePrefix() throws Exception {
        String name = uniqueName("example.com", "cli-list", "shop-42");
        String prefix = name.substring(0, name.lastIndexOf('/') + 1);
        assertEquals(0, events("create-partner-event-source", "--name", name, "--account", ACCOUNT).exitCode());

        Result result = events("list-partner-event-sources", "--name-prefix", prefix);

        assertEquals(0, result.exitCode(), result.toString());
        List<JsonNode> sources = JsonNode.parser().parse(result.stdout()).field("PartnerEventSources").orElseThrow().asArray();
        assertEquals(1, sources.size(), result.stdout());
        assertEquals(arn(name), sources.get(0).field("Arn").orElseThrow().asString());
        assertEquals(name, sources.get(0).field("Name").orElseThrow().asString());
    }

    @Test
    void aWrongSecretFailsWithInvalidSignatureException() throws Exception {
        Result result = run(List.of("events", "describe-partner-event-source", "--endpoint-url", fixture.endpoint().toString(),
                "--name", "aws.partner/example.com/orders/shop-42"), EXAMPLE_KEY, "not-the-secret");

        assertServiceError(result, "InvalidSignatureException", "DescribePartnerEventSource",
                "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key "
                        + "and signing method. Consult the service documentation for details.");
    }

    /**
     * The CLI's report of a service error, {@code An error occurred (<code>) when calling the <operation> operation: <message>};
     * with a retry budget the CLI puts {@code (reached max retries: N)} before the colon.
     */
    private static void assertServiceError(Result result, String code, String operation, String message) {
        assertEquals(cli.serviceErrorExitCode, result.exitCode(), result.toString());
        String expected = "An error occurred (" + code + ") when calling the " + operation + " operation";
        Matcher report = Pattern.compile(Pattern.quote(expected) + "(?: \\(reached max retries: \\d+\\))?: (.*)").matcher(result.stderr());
        assertTrue(report.find(), () -> "stderr reports " + expected + ": " + result.stderr());
        assertEquals(message, report.group(1).trim());
    }


    private static Result events(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("events", args[0], "--endpoint-url", fixture.endpoint().toString()));
        command.addAll(List.of(args).subList(1, args.length));
        return run(command, EXAMPLE_KEY, EXAMPLE_SECRET);
    }

    /** One attempt: an answer here is the service's, not a retry's. */
    private static Result run(List<String> args, String accessKeyId, String secretAccessKey) throws Exception {
        return cli.run(args, accessKeyId, secretAccessKey, 1);
    }
}
