package dev.partnerregistry.api;

import dev.partnerregistry.domain.JsonWriter;
import java.util.List;
import java.util.Map;

/**
 * The {@code _aws} member that makes a JSON log line a CloudWatch Embedded Metric Format document:
 * Lambda's log delivery turns the named members of the line into metrics, with no agent, call or
 * library. One place for the request log, the sweep's and the forwarder's lines.
 */
final class EmbeddedMetrics {

    private EmbeddedMetrics() {
    }

    /**
     * Writes {@code "_aws": {...}} into the open object {@code w}: the timestamp, then the rest as {@link #afterTimestamp}
     * made it once for the writer's namespace and metrics.
     */
    static void directive(JsonWriter w, long epochMillis, String afterTimestamp) {
        w.writeFieldName("_aws").writeRaw("{\"Timestamp\":" + epochMillis + afterTimestamp);
    }

    /**
     * What follows {@code "_aws":{"Timestamp":<millis>} in the directive, up to and including the
     * {@code _aws} member's closing brace: constant for a namespace, dimensions and metrics, so
     * the request log writes it once and reuses it.
     */
    static String afterTimestamp(String namespace, List<List<String>> dimensions, Map<String, String> metrics) {
        JsonWriter w = new JsonWriter().writeStartObject().writeFieldName("Timestamp").writeValue(0)
                .writeFieldName("CloudWatchMetrics").writeStartArray().writeStartObject()
                .writeFieldName("Namespace").writeValue(namespace)
                .writeFieldName("Dimensions").writeStartArray();
        for (List<String> set : dimensions) {
            w.writeStartArray();
            set.forEach(w::writeValue);
            w.writeEndArray();
        }
        w.writeEndArray().writeFieldName("Metrics").writeStartArray();
        metrics.forEach((name, unit) -> w.writeStartObject().writeFieldName("Name").writeValue(name)
                .writeFieldName("Unit").writeValue(unit).writeEndObject());
        String whole = w.writeEndArray().writeEndObject().writeEndArray().writeEndObject().toString();
        return whole.substring("{\"Timestamp\":0".length());
    }
}
