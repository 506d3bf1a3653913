package dev.partnerregistry.testing;

import dev.partnerregistry.RegistryAssembly;
import dev.partnerregistry.RegistrySettings;
import dev.partnerregistry.admin.AccessKeyEncryption;
import dev.partnerregistry.admin.IssuedAccessKeys;
import dev.partnerregistry.admin.PartnerSourceTable;
import dev.partnerregistry.admin.ToolCredentials;
import dev.partnerregistry.api.PartnerRegistryHandler;
import dev.partnerregistry.api.RequestLog;
import dev.partnerregistry.domain.PartnerRegistry;
import dev.partnerregistry.local.MotoEngine;
import dev.partnerregistry.store.DynamoDbClients;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.time.Clock;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.localstack.LocalStackContainer;
import org.testcontainers.utility.DockerImageName;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kms.KmsClient;

/**
 * The one way tests reach a real DynamoDB engine. In order: the endpoint in DYNAMODB_ENDPOINT;
 * LocalStack through Testcontainers where Docker runs; else a moto_server started on a free port.
 * With none of them the test fails with what to install; it is never skipped.
 *
 * <p>Inject a {@link EngineTable} into a test method or constructor, or a {@code @BeforeAll}: every
 * test class gets its own fresh table (moto's transactions slow down as a table grows).
 */
public final class DynamoDbEngine implements ParameterResolver {

    public static final String REGION = "us-east-1";
    private static final AtomicInteger TABLES = new AtomicInteger();
    private static volatile URI endpoint;
    private static final java.util.Map<URI, DynamoDbClient> REGISTRY_CLIENTS = new java.util.concurrent.ConcurrentHashMap<>();

    /** A table of its own on the shared engine. */
    public record EngineTable(URI endpoint, String tableName, DynamoDbClient client) {

        public RegistrySettings settings(int defaultPartnerLimit) {
            return settingsBuilder(defaultPartnerLimit).build();
        }

        /** This table on this engine, for a test to set more on; nothing from the test process's environment. */
        public RegistrySettings.Builder settingsBuilder(int defaultPartnerLimit) {
            return RegistrySettings.builder().tableName(tableName).region(REGION).defaultPartnerLimit(defaultPartnerLimit)
                    .dynamoDbEndpoint(endpoint);
        }

        /**
         * The client the Lambda functions run (DynamoDbClients.lean) on this engine: what every store, sweep and
         * handler a test builds should use. {@link #client()} is the SDK client, for the table's setup and the
         * operator's side (operations the function never calls).
         */
        public DynamoDbClient registryClient() {
            return DynamoDbEngine.registryClient(endpoint);
        }

        /** The registry on this table, assembled as the function assembles it. */
        public PartnerRegistry registry(int defaultPartnerLimit) {
            return RegistryAssembly.registry(registryClient(), settings(defaultPartnerLimit));
        }

        /** The function's handler on this table, assembled as in Lambda, its request log discarded. */
        public PartnerRegistryHandler handler(int defaultPartnerLimit) {
            return handler(defaultPartnerLimit, new PrintStream(OutputStream.nullOutputStream()));
        }

        public PartnerRegistryHandler handler(int defaultPartnerLimit, PrintStream requestLog) {
            return new PartnerRegistryHandler(RegistryAssembly.protocol(registryClient(), settings(defaultPartnerLimit), requestLog));
        }

        /**
         * The settings of the registry-keys mode on this engine: secrets under the engine's local KMS key
         * (KMS_ENDPOINT if set, else the engine itself: moto and LocalStack serve KMS on the same port).
         */
        public RegistrySettings keySettings(int defaultPartnerLimit) {
            return keySettingsBuilder(defaultPartnerLimit).build();
        }

        /** As {@link #keySettings(int)}, for a test to set more on. */
        public RegistrySettings.Builder keySettingsBuilder(int defaultPartnerLimit) {
            return settingsBuilder(defaultPartnerLimit).kmsKeyArn(AccessKeyEncryption.localKey(kms())).kmsEndpoint(kmsEndpoint());
        }

        /** The operator's side of access keys on this table, as `admin issue-key` and the others run it. */
        public IssuedAccessKeys accessKeys() {
            return new IssuedAccessKeys(client, tableName, kms(), AccessKeyEncryption.localKey(kms()), Clock.systemUTC());
        }

