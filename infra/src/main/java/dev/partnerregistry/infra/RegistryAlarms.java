package dev.partnerregistry.infra;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.apigateway.Stage;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.ComparisonOperator;
import software.amazon.awscdk.services.cloudwatch.IMetric;
import software.amazon.awscdk.services.cloudwatch.MathExpression;
import software.amazon.awscdk.services.cloudwatch.MetricOptions;
import software.amazon.awscdk.services.cloudwatch.TreatMissingData;
import software.amazon.awscdk.services.cloudwatch.actions.SnsAction;
import software.amazon.awscdk.services.dynamodb.ITable;
import software.amazon.awscdk.services.lambda.IFunction;
import software.amazon.awscdk.services.sns.ITopic;
import software.amazon.awscdk.services.sns.Topic;
import software.constructs.Construct;

/**
 * Alarms for the failures a caller sees as InternalException or throttling: function errors
 * (an uncaught exception, a timeout), function throttles (concurrency exhausted), API 5xx
 * (the integration failed or the function answered 500), DynamoDB SystemErrors on the
 * operations the store uses, and the function's own request metrics: any InternalException
 * answer ({@code Faults}), and a create p99 latency above {@value #CREATE_P99_THRESHOLD_MS} ms
 * for three periods running. The failure alarms fire on one occurrence in a 5-minute period,
 * since a healthy registry has none; missing data (no traffic) is not a breach. With an
 * {@code alarmTopicArn} the alarms notify that existing topic on alarm and on recovery.
 *
 * <p>The expiry sweep's alarms count in periods of its interval, one run each, and ask for three
 * periods running: a run that fails once is retried by the next one a few minutes later, and an
 * expired source (already hidden from readers) holding its slot minutes longer harms nobody, while a sweep that keeps failing,
 * stops running or keeps needing nearly all of its time is an operator's problem.
 * <ul>
 *   <li>errors in three runs in a row (a bug, a permission, a missing index: they fail every run);</li>
 *   <li>no run in three intervals, missing data counting as none (the schedule is disabled or gone,
 *       or Scheduler cannot invoke the function);</li>
 *   <li>three runs in a row above {@value #SWEEP_DURATION_THRESHOLD_PERCENT}% of its timeout: the
 *       backlog does not clear within a run, and the next may time out.</li>
 * </ul>
 *
 * <p>Delivery of partner events ({@link EventDelivery}): the forwarder's errors (an uncaught exception or a
 * timeout: its whole batch is received again) on one occurrence in 5 minutes; any message in the
 * dead-letter queue (an event the bus refused, or still failing on its {@value EventDelivery#MAX_RECEIVE_COUNT}th receive), on
 * one; the oldest queued event older than {@link #DELIVERY_BACKLOG_THRESHOLD}, longer than any event
 * can spend being retried, so events are not being received at all (the mapping disabled, the
 * forwarder failing before it answers, or too few forwarders for the load); and failed deliveries
 * ({@value EventDelivery#EVENTS_DELIVERY_FAILED}) in {@value #DELIVERY_FAILURE_PERIODS} periods of 5
 * minutes running: a customer's bus refusing (its policy, a deleted bus) or EventBridge throttling,
 * which a single retried failure does not show.
 */
public final class RegistryAlarms extends Construct {

    /** Operations the store calls (the NextToken key and a retried create's check are GetItems): SystemErrors is per operation. */
    public static final List<String> TABLE_OPERATIONS = List.of("TransactWriteItems", "TransactGetItems", "GetItem", "Query");

    /** A create is one TransactWriteItems; seconds at p99 mean DynamoDB or the SDK's retries are struggling. */
    public static final int CREATE_P99_THRESHOLD_MS = 3000;

    /** How many sweep intervals running each sweep alarm waits for. */
    public static final int SWEEP_PERIODS = 3;
    /** A run's duration, in percent of the sweep's timeout, that counts as close to it. */
    public static final int SWEEP_DURATION_THRESHOLD_PERCENT = 80;

    /**
     * Twenty minutes: a message that keeps failing is received {@value EventDelivery#MAX_RECEIVE_COUNT} times, one
     * visibility timeout apart, before it moves to the dead-letter queue (about 15 minutes in all), and keeps its age
     * meanwhile; an older one has not been received as it should.
     */
    public static final Duration DELIVERY_BACKLOG_THRESHOLD = Duration.minutes(20);
    /** How many 5-minute periods running with failed deliveries raise the alarm. */
    public static final int DELIVERY_FAILURE_PERIODS = 3;

    private final List<Alarm> alarms = new ArrayList<>();

