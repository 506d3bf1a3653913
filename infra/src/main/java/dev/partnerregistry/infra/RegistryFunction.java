package dev.partnerregistry.infra;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import software.amazon.awscdk.Annotations;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.dynamodb.ITable;
import software.amazon.awscdk.services.iam.Effect;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.lambda.Alias;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.lambda.IFunction;
import software.amazon.awscdk.services.lambda.SnapStartConf;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.amazon.awscdk.services.sqs.IQueue;
import software.constructs.Construct;

/**
 * The Lambda function that serves the API, its alias, its log group and its role.
 *
 * <p>Cold starts: java21 on arm64 (Graviton, cheaper per GB-second) with SnapStart on published
 * versions, so a new execution environment resumes from a snapshot taken after init; the API
 * calls the {@value #ALIAS_NAME} alias, which always points at the version published from the
 * current code and configuration. No {@code JAVA_TOOL_OPTIONS}: the java21 runtime already
 * stops tiered compilation at C1 by default, and repeating it only adds a "Picked up" line to
 * every cold start's log.
 *
 * <p>Least privilege: the role may write only to its own log group and call only the DynamoDB
 * actions the store uses, on the registry table and its account index alone (Query only), and
 * write only sources and counters, and send messages to the delivery queue (accepted partner events) and to no
 * other queue. It has no managed policy. With {@link AuthMode#REGISTRY_KEYS} it may also decrypt access-key
 * secrets (nothing else of the KMS key) and note when a key was last used (no other attribute
 * of a key's item), so that it can verify callers' signatures but never issue, activate or
 * re-point a key.
 */
public final class RegistryFunction extends Construct {

    public static final String ALIAS_NAME = "live";
    /*
     * What the function's store may do, in four statements (five with registry-issued keys); a test checks each list against the
     * store's own constants (RegistryTable). TransactWriteItems is authorized per part and
     * TransactGetItems as GetItem. Writes are held by partition key and attribute names to the
     * sources and counters the function owns: it can read, but never write, the items that grant
     * access (principals), set limits, switch operations off or sign NextTokens.
     */
    public static final List<String> READ_ACTIONS = List.of("dynamodb:ConditionCheckItem", "dynamodb:GetItem", "dynamodb:Query");
    /** The indexes the function queries (a customer's sources), and only with Query. */
    public static final List<String> QUERIED_INDEXES = List.of(PartnerSourceTable.ACCOUNT_INDEX);
    /** Create (put), the lifecycle's state changes (update) and delete of a source. */
    public static final List<String> SOURCE_ACTIONS = List.of("dynamodb:DeleteItem", "dynamodb:PutItem", "dynamodb:UpdateItem");
    public static final List<String> COUNTER_ACTIONS = List.of("dynamodb:UpdateItem");
    public static final String SOURCE_PARTITIONS = "SOURCES#*";
    public static final String COUNTER_PARTITIONS = "COUNT#*";
    /**
     * A source's attributes: its own, its expiry while PENDING, the customer's partner event bus once matched, and
     * the customer's own bus its events are delivered to (named when it created the partner event bus).
     */
    public static final List<String> SOURCE_ATTRIBUTES = List.of("pk", "sk", "name", "account", "createdAt", "state", "callId",
            "expiresAt", "expiryQueue", "busAccount", "busCreatedAt", "deliverTo", "busDescription");
    public static final List<String> COUNTER_ATTRIBUTES = List.of("pk", "sk", "sourceCount", "countChanges");
    /* With registry-issued keys: the note of a key's last use, the only write to a key's item. */
    public static final List<String> ACCESS_KEY_ACTIONS = List.of("dynamodb:UpdateItem");
    public static final String ACCESS_KEY_PARTITIONS = "ACCESSKEY#*";
    public static final List<String> ACCESS_KEY_USE_ATTRIBUTES = List.of("pk", "sk", "lastUsedAt");

    private final Function function;
    private final Alias alias;
    private final LogGroup logGroup;

