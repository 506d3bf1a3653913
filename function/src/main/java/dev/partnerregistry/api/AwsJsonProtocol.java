package dev.partnerregistry.api;

import dev.partnerregistry.domain.Caller;
import dev.partnerregistry.domain.Constraints;
import dev.partnerregistry.domain.CustomerEventSources;
import dev.partnerregistry.domain.JsonWriter;
import dev.partnerregistry.domain.PartnerEventSource;
import dev.partnerregistry.domain.PartnerEvents;
import dev.partnerregistry.domain.PartnerRegistry;
import dev.partnerregistry.domain.RegistryException;
import dev.partnerregistry.domain.RegistryOperation;
import java.io.OutputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.IntSupplier;
import software.amazon.awssdk.protocols.jsoncore.JsonNode;

/**
 * EventBridge's wire protocol, AWS JSON 1.1: {@code X-Amz-Target: AWSEvents.<Operation>} picks the
 * operation, the body carries its members, and the answer is JSON, or an error envelope with
 * {@code __type}, {@code message} and the {@code x-amzn-ErrorType} header, with the HTTP status
 * decided here. Every request, answered or failed, leaves one line in the {@link RequestLog}.
 */
public final class AwsJsonProtocol {

    public static final String TARGET_PREFIX = RegistryOperation.TARGET_PREFIX;
    public static final String CONTENT_TYPE = "application/x-amz-json-1.1";
    private static final String ERROR_TYPE = "x-amzn-ErrorType";

    /** PutPartnerEvents' counts in its request line: events queued for delivery, accepted and dropped, failed. */
    public static final String EVENTS_QUEUED = "EventsQueued";
    public static final String EVENTS_DROPPED = "EventsDropped";
    public static final String EVENTS_FAILED = "EventsFailed";

    private final PartnerRegistry registry;
    private final CustomerEventSources customers;
    private final PartnerEvents events;
    private final RequestLog log;
    private final IntSupplier storeRequests;

    /**
     * @param storeRequests the store requests made on this thread since it was last asked (the
     *                      count restarts on each call), for the request log
     */
    public AwsJsonProtocol(PartnerRegistry registry, CustomerEventSources customers, PartnerEvents events, RequestLog log,
                           IntSupplier storeRequests) {
        this.registry = registry;
        this.customers = customers;
        this.events = events;
        this.log = log;
        this.storeRequests = storeRequests;
    }

    /** The SDKs' id for one API call, the same on each of its retries; longer values are not ids the SDKs send. */
    public static final String CALL_ID_HEADER = "amz-sdk-invocation-id";
    static final int MAX_CALL_ID_LENGTH = 64;

    /** The same protocol, with a request log that writes nowhere: for requests that are not traffic (priming). */
    AwsJsonProtocol unlogged() {
        return new AwsJsonProtocol(registry, customers, events, RequestLog.to(new PrintStream(OutputStream.nullOutputStream()), "unlogged"),
                storeRequests);
    }

    public ApiResponse handle(String target, String body, Caller caller, String requestId) {
        return handle(new ApiRequest(target, CONTENT_TYPE, () -> body == null ? null : body.getBytes(StandardCharsets.UTF_8),
                ApiRequest.Authentication.as(caller), requestId, null));
    }