    public RegistryAlarms(Construct scope, String id, Props props) {
        super(scope, id);
        Duration period = Duration.minutes(5);
        MetricOptions sum = MetricOptions.builder().period(period).statistic("Sum").build();

        alarm("FunctionErrors", props.function().metricErrors(sum),
                "Partner Registry function errors (uncaught exceptions or timeouts)");
        alarm("FunctionThrottles", props.function().metricThrottles(sum),
                "Partner Registry function throttled: concurrency exhausted, callers get 5xx");
        alarm("Api5xx", props.stage().metricServerError(sum),
                "Partner Registry API answered 5xx (InternalException, integration or function failure)");
        alarm("TableSystemErrors", systemErrors(props.table(), period),
                "Partner Registry table: DynamoDB SystemErrors (HTTP 500 from DynamoDB)");
        alarm("RequestFaults", RequestMetrics.forService(RequestMetrics.FAULTS, "Sum", period),
                "Partner Registry answered InternalException (the request log line with the same requestId has the cause)");
        alarms.add(Alarm.Builder.create(this, "CreateLatencyP99")
                .metric(RequestMetrics.byOperation(RequestMetrics.LATENCY, "CreatePartnerEventSource", "p99", period))
                .alarmDescription("Partner Registry CreatePartnerEventSource p99 latency above " + CREATE_P99_THRESHOLD_MS
                        + " ms for 15 minutes")
                .threshold(CREATE_P99_THRESHOLD_MS)
                .comparisonOperator(ComparisonOperator.GREATER_THAN_THRESHOLD)
                .evaluationPeriods(3)
                .datapointsToAlarm(3)
                .treatMissingData(TreatMissingData.NOT_BREACHING)
                .build());
        if (props.sweep() != null) {
            sweepAlarms(props.sweep());
        }
        deliveryAlarms(props.delivery(), period);

        if (props.alarmTopicArn() != null) {
            ITopic topic = Topic.fromTopicArn(this, "AlarmTopic", props.alarmTopicArn());
            SnsAction action = new SnsAction(topic);
            for (Alarm alarm : alarms) {
                alarm.addAlarmAction(action);
                alarm.addOkAction(action);
            }
        }
    }

    private void sweepAlarms(ExpirySweep sweep) {
        Duration interval = sweep.interval();
        String runs = SWEEP_PERIODS + " runs in a row";
        alarms.add(Alarm.Builder.create(this, "SweepErrors")
                .metric(sweep.function().metricErrors(MetricOptions.builder().period(interval).statistic("Sum").build()))
                .alarmDescription("Partner Registry expiry sweep failed in " + runs
                        + " (an uncaught exception or a timeout; the sweep's log group has the cause)")
                .threshold(1)
                .comparisonOperator(ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD)
                .evaluationPeriods(SWEEP_PERIODS)
                .datapointsToAlarm(SWEEP_PERIODS)
                // No run, no datapoint: SweepNotRunning's concern, not this one's.
                .treatMissingData(TreatMissingData.NOT_BREACHING)
                .build());
        alarms.add(Alarm.Builder.create(this, "SweepNotRunning")
                .metric(sweep.function().metricInvocations(MetricOptions.builder().period(interval).statistic("Sum").build()))
                .alarmDescription("Partner Registry expiry sweep has not run for " + SWEEP_PERIODS + " intervals of "
                        + interval.toMinutes().intValue() + " min (schedule disabled or deleted, or Scheduler cannot invoke it): "
                        + "PENDING sources are not expiring")
                .threshold(1)
                .comparisonOperator(ComparisonOperator.LESS_THAN_THRESHOLD)
                .evaluationPeriods(SWEEP_PERIODS)
                .datapointsToAlarm(SWEEP_PERIODS)
                // Lambda reports Invocations only for periods with some: silence is exactly what this alarm is for.
                .treatMissingData(TreatMissingData.BREACHING)
                .build());
        double thresholdMs = ExpirySweep.TIMEOUT.toMilliseconds().doubleValue() * SWEEP_DURATION_THRESHOLD_PERCENT / 100.0;
        alarms.add(Alarm.Builder.create(this, "SweepDurationNearTimeout")
                .metric(sweep.function().metricDuration(MetricOptions.builder().period(interval).statistic("Maximum").build()))
                .alarmDescription("Partner Registry expiry sweep ran above " + SWEEP_DURATION_THRESHOLD_PERCENT + "% of its "
                        + ExpirySweep.TIMEOUT.toMinutes().intValue() + " min timeout in " + runs
                        + ": the backlog of expired sources does not clear within a run")
                .threshold(thresholdMs)
                .comparisonOperator(ComparisonOperator.GREATER_THAN_THRESHOLD)
                .evaluationPeriods(SWEEP_PERIODS)
                .datapointsToAlarm(SWEEP_PERIODS)
                .treatMissingData(TreatMissingData.NOT_BREACHING)
                .build());
    }

