package dev.partnerregistry.local;

import dev.partnerregistry.RegistryAssembly;
import dev.partnerregistry.RegistrySettings;
import dev.partnerregistry.api.ConsoleCors;
import dev.partnerregistry.api.EventForwarderHandler;
import dev.partnerregistry.api.ExpirySweepHandler;
import dev.partnerregistry.api.RequestLog;
import dev.partnerregistry.store.AwsJsonClient;
import dev.partnerregistry.api.PartnerRegistryHandler;
import dev.partnerregistry.store.ExpiredSourceSweep;
import dev.partnerregistry.admin.AccessKeyEncryption;
import dev.partnerregistry.admin.CustomerGrants;
import dev.partnerregistry.admin.DynamoDbRegistryAdmin;
import dev.partnerregistry.admin.IssuedAccessKeys;
import dev.partnerregistry.admin.PartnerSourceTable;
import dev.partnerregistry.admin.ToolCredentials;
import dev.partnerregistry.store.DynamoDbClients;
import java.io.PrintStream;
import java.time.Clock;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kms.KmsClient;

/**
 * What {@link LocalRegistry} and {@link LocalInvoke} share: the settings from the environment (with
 * local defaults), a DynamoDB and KMS engine (DYNAMODB_ENDPOINT, else a moto_server started here and
 * stopped on {@link #close()}), the table, the access keys and partners of the local config issued
 * and registered in it as the operator command does in a deployment, and the function's handler,
 * verifying signatures against those keys, on all of that.
 */
public final class LocalRuntime implements AutoCloseable {

    public static final String DEFAULT_TABLE = "partner-registry-local";

    private final LocalConfig config;
    private final RegistrySettings settings;
    private final MotoEngine moto;
    /** The SDK client the setup (table, partners, grants, keys) and the operator's steps use: operations the function never calls. */
    private final DynamoDbClient dynamoDb;
    /** What the Lambda functions run (DynamoDbClients.lean), for the handler and the sweep. */
    private final DynamoDbClient functionDynamoDb;
    private final PartnerRegistryHandler handler;
    private final LocalDelivery delivery;
    private final EventForwarderHandler forwarder;
    private final boolean tableCreated;
    private final Clock clock;

    private LocalRuntime(LocalConfig config, RegistrySettings settings, MotoEngine moto, DynamoDbClient dynamoDb,
                         AwsCredentialsProvider credentials, LocalDelivery delivery, boolean tableCreated, Clock clock, PrintStream log) {
        this.config = config;
        this.clock = clock;
        this.tableCreated = tableCreated;
        this.settings = settings;
        this.moto = moto;
        this.dynamoDb = dynamoDb;
        this.functionDynamoDb = DynamoDbClients.lean(settings, credentials);
        this.delivery = delivery;
        this.handler = new PartnerRegistryHandler(RegistryAssembly.protocol(functionDynamoDb, settings,
                RequestLog.to(log, settings.metricsNamespace()), clock, RegistryAssembly.eventQueue(settings, credentials)),
                RegistryAssembly.verifier(functionDynamoDb, settings, credentials, clock)).withConsoleCors(ConsoleCors.of(settings));
        this.forwarder = new EventForwarderHandler(RegistryAssembly.forwarder(settings, credentials), clock, log);
    }

    /**
     * @param env        TABLE_NAME (default {@value #DEFAULT_TABLE}), AWS_REGION, PARTNER_SOURCE_LIMIT,
     *                   DYNAMODB_ENDPOINT, LOCAL_PRINCIPALS_FILE, LOCAL_PARTNERS_FILE
     * @param workingDir where relative config paths are resolved
     * @param log        progress lines (engine, table, partners), then the function's request log
     */
    public static LocalRuntime start(Map<String, String> env, Path workingDir, PrintStream log) {
        return start(env, workingDir, log, Clock.systemUTC());
    }