        /** The function's handler in the registry-keys mode, as deployed: every request's signature verified against issued keys. */
        public PartnerRegistryHandler keyVerifyingHandler(int defaultPartnerLimit, Clock clock, PrintStream requestLog) {
            return keyVerifyingHandler(keySettings(defaultPartnerLimit), clock, requestLog);
        }

        /** As above, on settings of the caller's (e.g. another cache TTL). */
        public PartnerRegistryHandler keyVerifyingHandler(RegistrySettings settings, Clock clock, PrintStream requestLog) {
            return keyVerifyingHandler(settings, clock, requestLog, RegistryAssembly.NO_QUEUE);
        }

        /** As above, accepted events going to {@code queue}. */
        public PartnerRegistryHandler keyVerifyingHandler(RegistrySettings settings, Clock clock, PrintStream requestLog,
                                                          dev.partnerregistry.domain.EventQueue queue) {
            return new PartnerRegistryHandler(RegistryAssembly.protocol(registryClient(), settings, RequestLog.to(requestLog,
                    settings.metricsNamespace()), clock, queue), RegistryAssembly.verifier(registryClient(), settings,
                    ToolCredentials.forEndpoint(endpoint), clock));
        }

        private static URI kmsEndpoint() {
            String given = System.getenv("KMS_ENDPOINT");
            return given != null && !given.isBlank() ? URI.create(given) : DynamoDbEngine.endpoint();
        }

        private static synchronized KmsClient kms() {
            if (kms == null) {
                kms = AccessKeyEncryption.kms(RegistrySettings.builder().tableName("unused").region(REGION)
                        .dynamoDbEndpoint(DynamoDbEngine.endpoint()).kmsEndpoint(kmsEndpoint()).build());
            }
            return kms;
        }
    }

    private static KmsClient kms;

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == EngineTable.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        ExtensionContext.Store store = context.getRoot().getStore(ExtensionContext.Namespace.create(DynamoDbEngine.class));
        String key = "table:" + context.getRequiredTestClass().getName();
        return store.getOrComputeIfAbsent(key, k -> newTable(context.getRequiredTestClass().getSimpleName()), EngineTable.class);
    }

    public static EngineTable newTable(String purpose) {
        URI engine = endpoint();
        String tableName = "registry-" + purpose.toLowerCase().replaceAll("[^a-z0-9]", "") + "-"
                + TABLES.incrementAndGet() + "-" + UUID.randomUUID().toString().substring(0, 8);
        DynamoDbClient client = client(engine);
        PartnerSourceTable.createIfAbsent(client, tableName);
        return new EngineTable(engine, tableName, client);
    }

    public static DynamoDbClient client(URI engine) {
        return DynamoDbClients.create(clientSettings(engine), ENGINE_CREDENTIALS);
    }

    /** The function's client (DynamoDbClients.lean) on {@code engine}, one per engine: it holds no table. */
    public static DynamoDbClient registryClient(URI engine) {
        return REGISTRY_CLIENTS.computeIfAbsent(engine, e -> DynamoDbClients.lean(clientSettings(e), ENGINE_CREDENTIALS));
    }

    private static final StaticCredentialsProvider ENGINE_CREDENTIALS = StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"));

    /** What either client reads of the settings: the engine and the region; a client holds no table. */
    private static RegistrySettings clientSettings(URI engine) {
        return RegistrySettings.builder().tableName("unused").region(REGION).dynamoDbEndpoint(engine).build();
    }

    public static synchronized URI endpoint() {
        if (endpoint == null) {
            endpoint = startEngine();
        }
        return endpoint;
    }

    private static URI startEngine() {
        String given = System.getenv("DYNAMODB_ENDPOINT");
        if (given != null && !given.isBlank()) {
            return URI.create(given);
        }
        if (dockerAvailable()) {
            LocalStackContainer localStack = new LocalStackContainer(DockerImageName.parse("localstack/localstack:4.4"))
                    .withServices(LocalStackContainer.Service.DYNAMODB, LocalStackContainer.Service.KMS);
            localStack.start();
            Runtime.getRuntime().addShutdownHook(new Thread(localStack::stop));
            return localStack.getEndpoint();
        }
        try {
            return MotoEngine.start().endpoint();
        } catch (RuntimeException e) {
            throw new IllegalStateException("No DynamoDB engine for the integration tests: set DYNAMODB_ENDPOINT, "
                    + "run Docker (LocalStack), or install moto_server (`pip install 'moto[server]'`). " + e.getMessage(), e);
        }
    }

    private static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }
}
