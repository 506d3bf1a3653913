package dev.partnerregistry.infra;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.cloudwatch.Dashboard;
import software.amazon.awscdk.services.cloudwatch.GraphWidget;
import software.amazon.awscdk.services.cloudwatch.HorizontalAnnotation;
import software.amazon.awscdk.services.cloudwatch.IMetric;
import software.amazon.awscdk.services.cloudwatch.LogQueryWidget;
import software.amazon.awscdk.services.cloudwatch.MetricOptions;
import software.amazon.awscdk.services.lambda.IFunction;
import software.amazon.awscdk.services.logs.ILogGroup;
import software.constructs.Construct;

/**
 * One CloudWatch dashboard for an operator: requests and outcomes (errors by code) per operation,
 * p50/p99 latency, faults next to the function's own errors and throttles, and the latest
 * failed requests from the request log. Everything comes from the function's request metrics
 * ({@link RequestMetrics}) and its log group; then the expiry sweep: its runs and errors beside
 * the sources it expired and skipped ({@value ExpirySweep#SOURCES_EXPIRED},
 * {@value ExpirySweep#SOURCES_SKIPPED}, which it writes itself), and how long its runs take
 * against its timeout; then partner events: what PutPartnerEvents queued, dropped and failed
 * beside what the forwarder delivered and failed to, the delivery lag, the forwarder's runs,
 * errors and throttles, the delivery queue's depth and the age of its oldest event against the
 * backlog alarm's threshold, and the dead-letter queue's depth.
 */
public final class RegistryDashboard extends Construct {

    private final Dashboard dashboard;

    public RegistryDashboard(Construct scope, String id, Props props) {
        super(scope, id);
        Duration period = Duration.minutes(5);
        dashboard = Dashboard.Builder.create(this, "Dashboard").build();

        dashboard.addWidgets(
                graph("Requests by operation (sum)", perOperation(RequestMetrics.REQUESTS, "Sum", period)),
                graph("Outcomes: Success or error code (sum)", List.of(RequestMetrics.outcomes(period))));
        dashboard.addWidgets(
                graph("Latency p99 by operation (ms)", perOperation(RequestMetrics.LATENCY, "p99", period)),
                graph("Latency p50 by operation (ms)", perOperation(RequestMetrics.LATENCY, "p50", period)));
        MetricOptions sum = MetricOptions.builder().period(period).statistic("Sum").build();
        dashboard.addWidgets(
                graph("Faults (InternalException answers) by operation", perOperation(RequestMetrics.FAULTS, "Sum", period)),
                graph("Function errors and throttles", List.of(
                        props.function().metricErrors(sum), props.function().metricThrottles(sum))));
        dashboard.addWidgets(LogQueryWidget.Builder.create()
                .title("Latest error answers (request log)")
                .logGroupNames(List.of(props.logGroup().getLogGroupName()))
                .queryLines(List.of(
                        "fields @timestamp, requestId, Operation, Outcome, partner, status, Latency, storeRequests",
                        "filter Errors = 1",
                        "sort @timestamp desc",
                        "limit 50"))
                .width(24)
                .build());
        if (props.sweep() != null) {
            ExpirySweep sweep = props.sweep();
            dashboard.addWidgets(
                    GraphWidget.Builder.create()
                            .title("Expiry sweep: runs, errors, sources expired and skipped (sum)")
                            .left(List.of(
                                    sweep.function().metricInvocations(sum(period, "Runs")),
                                    sweep.function().metricErrors(sum(period, "Failed runs"))))
                            .right(List.of(
                                    ExpirySweep.sweepMetric(ExpirySweep.SOURCES_EXPIRED, period)
                                            .with(MetricOptions.builder().label(ExpirySweep.SOURCES_EXPIRED).build()),
                                    ExpirySweep.sweepMetric(ExpirySweep.SOURCES_SKIPPED, period)
                                            .with(MetricOptions.builder().label(ExpirySweep.SOURCES_SKIPPED).build())))
                            .width(12)
                            .build(),
                    GraphWidget.Builder.create()
                            .title("Expiry sweep: longest run (ms) against its timeout")
                            .left(List.of(sweep.function().metricDuration(MetricOptions.builder()
                                    .period(period).statistic("Maximum").label("Longest run").build())))
                            .leftAnnotations(List.of(HorizontalAnnotation.builder()
                                    .value(ExpirySweep.TIMEOUT.toMilliseconds())
                                    .label("Timeout")
                                    .build()))
                            .width(12)
                            .build());
        }
        deliveryWidgets(props.delivery(), period);
    }

