package dev.partnerregistry.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import software.amazon.awssdk.protocols.json.SdkJsonGenerator;
import software.amazon.awssdk.protocols.json.StructuredJsonGenerator;
import software.amazon.awssdk.protocols.jsoncore.JsonNode;
import software.amazon.awssdk.protocols.jsoncore.JsonNodeParser;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A loopback HTTP proxy in front of the real engine that forwards every request unchanged, except
 * that it can answer calls as AWS does under faults moto never shows: a DynamoDB operation's error,
 * a freeze, transactions cancelled by conflicts, PutEvents refusing a call over 256 KB or throttling
 * it, PutEvents entries failing one by one, SQS delivering a message twice. Faults are injected into
 * real traffic; the engine stays real, and what is not faulted reaches it. {@link #faultsInjected}
 * counts them by kind.
 */
public final class FaultInjectingProxy implements AutoCloseable {

    /** An error answer for requests whose X-Amz-Target ends with {@code operation}. */
    public record Fault(String operation, int status, String body) {
    }

    private record Stall(String operation, Duration duration) {
    }

    /** Contention: each TransactWriteItems is cancelled by a conflict with probability {@code rate}. */
    private record Contention(double rate, Random random) {
    }

    private final HttpServer server;
    private final URI engine;
    private final AtomicReference<Fault> fault = new AtomicReference<>();
    private final AtomicReference<Fault> onceFault = new AtomicReference<>();
    private final AtomicReference<Stall> stall = new AtomicReference<>();
    private final AtomicReference<Contention> contention = new AtomicReference<>();
    private final AtomicInteger conflictsInjected = new AtomicInteger();
    private volatile boolean putEventsCallLimit;
    private final AtomicInteger callsRefused = new AtomicInteger();
    private final List<String> received = new CopyOnWriteArrayList<>();
    private volatile boolean recording = true;
    private final AtomicReference<EntryFaults> entryFaults = new AtomicReference<>();
    private final AtomicReference<Chance> putEventsThrottling = new AtomicReference<>();
    private final AtomicReference<Chance> sqsDuplicates = new AtomicReference<>();
    private volatile boolean sqsMessageCharacters;
    private final Map<String, AtomicInteger> injected = new ConcurrentHashMap<>();
    private volatile Consumer<PutEventsEntry> putEventsObserver;

    /** The kinds {@link #faultsInjected} counts. */
    public static final String CONFLICT = "DynamoDB TransactionConflict";
    public static final String CALL_OVER_LIMIT = "PutEvents call over 256 KB refused";
    public static final String CALL_THROTTLED = "PutEvents call ThrottlingException";
    public static final String MALFORMED_DETAIL = "MalformedDetail";
    public static final String INTERNAL_FAILURE = "InternalFailure";
    public static final String THROTTLING = "ThrottlingException";
    public static final String SQS_DUPLICATE = "SQS duplicate message";
    public static final String SQS_INVALID_CONTENTS = "SQS message refused: InvalidMessageContents";

    /** A per-entry PutEvents error: its code and the message EventBridge gives with it. */
    private static final Map<String, String> ENTRY_ERROR_MESSAGES = Map.of(
            MALFORMED_DETAIL, "Detail is malformed.",
            INTERNAL_FAILURE, "The request processing has failed because of an unknown error, exception or failure.",
            THROTTLING, "The request was denied due to request throttling.");

    /** Something that happens with probability {@code rate}, drawn from one seeded stream. */
    private record Chance(double rate, Random random) {
        boolean happens() {
            synchronized (random) {
                return random.nextDouble() < rate;
            }
        }
    }

    /** Per-entry PutEvents faults; see {@link #injectEntryFaults}. */
    private record EntryFaults(double malformed, double internalFailure, double throttling, long seed, Random random) {
    }

    /**
     * One PutEvents entry that was answered (in a 200 answer) through the proxy: the entry as sent, and
     * its EventId or its ErrorCode; {@code injected} when the proxy answered it, not the engine.
     */
    public record PutEventsEntry(JsonNode entry, String eventId, String errorCode, boolean injected) {
    }

    public FaultInjectingProxy(URI engine) throws IOException {
        this(engine, 1);
    }

    /**
     * @param threads how many requests it serves at once: one (the default) runs exchanges in arrival
     *                order, which {@link #stallNext} relies on; more, for many parallel callers (whose
     *                requests would otherwise queue behind each other and time out on a loaded machine)
     */
    public FaultInjectingProxy(URI engine, int threads) throws IOException {
        this.engine = engine;
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        server.createContext("/", this::handle);
        if (threads > 1) {
            pool = Executors.newFixedThreadPool(threads);
            server.setExecutor(pool);
        }
        server.start();
    }

    private ExecutorService pool;

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** Until cleared, every call of the fault's operation gets the fault's answer instead of the engine's. */
    public void inject(Fault next) {
        fault.set(next);
    }

    /** The next call of the fault's operation gets the fault's answer; later ones reach the engine. */
    public void injectOnce(Fault next) {
        onceFault.set(next);
    }

    /**
     * The engine freezes when the next call of {@code operation} arrives: that call and every call
     * after it wait, and after {@code duration} reach the engine in the order they came, as a
     * stalled DynamoDB resumes. A client that gave up meanwhile does not stop its write.
     */
    public void stallNext(String operation, Duration duration) {
        stall.set(new Stall(operation, duration));
    }

    /**
     * Until cleared, each TransactWriteItems is, with probability {@code rate} (drawn from {@code seed}),
     * answered as DynamoDB answers a transaction that lost a race: TransactionCanceledException with one
     * CancellationReason per item of that request, {@code TransactionConflict} on one of them drawn at
     * random, {@code None} on the others. The transaction does not reach the engine, as a cancelled one
     * writes nothing. The others reach the engine unchanged.
     */
    public void injectConflicts(double rate, long seed) {
        contention.set(new Contention(rate, new Random(seed)));
    }

    /**
     * Until cleared, PutEvents refuses a call whose entries total more than 256 KB as AWS counts them
     * (14 bytes for a Time, the UTF-8 bytes of Source, DetailType, Detail and each resource), as
     * EventBridge does and moto does not: the whole call, 400 ValidationException, nothing delivered.
     */
    public void enforcePutEventsCallLimit() {
        putEventsCallLimit = true;
    }

    /** How many PutEvents calls {@link #enforcePutEventsCallLimit} has refused so far. */
    public int callsRefused() {
        return callsRefused.get();
    }

    /** How many transactions {@link #injectConflicts} has cancelled so far. */
    public int conflictsInjected() {
        return conflictsInjected.get();
    }

    /**
     * Until cleared, each PutEvents entry may fail in a 200 answer as EventBridge fails one, the other
     * entries reaching the engine (only they are forwarded; the answers are merged in the request's
     * order, FailedEntryCount counting both). {@code MalformedDetail} is a property of the entry, as
     * on AWS: the same entry (same bus, source, detail type, detail, time and resources) always gets it
     * or never, with probability {@code malformed} drawn from a hash of the entry and {@code seed}, so a
     * retried or duplicated entry cannot be delivered once and refused once. {@code InternalFailure}
     * and {@code ThrottlingException} are transient: drawn afresh for each entry of each call, with
     * probabilities {@code internalFailure} and {@code throttling}.
     */
    public void injectEntryFaults(double malformed, double internalFailure, double throttling, long seed) {
        entryFaults.set(new EntryFaults(malformed, internalFailure, throttling, seed, new Random(seed)));
    }

    /**
     * Until cleared, each PutEvents call is, with probability {@code rate}, refused as a whole as
     * EventBridge refuses a call over its rate: 400 ThrottlingException, nothing delivered.
     */
    public void throttlePutEvents(double rate, long seed) {
        putEventsThrottling.set(new Chance(rate, new Random(seed)));
    }

    /**
     * Until cleared, each message SQS accepted from a SendMessageBatch or SendMessage is, with
     * probability {@code rate}, sent to the queue a second time (a message of its own, same body), as a
     * standard queue may deliver a message more than once. The caller gets the engine's answer to its
     * own call and never learns of the copy.
     */
    public void duplicateSqsMessages(double rate, long seed) {
        sqsDuplicates.set(new Chance(rate, new Random(seed)));
    }

    /** Each PutEvents entry answered in a 200 answer, as it is answered (on the proxy's threads; keep it quick). */
    public void observePutEvents(Consumer<PutEventsEntry> observer) {
        putEventsObserver = observer;
    }

    /** Off: {@link #received} keeps nothing more (a long run would hold every body it forwarded). */
    public void recordRequests(boolean on) {
        recording = on;
    }

    /** How many faults of each kind were injected so far (kinds as the constants above name them). */
    public Map<String, Integer> faultsInjected() {
        Map<String, Integer> counts = new TreeMap<>();
        injected.forEach((kind, count) -> counts.put(kind, count.get()));
        if (conflictsInjected.get() > 0) {
            counts.put(CONFLICT, conflictsInjected.get());
        }
        if (callsRefused.get() > 0) {
            counts.put(CALL_OVER_LIMIT, callsRefused.get());
        }
        return counts;
    }

    private void countInjected(String kind) {
        injected.computeIfAbsent(kind, k -> new AtomicInteger()).incrementAndGet();
    }

    /**
     * Until cleared, a message SQS would refuse for its characters (the API reference allows only #x9, #xA, #xD,
     * #x20-#xD7FF, #xE000-#xFFFD and #x10000-#x10FFFF; moto takes any) is: for SendMessage, the call's 400
     * InvalidMessageContents; for SendMessageBatch, a Failed entry of that code, the other entries sent.
     */
    public void enforceSqsMessageCharacters() {
        sqsMessageCharacters = true;
    }

    /** Whether SQS takes {@code body}'s characters. */
    static boolean sqsAllows(String body) {
        return body.codePoints().allMatch(c -> c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF)
                || (c >= 0xE000 && c <= 0xFFFD) || (c >= 0x10000 && c <= 0x10FFFF));
    }

    public void clear() {
        fault.set(null);
        onceFault.set(null);
        stall.set(null);
        contention.set(null);
        putEventsCallLimit = false;
        sqsMessageCharacters = false;
        entryFaults.set(null);
        putEventsThrottling.set(null);
        sqsDuplicates.set(null);
        putEventsObserver = null;
    }

    /** Bodies of the requests of {@code operation} that reached the proxy, in order. */
    public List<String> received(String operation) {
        return received.stream().filter(r -> r.startsWith(operation + " ")).map(r -> r.substring(operation.length() + 1)).toList();
    }

    /** What DynamoDB answers when it fails inside: the caller cannot know whether the write happened. */
    public static Fault internalServerError(String operation) {
        return new Fault(operation, 500, "{\"__type\":\"com.amazonaws.dynamodb.v20120810#InternalServerError\","
                + "\"message\":\"Internal server error\"}");
    }

    /**
     * DynamoDB's answer when a transaction lost a race on one of its items: TransactionCanceledException
     * (400, __type {@code com.amazonaws.dynamodb.v20120810#TransactionCanceledException}) with a
     * {@code CancellationReasons} entry per item, in the request's order, {@code TransactionConflict} for
     * the item raced for and {@code None} for the others; the message lists the codes in that order.
     */
    public static Fault transactionConflict(int items, int conflictingItem) {
        StringBuilder reasons = new StringBuilder();
        StringBuilder codes = new StringBuilder();
        for (int i = 0; i < items; i++) {
            boolean conflict = i == conflictingItem;
            reasons.append(i == 0 ? "" : ",").append(conflict
                    ? "{\"Code\":\"TransactionConflict\",\"Message\":\"Transaction is ongoing for the item\"}"
                    : "{\"Code\":\"None\"}");
            codes.append(i == 0 ? "" : ", ").append(conflict ? "TransactionConflict" : "None");
        }
        return new Fault("TransactWriteItems", 400, "{\"__type\":\"com.amazonaws.dynamodb.v20120810#TransactionCanceledException\","
                + "\"Message\":\"Transaction cancelled, please refer cancellation reasons for specific reasons [" + codes + "]\","
                + "\"CancellationReasons\":[" + reasons + "]}");
    }

    public static Fault throttled(String operation) {
        return new Fault(operation, 400, "{\"__type\":\"com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException\","
                + "\"message\":\"The level of configured provisioned throughput for the table was exceeded.\"}");
    }

    private void handle(HttpExchange exchange) throws IOException {
        byte[] request = exchange.getRequestBody().readAllBytes();
        String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
        String operation = target == null ? "" : target.substring(target.indexOf('.') + 1);
        if (recording) {
            received.add(operation + " " + new String(request, StandardCharsets.UTF_8));
        }
        Stall freeze = stall.get();
        if (freeze != null && freeze.operation().equals(operation) && stall.compareAndSet(freeze, null)) {
            // The server runs its exchanges one at a time on one thread: later calls queue behind this one.
            try {
                Thread.sleep(freeze.duration().toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        Fault once = onceFault.get();
        if (once != null && once.operation().equals(operation) && onceFault.compareAndSet(once, null)) {
            respond(exchange, once.status(), once.body().getBytes(StandardCharsets.UTF_8));
            return;
        }
        Contention contended = contention.get();
        if (contended != null && operation.equals("TransactWriteItems")) {
            int items = transactItems(request);
            int conflicting;
            synchronized (contended) {
                conflicting = contended.random().nextDouble() < contended.rate() ? contended.random().nextInt(items) : -1;
            }
            if (conflicting >= 0) {
                conflictsInjected.incrementAndGet();
                respond(exchange, 400, transactionConflict(items, conflicting).body().getBytes(StandardCharsets.UTF_8));
                return;
            }
        }
        if (putEventsCallLimit && operation.equals("PutEvents") && putEventsSize(request) > PUT_EVENTS_MAX_BYTES) {
            callsRefused.incrementAndGet();
            respond(exchange, 400, ("{\"__type\":\"ValidationException\",\"message\":\"Total size of the entries in the request is "
                    + "over the limit.\"}").getBytes(StandardCharsets.UTF_8));
            return;
        }
        Fault current = fault.get();
        if (current != null && target != null && target.endsWith("." + current.operation())) {
            respond(exchange, current.status(), current.body().getBytes(StandardCharsets.UTF_8));
            return;
        }
        if (operation.equals("PutEvents")) {
            Chance throttled = putEventsThrottling.get();
            if (throttled != null && throttled.happens()) {
                countInjected(CALL_THROTTLED);
                respond(exchange, 400, "{\"__type\":\"ThrottlingException\",\"message\":\"Rate exceeded\"}".getBytes(StandardCharsets.UTF_8));
                return;
            }
            if (entryFaults.get() != null || putEventsObserver != null) {
                Forwarded answer = putEvents(exchange, request);
                respond(exchange, answer.status(), answer.body());
                return;
            }
        }
        if (sqsMessageCharacters && (operation.equals("SendMessage") || operation.equals("SendMessageBatch"))) {
            Forwarded refused = refuseSqsCharacters(exchange, operation, request);
            if (refused != null) {
                respond(exchange, refused.status(), refused.body());
                return;
            }
        }
        Forwarded answer = forward(exchange, request);
        if (answer.status() == 200 && (operation.equals("SendMessageBatch") || operation.equals("SendMessage"))
                && sqsDuplicates.get() != null) {
            duplicate(exchange, operation, request, answer.body());
        }
        respond(exchange, answer.status(), answer.body());
    }

    private record Forwarded(int status, byte[] body) {
    }

    /** The request to the engine with the caller's headers (its signature too: moto does not check it) and {@code body}. */
    private Forwarded forward(HttpExchange exchange, byte[] body) throws IOException {
        return forward(exchange, null, body);
    }

    /** As above, with {@code target} as X-Amz-Target (null: the caller's). */
    private Forwarded forward(HttpExchange exchange, String target, byte[] body) throws IOException {
        HttpURLConnection forward = (HttpURLConnection) new URL(engine + exchange.getRequestURI().toString()).openConnection();
        forward.setRequestMethod(exchange.getRequestMethod());
        for (Map.Entry<String, List<String>> header : exchange.getRequestHeaders().entrySet()) {
            if (!header.getKey().equalsIgnoreCase("Host") && !header.getKey().equalsIgnoreCase("Content-Length")
                    && !(target != null && header.getKey().equalsIgnoreCase("X-Amz-Target"))) {
                forward.setRequestProperty(header.getKey(), String.join(",", header.getValue()));
            }
        }
        if (target != null) {
            forward.setRequestProperty("X-Amz-Target", target);
        }
        forward.setDoOutput(true);
        try (OutputStream out = forward.getOutputStream()) {
            out.write(body);
        }
        int status = forward.getResponseCode();
        try (InputStream in = status >= 400 ? forward.getErrorStream() : forward.getInputStream()) {
            return new Forwarded(status, in == null ? new byte[0] : in.readAllBytes());
        }
    }

    /**
     * A PutEvents call under {@link #injectEntryFaults}: the entries drawn to fail are answered here,
     * the others forwarded in one call (none when all fail), and the answers merged in request order.
     */
    private Forwarded putEvents(HttpExchange exchange, byte[] request) throws IOException {
        JsonNode body = JsonNode.parser().parse(request);
        List<JsonNode> entries = body.field("Entries").filter(JsonNode::isArray).map(JsonNode::asArray).orElse(List.of());
        EntryFaults faults = entryFaults.get();
        String[] codes = new String[entries.size()];
        List<JsonNode> good = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            codes[i] = faults == null ? null : entryFault(faults, entries.get(i));
            if (codes[i] == null) {
                good.add(entries.get(i));
            } else {
                countInjected(codes[i]);
            }
        }
        List<JsonNode> answered = List.of();
        int engineFailed = 0;
        if (!good.isEmpty()) {
            Forwarded engineAnswer = forward(exchange, good.size() == entries.size() ? request : putEventsBody(good));
            if (engineAnswer.status() != 200) {
                return engineAnswer; // refused as a whole: what the engine said, nothing of ours
            }
            JsonNode parsed = JsonNode.parser().parse(engineAnswer.body());
            answered = parsed.field("Entries").filter(JsonNode::isArray).map(JsonNode::asArray).orElse(List.of());
            engineFailed = parsed.field("FailedEntryCount").map(n -> Integer.parseInt(n.asNumber())).orElse(0);
        }
        StructuredJsonGenerator w = new SdkJsonGenerator(JsonNodeParser.DEFAULT_JSON_FACTORY, "application/x-amz-json-1.1");
        int failed = engineFailed;
        w.writeStartObject().writeFieldName("Entries").writeStartArray();
        Consumer<PutEventsEntry> observer = putEventsObserver;
        for (int i = 0, next = 0; i < entries.size(); i++) {
            if (codes[i] != null) {
                failed++;
                w.writeStartObject().writeFieldName("ErrorCode").writeValue(codes[i])
                        .writeFieldName("ErrorMessage").writeValue(ENTRY_ERROR_MESSAGES.get(codes[i])).writeEndObject();
                if (observer != null) {
                    observer.accept(new PutEventsEntry(entries.get(i), null, codes[i], true));
                }
                continue;
            }
            JsonNode result = next < answered.size() ? answered.get(next) : null;
            next++;
            write(w, result == null ? JsonNode.parser().parse("{\"ErrorCode\":\"InternalFailure\"}") : result);
            if (observer != null) {
                String eventId = result == null ? null : result.field("EventId").filter(JsonNode::isString).map(JsonNode::asString).orElse(null);
                String code = result == null ? INTERNAL_FAILURE
                        : result.field("ErrorCode").filter(JsonNode::isString).map(JsonNode::asString).orElse(null);
                observer.accept(new PutEventsEntry(entries.get(i), eventId, code, false));
            }
        }
        w.writeEndArray().writeFieldName("FailedEntryCount").writeNumber(Integer.toString(failed)).writeEndObject();
        return new Forwarded(200, w.getBytes());
    }

    /** The code this entry fails with under {@code faults}, or null: it goes to the engine. */
    private static String entryFault(EntryFaults faults, JsonNode entry) {
        if (faults.malformed() > 0 && unitHash(faults.seed(), entry) < faults.malformed()) {
            return MALFORMED_DETAIL;
        }
        double draw;
        synchronized (faults.random()) {
            draw = faults.random().nextDouble();
        }
        return draw < faults.internalFailure() ? INTERNAL_FAILURE
                : draw < faults.internalFailure() + faults.throttling() ? THROTTLING : null;
    }

    /** A number in [0, 1) fixed by the entry's content and the seed (FNV-1a over its JSON, then a mix). */
    private static double unitHash(long seed, JsonNode entry) {
        StructuredJsonGenerator w = new SdkJsonGenerator(JsonNodeParser.DEFAULT_JSON_FACTORY, "application/json");
        write(w, entry);
        long hash = 0xcbf29ce484222325L ^ seed;
        for (byte b : w.getBytes()) {
            hash = (hash ^ (b & 0xff)) * 0x100000001b3L;
        }
        hash ^= hash >>> 33;
        hash *= 0xff51afd7ed558ccdL;
        hash ^= hash >>> 33;
        return (hash >>> 11) * 0x1.0p-53;
    }

    private static byte[] putEventsBody(List<JsonNode> entries) {
        StructuredJsonGenerator w = new SdkJsonGenerator(JsonNodeParser.DEFAULT_JSON_FACTORY, "application/x-amz-json-1.1");
        w.writeStartObject().writeFieldName("Entries").writeStartArray();
        entries.forEach(entry -> write(w, entry));
        w.writeEndArray().writeEndObject();
        return w.getBytes();
    }

    /**
     * After SQS accepted a send: each message accepted is, by chance, sent once more as a message of its
     * own (same body and attributes, its own Id), in one SendMessageBatch to the same queue.
     */
    private void duplicate(HttpExchange exchange, String operation, byte[] request, byte[] answer) throws IOException {
        Chance chance = sqsDuplicates.get();
        JsonNode body = JsonNode.parser().parse(request);
        List<JsonNode> copies = new ArrayList<>();
        if (operation.equals("SendMessage")) {
            if (chance.happens()) {
                copies.add(body);
            }
        } else {
            List<String> accepted = new ArrayList<>();
            JsonNode.parser().parse(answer).field("Successful").filter(JsonNode::isArray).map(JsonNode::asArray).orElse(List.of())
                    .forEach(ok -> ok.field("Id").filter(JsonNode::isString).ifPresent(id -> accepted.add(id.asString())));
            for (JsonNode entry : body.field("Entries").filter(JsonNode::isArray).map(JsonNode::asArray).orElse(List.of())) {
                String id = entry.field("Id").filter(JsonNode::isString).map(JsonNode::asString).orElse(null);
                if (accepted.contains(id) && chance.happens()) {
                    copies.add(entry);
                }
            }
        }
        if (copies.isEmpty()) {
            return;
        }
        StructuredJsonGenerator w = new SdkJsonGenerator(JsonNodeParser.DEFAULT_JSON_FACTORY, "application/x-amz-json-1.0");
        w.writeStartObject().writeFieldName("QueueUrl").writeValue(body.field("QueueUrl").map(JsonNode::asString).orElse(""));
        w.writeFieldName("Entries").writeStartArray();
        for (int i = 0; i < copies.size(); i++) {
            w.writeStartObject().writeFieldName("Id").writeValue("duplicate-" + i);
            for (Map.Entry<String, JsonNode> member : copies.get(i).asObject().entrySet()) {
                if (!member.getKey().equals("Id") && !member.getKey().equals("QueueUrl")) {
                    w.writeFieldName(member.getKey());
                    write(w, member.getValue());
                }
            }
            w.writeEndObject();
        }
        w.writeEndArray().writeEndObject();
        Forwarded sent = forward(exchange, "AmazonSQS.SendMessageBatch", w.getBytes());
        if (sent.status() == 200) {
            int count = JsonNode.parser().parse(sent.body()).field("Successful").filter(JsonNode::isArray).map(n -> n.asArray().size()).orElse(0);
            for (int i = 0; i < count; i++) {
                countInjected(SQS_DUPLICATE);
            }
        }
    }

    /** SQS's answer when some message has characters SQS refuses, else null (the request goes on as it is). */
    private Forwarded refuseSqsCharacters(HttpExchange exchange, String operation, byte[] request) throws IOException {
        JsonNode body = JsonNode.parser().parse(request);
        if (operation.equals("SendMessage")) {
            if (sqsAllows(body.field("MessageBody").map(JsonNode::asString).orElse(""))) {
                return null;
            }
            countInjected(SQS_INVALID_CONTENTS);
            return new Forwarded(400, "{\"__type\":\"com.amazonaws.sqs#InvalidMessageContents\",\"message\":\"Invalid characters found.\"}"
                    .getBytes(StandardCharsets.UTF_8));
        }
        List<JsonNode> allowed = new ArrayList<>();
        List<String> refused = new ArrayList<>();
        for (JsonNode entry : body.field("Entries").filter(JsonNode::isArray).map(JsonNode::asArray).orElse(List.of())) {
            if (sqsAllows(entry.field("MessageBody").map(JsonNode::asString).orElse(""))) {
                allowed.add(entry);
            } else {
                refused.add(entry.field("Id").map(JsonNode::asString).orElse(""));
                countInjected(SQS_INVALID_CONTENTS);
            }
        }
        if (refused.isEmpty()) {
            return null;
        }
        JsonNode sent = null;
        if (!allowed.isEmpty()) {
            StructuredJsonGenerator w = new SdkJsonGenerator(JsonNodeParser.DEFAULT_JSON_FACTORY, "application/x-amz-json-1.0");
            w.writeStartObject().writeFieldName("QueueUrl").writeValue(body.field("QueueUrl").map(JsonNode::asString).orElse(""));
            w.writeFieldName("Entries").writeStartArray();
            allowed.forEach(entry -> write(w, entry));
            w.writeEndArray().writeEndObject();
            Forwarded answer = forward(exchange, "AmazonSQS.SendMessageBatch", w.getBytes());
            if (answer.status() != 200) {
                return answer;
            }
            sent = JsonNode.parser().parse(answer.body());
        }
        StructuredJsonGenerator w = new SdkJsonGenerator(JsonNodeParser.DEFAULT_JSON_FACTORY, "application/x-amz-json-1.0");
        w.writeStartObject().writeFieldName("Successful").writeStartArray();
        if (sent != null) {
            sent.field("Successful").filter(JsonNode::isArray).map(JsonNode::asArray).orElse(List.of()).forEach(ok -> write(w, ok));
        }
        w.writeEndArray().writeFieldName("Failed").writeStartArray();
        if (sent != null) {
            sent.field("Failed").filter(JsonNode::isArray).map(JsonNode::asArray).orElse(List.of()).forEach(failed -> write(w, failed));
        }
        for (String id : refused) {
            w.writeStartObject().writeFieldName("Id").writeValue(id).writeFieldName("SenderFault").writeValue(true)
                    .writeFieldName("Code").writeValue("InvalidMessageContents")
                    .writeFieldName("Message").writeValue("Invalid characters found.").writeEndObject();
        }
        w.writeEndArray().writeEndObject();
        return new Forwarded(200, w.getBytes());
    }

    /** {@code value} as JSON onto {@code w} (numbers as their text, so none changes). */
    private static void write(StructuredJsonGenerator w, JsonNode value) {
        if (value.isObject()) {
            w.writeStartObject();
            value.asObject().forEach((name, member) -> {
                w.writeFieldName(name);
                write(w, member);
            });
            w.writeEndObject();
        } else if (value.isArray()) {
            w.writeStartArray();
            value.asArray().forEach(item -> write(w, item));
            w.writeEndArray();
        } else if (value.isString()) {
            w.writeValue(value.asString());
        } else if (value.isNumber()) {
            w.writeNumber(value.asNumber());
        } else if (value.isBoolean()) {
            w.writeValue(value.asBoolean());
        } else {
            w.writeNull();
        }
    }

    /**
     * The number of actions in a TransactWriteItems body: each is an object whose one member names its
     * kind. Those names never occur elsewhere as a member opening an object (attribute values are
     * typed maps like {"S": ...}, and the registry has no attribute of those names).
     */
    private static int transactItems(byte[] request) {
        Matcher action = TRANSACT_ACTION.matcher(new String(request, StandardCharsets.UTF_8));
        int count = 0;
        while (action.find()) {
            count++;
        }
        return Math.max(count, 1);
    }

    /** PutEvents' limit on a call's entries: "the total entry size must be less than 256KB". */
    static final int PUT_EVENTS_MAX_BYTES = 256 * 1024;

    /** A PutEvents body's entries, sized as AWS's "Calculating PutEvents event entry size" counts them. */
    static long putEventsSize(byte[] request) {
        JsonNode body = JsonNode.parser().parse(request);
        long size = 0;
        for (JsonNode entry : body.field("Entries").map(JsonNode::asArray).orElse(List.of())) {
            size += entry.field("Time").isPresent() ? 14 : 0;
            for (String member : new String[] {"Source", "DetailType", "Detail"}) {
                size += entry.field(member).map(value -> value.asString().getBytes(StandardCharsets.UTF_8).length).orElse(0);
            }
            for (JsonNode resource : entry.field("Resources").map(JsonNode::asArray).orElse(List.of())) {
                size += resource.asString().getBytes(StandardCharsets.UTF_8).length;
            }
        }
        return size;
    }

    private static final Pattern TRANSACT_ACTION = Pattern.compile("\\{\"(ConditionCheck|Put|Update|Delete)\":");

    private static void respond(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.0");
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        if (pool != null) {
            pool.shutdownNow();
        }
    }
}
