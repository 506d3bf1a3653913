package dev.partnerregistry.infra;

import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import software.amazon.awscdk.ArnComponents;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.iam.Effect;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.lambda.EventSourceMapping;
import software.amazon.awscdk.services.lambda.EventSourceMappingOptions;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.amazon.awscdk.services.sqs.DeadLetterQueue;
import software.amazon.awscdk.services.sqs.Queue;
import software.amazon.awscdk.services.sqs.QueueEncryption;
import software.constructs.Construct;

/**
 * Delivery of accepted partner events into customers' own buses, at least once: the delivery
 * queue the registry function puts them on, its dead-letter queue, and the forwarder (a Lambda
 * function from the same jar, its role and log group) that the queue's event source mapping feeds
 * in batches of {@value #BATCH_SIZE} with partial batch responses.
 *
 * <p>The queue: a message the forwarder reports as failed (or a whole batch, if the forwarder fails)
 * is received again once its visibility timeout passes. The forwarder itself puts on the dead-letter
 * queue, with the reason, an event the bus refused not retryably (at once) and one still failing on
 * its {@value #MAX_RECEIVE_COUNT}th receive; after {@value #MAX_RECEIVE_COUNT} receives SQS moves
 * whatever is left (a batch whose forwarder failed as a whole) there too, without a reason, as
 * Lambda's guide recommends (at least 5, so that a throttled or briefly failing batch gets its retries). The visibility timeout is six times the
 * forwarder's timeout, as Lambda's and SQS's guides ask for a queue that feeds a function, plus the
 * batching window, during which received messages already wait hidden. Messages are kept
 * {@value #RETENTION_DAYS} days (SQS's default), the dead-letter queue's {@value #DEAD_LETTER_RETENTION_DAYS}
 * (SQS's most): a standard queue's message expires by its first enqueue time even after it moved,
 * so the dead-letter queue must keep messages longer than the queue does.
 *
 * <p>Encryption: SQS-managed keys (SSE-SQS) on both queues. Events are encrypted at rest without a
 * KMS key to manage, pay for per request or grant: a KMS key would need {@code kms:GenerateDataKey}
 * in the registry function's role and {@code kms:Decrypt} in the forwarder's, which otherwise holds
 * no KMS permission. Who may read the events is IAM's decision either way, and only the forwarder
 * may receive them. Both queues refuse requests that are not over TLS ({@code aws:SecureTransport}).
 *
 * <p>The forwarder: java21, arm64 (x86_64 in the SAM/LocalStack flavour), {@value #MEMORY_SIZE} MB,
 * {@link #TIMEOUT} (each PutEvents bounded by a 2 s connect and 5 s read timeout; the forwarder starts none in
 * its last 22 s, EventForwarderHandler.RESERVE, so a batch of slow buses answers in time). No SnapStart: nothing waits on it (an
 * event's delay shows as DeliveryLag), and SnapStart would need a version published per deploy
 * and the event source mapping pointed at an alias. The runtime's C1-only JIT, as for the registry
 * function: full tiered compilation runs a warm batch twice as fast but spends seconds of CPU compiling
 * first, repaid only after tens of thousands of batches on one instance (README, "The JIT per function").
 * The mapping's maximum concurrency bounds how
 * many forwarders run at once, so how fast the registry calls PutEvents: a backlog then waits in
 * the queue (and shows in its age) instead of being throttled, which reserved concurrency would do
 * (throttled batches return to the queue and spend receives towards the dead-letter queue).
 *
 * <p>Least privilege: the forwarder's role may write its own log group, receive, delete and read
 * the attributes of messages on the delivery queue only (what SQS's guide lists for a Lambda
 * execution role fed by a queue; it never changes a message's visibility), send to the dead-letter
 * queue (never read it: the operator's redrive does, with the operator's credentials), and call
 * {@code events:PutEvents} on any account's event bus, only with events whose every source is the
 * registry's ({@value #DELIVERED_SOURCES}). The buses are the customers', in their accounts, named
 * per event, so no list of ARNs can be written here: each customer's bus policy is the gate, and
 * it admits the registry's account for its own partners' sources alone. No DynamoDB, no KMS.
 */
public final class EventDelivery extends Construct {

    public static final String HANDLER = "dev.partnerregistry.api.EventForwarderHandler::handleRequest";
    public static final Duration TIMEOUT = Duration.seconds(30);
    /** The forwarder waits on HTTP round trips and holds ten events at most: 512 MB is plenty for the JVM and the SDK's HTTP stack. */
    public static final int MEMORY_SIZE = 512;
    /** Messages per invocation: PutEvents' ten entries, so a batch for one bus is one call. */
    public static final int BATCH_SIZE = 10;
    /**
     * One second: at low traffic an event waits at most that long for company, and at high traffic batches fill at
     * once; fewer, fuller PutEvents calls and invocations for a second of lag at most.
     */
    public static final Duration MAX_BATCHING_WINDOW = Duration.seconds(1);
    public static final Duration VISIBILITY_TIMEOUT = Duration.seconds(6 * TIMEOUT.toSeconds().intValue()
            + MAX_BATCHING_WINDOW.toSeconds().intValue());
    /** The forwarder's own count too (EventForwarderHandler.MAX_RECEIVES): on a message's last receive it dead-letters the event itself. */
    public static final int MAX_RECEIVE_COUNT = 5;
    public static final int RETENTION_DAYS = 4;
    public static final int DEAD_LETTER_RETENTION_DAYS = 14;
    /**
     * SQS's most (the API reference: 1 MiB), on both queues, set rather than left to the default: an accepted event of
     * 256 KB can take up to three times that once queued (JSON escapes), and a dead letter a little more.
     */
    public static final int MAX_MESSAGE_BYTES = 1_048_576;

