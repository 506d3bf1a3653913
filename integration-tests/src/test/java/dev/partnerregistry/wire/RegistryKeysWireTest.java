package dev.partnerregistry.wire;

import static dev.partnerregistry.wire.WireFixture.ACCOUNT;
import static dev.partnerregistry.wire.WireFixture.arn;
import static dev.partnerregistry.wire.WireFixture.uniqueName;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.partnerregistry.admin.IssuedAccessKeys;
import dev.partnerregistry.admin.IssuedAccessKeys.IssuedKey;
import dev.partnerregistry.testing.DynamoDbEngine;
import dev.partnerregistry.testing.MovableClock;
import dev.partnerregistry.wire.AwsCli.Result;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.protocols.jsoncore.JsonNode;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.EventBridgeException;
import software.amazon.awssdk.services.eventbridge.model.PartnerEventSource;
import software.amazon.awssdk.services.eventbridge.model.ResourceNotFoundException;

/**
 * A partner with a key the operator issued, and nothing else changed but the endpoint: the AWS SDK
 * for Java, the AWS CLI and boto3 each run the whole partner API at the stage endpoint
 * ({@code http://127.0.0.1:PORT/v1}, as {@code https://<api>.execute-api.<region>.amazonaws.com/v1}),
 * through the local API Gateway's proxy events (requestContext.path {@code /v1/}, base64 body) and
 * the function's own signature check. A deactivated key stops working once the key cache's TTL
 * (the documented revocation latency, 60 s) has passed.
 */
@ExtendWith(DynamoDbEngine.class)
class RegistryKeysWireTest {

    static final String PARTNER = "keys.example";
    static final String PRINCIPAL = "arn:aws:iam::444455556666:role/KeysPartnerWriter";
    static final String REVOKED_PRINCIPAL = "arn:aws:iam::444455556666:role/RevokedWriter";

    private static final MovableClock clock = new MovableClock();
    private static WireFixture fixture;
    private static IssuedAccessKeys keys;
    private static IssuedKey key;
    private static AwsCli cli;

    @TempDir
    static Path home;

    @BeforeAll
    static void start(DynamoDbEngine.EngineTable table) throws Exception {
        fixture = WireFixture.start(table, function -> function, clock);
        fixture.admin.registerPrincipals(PARTNER, List.of(PRINCIPAL, REVOKED_PRINCIPAL));
        keys = table.accessKeys();
        key = keys.issue(PRINCIPAL);
        cli = new AwsCli(home);
    }

    @AfterAll
    static void stop() {
        if (fixture != null) {
            fixture.close();
        }
    }

    @Test
    void anIssuedKeyHasANonAwsIdAndAFortyCharacterSecret() {
        assertTrue(key.accessKeyId().matches("PRKA[A-Z2-7]{16}"), key.accessKeyId());
        assertEquals(40, key.secretAccessKey().length());
    }

    @Test
    void theJavaSdkRunsTheWholePartnerApi() {
        String name = uniqueName(PARTNER, "sdk", "orders");
        try (EventBridgeClient events = WireFixture.eventBridge(fixture.stageEndpoint(), key.accessKeyId(), key.secretAccessKey(), false)) {
            assertEquals(arn(name), events.createPartnerEventSource(r -> r.name(name).account(ACCOUNT)).eventSourceArn());
            assertEquals(name, events.describePartnerEventSource(r -> r.name(name)).name());
            assertEquals(List.of(name), events.listPartnerEventSources(r -> r.namePrefix(name)).partnerEventSources().stream()
                    .map(PartnerEventSource::name).toList());
            assertEquals(ACCOUNT, events.listPartnerEventSourceAccounts(r -> r.eventSourceName(name)).partnerEventSourceAccounts()
                    .get(0).account());
            events.deletePartnerEventSource(r -> r.name(name).account(ACCOUNT));
            assertThrows(ResourceNotFoundException.class, () -> events.describePartnerEventSource(r -> r.name(name)));
        }
    }

    @Test
    void theAwsCliRunsTheWholePartnerApi() throws Exception {
        String name = uniqueName(PARTNER, "cli", "orders");
        assertEquals(arn(name), json(cli("create-partner-event-source", "--name", name, "--account", ACCOUNT)).field("EventSourceArn")
                .orElseThrow().asString());
        assertEquals(name, json(cli("describe-partner-event-source", "--name", name)).field("Name").orElseThrow().asString());
        assertEquals(name, json(cli("list-partner-event-sources", "--name-prefix", name)).field("PartnerEventSources").orElseThrow()
                .asArray().get(0).field("Name").orElseThrow().asString());
        assertEquals(ACCOUNT, json(cli("list-partner-event-source-accounts", "--event-source-name", name))
                .field("PartnerEventSourceAccounts").orElseThrow().asArray().get(0).field("Account").orElseThrow().asString());
        assertEquals(0, cli("delete-partner-event-source", "--name", name, "--account", ACCOUNT).exitCode());
        Result gone = run(List.of("describe-partner-event-source", "--name", name), key, Map.of());
        assertTrue(gone.stderr().contains("(ResourceNotFoundException)"), gone.stderr());
    }

