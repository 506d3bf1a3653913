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
import software.amazon.awscdk.services.cloudwatch.Metric;
import software.amazon.awscdk.services.dynamodb.ITable;
import software.amazon.awscdk.services.iam.Effect;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.iam.ServicePrincipalOpts;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.amazon.awscdk.services.scheduler.CfnSchedule;
import software.amazon.awscdk.services.scheduler.ScheduleExpression;
import software.constructs.Construct;

/**
 * The expiry sweep: a Lambda function, from the registry function's jar, that removes PENDING
 * sources whose expiry has passed (deletes them, or marks them DELETED where the customer still
 * has the bus; each in one transaction with its partner's counter), run by an EventBridge
 * Scheduler schedule every {@code sweepIntervalMinutes}; its log group and its role.
 *
 * <p>EventBridge Scheduler rather than a scheduled EventBridge rule: AWS calls scheduled rules a
 * legacy feature and recommends Scheduler for invoking targets on a schedule; Scheduler invokes
 * through an execution role of our own (trusted by this account's default schedule group only)
 * rather than a resource policy on the function, and it bounds its delivery retries by age.
 *
 * <p>No SnapStart and no alias: nothing waits on a scheduled run, so a cold start's few seconds
 * cost nothing, while SnapStart would need a version published per deploy and the schedule
 * pointed at an alias. Reserved concurrency {@value #RESERVED_CONCURRENCY}: two runs never
 * overlap (a run still going when the next is due makes Lambda hold the new one back and retry
 * it, for at most one interval, after which the next scheduled run does the work instead). Every
 * delete is conditional, so an overlap would be harmless anyway; the reservation keeps the
 * metrics and logs one run at a time. Lambda does not retry a failed run either: the next one is
 * the retry.
 *
 * <p>Least privilege: Query on the expiry index only; a consistent read of each source it lists
 * (the index lags the table), only in source partitions; delete or update a source and update a
 * counter, held by partition key and attribute names exactly as the registry function's writes
 * are. It cannot put a source, read or write any other item, or use any other index.
 */
public final class ExpirySweep extends Construct {

    public static final String HANDLER = "dev.partnerregistry.api.ExpirySweepHandler::handleRequest";
    /** Long enough for the handler's 20,000 sources per run (about six requests per hundred); the next run takes the rest. */
    public static final Duration TIMEOUT = Duration.minutes(5);
    /**
     * The sweep waits on DynamoDB round trips, a read and a transaction per source, and keeps no more than
     * a page of keys: 512 MB holds the JVM and the SDK with room to spare, and the slower cold
     * start it gives than the API function's memory is paid by nobody waiting.
     */
    public static final int MEMORY_SIZE = 512;
    public static final int RESERVED_CONCURRENCY = 1;
    /*
     * What the sweep may do, in four statements; a test checks each list against the layout's
     * constants (RegistryTable.SWEEP_*). TransactWriteItems is authorized per part: the delete (or
     * the update to DELETED) of the source, and the update of its counter.
     */
    public static final List<String> QUERIED_INDEXES = List.of(PartnerSourceTable.EXPIRY_INDEX);
    /** The sources as they are now, before the sweep writes them: an index page's at once (BatchGetItem), or one. */
    public static final List<String> READ_ACTIONS = List.of("dynamodb:BatchGetItem", "dynamodb:GetItem");
    /** Delete the source, or mark it DELETED while its customer's bus exists. */
    public static final List<String> SOURCE_ACTIONS = List.of("dynamodb:DeleteItem", "dynamodb:UpdateItem");
    public static final List<String> COUNTER_ACTIONS = RegistryFunction.COUNTER_ACTIONS;
    /** How the schedule may reach the function: invoke it, nothing else. */
    public static final List<String> SCHEDULER_ACTIONS = List.of("lambda:InvokeFunction");
    /** The schedule group the schedule lives in, and the only one whose schedules may use its role. */
    public static final String SCHEDULE_GROUP = "default";
    /** Written by the sweep as EMF in the request metrics' namespace, with no dimension: sources a run expired. */
    public static final String SOURCES_EXPIRED = "SourcesExpired";
    /** Likewise: sources a run found changed under it (activated, re-created) and left alone. */
    public static final String SOURCES_SKIPPED = "SourcesSkipped";

