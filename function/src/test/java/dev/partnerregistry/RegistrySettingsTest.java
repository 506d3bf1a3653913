package dev.partnerregistry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.URI;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** One way to build the settings: every variable is read by build(), and an override never drops another setting. */
class RegistrySettingsTest {

    /** A value for each variable other than its default, so that each one, if read, shows in the settings. */
    static final Map<RegistrySettings.Variable, String> EVERY_VARIABLE = new EnumMap<>(Map.ofEntries(
            Map.entry(RegistrySettings.Variable.TABLE_NAME, "registry-table"),
            Map.entry(RegistrySettings.Variable.AWS_REGION, "eu-west-1"),
            Map.entry(RegistrySettings.Variable.PARTNER_SOURCE_LIMIT, "7"),
            Map.entry(RegistrySettings.Variable.DYNAMODB_ENDPOINT, "http://127.0.0.1:4566"),
            Map.entry(RegistrySettings.Variable.METRICS_NAMESPACE, "Registry/Test"),
            Map.entry(RegistrySettings.Variable.AUTH_MODE, "aws-iam"),
            Map.entry(RegistrySettings.Variable.ACCESS_KEYS_KMS_KEY_ARN, "arn:aws:kms:eu-west-1:111122223333:key/k"),
            Map.entry(RegistrySettings.Variable.KMS_ENDPOINT, "http://127.0.0.1:4001"),
            Map.entry(RegistrySettings.Variable.ACCESS_KEY_CACHE_SECONDS, "5"),
            Map.entry(RegistrySettings.Variable.SOURCE_EXPIRATION_DAYS, "0.001"),
            Map.entry(RegistrySettings.Variable.EVENT_QUEUE_URL, "http://127.0.0.1:4566/000000000000/events"),
            Map.entry(RegistrySettings.Variable.DEAD_LETTER_QUEUE_URL, "http://127.0.0.1:4566/000000000000/events-dlq"),
            Map.entry(RegistrySettings.Variable.SQS_ENDPOINT, "http://127.0.0.1:4002"),
            Map.entry(RegistrySettings.Variable.EVENTS_ENDPOINT, "http://127.0.0.1:4003"),
            Map.entry(RegistrySettings.Variable.CONFLICT_BUDGET_MS, "250"),
            Map.entry(RegistrySettings.Variable.CONSOLE_ORIGIN, "https://d111111abcdef8.cloudfront.net")));

    static Map<String, String> environment(Map<RegistrySettings.Variable, String> variables) {
        Map<String, String> env = new HashMap<>();
        variables.forEach((variable, value) -> env.put(variable.name(), value));
        return env;
    }

    @Test
    void everyVariableIsListedWithAValueHere() {
        assertEquals(RegistrySettings.Variable.values().length, EVERY_VARIABLE.size());
    }

    @Test
    void everyVariableReachesTheSettings() {
        RegistrySettings all = RegistrySettings.fromEnvironment(environment(EVERY_VARIABLE));
        for (RegistrySettings.Variable variable : RegistrySettings.Variable.values()) {
            if (variable == RegistrySettings.Variable.TABLE_NAME) {
                continue;
            }
            Map<RegistrySettings.Variable, String> without = new EnumMap<>(EVERY_VARIABLE);
            without.remove(variable);
            assertNotEquals(all, RegistrySettings.fromEnvironment(environment(without)), variable + " is not read");
        }
    }

    @Test
    void theSettingsReadEachVariableAsDocumented() {
        RegistrySettings settings = RegistrySettings.fromEnvironment(environment(EVERY_VARIABLE));
        assertEquals("registry-table", settings.tableName());
        assertEquals("eu-west-1", settings.region());
        assertEquals(7, settings.defaultPartnerLimit());
        assertEquals(URI.create("http://127.0.0.1:4566"), settings.dynamoDbEndpoint());
        assertEquals("Registry/Test", settings.metricsNamespace());
        assertEquals(new AccessKeySettings(AccessKeySettings.Mode.AWS_IAM, "arn:aws:kms:eu-west-1:111122223333:key/k",
                URI.create("http://127.0.0.1:4001"), Duration.ofSeconds(5)), settings.accessKeys());
        assertEquals(Duration.ofMillis(86_400), settings.sourceExpiration());
        assertEquals(new EventDeliverySettings("http://127.0.0.1:4566/000000000000/events",
                "http://127.0.0.1:4566/000000000000/events-dlq", URI.create("http://127.0.0.1:4002"),
                URI.create("http://127.0.0.1:4003")), settings.delivery());
        assertEquals(Duration.ofMillis(250), settings.conflictBudget());
    }

    @Test
    void withoutDynamoDbEndpointTheSdksStandardEndpointVariablesNameDynamoDbsEndpoint() {
        assertEquals(URI.create("http://localhost.localstack.cloud:4566"), RegistrySettings.fromEnvironment(Map.of("TABLE_NAME", "t",
                "AWS_ENDPOINT_URL", "http://localhost.localstack.cloud:4566")).dynamoDbEndpoint(), "LocalStack's, for the functions it runs");
        assertEquals(URI.create("http://127.0.0.1:8000"), RegistrySettings.fromEnvironment(Map.of("TABLE_NAME", "t",
                "AWS_ENDPOINT_URL", "http://127.0.0.1:4566", "AWS_ENDPOINT_URL_DYNAMODB", "http://127.0.0.1:8000")).dynamoDbEndpoint());
        assertEquals(URI.create("http://127.0.0.1:5000"), RegistrySettings.fromEnvironment(Map.of("TABLE_NAME", "t",
                "DYNAMODB_ENDPOINT", "http://127.0.0.1:5000", "AWS_ENDPOINT_URL_DYNAMODB", "http://127.0.0.1:8000")).dynamoDbEndpoint());
    }