    /** As above, the handler, its verifier, the forwarder and the sweep on {@code clock} (tests move it to expire sources). */
    public static LocalRuntime start(Map<String, String> env, Path workingDir, PrintStream log, Clock clock) {
        LocalConfig config = LocalConfig.load(env, workingDir);
        // Every setting comes from env; the runtime only fills in what it makes itself (engine, KMS key, queue).
        RegistrySettings.Builder builder = RegistrySettings.builder(env).defaultValue(RegistrySettings.Variable.TABLE_NAME, DEFAULT_TABLE);
        RegistrySettings settings = builder.build();

        MotoEngine moto = null;
        if (settings.dynamoDbEndpoint() == null) {
            log.println("Starting moto_server (set DYNAMODB_ENDPOINT to use another engine)...");
            moto = MotoEngine.start(workingDir.resolve("target"));
            settings = builder.dynamoDbEndpoint(moto.endpoint()).build();
        }
        try {
            AwsCredentialsProvider credentials = ToolCredentials.forEndpoint(settings.dynamoDbEndpoint());
            DynamoDbClient dynamoDb = DynamoDbClients.create(settings, credentials);
            boolean tableCreated = PartnerSourceTable.createIfAbsent(dynamoDb, settings.tableName());
            DynamoDbRegistryAdmin admin = new DynamoDbRegistryAdmin(dynamoDb, settings.tableName());
            for (Map.Entry<String, List<String>> partner : config.partners().entrySet()) {
                admin.registerPrincipals(partner.getKey(), partner.getValue());
            }
            CustomerGrants grants = new CustomerGrants(dynamoDb, settings.tableName());
            for (Map.Entry<String, List<String>> customer : config.customers().entrySet()) {
                grants.grant(customer.getKey(), customer.getValue());
            }
            try (KmsClient kms = AccessKeyEncryption.kms(settings)) {
                String kmsKeyArn = AccessKeyEncryption.localKey(kms);
                IssuedAccessKeys keys = new IssuedAccessKeys(dynamoDb, settings.tableName(), kms, kmsKeyArn, Clock.systemUTC());
                for (Map.Entry<String, LocalConfig.LocalPrincipal> key : config.principals().entrySet()) {
                    keys.importKey(key.getValue().principalArn(), key.getKey(), key.getValue().secretAccessKey());
                }
                builder.kmsKeyArn(kmsKeyArn);
            }
            // The stack's delivery queue and dead-letter queue, on the engine (moto and LocalStack serve SQS and EventBridge too).
            settings = builder.build();
            LocalDelivery delivery = LocalDelivery.create(RegistryAssembly.sqs(settings, credentials), settings.tableName());
            settings = builder.eventQueueUrl(delivery.queueUrl()).deadLetterQueueUrl(delivery.deadLetterQueueUrl()).build();
            log.println("Table " + settings.tableName() + " on " + settings.dynamoDbEndpoint() + ": registered partners "
                    + config.partners().keySet() + ", customers of accounts " + config.customers().keySet() + ", issued access keys "
                    + config.principals().keySet());
            return new LocalRuntime(config, settings, moto, dynamoDb, credentials, delivery, tableCreated, clock, log);
        } catch (RuntimeException e) {
            if (moto != null) {
                moto.close();
            }
            throw e;
        }
    }

    /** Whether this start made the table (so it holds only what the local config seeds), or found it there. */
    public boolean tableCreated() {
        return tableCreated;
    }

    public LocalConfig config() {
        return config;
    }

    public RegistrySettings settings() {
        return settings;
    }

    /**
     * What the operator command needs for this engine and table, in the order the banner prints it: the variables
     * {@code make admin} reads (also the environment make invoke gives the operator steps of an event's preconditions).
     */
    public Map<String, String> operatorEnvironment() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put(RegistrySettings.Variable.TABLE_NAME.name(), settings.tableName());
        env.put(RegistrySettings.Variable.DYNAMODB_ENDPOINT.name(), settings.dynamoDbEndpoint().toString());
        env.put(RegistrySettings.Variable.ACCESS_KEYS_KMS_KEY_ARN.name(), settings.accessKeys().kmsKeyArn());
        env.put(RegistrySettings.Variable.AWS_REGION.name(), settings.region());
        env.put(RegistrySettings.Variable.EVENT_QUEUE_URL.name(), settings.delivery().queueUrl());
        env.put(RegistrySettings.Variable.DEAD_LETTER_QUEUE_URL.name(), settings.delivery().deadLetterQueueUrl());
        return env;
    }

    /** The local engine's key the access keys' secrets are encrypted under. */
    public String kmsKeyArn() {
        return settings.accessKeys().kmsKeyArn();
    }

    /** The expiry sweep on this table, as the stack's schedule runs it; its line goes to {@code log}. */
    public ExpirySweepHandler sweep(PrintStream log) {
        return new ExpirySweepHandler(new ExpiredSourceSweep(functionDynamoDb, settings.tableName(), settings.conflictBudget()),
                settings.metricsNamespace(), clock, log);
    }

    /** The delivery queues on the engine, as the stack's SQS queue and dead-letter queue. */
    public LocalDelivery delivery() {
        return delivery;
    }

    /** The forwarder, as the stack's SQS event source mapping feeds it. */
    public EventForwarderHandler forwarder() {
        return forwarder;
    }

    public PartnerRegistryHandler handler() {
        return handler;
    }

    public DynamoDbClient dynamoDb() {
        return dynamoDb;
    }

    /** For banners: which engine serves the table. */
    public String engineDescription() {
        return moto != null ? "moto_server (started here, stopped on exit) at " + settings.dynamoDbEndpoint() + ", log " + moto.log()
                : "DYNAMODB_ENDPOINT " + settings.dynamoDbEndpoint();
    }

    @Override
    public void close() {
        functionDynamoDb.close();
        dynamoDb.close();
        if (moto != null) {
            moto.close();
        }
    }
}
