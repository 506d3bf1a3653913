package dev.partnerregistry.infra;

import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.cloudwatch.IMetric;
import software.amazon.awscdk.services.cloudwatch.MathExpression;
import software.amazon.awscdk.services.cloudwatch.Metric;

/**
 * The metrics the function writes as Embedded Metric Format, one document per request (its
 * request log line): the names here must be the function's own, which a test checks against
 * {@code RequestLog}. Dimensions are closed sets: Operation, and Operation with Outcome
 * ({@value #SUCCESS} or the EventBridge error code).
 */
public final class RequestMetrics {

    public static final String NAMESPACE = "PartnerRegistry";
    public static final String REQUESTS = "Requests";
    public static final String ERRORS = "Errors";
    public static final String FAULTS = "Faults";
    public static final String LATENCY = "Latency";
    public static final List<String> METRICS = List.of(REQUESTS, ERRORS, FAULTS, LATENCY);
    /**
     * PutPartnerEvents' own counts in its request line (the entries it queued, accepted and dropped, failed), with
     * the same dimension sets as the metrics above.
     */
    public static final String EVENTS_QUEUED = "EventsQueued";
    public static final String EVENTS_DROPPED = "EventsDropped";
    public static final String EVENTS_FAILED = "EventsFailed";
    public static final List<String> EVENT_COUNTS = List.of(EVENTS_QUEUED, EVENTS_DROPPED, EVENTS_FAILED);
    public static final String OPERATION = "Operation";
    public static final String OUTCOME = "Outcome";
    public static final String SUCCESS = "Success";
    /** The partner's source operations, the customer's (the source lifecycle and the partner event bus), then the partner's events. */
    public static final List<String> OPERATIONS = List.of(
            "CreatePartnerEventSource",
            "DescribePartnerEventSource",
            "ListPartnerEventSources",
            "ListPartnerEventSourceAccounts",
            "DeletePartnerEventSource",
            "ListEventSources",
            "DescribeEventSource",
            "ActivateEventSource",
            "DeactivateEventSource",
            "CreateEventBus",
            "DeleteEventBus",
            "DescribeEventBus",
            "PutPartnerEvents");

    private RequestMetrics() {
    }

    public static Metric byOperation(String metric, String operation, String statistic, Duration period) {
        return Metric.Builder.create()
                .namespace(NAMESPACE)
                .metricName(metric)
                .dimensionsMap(Map.of(OPERATION, operation))
                .statistic(statistic)
                .period(period)
                .build();
    }

    /** Every outcome of every operation, found by CloudWatch search: errors by code without listing codes here. */
    public static IMetric outcomes(Duration period) {
        return MathExpression.Builder.create()
                .expression("SEARCH('{" + NAMESPACE + "," + OPERATION + "," + OUTCOME + "} MetricName=\"" + REQUESTS + "\"', 'Sum', "
                        + (int) period.toSeconds() + ")")
                .label("")
                .period(period)
                .build();
    }

    /**
     * The metric for the whole service: the function also writes each metric with no dimension,
     * because a sum of per-operation series has no value in a period where one of them is empty.
     */
    public static Metric forService(String metric, String statistic, Duration period) {
        return Metric.Builder.create()
                .namespace(NAMESPACE)
                .metricName(metric)
                .statistic(statistic)
                .period(period)
                .build();
    }
}
