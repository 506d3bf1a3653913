package dev.partnerregistry.api;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import dev.partnerregistry.RegistrySettings;
import dev.partnerregistry.store.DynamoDbClients;
import dev.partnerregistry.store.ExpiredSourceSweep;
import java.io.PrintStream;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import dev.partnerregistry.domain.JsonWriter;

/**
 * The scheduled sweep (a Lambda function of its own, on the same jar): deletes the sources whose
 * PENDING time ran out and frees their partners' slots. Its one log line is also an Embedded
 * Metric Format document: {@value #EXPIRED} and {@value #SKIPPED} (sources the sweep found changed
 * under it), in the registry's metrics namespace, without dimensions.
 */
public final class ExpirySweepHandler implements RequestHandler<Map<String, Object>, String> {

    public static final String EXPIRED = "SourcesExpired";
    public static final String SKIPPED = "SourcesSkipped";
    /**
     * Sources one run takes at most, every 5 minutes deployed: up to 20,000 per 5 minutes, about 67 a
     * second. At about six DynamoDB requests per hundred sources (a page of the index, one BatchGetItem,
     * transactions of 25 items) that is well within the function's 5 minutes.
     */
    static final int MAX_PER_RUN = 20_000;
    /** A source's share of a run's time, assumed generously (a batch of 100 is a few round trips): what fits the time left. */
    static final int MILLIS_PER_SOURCE = 5;

    private final ExpiredSourceSweep sweep;
    /** The EMF directive after its timestamp: constant for the namespace, so made once. */
    private final String metricsDirective;
    private final Clock clock;
    private final PrintStream out;

    /** Lambda's constructor: the settings and the one DynamoDB client, once, at init. */
    public ExpirySweepHandler() {
        this(RegistrySettings.fromEnvironment(System.getenv()), Clock.systemUTC(), System.out);
    }

    private ExpirySweepHandler(RegistrySettings settings, Clock clock, PrintStream out) {
        this(new ExpiredSourceSweep(DynamoDbClients.lean(settings, DynamoDbClients.lambdaCredentials(System.getenv())), settings.tableName(),
                        settings.conflictBudget()),
                settings.metricsNamespace(), clock, out);
    }

    /** For the local runtime and tests: a sweep assembled elsewhere. */
    public ExpirySweepHandler(ExpiredSourceSweep sweep, String namespace, Clock clock, PrintStream out) {
        this.sweep = sweep;
        this.metricsDirective = EmbeddedMetrics.afterTimestamp(namespace, List.of(List.of()), Map.of(EXPIRED, "Count", SKIPPED, "Count"));
        this.clock = clock;
        this.out = out;
    }

    @Override
    public String handleRequest(Map<String, Object> scheduledEvent, Context context) {
        long now = clock.millis();
        // Within the function's time, 10 s kept in reserve; the rest left to the next run.
        int max = context == null ? MAX_PER_RUN
                : (int) Math.max(0, Math.min(MAX_PER_RUN, (context.getRemainingTimeInMillis() - 10_000) / MILLIS_PER_SOURCE));
        ExpiredSourceSweep.Result result = sweep.sweep(clock.instant(), max);
        JsonWriter w = new JsonWriter();
        w.writeStartObject();
        EmbeddedMetrics.directive(w, now, metricsDirective);
        w.writeFieldName("sweep").writeValue("expired sources");
        w.writeFieldName(EXPIRED).writeValue(result.expired());
        w.writeFieldName(SKIPPED).writeValue(result.skipped());
        w.writeEndObject();
        String line = w.toString();
        out.println(line);
        return line;
    }
}
