package dev.partnerregistry.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import dev.partnerregistry.RegistryAssembly;
import dev.partnerregistry.RegistrySettings;
import dev.partnerregistry.testing.DynamoDbEngine;
import dev.partnerregistry.testing.MovableClock;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.protocols.jsoncore.JsonNode;

/**
 * The documented variables reach the registry that runs, under make run ({@link LocalRuntime}), make invoke
 * ({@link LocalInvoke}) and the Lambda handler's assembly alike: the defect this guards against is a runtime that rebuilt
 * its settings and lost SOURCE_EXPIRATION_DAYS when it started its own engine.
 */
class SettingsReachTheRegistryTest {

    static final Path ROOT = Path.of(System.getProperty("project.root")).toAbsolutePath().normalize();

    static Map<String, String> environment() {
        Map<String, String> env = new HashMap<>();
        env.put("DYNAMODB_ENDPOINT", DynamoDbEngine.endpoint().toString());
        env.put("TABLE_NAME", "registry-settings-" + UUID.randomUUID().toString().substring(0, 8));
        env.put("AWS_REGION", DynamoDbEngine.REGION);
        env.put("PARTNER_SOURCE_LIMIT", "1");
        env.put("SOURCE_EXPIRATION_DAYS", "0.5");
        env.put("METRICS_NAMESPACE", "Registry/SettingsTest");
        env.put("ACCESS_KEY_CACHE_SECONDS", "5");
        return env;
    }

    static Duration pendingFor(JsonNode accounts) {
        JsonNode account = accounts.field("PartnerEventSourceAccounts").orElseThrow().asArray().get(0);
        BigDecimal created = new BigDecimal(account.field("CreationTime").orElseThrow().asNumber());
        BigDecimal expires = new BigDecimal(account.field("ExpirationTime").orElseThrow().asNumber());
        return Duration.ofMillis(expires.subtract(created).movePointRight(3).longValueExact());
    }

    static APIGatewayProxyRequestEvent event(String file) {
        return ProxyEvents.readRequest(ROOT.resolve("events").resolve(file));
    }

    @Test
    void makeRunsRegistryRunsOnEveryVariableItWasGiven() {
        Map<String, String> env = environment();
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        try (LocalRuntime runtime = LocalRuntime.start(env, ROOT, new PrintStream(log, true, StandardCharsets.UTF_8))) {
            RegistrySettings settings = runtime.settings();
            assertEquals(1, settings.defaultPartnerLimit());
            assertEquals(Duration.ofHours(12), settings.sourceExpiration());
            assertEquals("Registry/SettingsTest", settings.metricsNamespace());
            assertEquals(Duration.ofSeconds(5), settings.accessKeys().cacheTtl());

            PrintStream err = new PrintStream(log, true, StandardCharsets.UTF_8);
            assertEquals(200, LocalInvoke.invoke(runtime, event("create-partner-event-source.json"), err).getStatusCode());
            APIGatewayProxyResponseEvent accounts = LocalInvoke.invoke(runtime, event("list-partner-event-source-accounts.json"), err);
            assertEquals(Duration.ofHours(12), pendingFor(JsonNode.parser().parse(accounts.getBody())), "SOURCE_EXPIRATION_DAYS=0.5");
            APIGatewayProxyRequestEvent another = event("create-partner-event-source.json");
            another.setBody(another.getBody().replace("shop-42", "shop-43"));
            APIGatewayProxyResponseEvent second = LocalInvoke.invoke(runtime, another, err);
            assertEquals("LimitExceededException", second.getHeaders().get("x-amzn-ErrorType"), "PARTNER_SOURCE_LIMIT=1: " + second.getBody());
        }
        assertTrue(log.toString(StandardCharsets.UTF_8).contains("\"Namespace\":\"Registry/SettingsTest\""), "METRICS_NAMESPACE in the request log");
    }

    /** The README's trial recipe: SOURCE_EXPIRATION_DAYS=0.001 make run, and an unaccepted source is gone after 86.4 s. */
    @Test
    void aTrialExpiryOf0001DaysExpiresAnUnacceptedSourceAfter86SecondsAndTheSweepFreesItsSlot() {
        Map<String, String> env = environment();
        env.put("SOURCE_EXPIRATION_DAYS", "0.001");
        MovableClock clock = new MovableClock();
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        try (LocalRuntime runtime = LocalRuntime.start(env, ROOT, quiet, clock)) {
            assertEquals(200, LocalInvoke.invoke(runtime, event("create-partner-event-source.json"), quiet).getStatusCode());
            assertEquals(Duration.ofMillis(86_400), pendingFor(JsonNode.parser().parse(
                    LocalInvoke.invoke(runtime, event("list-partner-event-source-accounts.json"), quiet).getBody())));

            clock.advance(Duration.ofMillis(86_400));
            assertEquals("ResourceNotFoundException", LocalInvoke.invoke(runtime, event("describe-partner-event-source.json"), quiet)
                    .getHeaders().get("x-amzn-ErrorType"), "expired: gone for every reader at once");
            APIGatewayProxyRequestEvent another = event("create-partner-event-source.json");
            another.setBody(another.getBody().replace("shop-42", "shop-43"));
            assertEquals("LimitExceededException", LocalInvoke.invoke(runtime, another, quiet).getHeaders().get("x-amzn-ErrorType"),
                    "until the sweep runs, the expired source holds the partner's one slot");

            runtime.sweep(quiet).handleRequest(Map.of(), null);

            APIGatewayProxyResponseEvent afterSweep = LocalInvoke.invoke(runtime, another, quiet);
            assertEquals(200, afterSweep.getStatusCode(), "the sweep freed the slot: " + afterSweep.getBody());
        }
    }

    @Test
    void makeInvokeRunsOnEveryVariableItWasGiven() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int exit = LocalInvoke.run(new String[] {"events/list-partner-event-source-accounts.json"}, environment(), ROOT,
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        assertEquals(0, exit);
        JsonNode response = JsonNode.parser().parse(out.toString(StandardCharsets.UTF_8));
        assertEquals(Duration.ofHours(12), pendingFor(JsonNode.parser().parse(response.field("body").orElseThrow().asString())),
                "SOURCE_EXPIRATION_DAYS=0.5 under make invoke");
    }

    @Test
    void theLambdaHandlersAssemblyReadsEveryVariableAsTheBuilderDoes() {
        Map<String, String> env = environment();
        env.put("EVENT_QUEUE_URL", "http://127.0.0.1:1/000000000000/events");
        RegistryAssembly.Function function = RegistryAssembly.lambda(env);
        assertEquals(RegistrySettings.fromEnvironment(env), function.settings());
        assertEquals(Duration.ofHours(12), function.settings().sourceExpiration());
        assertEquals("http://127.0.0.1:1/000000000000/events", function.settings().delivery().queueUrl());
    }
}