    public RegistryFunction(Construct scope, String id, Props props) {
        super(scope, id);

        this.logGroup = JavaFunctions.logGroup(this, props.logRetention());
        Role role = JavaFunctions.role(this,
                "Partner Registry function: its log group, the registry table and the delivery queue, nothing else", logGroup);
        String table = props.table().getTableArn();
        role.addToPrincipalPolicy(PolicyStatement.Builder.create()
                .sid("ReadTheRegistry")
                .effect(Effect.ALLOW)
                .actions(READ_ACTIONS)
                .resources(List.of(table))
                .build());
        role.addToPrincipalPolicy(indexQueries("ListCustomerSources", QUERIED_INDEXES, table));
        role.addToPrincipalPolicy(writes("WriteSources", SOURCE_ACTIONS, SOURCE_PARTITIONS, SOURCE_ATTRIBUTES, table));
        role.addToPrincipalPolicy(writes("CountSources", COUNTER_ACTIONS, COUNTER_PARTITIONS, COUNTER_ATTRIBUTES, table));
        // PutPartnerEvents' accepted events, with SendMessageBatch (which SQS authorizes as SendMessage); no other queue action.
        role.addToPrincipalPolicy(PolicyStatement.Builder.create()
                .sid("QueueAcceptedEvents")
                .effect(Effect.ALLOW)
                .actions(EventDelivery.SEND_ACTIONS)
                .resources(List.of(props.eventQueue().getQueueArn()))
                .build());

        Map<String, String> environment = new LinkedHashMap<>();
        environment.put("TABLE_NAME", props.table().getTableName());
        environment.put("PARTNER_SOURCE_LIMIT", Integer.toString(props.partnerSourceLimit()));
        environment.put("METRICS_NAMESPACE", RequestMetrics.NAMESPACE);
        environment.put("SOURCE_EXPIRATION_DAYS", Integer.toString(props.sourceExpirationDays()));
        // Always stated, never left to the function's default: the template says how callers get in.
        environment.put("AUTH_MODE", props.authMode().setting());
        environment.put("EVENT_QUEUE_URL", props.eventQueue().getQueueUrl());
        if (props.authMode() == AuthMode.REGISTRY_KEYS) {
            // Reading a key's item needs nothing new (ReadTheRegistry reads any item); its secret
            // needs the KMS key, and the note of its use one narrow write.
            props.accessKeyEncryption().grantSecretDecryption(role);
            role.addToPrincipalPolicy(writes("NoteAccessKeyUse", ACCESS_KEY_ACTIONS, ACCESS_KEY_PARTITIONS, ACCESS_KEY_USE_ATTRIBUTES, table));
            environment.put("ACCESS_KEYS_KMS_KEY_ARN", props.accessKeyEncryption().key().getKeyArn());
            environment.put("ACCESS_KEY_CACHE_SECONDS", Integer.toString(props.accessKeyCacheSeconds()));
        }
        if (props.declareLocalEndpoint()) {
            // Only so that `sam local --env-vars` may override it; blank means "not set" to the function.
            environment.put("DYNAMODB_ENDPOINT", "");
        }

        this.function = JavaFunctions.handler(this, "Partner Registry: EventBridge partner event source API", FunctionArtifact.HANDLER,
                        props.jar(), props.declareLocalEndpoint(), logGroup, role)
                .memorySize(props.memorySize())
                // API Gateway gives up at 29 s; a request is a few DynamoDB calls with SDK retries.
                .timeout(Duration.seconds(15))
                .snapStart(SnapStartConf.ON_PUBLISHED_VERSIONS)
                .environment(environment)
                .build();
        NagSuppressions.addResourceSuppressions(function, List.of(NagPackSuppression.builder()
                .id("AwsSolutions-L1")
                .reason("java21 is chosen on purpose: it is the runtime the function is built and tested for "
                        + "(Java 17 bytecode, SDK and Lambda libraries verified on it) and it supports SnapStart "
                        + "on arm64. Moving to a newer Java runtime is a deliberate upgrade with its own tests, "
                        + "not something a linter should force at deploy time.")
                .build()), true);

        this.alias = Alias.Builder.create(this, "Alias")
                .aliasName(ALIAS_NAME)
                .version(function.getCurrentVersion())
                .description("The version the API invokes; moves on every deploy that changes code or configuration")
                .build();
        // CDK warns that SnapStart needs published versions; the alias above publishes one per deploy.
        Annotations.of(function).acknowledgeWarning("@aws-cdk/aws-lambda:snapStartRequirePublish",
                "The live alias points at function.currentVersion, a version published on every change");
    }

    /**
     * Writes only to items whose partition key matches {@code partitions}, naming only
     * {@code attributes} (so no write can set principals or a limit), returning nothing. The Null
     * test keeps ForAllValues from holding vacuously for a request that names no key. The expiry
     * sweep's role is built with it too, so both hold a source or counter write to the same rules.
     */
    static PolicyStatement writes(String sid, List<String> actions, String partitions, List<String> attributes, String table) {
        Map<String, Object> conditions = new LinkedHashMap<>();
        conditions.put("ForAllValues:StringLike", Map.of("dynamodb:LeadingKeys", List.of(partitions)));
        conditions.put("ForAllValues:StringEquals", Map.of("dynamodb:Attributes", attributes));
        conditions.put("StringEqualsIfExists", Map.of("dynamodb:ReturnValues", "NONE"));
        conditions.put("Null", Map.of("dynamodb:LeadingKeys", "false"));
        return PolicyStatement.Builder.create()
                .sid(sid)
                .effect(Effect.ALLOW)
                .actions(actions)
                .resources(List.of(table))
                .conditions(conditions)
                .build();
    }