    private final Function function;
    private final LogGroup logGroup;
    private final Role schedulerRole;
    private final CfnSchedule schedule;
    private final Duration interval;

    public ExpirySweep(Construct scope, String id, Props props) {
        super(scope, id);
        this.interval = Duration.minutes(props.intervalMinutes());

        this.logGroup = JavaFunctions.logGroup(this, props.logRetention());
        Role role = JavaFunctions.role(this, "Partner Registry expiry sweep: its log group, the expiry index, and expiring sources",
                logGroup);
        String table = props.table().getTableArn();
        role.addToPrincipalPolicy(RegistryFunction.indexQueries("FindExpiredSources", QUERIED_INDEXES, table));
        role.addToPrincipalPolicy(RegistryFunction.reads("ReadExpiredSources", READ_ACTIONS, RegistryFunction.SOURCE_PARTITIONS, table));
        role.addToPrincipalPolicy(RegistryFunction.writes("ExpireSources", SOURCE_ACTIONS,
                RegistryFunction.SOURCE_PARTITIONS, RegistryFunction.SOURCE_ATTRIBUTES, table));
        role.addToPrincipalPolicy(RegistryFunction.writes("CountExpiredSources", COUNTER_ACTIONS,
                RegistryFunction.COUNTER_PARTITIONS, RegistryFunction.COUNTER_ATTRIBUTES, table));

        Map<String, String> environment = new LinkedHashMap<>();
        environment.put("TABLE_NAME", props.table().getTableName());
        environment.put("METRICS_NAMESPACE", RequestMetrics.NAMESPACE);
        if (props.declareLocalEndpoint()) {
            // As for the registry function: only so that `sam local --env-vars` may override it.
            environment.put("DYNAMODB_ENDPOINT", "");
        }

        this.function = JavaFunctions.handler(this, "Partner Registry: deletes PENDING event sources past their expiry", HANDLER,
                        props.jar(), props.declareLocalEndpoint(), logGroup, role)
                .memorySize(MEMORY_SIZE)
                .timeout(TIMEOUT)
                .reservedConcurrentExecutions(RESERVED_CONCURRENCY)
                // Invoked asynchronously by the schedule: no retry of a failed run, and a run held back by
                // the reservation is dropped once the next one is due.
                .retryAttempts(0)
                .maxEventAge(interval)
                .environment(environment)
                .build();
        NagSuppressions.addResourceSuppressions(function, List.of(NagPackSuppression.builder()
                .id("AwsSolutions-L1")
                .reason("java21 on purpose, as for the registry function whose jar this is: the runtime the code is "
                        + "built and tested for (Java 17 bytecode, SDK and Lambda libraries verified on it). A newer "
                        + "Java runtime is a deliberate upgrade of both functions with its own tests.")
                .build()), true);

        Stack stack = Stack.of(this);
        this.schedulerRole = Role.Builder.create(this, "SchedulerRole")
                // Confused-deputy guard: only schedules of this account's schedule group may use the role.
                .assumedBy(new ServicePrincipal("scheduler.amazonaws.com", ServicePrincipalOpts.builder()
                        .conditions(Map.of("StringEquals", Map.of(
                                "aws:SourceAccount", stack.getAccount(),
                                "aws:SourceArn", stack.formatArn(ArnComponents.builder()
                                        .service("scheduler")
                                        .resource("schedule-group")
                                        .resourceName(SCHEDULE_GROUP)
                                        .build()))))
                        .build()))
                .description("Partner Registry expiry sweep's schedule: invokes the sweep function, nothing else")
                .build();
        // Not function.grantInvoke: that also grants every version and alias (<arn>:*); the schedule invokes $LATEST.
        schedulerRole.addToPrincipalPolicy(PolicyStatement.Builder.create()
                .sid("InvokeTheSweep")
                .effect(Effect.ALLOW)
                .actions(SCHEDULER_ACTIONS)
                .resources(List.of(function.getFunctionArn()))
                .build());

        this.schedule = CfnSchedule.Builder.create(this, "Schedule")
                .description("Partner Registry: run the expiry sweep every " + props.intervalMinutes() + " min")
                .groupName(SCHEDULE_GROUP)
                .scheduleExpression(ScheduleExpression.rate(interval).getExpressionString())
                .flexibleTimeWindow(CfnSchedule.FlexibleTimeWindowProperty.builder().mode("OFF").build())
                .state("ENABLED")
                .target(CfnSchedule.TargetProperty.builder()
                        .arn(function.getFunctionArn())
                        .roleArn(schedulerRole.getRoleArn())
                        // The handler takes a JSON object and reads nothing of it.
                        .input("{}")
                        // A delivery that fails (Lambda's Invoke API refusing, not the run failing) is retried with
                        // backoff, but never past the next run, which would do the same work.
                        .retryPolicy(CfnSchedule.RetryPolicyProperty.builder()
                                .maximumEventAgeInSeconds(interval.toSeconds())
                                .maximumRetryAttempts(2)
                                .build())
                        .build())
                .build();
        // The role and its policy must exist before Scheduler validates the target with them.
        schedule.getNode().addDependency(schedulerRole);
    }