    /** The registry function's one permission on the queue; SQS authorizes SendMessageBatch as SendMessage. */
    public static final List<String> SEND_ACTIONS = List.of("sqs:SendMessage");
    /** What the event source mapping needs of the queue, with the forwarder's role. */
    public static final List<String> CONSUME_ACTIONS = List.of("sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ReceiveMessage");
    public static final List<String> DELIVER_ACTIONS = List.of("events:PutEvents");
    /** The source of every delivered event: {@code partner-registry.<partner>}. */
    public static final String DELIVERED_SOURCES = "partner-registry.*";

    /** Written by the forwarder, one EMF line per batch, in the request metrics' namespace with no dimension. */
    public static final String EVENTS_DELIVERED = "EventsDelivered";
    public static final String EVENTS_DELIVERY_FAILED = "EventsDeliveryFailed";
    /** Per batch, the longest any delivered event of it took from its time to its delivery, in milliseconds. */
    public static final String DELIVERY_LAG = "DeliveryLag";
    /** Events the forwarder put on the dead-letter queue itself, with their reasons. */
    public static final String EVENTS_DEAD_LETTERED = "EventsDeadLettered";
    /** The forwarder's one permission on the dead-letter queue: writing its letters (SendMessageBatch is authorized as SendMessage). */
    public static final List<String> DEAD_LETTER_ACTIONS = List.of("sqs:SendMessage");

    private final Queue queue;
    private final Queue deadLetterQueue;
    private final Function function;
    private final LogGroup logGroup;
    private final EventSourceMapping eventSource;
    private final int maxConcurrency;

    public EventDelivery(Construct scope, String id, Props props) {
        super(scope, id);
        this.maxConcurrency = props.maxConcurrency();

        this.deadLetterQueue = Queue.Builder.create(this, "DeadLetterQueue")
                .encryption(QueueEncryption.SQS_MANAGED)
                .enforceSsl(true)
                .retentionPeriod(Duration.days(DEAD_LETTER_RETENTION_DAYS))
                .maxMessageSizeBytes(MAX_MESSAGE_BYTES)
                .build();
        this.queue = Queue.Builder.create(this, "Queue")
                .encryption(QueueEncryption.SQS_MANAGED)
                .enforceSsl(true)
                .retentionPeriod(Duration.days(RETENTION_DAYS))
                .maxMessageSizeBytes(MAX_MESSAGE_BYTES)
                .visibilityTimeout(VISIBILITY_TIMEOUT)
                .deadLetterQueue(DeadLetterQueue.builder().queue(deadLetterQueue).maxReceiveCount(MAX_RECEIVE_COUNT).build())
                .build();

        this.logGroup = JavaFunctions.logGroup(this, props.logRetention());
        Role role = JavaFunctions.role(this,
                "Partner Registry forwarder: its log group, the delivery queue, its dead letters, PutEvents of registry sources into any bus", logGroup);
        role.addToPrincipalPolicy(PolicyStatement.Builder.create()
                .sid("ReceiveQueuedEvents")
                .effect(Effect.ALLOW)
                .actions(CONSUME_ACTIONS)
                .resources(List.of(queue.getQueueArn()))
                .build());
        role.addToPrincipalPolicy(PolicyStatement.Builder.create()
                .sid("DeadLetterUndeliverableEvents")
                .effect(Effect.ALLOW)
                .actions(DEAD_LETTER_ACTIONS)
                .resources(List.of(deadLetterQueue.getQueueArn()))
                .build());
        String anyBus = Stack.of(this).formatArn(ArnComponents.builder()
                .service("events")
                .region("*")
                .account("*")
                .resource("event-bus")
                .resourceName("*")
                .build());
        Map<String, Object> conditions = new LinkedHashMap<>();
        // Every entry's source (the key has one value per entry), and a request must have some: ForAllValues alone
        // would hold for a request that names none.
        conditions.put("ForAllValues:StringLike", Map.of("events:source", List.of(DELIVERED_SOURCES)));
        conditions.put("Null", Map.of("events:source", "false"));
        role.addToPrincipalPolicy(PolicyStatement.Builder.create()
                .sid("DeliverIntoCustomerBuses")
                .effect(Effect.ALLOW)
                .actions(DELIVER_ACTIONS)
                .resources(List.of(anyBus))
                .conditions(conditions)
                .build());
        NagSuppressions.addResourceSuppressions(role, List.of(NagPackSuppression.builder()
                .id("AwsSolutions-IAM5")
                .reason("PutEvents goes into customers' own custom event buses, in their accounts and regions, named per "
                        + "event at run time: no list of ARNs exists at deploy time. The statement is held to events whose "
                        + "every source is partner-registry.*, and each customer's bus policy is what admits this account, "
                        + "for its accepted partners' sources only.")
                .appliesTo(List.of("Resource::arn:<AWS::Partition>:events:*:*:event-bus/*"))
                .build()), true);

        Map<String, String> environment = new LinkedHashMap<>();
        // The forwarder reads no table; RegistrySettings refuses to start without a name, so it gets the real one.
        environment.put("TABLE_NAME", props.tableName());
        environment.put("METRICS_NAMESPACE", RequestMetrics.NAMESPACE);
        environment.put("DEAD_LETTER_QUEUE_URL", deadLetterQueue.getQueueUrl());
        if (props.declareLocalEndpoint()) {
            // As for the other functions: only so that `sam local --env-vars` may set it; the forwarder's PutEvents
            // falls back to it (LocalStack serves EventBridge on the same port). Blank means "not set".
            environment.put("DYNAMODB_ENDPOINT", "");
        }

        this.function = JavaFunctions.handler(this, "Partner Registry: delivers queued partner events into customers' own event buses",
                        HANDLER, props.jar(), props.declareLocalEndpoint(), logGroup, role)
                .memorySize(MEMORY_SIZE)
                .timeout(TIMEOUT)
                .environment(environment)
                .build();
        NagSuppressions.addResourceSuppressions(function, List.of(NagPackSuppression.builder()
                .id("AwsSolutions-L1")
                .reason("java21 on purpose, as for the registry function whose jar this is: the runtime the code is "
                        + "built and tested for (Java 17 bytecode, SDK and Lambda libraries verified on it). A newer "
                        + "Java runtime is a deliberate upgrade of every function with its own tests.")
                .build()), true);

        // Not SqsEventSource: it would grant the role the queue's whole consume set (ChangeMessageVisibility, GetQueueUrl).
        this.eventSource = function.addEventSourceMapping("DeliveryQueue", EventSourceMappingOptions.builder()
                .eventSourceArn(queue.getQueueArn())
                .batchSize(BATCH_SIZE)
                .maxBatchingWindow(MAX_BATCHING_WINDOW)
                .reportBatchItemFailures(true)
                .maxConcurrency(props.maxConcurrency())
                .build());
        // Lambda checks the role's permission to poll when it creates the mapping.
        eventSource.getNode().addDependency(role);
    }

