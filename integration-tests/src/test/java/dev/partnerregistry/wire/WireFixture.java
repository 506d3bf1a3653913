package dev.partnerregistry.wire;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import dev.partnerregistry.RegistryAssembly;
import dev.partnerregistry.RegistrySettings;
import dev.partnerregistry.domain.EventQueue;
import dev.partnerregistry.api.PartnerRegistryHandler;
import dev.partnerregistry.local.LocalConfig;
import dev.partnerregistry.local.LocalServer;
import dev.partnerregistry.admin.CustomerGrants;
import dev.partnerregistry.admin.DynamoDbRegistryAdmin;
import dev.partnerregistry.admin.IssuedAccessKeys;
import dev.partnerregistry.testing.DynamoDbEngine;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.UnaryOperator;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;

/**
 * The local endpoint as clients see it: {@link LocalServer} on a free port in front of the function
 * on an engine table, verifying signatures against the demo keys of {@code local/principals.properties}
 * (issued on the engine, their secrets under its KMS), with the partners of
 * {@code local/partners.properties} registered and the customers of {@code local/customers.properties}
 * granted. One more partner, {@value #LIMITED_PARTNER}, is
 * registered to the example partner's principal with a limit of 0 sources.
 */
final class WireFixture implements AutoCloseable {

    static final String REGION = DynamoDbEngine.REGION;
    static final String EXAMPLE_KEY = "AKIAEXAMPLEPARTNER";
    static final String EXAMPLE_SECRET = "example-partner-secret";
    static final String EXAMPLE_PRINCIPAL = "arn:aws:iam::123456789012:user/example-partner";
    static final String OTHER_KEY = "AKIAOTHERPARTNER";
    static final String OTHER_SECRET = "other-partner-secret";
    static final String LIMITED_PARTNER = "limited.example";
    static final String ACCOUNT = "123456789012";

    final LocalServer server;
    final DynamoDbRegistryAdmin admin;

    private WireFixture(LocalServer server, DynamoDbRegistryAdmin admin) {
        this.server = server;
        this.admin = admin;
    }

    static WireFixture start(DynamoDbEngine.EngineTable table) {
        return start(table, function -> function);
    }

    /** As {@link #start(DynamoDbEngine.EngineTable)}, with the function wrapped, e.g. to record what reaches it. */
    static WireFixture start(DynamoDbEngine.EngineTable table,
                             UnaryOperator<RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent>> around) {
        return start(table, around, Clock.systemUTC());
    }

    /** As above, with the function's clock (signature age, the key cache's TTL, sources' expiry). */
    static WireFixture start(DynamoDbEngine.EngineTable table,
                             UnaryOperator<RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent>> around, Clock clock) {
        return start(table, around, clock, RegistrySettings.DEFAULT_SOURCE_EXPIRATION);
    }

    /** As above, with sources expiring after {@code sourceExpiration}. */
    static WireFixture start(DynamoDbEngine.EngineTable table,
                             UnaryOperator<RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent>> around, Clock clock,
                             Duration sourceExpiration) {
        return start(table, around, clock, sourceExpiration, RegistryAssembly.NO_QUEUE);
    }

    /** As above, accepted partner events going to {@code queue}. */
    static WireFixture start(DynamoDbEngine.EngineTable table,
                             UnaryOperator<RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent>> around, Clock clock,
                             Duration sourceExpiration, EventQueue queue) {
        LocalConfig config = LocalConfig.load(Map.of(), root());
        DynamoDbRegistryAdmin admin = new DynamoDbRegistryAdmin(table.client(), table.tableName());
        config.partners().forEach(admin::registerPrincipals);
        CustomerGrants grants = new CustomerGrants(table.client(), table.tableName());
        config.customers().forEach(grants::grant);
        admin.registerPrincipals(LIMITED_PARTNER, List.of(EXAMPLE_PRINCIPAL));
        admin.setPartnerLimit(LIMITED_PARTNER, 0);
        issueLocalKeys(table, config);
        PartnerRegistryHandler handler = table.keyVerifyingHandler(table.keySettingsBuilder(100).sourceExpiration(sourceExpiration).build(), clock,
                new PrintStream(OutputStream.nullOutputStream()), queue);
        return new WireFixture(LocalServer.start(0, around.apply(handler), System.err), admin);
    }

    /** The keys of {@code local/principals.properties}, issued on the table as make run issues them. */
    static void issueLocalKeys(DynamoDbEngine.EngineTable table, LocalConfig config) {
        IssuedAccessKeys keys = table.accessKeys();
        config.principals().forEach((id, key) -> keys.importKey(key.principalArn(), id, key.secretAccessKey()));
    }

    static Path root() {
        String root = System.getProperty("project.root");
        assertNotNull(root, "surefire sets project.root to the repository root");
        return Path.of(root).toAbsolutePath().normalize();
    }

    URI endpoint() {
        return server.endpoint();
    }

    /** The deployed stage's endpoint, {@code http://127.0.0.1:PORT/v1}, as partners call the execute-api URL. */
    URI stageEndpoint() {
        return URI.create(server.endpoint() + "/" + LocalServer.STAGE);
    }

    /** The real SDK client, configured as a partner would, except for the endpoint; no retries, one call per answer. */
    EventBridgeClient client(String accessKeyId, String secretAccessKey) {
        return eventBridge(endpoint(), accessKeyId, secretAccessKey, false);
    }

    /** The real SDK client for {@code endpoint}, with the SDK's default retries or none. */
    static EventBridgeClient eventBridge(URI endpoint, String accessKeyId, String secretAccessKey, boolean retries) {
        return EventBridgeClient.builder()
                .httpClient(UrlConnectionHttpClient.create())
                .endpointOverride(endpoint)
                .region(Region.of(REGION))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKeyId, secretAccessKey)))
                .overrideConfiguration(c -> {
                    if (!retries) {
                        c.retryStrategy(AwsRetryStrategy.doNotRetry());
                    }
                })
                .build();
    }

    /** A name no other test uses: {@code aws.partner/<partner>/<namespace>-<random>/<event>}. */
    static String uniqueName(String partner, String namespace, String event) {
        return "aws.partner/" + partner + "/" + namespace + "-" + UUID.randomUUID().toString().substring(0, 8) + "/" + event;
    }

    static String arn(String name) {
        return "arn:aws:events:" + REGION + "::event-source/" + name;
    }

    @Override
    public void close() {
        server.close();
    }
}