    public ApiResponse handle(ApiRequest request) {
        long started = System.nanoTime();
        storeRequests.getAsInt();
        String requestId = request.requestId();
        RegistryOperation operation = operationOf(request.target());
        String partner = null;
        ApiResponse response;
        Throwable cause = null;
        Map<String, Integer> counts = new LinkedHashMap<>();
        try {
            // As at AWS, an unauthenticated request learns nothing else: not even whether its operation exists.
            Caller caller = request.authentication().caller();
            checkContentType(request.contentType());
            byte[] body = JsonBodies.checked(request.body().get());
            List<PartnerEvents.Entry> entries = operation == RegistryOperation.PUT_PARTNER_EVENTS && body != null
                    ? PartnerEventEntries.read(body) : null;
            if (entries != null) {
                // The plain PutPartnerEvents, read without a tree; any other shape is read below, as every other request.
                partner = entries.isEmpty() ? null : Constraints.partnerNamedIn(entries.get(0).source());
                response = ok(putPartnerEvents(entries, caller, counts), requestId);
            } else {
                JsonNode members = JsonBodies.parseChecked(body);
                if (operation == null) {
                    throw new RegistryException.UnknownOperation(request.target());
                }
                partner = partnerNamedIn(operation, members);
                response = ok(dispatch(operation, RequestMembers.of(members), caller, callIdOf(request.callId()), counts), requestId);
            }
        } catch (RegistryException e) {
            cause = e.getCause();
            response = error(e, requestId);
        } catch (Throwable bug) {
            // Any Throwable, StackOverflowError included: a Lambda error would reach the caller as a bare
            // 502. Never a stack trace or exception text on the wire: the log has it once.
            cause = bug;
            response = error(new RegistryException.Internal(bug), requestId);
        }
        log.record(new RequestLog.Entry(requestId, operation, partner, response.statusCode(),
                response.headers().get(ERROR_TYPE), (System.nanoTime() - started) / 1e6, storeRequests.getAsInt(), cause, counts));
        return response;
    }

    /**
     * The SDKs send {@value #CONTENT_TYPE}; plain JSON, a charset parameter or no header at all are
     * taken too. Any other media type is not a JSON request, and is not parsed as one.
     */
    static void checkContentType(String contentType) {
        if (contentType == null || contentType.isBlank()) {
            return;
        }
        int parameters = contentType.indexOf(';');
        String mediaType = (parameters < 0 ? contentType : contentType.substring(0, parameters)).trim();
        if (!mediaType.equalsIgnoreCase(CONTENT_TYPE) && !mediaType.equalsIgnoreCase("application/json")) {
            throw new RegistryException.Serialization("The request's Content-Type must be " + CONTENT_TYPE + ".");
        }
    }

    /** 500 for the service's own failure, 400 for everything the caller can act on, as EventBridge answers. */
    public static int statusOf(RegistryException e) {
        return e instanceof RegistryException.Internal ? 500 : 400;
    }

    private static RegistryOperation operationOf(String target) {
        if (target == null || !target.startsWith(TARGET_PREFIX)) {
            return null;
        }
        return RegistryOperation.find(target.substring(TARGET_PREFIX.length())).orElse(null);
    }

    /** A header value is only used as a call id if it looks like one: short, visible ASCII. */
    static String callIdOf(String header) {
        if (header == null || header.isEmpty() || header.length() > MAX_CALL_ID_LENGTH) {
            return null;
        }
        for (int i = 0; i < header.length(); i++) {
            if (header.charAt(i) <= ' ' || header.charAt(i) > '~') {
                return null;
            }
        }
        return header;
    }

