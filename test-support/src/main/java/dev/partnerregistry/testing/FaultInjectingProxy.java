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
import java.util.List;
import java.util.Map;
import java.util.Random;
import software.amazon.awssdk.protocols.jsoncore.JsonNode;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A loopback HTTP proxy in front of the real engine that forwards every request unchanged, except
 * that it can answer the next calls of one DynamoDB operation with a given error, as DynamoDB
 * itself would send it. Faults are injected into real traffic; the engine stays real.
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

    public void clear() {
        fault.set(null);
        onceFault.set(null);
        stall.set(null);
        contention.set(null);
        putEventsCallLimit = false;
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
        received.add(operation + " " + new String(request, StandardCharsets.UTF_8));
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
        HttpURLConnection forward = (HttpURLConnection) new URL(engine + exchange.getRequestURI().toString()).openConnection();
        forward.setRequestMethod(exchange.getRequestMethod());
        for (Map.Entry<String, List<String>> header : exchange.getRequestHeaders().entrySet()) {
            if (!header.getKey().equalsIgnoreCase("Host") && !header.getKey().equalsIgnoreCase("Content-Length")) {
                forward.setRequestProperty(header.getKey(), String.join(",", header.getValue()));
            }
        }
        forward.setDoOutput(true);
        try (OutputStream out = forward.getOutputStream()) {
            out.write(request);
        }
        int status = forward.getResponseCode();
        try (InputStream in = status >= 400 ? forward.getErrorStream() : forward.getInputStream()) {
            respond(exchange, status, in == null ? new byte[0] : in.readAllBytes());
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
