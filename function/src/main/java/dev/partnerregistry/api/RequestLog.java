package dev.partnerregistry.api;

import dev.partnerregistry.domain.RegistryOperation;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.LinkedHashMap;
import java.util.concurrent.ConcurrentHashMap;
import dev.partnerregistry.domain.JsonWriter;

/**
 * The registry's one logger: one JSON line per request, which is also a CloudWatch Embedded Metric
 * Format document, so that the same line is searchable in Logs Insights and becomes metrics with
 * no agent, no API call and no library (EMF written by hand costs nothing at cold start).
 *
 * <p>Metrics, in the namespace of the settings: {@code Requests}, {@code Errors} (any error
 * answer), {@code Faults} (5xx) and {@code Latency} (ms): for the whole service (an empty
 * dimension set, which alarms need: a sum over per-operation series has no value in a period
 * where one operation had no traffic), by {@code Operation}, and by {@code Operation} and
 * {@code Outcome} (Success or the error code). Both dimensions are closed sets; the partner and
 * the request id are log fields only, never dimensions.
 */
public final class RequestLog {

    public static final String REQUESTS = "Requests";
    public static final String ERRORS = "Errors";
    public static final String FAULTS = "Faults";
    public static final String LATENCY = "Latency";
    public static final String OPERATION = "Operation";
    public static final String OUTCOME = "Outcome";
    /** The Outcome of a request answered 200; any other Outcome is the error code. */
    public static final String SUCCESS = "Success";
    /** The Operation of a request that named no operation of this service (never the raw target). */
    public static final String UNKNOWN_OPERATION = "Unknown";
    /** A cause's stack trace is cut here: enough to find the bug, bounded whatever the depth. */
    static final int MAX_CAUSE_CHARS = 8_192;

    private static final List<List<String>> DIMENSIONS = List.of(List.of(), List.of(OPERATION), List.of(OPERATION, OUTCOME));

    private final PrintStream out;
    private final String namespace;
    /** The directive of a request without counts of its own, and those of the few operations with some (a closed set). */
    private final String directive;
    private final Map<List<String>, String> directives = new ConcurrentHashMap<>();

    private RequestLog(PrintStream out, String namespace) {
        this.out = out;
        this.namespace = namespace;
        this.directive = directive(List.of());
    }

    public static RequestLog to(PrintStream out, String namespace) {
        return new RequestLog(out, namespace);
    }

    /**
     * What one request did. {@code errorCode} is null for a success; {@code cause} only for a fault;
     * {@code counts} are more metrics of the request's own (PutPartnerEvents: events queued, dropped, failed).
     */
    public record Entry(String requestId, RegistryOperation operation, String partner, int status, String errorCode,
                        double latencyMs, int storeRequests, Throwable cause, Map<String, Integer> counts) {

        public Entry(String requestId, RegistryOperation operation, String partner, int status, String errorCode,
                     double latencyMs, int storeRequests, Throwable cause) {
            this(requestId, operation, partner, status, errorCode, latencyMs, storeRequests, cause, Map.of());
        }
    }

    void record(Entry entry) {
        // One write of the line and its newline, in UTF-8: lines from concurrent requests never interleave, and the
        // bytes are one array copy of the line (println would run it through the stream's character encoder).
        byte[] line = (line(entry, System.currentTimeMillis()) + "\n").getBytes(StandardCharsets.UTF_8);
        out.write(line, 0, line.length);
    }

    String line(Entry entry, long epochMillis) {
        String operation = entry.operation() == null ? UNKNOWN_OPERATION : entry.operation().operationName();
        String outcome = entry.errorCode() == null ? SUCCESS : entry.errorCode();
        JsonWriter w = new JsonWriter(new StringBuilder(640)).writeStartObject()
                .writeFieldName("_aws").writeStartObject().writeFieldName("Timestamp").writeValue(epochMillis)
                .writeRaw(entry.counts().isEmpty() ? directive : directives.computeIfAbsent(List.copyOf(entry.counts().keySet()), this::directive));
        w.writeFieldName("level").writeValue(entry.status() >= 500 ? "ERROR" : "INFO")
                .writeFieldName("requestId").writeValue(entry.requestId())
                .writeFieldName(OPERATION).writeValue(operation)
                .writeFieldName(OUTCOME).writeValue(outcome);
        if (entry.partner() != null) {
            w.writeFieldName("partner").writeValue(entry.partner());
        }
        w.writeFieldName("status").writeValue(entry.status())
                .writeFieldName("storeRequests").writeValue(entry.storeRequests())
                .writeFieldName(REQUESTS).writeValue(1)
                .writeFieldName(ERRORS).writeValue(entry.errorCode() == null ? 0 : 1)
                .writeFieldName(FAULTS).writeValue(entry.status() >= 500 ? 1 : 0)
                .writeFieldName(LATENCY).writeNumber(milliseconds(entry.latencyMs()));
        entry.counts().forEach((name, count) -> w.writeFieldName(name).writeValue(count));
        if (entry.cause() != null) {
            w.writeFieldName("cause").writeValue(stackTrace(entry.cause()));
        }
        return w.writeEndObject().toString();
    }

    /**
     * Milliseconds to the microsecond, as {@code Double.toString} writes the rounded value ({@code 12.346},
     * {@code 1.0}) for any latency a request can have, without its floating-point formatting.
     */
    static String milliseconds(double latencyMs) {
        long micros = Math.round(latencyMs * 1000);
        if (micros < 0 || micros >= 10_000_000_000L) {
            return Double.toString(micros / 1000.0);
        }
        String fraction = Long.toString(1000 + micros % 1000).substring(1);
        int end = fraction.length();
        while (end > 1 && fraction.charAt(end - 1) == '0') {
            end--;
        }
        return (micros / 1000) + "." + fraction.substring(0, end);
    }

    /** The rest of the {@code _aws} member after its Timestamp, for a request with these counts of its own: the same text every time. */
    private String directive(List<String> counts) {
        Map<String, String> metrics = new LinkedHashMap<>();
        metrics.put(REQUESTS, "Count");
        metrics.put(ERRORS, "Count");
        metrics.put(FAULTS, "Count");
        metrics.put(LATENCY, "Milliseconds");
        counts.forEach(name -> metrics.put(name, "Count"));
        return EmbeddedMetrics.afterTimestamp(namespace, DIMENSIONS, metrics);
    }

    private static String stackTrace(Throwable cause) {
        StringWriter trace = new StringWriter();
        cause.printStackTrace(new PrintWriter(trace));
        String text = trace.toString();
        return text.length() <= MAX_CAUSE_CHARS ? text : text.substring(0, MAX_CAUSE_CHARS) + "...";
    }
}