    public Function function() {
        return function;
    }

    public LogGroup logGroup() {
        return logGroup;
    }

    public Role schedulerRole() {
        return schedulerRole;
    }

    public CfnSchedule schedule() {
        return schedule;
    }

    /** How often the sweep runs: the period its alarms count runs and errors in. */
    public Duration interval() {
        return interval;
    }

    /** One of the sweep's own metrics ({@value #SOURCES_EXPIRED}, {@value #SOURCES_SKIPPED}), summed: it writes them with no dimension. */
    public static Metric sweepMetric(String name, Duration period) {
        return Metric.Builder.create()
                .namespace(RequestMetrics.NAMESPACE)
                .metricName(name)
                .statistic("Sum")
                .period(period)
                .build();
    }

    /**
     * @param table                the registry table, with its expiry index
     * @param jar                  the function jar (the registry function's code: the handler lives beside it)
     * @param intervalMinutes      how often the schedule runs the sweep
     * @param logRetention         the sweep's log group retention
     * @param declareLocalEndpoint the SAM/LocalStack flavour: declare {@code DYNAMODB_ENDPOINT} blank, run on x86_64
     */
    public record Props(ITable table, Path jar, int intervalMinutes, RetentionDays logRetention, boolean declareLocalEndpoint) {

        public Props {
            Objects.requireNonNull(table, "table");
            Objects.requireNonNull(jar, "jar");
            Objects.requireNonNull(logRetention, "logRetention");
            if (intervalMinutes < StackSettings.MIN_SWEEP_INTERVAL_MINUTES || intervalMinutes > StackSettings.MAX_SWEEP_INTERVAL_MINUTES) {
                throw new IllegalArgumentException("intervalMinutes must be " + StackSettings.MIN_SWEEP_INTERVAL_MINUTES + ".."
                        + StackSettings.MAX_SWEEP_INTERVAL_MINUTES + ", was " + intervalMinutes);
            }
        }

        public static Builder builder() {
            return new Builder();
        }

        public static final class Builder {
            private ITable table;
            private Path jar;
            private int intervalMinutes = StackSettings.DEFAULT_SWEEP_INTERVAL_MINUTES;
            private RetentionDays logRetention = RetentionDays.ONE_MONTH;
            private boolean declareLocalEndpoint;

            public Builder table(ITable v) { this.table = v; return this; }
            public Builder jar(Path v) { this.jar = v; return this; }
            public Builder intervalMinutes(int v) { this.intervalMinutes = v; return this; }
            public Builder logRetention(RetentionDays v) { this.logRetention = v; return this; }
            public Builder declareLocalEndpoint(boolean v) { this.declareLocalEndpoint = v; return this; }

            public Props build() {
                return new Props(table, jar, intervalMinutes, logRetention, declareLocalEndpoint);
            }
        }
    }
}