    public Queue queue() {
        return queue;
    }

    public Queue deadLetterQueue() {
        return deadLetterQueue;
    }

    public Function function() {
        return function;
    }

    public LogGroup logGroup() {
        return logGroup;
    }

    public EventSourceMapping eventSource() {
        return eventSource;
    }

    public int maxConcurrency() {
        return maxConcurrency;
    }

    /**
     * @param tableName            the registry table's name, for the forwarder's {@code TABLE_NAME} (read, never used)
     * @param jar                  the function jar (the registry function's code: the handler lives beside it)
     * @param maxConcurrency       the event source mapping's maximum concurrency
     * @param logRetention         the forwarder's log group retention
     * @param declareLocalEndpoint the SAM/LocalStack flavour: declare {@code DYNAMODB_ENDPOINT} blank, run on x86_64
     */
    public record Props(String tableName, Path jar, int maxConcurrency, RetentionDays logRetention, boolean declareLocalEndpoint) {

        public Props {
            Objects.requireNonNull(tableName, "tableName");
            Objects.requireNonNull(jar, "jar");
            Objects.requireNonNull(logRetention, "logRetention");
            if (maxConcurrency < StackSettings.MIN_DELIVERY_MAX_CONCURRENCY || maxConcurrency > StackSettings.MAX_DELIVERY_MAX_CONCURRENCY) {
                throw new IllegalArgumentException("maxConcurrency must be " + StackSettings.MIN_DELIVERY_MAX_CONCURRENCY + ".."
                        + StackSettings.MAX_DELIVERY_MAX_CONCURRENCY + ", was " + maxConcurrency);
            }
        }

        public static Builder builder() {
            return new Builder();
        }

        public static final class Builder {
            private String tableName;
            private Path jar;
            private int maxConcurrency = StackSettings.DEFAULT_DELIVERY_MAX_CONCURRENCY;
            private RetentionDays logRetention = RetentionDays.ONE_MONTH;
            private boolean declareLocalEndpoint;

            public Builder tableName(String v) { this.tableName = v; return this; }
            public Builder jar(Path v) { this.jar = v; return this; }
            public Builder maxConcurrency(int v) { this.maxConcurrency = v; return this; }
            public Builder logRetention(RetentionDays v) { this.logRetention = v; return this; }
            public Builder declareLocalEndpoint(boolean v) { this.declareLocalEndpoint = v; return this; }

            public Props build() {
                return new Props(tableName, jar, maxConcurrency, logRetention, declareLocalEndpoint);
            }
        }
    }
}