    private void deliveryWidgets(EventDelivery delivery, Duration period) {
        dashboard.addWidgets(
                graph("Partner events accepted: queued, dropped, failed (sum)", RequestMetrics.EVENT_COUNTS.stream()
                        .map(name -> (IMetric) RequestMetrics.forService(name, "Sum", period)
                                .with(MetricOptions.builder().label(name).build()))
                        .toList()),
                graph("Partner events delivered, to be retried and dead-lettered (sum)", List.of(
                        RequestMetrics.forService(EventDelivery.EVENTS_DELIVERED, "Sum", period)
                                .with(MetricOptions.builder().label(EventDelivery.EVENTS_DELIVERED).build()),
                        RequestMetrics.forService(EventDelivery.EVENTS_DELIVERY_FAILED, "Sum", period)
                                .with(MetricOptions.builder().label(EventDelivery.EVENTS_DELIVERY_FAILED).build()),
                        RequestMetrics.forService(EventDelivery.EVENTS_DEAD_LETTERED, "Sum", period)
                                .with(MetricOptions.builder().label(EventDelivery.EVENTS_DEAD_LETTERED).build()))));
        dashboard.addWidgets(
                // Each batch writes its slowest delivered event's lag: these are percentiles over batches.
                graph("Delivery lag p50 and p99 (ms, each batch's slowest event)", List.of(
                        RequestMetrics.forService(EventDelivery.DELIVERY_LAG, "p50", period)
                                .with(MetricOptions.builder().label("p50").build()),
                        RequestMetrics.forService(EventDelivery.DELIVERY_LAG, "p99", period)
                                .with(MetricOptions.builder().label("p99").build()))),
                graph("Forwarder: batches, errors and throttles (sum)", List.of(
                        delivery.function().metricInvocations(sum(period, "Batches")),
                        delivery.function().metricErrors(sum(period, "Errors")),
                        delivery.function().metricThrottles(sum(period, "Throttles")))));
        MetricOptions maximum = MetricOptions.builder().period(period).statistic("Maximum").build();
        dashboard.addWidgets(
                GraphWidget.Builder.create()
                        .title("Delivery queue: events waiting and in flight, age of the oldest (s)")
                        .left(List.of(
                                delivery.queue().metricApproximateNumberOfMessagesVisible(maximum)
                                        .with(MetricOptions.builder().label("Waiting").build()),
                                delivery.queue().metricApproximateNumberOfMessagesNotVisible(maximum)
                                        .with(MetricOptions.builder().label("In flight").build())))
                        .right(List.of(delivery.queue().metricApproximateAgeOfOldestMessage(maximum)
                                .with(MetricOptions.builder().label("Oldest (s)").build())))
                        .rightAnnotations(List.of(HorizontalAnnotation.builder()
                                .value(RegistryAlarms.DELIVERY_BACKLOG_THRESHOLD.toSeconds())
                                .label("Backlog alarm")
                                .build()))
                        .width(12)
                        .build(),
                graph("Dead-letter queue: undelivered events", List.of(
                        delivery.deadLetterQueue().metricApproximateNumberOfMessagesVisible(maximum)
                                .with(MetricOptions.builder().label("Dead-lettered").build()))));
    }

    private static List<IMetric> perOperation(String metric, String statistic, Duration period) {
        List<IMetric> metrics = new ArrayList<>();
        for (String operation : RequestMetrics.OPERATIONS) {
            metrics.add(RequestMetrics.byOperation(metric, operation, statistic, period)
                    .with(MetricOptions.builder().label(operation).build()));
        }
        return metrics;
    }

    private static MetricOptions sum(Duration period, String label) {
        return MetricOptions.builder().period(period).statistic("Sum").label(label).build();
    }

    private static GraphWidget graph(String title, List<IMetric> metrics) {
        return GraphWidget.Builder.create().title(title).left(metrics).width(12).build();
    }

    public Dashboard dashboard() {
        return dashboard;
    }

    /**
     * @param sweep    the expiry sweep, or null where the stack has none (the first deploy of an index upgrade)
     * @param delivery the delivery queue, its dead-letter queue and the forwarder
     */
    public record Props(IFunction function, ILogGroup logGroup, ExpirySweep sweep, EventDelivery delivery) {

        public Props {
            Objects.requireNonNull(function, "function");
            Objects.requireNonNull(delivery, "delivery");
            Objects.requireNonNull(logGroup, "logGroup");
        }

        public static Builder builder() {
            return new Builder();
        }

        public static final class Builder {
            private IFunction function;
            private ILogGroup logGroup;
            private ExpirySweep sweep;
            private EventDelivery delivery;

            public Builder function(IFunction v) { this.function = v; return this; }
            public Builder delivery(EventDelivery v) { this.delivery = v; return this; }
            public Builder logGroup(ILogGroup v) { this.logGroup = v; return this; }
            public Builder sweep(ExpirySweep v) { this.sweep = v; return this; }

            public Props build() {
                return new Props(function, logGroup, sweep, delivery);
            }
        }
    }
}