    private String dispatch(RegistryOperation operation, RequestMembers in, Caller caller, String callId, Map<String, Integer> counts) {
        switch (operation) {
            case CREATE_PARTNER_EVENT_SOURCE: {
                String arn = registry.createPartnerEventSource(in.string("Name"), in.string("Account"), caller, callId);
                return json(w -> w.writeFieldName("EventSourceArn").writeValue(arn));
            }
            case DESCRIBE_PARTNER_EVENT_SOURCE: {
                PartnerEventSource source = registry.describePartnerEventSource(in.string("Name"), caller);
                return json(w -> writeSource(w, source));
            }
            case LIST_PARTNER_EVENT_SOURCES: {
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
            case LIST_PARTNER_EVENT_SOURCE_ACCOUNTS: {
                PartnerEventSource source = registry.listPartnerEventSourceAccounts(
                        in.string("EventSourceName"), in.string("NextToken"), in.integer("Limit"), caller);
                return json(w -> {
                    w.writeFieldName("PartnerEventSourceAccounts").writeStartArray().writeStartObject()
                            .writeFieldName("Account").writeValue(source.account());
                    writeTime(w, "CreationTime", source.creationTime());
                    writeTime(w, "ExpirationTime", source.expirationTime());
                    w.writeFieldName("State").writeValue(source.state().name())
                            .writeEndObject().writeEndArray();
                });
            }
            case DELETE_PARTNER_EVENT_SOURCE: {
                registry.deletePartnerEventSource(in.string("Name"), in.string("Account"), caller);
                return "{}";
            }
            case LIST_EVENT_SOURCES: {
                PartnerRegistry.SourcePage page = customers.listEventSources(
                        in.string("NamePrefix"), in.string("NextToken"), in.integer("Limit"), caller);
                return json(w -> {
                    w.writeFieldName("EventSources").writeStartArray();
                    for (PartnerEventSource source : page.sources()) {
                        w.writeStartObject();
                        writeEventSource(w, source);
                        w.writeEndObject();
                    }
                    w.writeEndArray();
                    if (page.nextToken() != null) {
                        w.writeFieldName("NextToken").writeValue(page.nextToken());
                    }
                });
            }
            case DESCRIBE_EVENT_SOURCE: {
                PartnerEventSource source = customers.describeEventSource(in.string("Name"), caller);
                return json(w -> writeEventSource(w, source));
            }
            case ACTIVATE_EVENT_SOURCE: {
                customers.activateEventSource(in.string("Name"), caller);
                return "{}";
            }
            case DEACTIVATE_EVENT_SOURCE: {
                customers.deactivateEventSource(in.string("Name"), caller);
                return "{}";
            }
            case CREATE_EVENT_BUS: {
                String description = in.string("Description");
                RequestMembers deadLetter = in.structure("DeadLetterConfig");
                RequestMembers logs = in.structure("LogConfig");
                CustomerEventSources.BusOptions options = new CustomerEventSources.BusOptions(in.string("KmsKeyIdentifier"),
                        deadLetter != null, deadLetter == null ? null : deadLetter.string("Arn"),
                        logs != null, logs == null ? null : logs.string("IncludeDetail"), logs == null ? null : logs.string("Level"));
                String arn = customers.createEventBus(in.string("Name"), in.string("EventSourceName"), description, options,
                        deliverToTag(in), caller);
                return json(w -> {
                    w.writeFieldName("EventBusArn").writeValue(arn);
                    if (description != null) {
                        w.writeFieldName("Description").writeValue(description);
                    }
                });
            }
            case DELETE_EVENT_BUS: {
                customers.deleteEventBus(in.string("Name"), caller);
                return "{}";
            }
            case PUT_PARTNER_EVENTS: {
                List<RequestMembers> entries = in.structures("Entries");
                List<PartnerEvents.Entry> sent = new ArrayList<>();
                for (RequestMembers entry : entries == null ? List.<RequestMembers>of() : entries) {
                    sent.add(new PartnerEvents.Entry(entry.timestamp("Time"), entry.string("Source"), entry.strings("Resources"),
                            entry.string("DetailType"), entry.string("Detail")));
                }
                return putPartnerEvents(entries == null ? null : sent, caller, counts);
            }
            case DESCRIBE_EVENT_BUS: {
                CustomerEventSources.PartnerEventBus bus = customers.describeEventBus(in.string("Name"), caller);
                return json(w -> {
                    w.writeFieldName("Name").writeValue(bus.name()).writeFieldName("Arn").writeValue(bus.arn());
                    if (bus.description() != null) {
                        w.writeFieldName("Description").writeValue(bus.description());
                    }
                    writeTime(w, "CreationTime", bus.creationTime());
                    writeTime(w, "LastModifiedTime", bus.creationTime());
                });
            }
            default:
                throw new IllegalStateException("no dispatch for " + operation);
        }
    }

    private String putPartnerEvents(List<PartnerEvents.Entry> entries, Caller caller, Map<String, Integer> counts) {
        PartnerEvents.Result result = events.putPartnerEvents(entries, caller);
        counts.put(EVENTS_QUEUED, result.queued());
        counts.put(EVENTS_DROPPED, result.dropped());
        counts.put(EVENTS_FAILED, result.failed());
        return json(w -> {
            w.writeFieldName("FailedEntryCount").writeValue(result.failed());
            w.writeFieldName("Entries").writeStartArray();
            for (PartnerEvents.Outcome outcome : result.entries()) {
                w.writeStartObject();
                if (outcome.eventId() != null) {
                    w.writeFieldName("EventId").writeValue(outcome.eventId());
                } else {
                    w.writeFieldName("ErrorCode").writeValue(outcome.errorCode())
                            .writeFieldName("ErrorMessage").writeValue(outcome.errorMessage());
                }
                w.writeEndObject();
            }
            w.writeEndArray();
        });
    }

    /** The value of CreateEventBus' {@value CustomerEventSources#DELIVER_TO_TAG} tag, if given; other tags are accepted and not kept. */
    private static String deliverToTag(RequestMembers in) {
        List<RequestMembers> tags = in.structures("Tags");
        String deliverTo = null;
        for (RequestMembers tag : tags == null ? List.<RequestMembers>of() : tags) {
            if (CustomerEventSources.DELIVER_TO_TAG.equals(tag.string("Key"))) {
                deliverTo = tag.string("Value");
            }
        }
        return deliverTo;
    }

    /** For the log: the partner named by the operation's name member (PutPartnerEvents: the first entry's Source), if it reads as one. */
    private static String partnerNamedIn(RegistryOperation operation, JsonNode members) {
        if (operation == RegistryOperation.PUT_PARTNER_EVENTS) {
            JsonNode entries = members.isObject() ? members.asObject().get("Entries") : null;
            JsonNode first = entries != null && entries.isArray() && !entries.asArray().isEmpty() ? entries.asArray().get(0) : null;
            JsonNode source = first != null && first.isObject() ? first.asObject().get("Source") : null;
            return source != null && source.isString() ? Constraints.partnerNamedIn(source.asString()) : null;
        }
        String member = switch (operation) {
            case LIST_PARTNER_EVENT_SOURCES, LIST_EVENT_SOURCES -> "NamePrefix";
            case LIST_PARTNER_EVENT_SOURCE_ACCOUNTS -> "EventSourceName";
            default -> "Name";
        };
        JsonNode value = members.isObject() ? members.asObject().get(member) : null;
        return value != null && value.isString() ? Constraints.partnerNamedIn(value.asString()) : null;
    }

    /** An EventSource (ListEventSources) or DescribeEventSource's answer: the customer's view. */
    private void writeEventSource(JsonWriter w, PartnerEventSource source) {
        w.writeFieldName("Arn").writeValue(customers.arnOf(source.name()))
                .writeFieldName("CreatedBy").writeValue(source.partner());
        writeTime(w, "CreationTime", source.creationTime());
        writeTime(w, "ExpirationTime", source.expirationTime());
        w.writeFieldName("Name").writeValue(source.name())
                .writeFieldName("State").writeValue(source.state().name());
    }

    /** AWS JSON 1.1 timestamps are epoch seconds, with the milliseconds as a fraction; an absent time is left out. */
    private static void writeTime(JsonWriter w, String member, java.time.Instant time) {
        if (time != null) {
            w.writeFieldName(member);
            long millis = time.toEpochMilli();
            // Seconds, a point and three digits, as BigDecimal.valueOf(millis, 3).toPlainString() has it, without the BigDecimal.
            w.writeNumber(millis < 0 ? BigDecimal.valueOf(millis, 3).toPlainString()
                    : (millis / 1000) + (millis % 1000 < 10 ? ".00" : millis % 1000 < 100 ? ".0" : ".") + (millis % 1000));
        }
    }

    private void writeSource(JsonWriter w, PartnerEventSource source) {
        w.writeFieldName("Arn").writeValue(registry.arnOf(source.name()))
                .writeFieldName("Name").writeValue(source.name());
    }

    private static String json(Consumer<JsonWriter> members) {
        JsonWriter writer = new JsonWriter().writeStartObject();
        members.accept(writer);
        return writer.writeEndObject().toString();
    }

    private static ApiResponse ok(String body, String requestId) {
        return new ApiResponse(200, Map.of("Content-Type", CONTENT_TYPE, "x-amzn-RequestId", requestId), body);
    }

    static ApiResponse error(RegistryException e, String requestId) {
        String body = json(w -> {
            w.writeFieldName("__type").writeValue(e.errorCode());
            if (e.getMessage() != null) {
                w.writeFieldName("message").writeValue(e.getMessage());
            }
        });
        return new ApiResponse(statusOf(e), Map.of(
                "Content-Type", CONTENT_TYPE,
                "x-amzn-RequestId", requestId,
                ERROR_TYPE, e.errorCode()), body);
    }
}