    @Test
    void theDefaultsAreTheDocumentedOnes() {
        RegistrySettings settings = RegistrySettings.builder().tableName("t").build();
        assertEquals("us-east-1", settings.region());
        assertEquals(100, settings.defaultPartnerLimit());
        assertEquals("PartnerRegistry", settings.metricsNamespace());
        assertEquals(new AccessKeySettings(AccessKeySettings.Mode.REGISTRY_KEYS, null, null, Duration.ofSeconds(60)), settings.accessKeys());
        assertEquals(Duration.ofDays(7), settings.sourceExpiration());
        assertEquals(new EventDeliverySettings(null, null, null, null), settings.delivery());
        assertEquals(Duration.ofMillis(2000), settings.conflictBudget());
    }

    /** The defect this builder replaced: make run's own engine rebuilt the settings and lost the expiry and the delivery. */
    @Test
    void overridingTheEngineKeepsEveryOtherSetting() {
        Map<RegistrySettings.Variable, String> env = new EnumMap<>(EVERY_VARIABLE);
        env.remove(RegistrySettings.Variable.DYNAMODB_ENDPOINT);
        RegistrySettings overridden = RegistrySettings.builder(environment(env)).dynamoDbEndpoint(URI.create("http://127.0.0.1:5000")).build();
        RegistrySettings given = RegistrySettings.fromEnvironment(environment(EVERY_VARIABLE));
        assertEquals(given.sourceExpiration(), overridden.sourceExpiration());
        assertEquals(given.delivery(), overridden.delivery());
        assertEquals(given.accessKeys(), overridden.accessKeys());
        assertEquals(given.defaultPartnerLimit(), overridden.defaultPartnerLimit());
        assertEquals(given.metricsNamespace(), overridden.metricsNamespace());
        assertEquals(given.conflictBudget(), overridden.conflictBudget());
    }

    @Test
    void endpointsNotGivenFollowAnOverriddenEngine() {
        RegistrySettings settings = RegistrySettings.builder(Map.of("TABLE_NAME", "t")).dynamoDbEndpoint(URI.create("http://127.0.0.1:5000")).build();
        URI engine = URI.create("http://127.0.0.1:5000");
        assertEquals(engine, settings.accessKeys().kmsEndpoint());
        assertEquals(engine, settings.delivery().sqsEndpoint());
        assertEquals(engine, settings.delivery().eventsEndpoint());
    }

    @Test
    void aDefaultValueYieldsToTheEnvironment() {
        assertEquals("given", RegistrySettings.builder(Map.of("TABLE_NAME", "given"))
                .defaultValue(RegistrySettings.Variable.TABLE_NAME, "fallback").build().tableName());
        assertEquals("fallback", RegistrySettings.builder(Map.of("TABLE_NAME", " "))
                .defaultValue(RegistrySettings.Variable.TABLE_NAME, "fallback").build().tableName());
    }

    @Test
    void typedOverridesRoundTripThroughTheVariables() {
        Duration oneMinute = Duration.ofMinutes(1);
        assertEquals(oneMinute, RegistrySettings.builder().tableName("t").sourceExpiration(oneMinute).build().sourceExpiration());
        assertEquals(Duration.ofDays(365), RegistrySettings.builder().tableName("t").sourceExpiration(Duration.ofDays(365)).build()
                .sourceExpiration());
        assertEquals(Duration.ofSeconds(900), RegistrySettings.builder().tableName("t").accessKeyCacheTtl(Duration.ofSeconds(900)).build()
                .accessKeys().cacheTtl());
    }

    @Test
    void badValuesAreRefusedNamingTheVariable() {
        assertEquals("TABLE_NAME is not set",
                assertThrows(IllegalArgumentException.class, () -> RegistrySettings.fromEnvironment(Map.of())).getMessage());
        assertEquals("PARTNER_SOURCE_LIMIT must be a whole number, was 'many'", assertThrows(IllegalArgumentException.class,
                () -> RegistrySettings.fromEnvironment(Map.of("TABLE_NAME", "t", "PARTNER_SOURCE_LIMIT", "many"))).getMessage());
        assertEquals("SOURCE_EXPIRATION_DAYS must be a number of days, was 'soon'", assertThrows(IllegalArgumentException.class,
                () -> RegistrySettings.fromEnvironment(Map.of("TABLE_NAME", "t", "SOURCE_EXPIRATION_DAYS", "soon"))).getMessage());
        assertEquals("AUTH_MODE must be registry-keys or aws-iam, was 'iam'", assertThrows(IllegalArgumentException.class,
                () -> RegistrySettings.fromEnvironment(Map.of("TABLE_NAME", "t", "AUTH_MODE", "iam"))).getMessage());
        assertEquals("ACCESS_KEY_CACHE_SECONDS must be 1 to 900, was 901", assertThrows(IllegalArgumentException.class,
                () -> RegistrySettings.fromEnvironment(Map.of("TABLE_NAME", "t", "ACCESS_KEY_CACHE_SECONDS", "901"))).getMessage());
        assertEquals("CONFLICT_BUDGET_MS must be 0 to 2500, was 2501", assertThrows(IllegalArgumentException.class,
                () -> RegistrySettings.fromEnvironment(Map.of("TABLE_NAME", "t", "CONFLICT_BUDGET_MS", "2501"))).getMessage());
        assertEquals("CONFLICT_BUDGET_MS must be a whole number of milliseconds, was '2s'", assertThrows(IllegalArgumentException.class,
                () -> RegistrySettings.fromEnvironment(Map.of("TABLE_NAME", "t", "CONFLICT_BUDGET_MS", "2s"))).getMessage());
    }
}