    /**
     * Reads ({@code actions}) only of items whose partition key matches {@code partitions}; the
     * Null test keeps ForAllValues from holding vacuously for a request that names no key.
     */
    static PolicyStatement reads(String sid, List<String> actions, String partitions, String table) {
        Map<String, Object> conditions = new LinkedHashMap<>();
        conditions.put("ForAllValues:StringLike", Map.of("dynamodb:LeadingKeys", List.of(partitions)));
        conditions.put("Null", Map.of("dynamodb:LeadingKeys", "false"));
        return PolicyStatement.Builder.create()
                .sid(sid)
                .effect(Effect.ALLOW)
                .actions(actions)
                .resources(List.of(table))
                .conditions(conditions)
                .build();
    }

    /**
     * Query on the named global secondary indexes of {@code table} (their ARNs are the table's
     * plus {@code /index/<name>}), nothing else: a read permission on the table does not extend to
     * its indexes, nor one on an index to the table or another index.
     */
    static PolicyStatement indexQueries(String sid, List<String> indexes, String table) {
        return PolicyStatement.Builder.create()
                .sid(sid)
                .effect(Effect.ALLOW)
                .actions(List.of("dynamodb:Query"))
                .resources(indexes.stream().map(index -> table + "/index/" + index).toList())
                .build();
    }

    public Function function() {
        return function;
    }

    /** What the API integrates with: SnapStart only applies to published versions and aliases of them. */
    public IFunction alias() {
        return alias;
    }

    public LogGroup logGroup() {
        return logGroup;
    }

    /**
     * @param authMode            how callers are authenticated: the function's {@code AUTH_MODE}
     * @param accessKeyEncryption the key access-key secrets are encrypted under: required with
     *                            {@link AuthMode#REGISTRY_KEYS}, absent with {@link AuthMode#AWS_IAM}
     * @param accessKeyCacheSeconds the function's {@code ACCESS_KEY_CACHE_SECONDS} (registry keys only)
     * @param sourceExpirationDays  the function's {@code SOURCE_EXPIRATION_DAYS}: how long a new or deactivated source
     *                              stays PENDING before it expires
     * @param eventQueue            the delivery queue ({@link EventDelivery}): the function's {@code EVENT_QUEUE_URL}
     */
    public record Props(ITable table, Path jar, int partnerSourceLimit, int memorySize, RetentionDays logRetention,
                        boolean declareLocalEndpoint, AuthMode authMode, AccessKeyEncryption accessKeyEncryption,
                        int accessKeyCacheSeconds, int sourceExpirationDays, IQueue eventQueue) {

        public Props {
            Objects.requireNonNull(table, "table");
            Objects.requireNonNull(eventQueue, "eventQueue");
            Objects.requireNonNull(jar, "jar");
            Objects.requireNonNull(logRetention, "logRetention");
            Objects.requireNonNull(authMode, "authMode");
            if ((authMode == AuthMode.REGISTRY_KEYS) != (accessKeyEncryption != null)) {
                throw new IllegalArgumentException("accessKeyEncryption is needed with authMode registry-keys and only then, was "
                        + (accessKeyEncryption == null ? "absent" : "present") + " with " + authMode.setting());
            }
        }

        public static Builder builder() {
            return new Builder();
        }

        public static final class Builder {
            private ITable table;
            private Path jar;
            private int partnerSourceLimit = StackSettings.DEFAULT_PARTNER_SOURCE_LIMIT;
            private int memorySize = StackSettings.DEFAULT_MEMORY_SIZE;
            private RetentionDays logRetention = RetentionDays.ONE_MONTH;
            private boolean declareLocalEndpoint;
            private AuthMode authMode = StackSettings.DEFAULT_AUTH_MODE;
            private AccessKeyEncryption accessKeyEncryption;
            private int accessKeyCacheSeconds = StackSettings.DEFAULT_ACCESS_KEY_CACHE_SECONDS;
            private int sourceExpirationDays = StackSettings.DEFAULT_SOURCE_EXPIRATION_DAYS;
            private IQueue eventQueue;

            public Builder table(ITable v) { this.table = v; return this; }
            public Builder jar(Path v) { this.jar = v; return this; }
            public Builder partnerSourceLimit(int v) { this.partnerSourceLimit = v; return this; }
            public Builder memorySize(int v) { this.memorySize = v; return this; }
            public Builder logRetention(RetentionDays v) { this.logRetention = v; return this; }
            public Builder declareLocalEndpoint(boolean v) { this.declareLocalEndpoint = v; return this; }
            public Builder authMode(AuthMode v) { this.authMode = v; return this; }
            public Builder accessKeyEncryption(AccessKeyEncryption v) { this.accessKeyEncryption = v; return this; }
            public Builder accessKeyCacheSeconds(int v) { this.accessKeyCacheSeconds = v; return this; }
            public Builder sourceExpirationDays(int v) { this.sourceExpirationDays = v; return this; }
            public Builder eventQueue(IQueue v) { this.eventQueue = v; return this; }

            public Props build() {
                return new Props(table, jar, partnerSourceLimit, memorySize, logRetention, declareLocalEndpoint,
                        authMode, accessKeyEncryption, accessKeyCacheSeconds, sourceExpirationDays, eventQueue);
            }
        }
    }
}