    private void deliveryAlarms(EventDelivery delivery, Duration period) {
        MetricOptions sum = MetricOptions.builder().period(period).statistic("Sum").build();
        MetricOptions maximum = MetricOptions.builder().period(period).statistic("Maximum").build();
        alarm("ForwarderErrors", delivery.function().metricErrors(sum),
                "Partner Registry forwarder errors (an uncaught exception or a timeout: the whole batch is received again; "
                        + "the forwarder's log group has the cause)");
        alarm("DeliveryDeadLetters", delivery.deadLetterQueue().metricApproximateNumberOfMessagesVisible(maximum),
                "Partner Registry partner events in the dead-letter queue: refused by the customer's bus, or still failing on "
                        + "the " + EventDelivery.MAX_RECEIVE_COUNT + "th receive (admin dead-letters lists each with its reason; "
                        + "redrive-dead-letters sends them back once the cause is fixed, docs/deploy.md)");
        alarms.add(Alarm.Builder.create(this, "DeliveryBacklog")
                .metric(delivery.queue().metricApproximateAgeOfOldestMessage(maximum))
                .alarmDescription("Partner Registry partner events waiting over " + DELIVERY_BACKLOG_THRESHOLD.toMinutes().intValue()
                        + " min in the delivery queue, longer than retries take: the forwarder is not receiving them "
                        + "(event source mapping disabled, forwarder failing, or deliveryMaxConcurrency too low for the load)")
                .threshold(DELIVERY_BACKLOG_THRESHOLD.toSeconds().doubleValue())
                .comparisonOperator(ComparisonOperator.GREATER_THAN_THRESHOLD)
                .evaluationPeriods(1)
                .datapointsToAlarm(1)
                .treatMissingData(TreatMissingData.NOT_BREACHING)
                .build());
        alarms.add(Alarm.Builder.create(this, "DeliveryFailing")
                .metric(RequestMetrics.forService(EventDelivery.EVENTS_DELIVERY_FAILED, "Sum", period))
                .alarmDescription("Partner Registry failed to deliver partner events for " + DELIVERY_FAILURE_PERIODS * 5
                        + " minutes running (a customer's bus refusing, deleted or throttling: the forwarder's batch lines "
                        + "have failureCodes)")
                .threshold(0)
                .comparisonOperator(ComparisonOperator.GREATER_THAN_THRESHOLD)
                .evaluationPeriods(DELIVERY_FAILURE_PERIODS)
                .datapointsToAlarm(DELIVERY_FAILURE_PERIODS)
                // The forwarder writes a line per batch, so no line means no batch, not a failure.
                .treatMissingData(TreatMissingData.NOT_BREACHING)
                .build());
    }

    /**
     * SystemErrors summed over the operations the store calls, each filled with 0 where it has no
     * datapoint: DynamoDB reports an operation's metric only in periods it had errors, and a plain
     * sum has no value unless every operation reported, so the alarm could never fire.
     */
    private static IMetric systemErrors(ITable table, Duration period) {
        Map<String, IMetric> terms = new LinkedHashMap<>();
        List<String> filled = new ArrayList<>();
        for (int i = 0; i < TABLE_OPERATIONS.size(); i++) {
            terms.put("e" + i, table.metric("SystemErrors", MetricOptions.builder()
                    .dimensionsMap(Map.of("TableName", table.getTableName(), "Operation", TABLE_OPERATIONS.get(i)))
                    .statistic("Sum")
                    .period(period)
                    .build()));
            filled.add("FILL(e" + i + ", 0)");
        }
        return MathExpression.Builder.create()
                .expression(String.join(" + ", filled))
                .usingMetrics(terms)
                .label("SystemErrors")
                .period(period)
                .build();
    }

    private void alarm(String id, IMetric metric, String description) {
        alarms.add(Alarm.Builder.create(this, id)
                .metric(metric)
                .alarmDescription(description)
                .threshold(1)
                .comparisonOperator(ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD)
                .evaluationPeriods(1)
                .datapointsToAlarm(1)
                .treatMissingData(TreatMissingData.NOT_BREACHING)
                .build());
    }

    public List<Alarm> alarms() {
        return List.copyOf(alarms);
    }

    /**
     * @param sweep    the expiry sweep, or null where the stack has none (the first deploy of an index upgrade)
     * @param delivery the delivery queue, its dead-letter queue and the forwarder
     */
    public record Props(IFunction function, Stage stage, ITable table, String alarmTopicArn, ExpirySweep sweep, EventDelivery delivery) {

        public Props {
            Objects.requireNonNull(function, "function");
            Objects.requireNonNull(delivery, "delivery");
            Objects.requireNonNull(stage, "stage");
            Objects.requireNonNull(table, "table");
        }

        public static Builder builder() {
            return new Builder();
        }

        public static final class Builder {
            private IFunction function;
            private Stage stage;
            private ITable table;
            private String alarmTopicArn;
            private ExpirySweep sweep;
            private EventDelivery delivery;

            public Builder function(IFunction v) { this.function = v; return this; }
            public Builder stage(Stage v) { this.stage = v; return this; }
            public Builder delivery(EventDelivery v) { this.delivery = v; return this; }
            public Builder table(ITable v) { this.table = v; return this; }
            public Builder alarmTopicArn(String v) { this.alarmTopicArn = v; return this; }
            public Builder sweep(ExpirySweep v) { this.sweep = v; return this; }

            public Props build() {
                return new Props(function, stage, table, alarmTopicArn, sweep, delivery);
            }
        }
    }
}