    @Test
    void boto3RunsTheWholePartnerApi() throws Exception {
        String name = uniqueName(PARTNER, "boto3", "orders");
        Path script = Files.writeString(home.resolve("partner_api.py"), String.join("\n",
                "import json, sys, boto3",
                "endpoint, name, account = sys.argv[1:4]",
                "events = boto3.client('events', endpoint_url=endpoint, region_name='" + WireFixture.REGION + "')",
                "out = {'arn': events.create_partner_event_source(Name=name, Account=account)['EventSourceArn']}",
                "out['described'] = events.describe_partner_event_source(Name=name)['Name']",
                "out['listed'] = [s['Name'] for s in events.list_partner_event_sources(NamePrefix=name)['PartnerEventSources']]",
                "out['accounts'] = [a['Account'] for a in events.list_partner_event_source_accounts(EventSourceName=name)"
                        + "['PartnerEventSourceAccounts']]",
                "events.delete_partner_event_source(Name=name, Account=account)",
                "try:",
                "    events.describe_partner_event_source(Name=name)",
                "except events.exceptions.ResourceNotFoundException:",
                "    out['deleted'] = True",
                "print(json.dumps(out))", ""));
        ProcessBuilder python = new ProcessBuilder("python3", script.toString(), fixture.stageEndpoint().toString(), name, ACCOUNT);
        python.environment().keySet().removeIf(variable -> variable.startsWith("AWS_"));
        python.environment().putAll(Map.of("AWS_ACCESS_KEY_ID", key.accessKeyId(), "AWS_SECRET_ACCESS_KEY", key.secretAccessKey(),
                "AWS_CONFIG_FILE", home.resolve("none").toString(), "AWS_SHARED_CREDENTIALS_FILE", home.resolve("none").toString(),
                "AWS_EC2_METADATA_DISABLED", "true", "AWS_MAX_ATTEMPTS", "1"));
        Path out = home.resolve("boto3.out");
        Process process = python.redirectErrorStream(true).redirectOutput(out.toFile()).start();
        assertTrue(process.waitFor(90, TimeUnit.SECONDS), "boto3 finished");
        String printed = Files.readString(out, StandardCharsets.UTF_8);
        assertEquals(0, process.exitValue(), printed);
        JsonNode result = JsonNode.parser().parse(printed);
        assertEquals(arn(name), result.field("arn").orElseThrow().asString());
        assertEquals(name, result.field("described").orElseThrow().asString());
        assertEquals(name, result.field("listed").orElseThrow().asArray().get(0).asString());
        assertEquals(ACCOUNT, result.field("accounts").orElseThrow().asArray().get(0).asString());
        assertTrue(result.field("deleted").orElseThrow().asBoolean());
    }

    @Test
    void aDeactivatedKeyIsRefusedOnceTheCacheTtlHasPassed() {
        IssuedKey revoked = keys.issue(REVOKED_PRINCIPAL);
        String name = uniqueName(PARTNER, "revoked", "orders");
        try (EventBridgeClient events = WireFixture.eventBridge(fixture.stageEndpoint(), revoked.accessKeyId(), revoked.secretAccessKey(),
                false)) {
            events.createPartnerEventSource(r -> r.name(name).account(ACCOUNT));
            keys.deactivate(revoked.accessKeyId());
            events.describePartnerEventSource(r -> r.name(name));   // within the TTL: the documented latency

            clock.advance(Duration.ofSeconds(61));

            EventBridgeException refused = assertThrows(EventBridgeException.class, () -> events.describePartnerEventSource(r -> r.name(name)));
            assertEquals(400, refused.statusCode());
            assertEquals("UnrecognizedClientException", refused.awsErrorDetails().errorCode());
            assertEquals("The security token included in the request is invalid.", refused.awsErrorDetails().errorMessage());
        }
    }

    @Test
    void aSessionTokenIsRefusedAsAwsRefusesAnInvalidOne() throws Exception {
        Result result = run(List.of("describe-partner-event-source", "--name", uniqueName(PARTNER, "token", "orders")), key,
                Map.of("AWS_SESSION_TOKEN", "FwoGZXIvYXdzEXAMPLE"));

        assertUnrecognizedClient(result, "The security token included in the request is invalid");
    }

    @Test
    void aKeyIdNeverIssuedIsUnrecognizedClient() throws Exception {
        Result result = run(List.of("describe-partner-event-source", "--name", uniqueName(PARTNER, "unknown", "orders")),
                new IssuedKey("PRKAAAAAAAAAAAAAAAAA", PRINCIPAL, "Active", null, null, key.secretAccessKey()), Map.of());

        assertUnrecognizedClient(result, "The security token included in the request is invalid.");
    }

    /** The CLI counts UnrecognizedClient as retryable, so its report may name the retries it had: none here. */
    private static void assertUnrecognizedClient(Result result, String message) {
        assertEquals(cli.serviceErrorExitCode, result.exitCode(), result.toString());
        assertTrue(result.stderr().matches("(?s)\\s*An error occurred \\(UnrecognizedClientException\\) when calling the "
                + "DescribePartnerEventSource operation( \\(reached max retries: 0\\))?: " + java.util.regex.Pattern.quote(message) + "\\s*"),
                result.stderr());
    }

    private static Result cli(String... args) throws Exception {
        Result result = run(List.of(args), key, Map.of());
        assertEquals(0, result.exitCode(), result.toString());
        return result;
    }

    private static Result run(List<String> args, IssuedKey signer, Map<String, String> env) throws Exception {
        List<String> command = new ArrayList<>(List.of("events", args.get(0), "--endpoint-url", fixture.stageEndpoint().toString()));
        command.addAll(args.subList(1, args.size()));
        return cli.run(command, signer.accessKeyId(), signer.secretAccessKey(), 1, env);
    }

    private static JsonNode json(Result result) {
        return JsonNode.parser().parse(result.stdout());
    }
}
