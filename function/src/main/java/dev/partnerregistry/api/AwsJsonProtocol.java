package dev.partnerregistry.api;

import dev.partnerregistry.domain.Caller;
import dev.partnerregistry.domain.PartnerEventSource;
import dev.partnerregistry.domain.PartnerRegistry;
import dev.partnerregistry.domain.RegistryException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import software.amazon.awssdk.protocols.jsoncore.JsonWriter;

/**
 * EventBridge's wire protocol, AWS JSON 1.1: {@code X-Amz-Target: AWSEvents.<Operation>} picks the
 * operation, the body carries its members, and the answer is JSON, or an error envelope with
 * {@code __type}, {@code message} and the {@code x-amzn-ErrorType} header.
 */
public final class AwsJsonProtocol {

    public static final String TARGET_PREFIX = "AWSEvents.";
    public static final String CONTENT_TYPE = "application/x-amz-json-1.1";

    private final PartnerRegistry registry;

    public AwsJsonProtocol(PartnerRegistry registry) {
        this.registry = registry;
    }

    public ApiResponse handle(String target, String body, Caller caller, String requestId) {
        try {
            String operation = target != null && target.startsWith(TARGET_PREFIX) ? target.substring(TARGET_PREFIX.length()) : "";
            return ok(dispatch(operation, JsonBodies.parse(body), caller), requestId);
        } catch (RegistryException e) {
            return error(e, requestId);
        } catch (RuntimeException bug) {
            // Never a stack trace or exception text on the wire: log it, answer InternalException.
            System.err.println("ERROR request " + requestId + ": " + bug);
            bug.printStackTrace();
            return error(new RegistryException.Internal(), requestId);
        }
    }

    private String dispatch(String operation, software.amazon.awssdk.protocols.jsoncore.JsonNode body, Caller caller) {
        switch (operation) {
            case "CreatePartnerEventSource": {
                RequestMembers in = RequestMembers.of(body);
                String arn = registry.createPartnerEventSource(in.string("Name"), in.string("Account"), caller);
                return json(w -> w.writeFieldName("EventSourceArn").writeValue(arn));
            }
            case "DescribePartnerEventSource": {
                RequestMembers in = RequestMembers.of(body);
                PartnerEventSource source = registry.describePartnerEventSource(in.string("Name"), caller);
                return json(w -> writeSource(w, source));
            }
            case "ListPartnerEventSources": {
                RequestMembers in = RequestMembers.of(body);
                PartnerRegistry.SourcePage page = registry.listPartnerEventSources(
                        in.string("NamePrefix"), in.string("NextToken"), in.integer("Limit"), caller);
                return json(w -> {
                    w.writeFieldName("PartnerEventSources").writeStartArray();
                    for (PartnerEventSource source : page.sources()) {
                        w.writeStartObject();
                        writeSource(w, source);
                        w.writeEndObject();
                    }
                    w.writeEndArray();
                    if (page.nextToken() != null) {
                        w.writeFieldName("NextToken").writeValue(page.nextToken());
                    }
                });
            }
            case "ListPartnerEventSourceAccounts": {
                RequestMembers in = RequestMembers.of(body);
                PartnerEventSource source = registry.listPartnerEventSourceAccounts(
                        in.string("EventSourceName"), in.string("NextToken"), in.integer("Limit"), caller);
                return json(w -> w.writeFieldName("PartnerEventSourceAccounts").writeStartArray()
                        .writeStartObject()
                        .writeFieldName("Account").writeValue(source.account())
                        .writeFieldName("CreationTime").writeNumber(epochSeconds(source).toPlainString())
                        .writeFieldName("State").writeValue(source.state().name())
                        .writeEndObject()
                        .writeEndArray());
            }
            case "DeletePartnerEventSource": {
                RequestMembers in = RequestMembers.of(body);
                registry.deletePartnerEventSource(in.string("Name"), in.string("Account"), caller);
                return "{}";
            }
            default:
                throw new RegistryException.UnknownOperation();
        }
    }

    private void writeSource(JsonWriter w, PartnerEventSource source) {
        w.writeFieldName("Arn").writeValue(registry.arnOf(source.name()))
                .writeFieldName("Name").writeValue(source.name());
    }

    /** AWS JSON 1.1 timestamps are epoch seconds, with the milliseconds as a fraction. */
    private static BigDecimal epochSeconds(PartnerEventSource source) {
        return BigDecimal.valueOf(source.creationTime().toEpochMilli(), 3);
    }

    private static String json(java.util.function.Consumer<JsonWriter> members) {
        JsonWriter writer = JsonWriter.create();
        writer.writeStartObject();
        members.accept(writer);
        writer.writeEndObject();
        return new String(writer.getBytes(), StandardCharsets.UTF_8);
    }

    private static ApiResponse ok(String body, String requestId) {
        return new ApiResponse(200, Map.of("Content-Type", CONTENT_TYPE, "x-amzn-RequestId", requestId), body);
    }

    public static ApiResponse error(RegistryException e, String requestId) {
        String body = json(w -> {
            w.writeFieldName("__type").writeValue(e.errorCode());
            if (e.getMessage() != null) {
                w.writeFieldName("message").writeValue(e.getMessage());
            }
        });
        return new ApiResponse(e.httpStatus(), Map.of(
                "Content-Type", CONTENT_TYPE,
                "x-amzn-RequestId", requestId,
                "x-amzn-ErrorType", e.errorCode()), body);
    }
}
