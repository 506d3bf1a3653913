package dev.partnerregistry.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.partnerregistry.domain.RegistryOperation;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.protocols.jsoncore.JsonNode;

/** One JSON line per request that is also a CloudWatch EMF document. */
class RequestLogTest {

    private final RequestLog log = RequestLog.to(new PrintStream(OutputStreamHolder.NULL), "PartnerRegistry");

    private JsonNode line(RequestLog.Entry entry) {
        String line = log.line(entry, 1764154210123L);
        assertFalse(line.contains("\n"), "one line");
        return JsonNode.parser().parse(line);
    }

    private static String text(JsonNode node, String field) {
        return node.field(field).map(JsonNode::text).orElse(null);
    }

    @Test
    void aSuccessIsOneRequestNoErrorWithItsLatencyAndStoreRequests() {
        JsonNode line = line(new RequestLog.Entry("req-1", RegistryOperation.CREATE_PARTNER_EVENT_SOURCE, "example.com", 200, null,
                12.3456, 1, null));
        assertEquals("req-1", text(line, "requestId"));
        assertEquals("CreatePartnerEventSource", text(line, "Operation"));
        assertEquals("Success", text(line, "Outcome"));
        assertEquals("example.com", text(line, "partner"));
        assertEquals("INFO", text(line, "level"));
        assertEquals("200", text(line, "status"));
        assertEquals("1", text(line, "storeRequests"));
        assertEquals("1", text(line, "Requests"));
        assertEquals("0", text(line, "Errors"));
        assertEquals("0", text(line, "Faults"));
        assertEquals("12.346", text(line, "Latency"));
        assertFalse(line.field("cause").isPresent());
    }

    @Test
    void theEmfMetadataDeclaresTheMetricsForTheServiceByOperationAndByOutcome() {
        JsonNode aws = line(new RequestLog.Entry("r", RegistryOperation.LIST_PARTNER_EVENT_SOURCES, null, 200, null, 1, 2, null))
                .field("_aws").orElseThrow();
        assertEquals("1764154210123", text(aws, "Timestamp"));
        JsonNode directive = aws.field("CloudWatchMetrics").orElseThrow().asArray().get(0);
        assertEquals("PartnerRegistry", text(directive, "Namespace"));
        assertEquals(List.of(List.of(), List.of("Operation"), List.of("Operation", "Outcome")),
                directive.field("Dimensions").orElseThrow().asArray().stream()
                        .map(set -> set.asArray().stream().map(JsonNode::text).toList()).toList());
        assertEquals(List.of("Requests:Count", "Errors:Count", "Faults:Count", "Latency:Milliseconds"),
                directive.field("Metrics").orElseThrow().asArray().stream()
                        .map(m -> text(m, "Name") + ":" + text(m, "Unit")).toList());
    }

    @Test
    void anErrorAnswerCountsAsAnErrorWithItsCodeAsOutcome() {
        JsonNode line = line(new RequestLog.Entry("r", RegistryOperation.CREATE_PARTNER_EVENT_SOURCE, "example.com", 400,
                "LimitExceededException", 5, 1, null));
        assertEquals("LimitExceededException", text(line, "Outcome"));
        assertEquals("1", text(line, "Errors"));
        assertEquals("0", text(line, "Faults"));
        assertEquals("INFO", text(line, "level"));
    }

    @Test
    void aFaultIsAnErrorLineWithItsCauseOnce() {
        JsonNode line = line(new RequestLog.Entry("r", RegistryOperation.DESCRIBE_PARTNER_EVENT_SOURCE, null, 500,
                "InternalException", 5, 3, new IllegalStateException("engine said no")));
        assertEquals("1", text(line, "Faults"));
        assertEquals("ERROR", text(line, "level"));
        assertTrue(text(line, "cause").startsWith("java.lang.IllegalStateException: engine said no\n\tat "), text(line, "cause"));
    }

    @Test
    void aCauseOfAnyDepthIsCutToABoundedLength() {
        Throwable deep = new IllegalStateException("deep");
        for (int i = 0; i < 2000; i++) {
            deep = new RuntimeException("wrapper " + i, deep);
        }
        JsonNode line = line(new RequestLog.Entry("r", null, null, 500, "InternalException", 1, 0, deep));
        assertEquals(RequestLog.MAX_CAUSE_CHARS + 3, text(line, "cause").length());
    }

    @Test
    void aRequestForNoOperationIsLoggedAsUnknownNeverWithItsTarget() {
        JsonNode line = line(new RequestLog.Entry("r", null, null, 400, "UnknownOperationException", 1, 0, null));
        assertEquals("Unknown", text(line, "Operation"));
        assertEquals("UnknownOperationException", text(line, "Outcome"));
    }

    @Test
    void recordWritesExactlyOneLine() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        RequestLog.to(new PrintStream(out, true, StandardCharsets.UTF_8), "Ns")
                .record(new RequestLog.Entry("r", RegistryOperation.CREATE_PARTNER_EVENT_SOURCE, null, 200, null, 1, 1, null));
        String written = out.toString(StandardCharsets.UTF_8);
        assertEquals(1, written.lines().count());
        assertTrue(written.contains("\"Namespace\":\"Ns\""), written);
    }

    private static final class OutputStreamHolder {
        static final java.io.OutputStream NULL = java.io.OutputStream.nullOutputStream();
    }

    @Test
    void latencyIsWrittenAsDoubleToStringWritesItsRoundedValue() {
        java.util.Random random = new java.util.Random(18);
        for (int i = 0; i < 100_000; i++) {
            double latency = i < 5_000 ? i / 1000.0 : random.nextDouble() * Math.pow(10, random.nextInt(8));
            assertEquals(Double.toString(Math.round(latency * 1000) / 1000.0), RequestLog.milliseconds(latency), "latency " + latency);
        }
    }
}
