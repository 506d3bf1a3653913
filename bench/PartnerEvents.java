import dev.partnerregistry.api.EventForwarderHandler;
import dev.partnerregistry.local.LocalConfig;
import dev.partnerregistry.local.LocalDelivery;
import dev.partnerregistry.local.LocalRuntime;
import dev.partnerregistry.local.LocalServer;
import dev.partnerregistry.store.AwsJsonClient;
import java.io.BufferedOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.protocols.json.SdkJsonGenerator;
import software.amazon.awssdk.protocols.json.StructuredJsonGenerator;
import software.amazon.awssdk.protocols.jsoncore.JsonNode;
import software.amazon.awssdk.protocols.jsoncore.JsonNodeParser;

/**
 * Partner events benchmark (bench/partner-events.sh, not run in CI): how many events a partner gets
 * accepted through PutPartnerEvents, and how fast and how late the forwarder delivers them into a
 * customer's own bus, all on the local engine (moto serves DynamoDB, KMS, SQS and EventBridge).
 *
 * <p>Set-up, as {@code make run} has it: {@link LocalRuntime} creates the table, registers the
 * partners and imports the registry access keys of {@code local/} into the engine (encrypted under a
 * local KMS key, as {@code admin issue-key} stores them), and creates the delivery queue and its
 * dead-letter queue; {@link LocalServer}, API Gateway's stand-in, serves the function's handler, which
 * verifies each request's SigV4 signature against those keys (the stack's default mode). The
 * partner's calls are signed HTTP requests to that server ({@link AwsJsonClient}, the registry's own
 * signer and HTTP client: the EventBridge SDK client is not on the local runtime's classpath, and the
 * wire is the same). On the engine, BUSES customer buses each get a rule matching
 * {@code {"source":[{"prefix":"partner-registry."}]}} with an SQS queue as its target; SOURCES sources
 * of example.com are created and accepted by the customer with CreateEventBus, tagged
 * {@code partner-registry:deliver-to} with one of those buses (round robin).
 *
 * <p>Phase 1, accept: THREADS callers send PutPartnerEvents of BATCH entries for DURATION seconds (each
 * request one source, in turn). An entry is accepted when it has an EventId; its acceptance time is
 * when the partner got that answer. Phase 2, deliver: POLLERS threads run the forwarder as
 * {@code make run} does ({@code LocalDelivery.pollOnce}: receive up to ten, {@link EventForwarderHandler},
 * delete what was delivered) until every accepted event has arrived and the delivery queue is empty;
 * one reader per customer queue receives and deletes what arrives there, reading the event id from the
 * {@code partner-registry:event-id/<id>} resource and the arrival time from SQS's SentTimestamp. With
 * CONCURRENT=1 the pollers and readers run from the start, during the accept phase.
 *
 * <p>Environment: DURATION (s, 30), THREADS (4), BATCH (1-20, 10), SOURCES (4), BUSES (1), POLLERS (2),
 * CONCURRENT (0 or 1), POLL_WAIT (the forwarder's receive wait, s, 0: see below), WARMUP (s of
 * requests for a PENDING source before phase 1, accepted and dropped, 3), STALL (s without progress
 * after which delivery is given up, 60), EVENTS_LOG (the handler's and forwarder's log lines, default
 * local-runtime/target/partner-events/server.log), and what {@link LocalRuntime} reads
 * (DYNAMODB_ENDPOINT, TABLE_NAME).
 *
 * <p>POLL_WAIT defaults to 0 (short polls, 50 ms apart while the queue is empty) rather than the 1 s
 * long poll of {@code make run}: the project's moto engine runs every request under one lock, so a long
 * poll of an empty queue holds the whole engine, DynamoDB included, for its full wait.
 *
 * <p>Exit status: 0 when every accepted event arrived, 1 when one is missing, 2 for a bad setting.
 */
public final class PartnerEvents {

    static final String REGION = "us-east-1";
    static final String ACCOUNT = "123456789012";
    static final String PARTNER = "example.com";
    static final String DELIVER_TO_TAG = "partner-registry:deliver-to";
    static final String EVENT_ID_RESOURCE = "partner-registry:event-id/";
    static final String PATTERN = "{\"source\":[{\"prefix\":\"partner-registry.\"}]}";
    static final long IDLE_SLEEP_MILLIS = 50;

    record Settings(int duration, int threads, int batch, int sources, int buses, int pollers, boolean concurrent, int pollWait,
                    int warmup, int stall, Path log) {

        static Settings fromEnvironment(Map<String, String> env) {
            int batch = number(env, "BATCH", 10, 1);
            if (batch > 20) {
                throw new IllegalArgumentException("BATCH must be at most 20 (PutPartnerEvents' limit), was " + batch);
            }
            int concurrent = number(env, "CONCURRENT", 0, 0);
            if (concurrent > 1) {
                throw new IllegalArgumentException("CONCURRENT must be 0 or 1, was " + concurrent);
            }
            int pollWait = number(env, "POLL_WAIT", 0, 0);
            if (pollWait > 20) {
                throw new IllegalArgumentException("POLL_WAIT must be at most 20 (SQS's limit), was " + pollWait);
            }
            return new Settings(number(env, "DURATION", 30, 1), number(env, "THREADS", 4, 1), batch, number(env, "SOURCES", 4, 1),
                    number(env, "BUSES", 1, 1), number(env, "POLLERS", 2, 1), concurrent == 1, pollWait, number(env, "WARMUP", 3, 0),
                    number(env, "STALL", 60, 1),
                    Path.of(env.getOrDefault("EVENTS_LOG", "local-runtime/target/partner-events/server.log")));
        }

        private static int number(Map<String, String> env, String name, int fallback, int min) {
            String value = env.get(name);
            if (value == null || value.isBlank()) {
                return fallback;
            }
            int parsed;
            try {
                parsed = Integer.parseInt(value.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(name + " must be a whole number, was '" + value + "'");
            }
            if (parsed < min) {
                throw new IllegalArgumentException(name + " must be at least " + min + ", was " + parsed);
            }
            return parsed;
        }

        String command() {
            return "DURATION=" + duration + " THREADS=" + threads + " BATCH=" + batch + " SOURCES=" + sources + " BUSES=" + buses
                    + " POLLERS=" + pollers + " CONCURRENT=" + (concurrent ? 1 : 0) + " POLL_WAIT=" + pollWait + " WARMUP=" + warmup
                    + " bench/partner-events.sh";
        }
    }

    /** A customer's bus on the engine, with the queue its rule targets. */
    record Bus(String arn, String queueUrl) {
    }

    private final Settings settings;
    /** EventId -> when the partner got it (epoch ms). */
    private final Map<String, Long> accepted = new ConcurrentHashMap<>();
    /** EventId -> SentTimestamp of its first arrival in a customer's queue (epoch ms). */
    private final Map<String, Long> arrived = new ConcurrentHashMap<>();
    private final LongAdder arrivals = new LongAdder();
    private final LongAdder duplicates = new LongAdder();
    private final LongAdder requests = new LongAdder();
    private final LongAdder entriesSent = new LongAdder();
    private final Map<String, LongAdder> entryFailures = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> requestFailures = new ConcurrentHashMap<>();
    private final List<long[]> latencies = new ArrayList<>();
    private final LongAdder polls = new LongAdder();
    private final LongAdder emptyPolls = new LongAdder();
    private final LongAdder received = new LongAdder();
    private final Map<String, LongAdder> pollFailures = new ConcurrentHashMap<>();
    /** How long each poll that received something took: receive, the forwarder's PutEvents, delete. */
    private final ConcurrentLinkedQueue<Long> pollNanos = new ConcurrentLinkedQueue<>();
    private final ForwarderLog forwarderLog;
    private final AtomicBoolean stopDelivery = new AtomicBoolean();
    private final List<Thread> deliveryThreads = new ArrayList<>();

    PartnerEvents(Settings settings, ForwarderLog forwarderLog) {
        this.settings = settings;
        this.forwarderLog = forwarderLog;
    }

    public static void main(String[] args) throws Exception {
        Settings settings;
        try {
            settings = Settings.fromEnvironment(System.getenv());
        } catch (IllegalArgumentException e) {
            System.err.println("partner-events: " + e.getMessage());
            System.exit(2);
            return;
        }
        Files.createDirectories(settings.log().toAbsolutePath().getParent());
        int status;
        try (ForwarderLog log = new ForwarderLog(settings.log())) {
            status = new PartnerEvents(settings, log).run();
        }
        System.exit(status);
    }

    int run() throws Exception {
        Map<String, String> env = new HashMap<>(System.getenv());
        System.out.println("command:  " + settings.command());
        System.out.println("machine:  " + Runtime.getRuntime().availableProcessors() + " cores (client, registry, forwarder and engine share them); java "
                + System.getProperty("java.version"));
        System.out.println("caveat:   moto's latency is not AWS's: compare runs with each other. Every engine request (DynamoDB, SQS,"
                + " EventBridge) runs under one lock (moto_engine.py); README \"Performance\" says what moto costs where.");
        System.out.println("log:      " + settings.log() + " (the handler's request lines and the forwarder's batch lines)");

        try (LocalRuntime runtime = LocalRuntime.start(env, Path.of("").toAbsolutePath(), forwarderLog.stream());
             LocalServer server = LocalServer.start(0, runtime.handler(), forwarderLog.stream())) {
            URI engine = runtime.settings().dynamoDbEndpoint();
            System.out.println("registry: " + server.endpoint() + " (LocalServer: SigV4 against registry keys), table "
                    + runtime.settings().tableName() + ", engine " + engine);
            System.out.println("queue:    " + runtime.delivery().queueUrl());
            System.out.println();

            AwsCredentialsProvider engineCredentials = StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local"));
            AwsJsonClient sqs = new AwsJsonClient(engineCredentials, REGION, engine, "sqs", "1.0");
            AwsJsonClient customerEvents = new AwsJsonClient(engineCredentials, REGION, engine, "events", "1.1");
            Map.Entry<String, LocalConfig.LocalPrincipal> partner = partnerKey(runtime.config());
            Map.Entry<String, LocalConfig.LocalPrincipal> customer = customerKey(runtime.config());

            String run = Long.toString(System.currentTimeMillis(), 36);
            List<Bus> buses = new ArrayList<>();
            for (int b = 0; b < settings.buses(); b++) {
                buses.add(customerBus(customerEvents, sqs, "bench-" + run + "-" + b));
            }
            List<String> sources = new ArrayList<>();
            try (AwsJsonClient partnerClient = registry(server, partner); AwsJsonClient customerClient = registry(server, customer)) {
                for (int s = 0; s < settings.sources(); s++) {
                    String name = "aws.partner/" + PARTNER + "/bench-" + run + "/s" + s;
                    expect(partnerClient, "CreatePartnerEventSource", w -> w.writeFieldName("Name").writeValue(name)
                            .writeFieldName("Account").writeValue(ACCOUNT));
                    Bus bus = buses.get(s % buses.size());
                    expect(customerClient, "CreateEventBus", w -> w.writeFieldName("Name").writeValue(name)
                            .writeFieldName("EventSourceName").writeValue(name)
                            .writeFieldName("Tags").writeStartArray().writeStartObject()
                            .writeFieldName("Key").writeValue(DELIVER_TO_TAG).writeFieldName("Value").writeValue(bus.arn())
                            .writeEndObject().writeEndArray());
                    sources.add(name);
                }
                String pending = "aws.partner/" + PARTNER + "/bench-" + run + "/warm-up";
                expect(partnerClient, "CreatePartnerEventSource", w -> w.writeFieldName("Name").writeValue(pending)
                        .writeFieldName("Account").writeValue(ACCOUNT));
                System.out.println("set-up:   " + sources.size() + " ACTIVE sources of " + PARTNER + " (partner key " + partner.getKey()
                        + "), accepted by " + customer.getKey() + " with " + DELIVER_TO_TAG + " -> " + buses.size()
                        + " bus(es) on the engine, each with a rule " + PATTERN + " and an SQS target");
                if (settings.warmup() > 0) {
                    accept(server, partner, List.of(pending), settings.warmup(), false);
                    System.out.println("warm-up:  " + settings.warmup() + " s of PutPartnerEvents for a PENDING source (accepted, dropped, not counted)");
                }
            }
            System.out.println();

            long start = System.currentTimeMillis();
            if (settings.concurrent()) {
                startDelivery(runtime, sqs, buses);
            }
            long acceptStart = System.currentTimeMillis();
            long acceptNanos = accept(server, partner, sources, settings.duration(), true);
            long acceptEnd = System.currentTimeMillis();
            long deliverStart = settings.concurrent() ? start : System.currentTimeMillis();
            if (!settings.concurrent()) {
                startDelivery(runtime, sqs, buses);
            }
            boolean drained = awaitDelivery(sqs, runtime.delivery().queueUrl());
            long deliverEnd = System.currentTimeMillis();
            stopDelivery();
            Map<String, Integer> queueAfter = depth(sqs, runtime.delivery().queueUrl());
            Map<String, Integer> deadLetters = depth(sqs, runtime.delivery().deadLetterQueueUrl());
            return report(acceptStart, acceptEnd, acceptNanos, deliverStart, deliverEnd, drained, queueAfter, deadLetters);
        }
    }

    // ---------------------------------------------------------------- phase 1: accept

    /** THREADS callers for {@code seconds}; answers the phase's length in nanoseconds. */
    private long accept(LocalServer server, Map.Entry<String, LocalConfig.LocalPrincipal> partner, List<String> sources, int seconds,
                        boolean counted) throws InterruptedException {
        long begin = System.nanoTime();
        long deadline = begin + seconds * 1_000_000_000L;
        List<Thread> callers = new ArrayList<>();
        for (int t = 0; t < settings.threads(); t++) {
            int thread = t;
            long[] samples = new long[1 << 16];
            Thread caller = new Thread(() -> {
                int n = 0;
                long[] own = samples;
                try (AwsJsonClient client = registry(server, partner)) {
                    for (long i = 0; System.nanoTime() < deadline; i++) {
                        String source = sources.get((int) ((thread + i * settings.threads()) % sources.size()));
                        byte[] body = putPartnerEvents(source, thread, i);
                        long sent = System.nanoTime();
                        AwsJsonClient.Answer answer;
                        try {
                            answer = client.call("AWSEvents.PutPartnerEvents", body);
                        } catch (UncheckedIOException e) {
                            if (counted) {
                                requests.increment();
                                entriesSent.add(settings.batch());
                                count(requestFailures, "I/O " + rootCause(e));
                            }
                            continue;
                        }
                        long took = System.nanoTime() - sent;
                        long now = System.currentTimeMillis();
                        if (!counted) {
                            continue;
                        }
                        requests.increment();
                        entriesSent.add(settings.batch());
                        if (n == own.length) {
                            own = Arrays.copyOf(own, own.length * 2);
                        }
                        own[n++] = took;
                        if (!answer.ok()) {
                            count(requestFailures, answer.status() + " " + answer.errorType());
                            continue;
                        }
                        JsonNode entries = answer.body().asObject().get("Entries");
                        for (JsonNode entry : entries.asArray()) {
                            Map<String, JsonNode> result = entry.asObject();
                            JsonNode id = result.get("EventId");
                            if (id != null && id.isString()) {
                                accepted.put(id.asString(), now);
                            } else {
                                JsonNode code = result.get("ErrorCode");
                                count(entryFailures, code == null ? "(no code)" : code.asString());
                            }
                        }
                    }
                } finally {
                    synchronized (latencies) {
                        latencies.add(Arrays.copyOf(own, n));
                    }
                }
            }, "caller-" + t);
            callers.add(caller);
            caller.start();
        }
        for (Thread caller : callers) {
            caller.join();
        }
        return System.nanoTime() - begin;
    }

    private byte[] putPartnerEvents(String source, int thread, long i) {
        return json(w -> {
            w.writeFieldName("Entries").writeStartArray();
            for (int e = 0; e < settings.batch(); e++) {
                w.writeStartObject()
                        .writeFieldName("Source").writeValue(source)
                        .writeFieldName("DetailType").writeValue("Order Placed")
                        .writeFieldName("Detail").writeValue("{\"orderId\":\"" + thread + "-" + i + "-" + e + "\",\"total\":42.5,\"currency\":\"EUR\"}")
                        .writeEndObject();
            }
            w.writeEndArray();
        });
    }

    // ---------------------------------------------------------------- phase 2: deliver

    private void startDelivery(LocalRuntime runtime, AwsJsonClient sqs, List<Bus> buses) {
        for (int p = 0; p < settings.pollers(); p++) {
            Thread poller = new Thread(() -> {
                while (!stopDelivery.get()) {
                    try {
                        polls.increment();
                        long began = System.nanoTime();
                        int n = runtime.delivery().pollOnce(runtime.forwarder(), settings.pollWait());
                        received.add(n);
                        if (n > 0) {
                            pollNanos.add(System.nanoTime() - began);
                        } else {
                            emptyPolls.increment();
                            if (settings.pollWait() == 0) {
                                sleep(IDLE_SLEEP_MILLIS);
                            }
                        }
                    } catch (RuntimeException e) {
                        count(pollFailures, e.getClass().getSimpleName() + ": " + e.getMessage());
                        sleep(200);
                    }
                }
            }, "forwarder-" + p);
            deliveryThreads.add(poller);
        }
        for (Bus bus : buses) {
            deliveryThreads.add(new Thread(() -> readCustomerQueue(sqs, bus.queueUrl()), "customer-reader"));
        }
        deliveryThreads.forEach(Thread::start);
    }

    /** What the customer's own consumer does: receive, note each event's id and arrival, delete. */
    private void readCustomerQueue(AwsJsonClient sqs, String queueUrl) {
        while (!stopDelivery.get()) {
            JsonNode answer;
            try {
                answer = call(sqs, "AmazonSQS.ReceiveMessage", w -> w.writeFieldName("QueueUrl").writeValue(queueUrl)
                        .writeFieldName("MaxNumberOfMessages").writeValue(10)
                        .writeFieldName("WaitTimeSeconds").writeValue(0)
                        .writeFieldName("VisibilityTimeout").writeValue(60)
                        .writeFieldName("AttributeNames").writeStartArray().writeValue("SentTimestamp").writeEndArray());
            } catch (RuntimeException e) {
                count(pollFailures, "customer queue: " + e.getMessage());
                sleep(200);
                continue;
            }
            JsonNode messages = answer.isObject() ? answer.asObject().get("Messages") : null;
            if (messages == null || messages.asArray().isEmpty()) {
                sleep(IDLE_SLEEP_MILLIS);
                continue;
            }
            List<String> handles = new ArrayList<>();
            for (JsonNode message : messages.asArray()) {
                Map<String, JsonNode> m = message.asObject();
                handles.add(m.get("ReceiptHandle").asString());
                long sentAt = Long.parseLong(m.get("Attributes").asObject().get("SentTimestamp").asString());
                String id = eventId(JsonNode.parser().parse(m.get("Body").asString()));
                arrivals.increment();
                if (id == null || arrived.putIfAbsent(id, sentAt) != null) {
                    duplicates.increment();
                }
            }
            try {
                call(sqs, "AmazonSQS.DeleteMessageBatch", w -> {
                    w.writeFieldName("QueueUrl").writeValue(queueUrl).writeFieldName("Entries").writeStartArray();
                    for (int i = 0; i < handles.size(); i++) {
                        w.writeStartObject().writeFieldName("Id").writeValue(Integer.toString(i))
                                .writeFieldName("ReceiptHandle").writeValue(handles.get(i)).writeEndObject();
                    }
                    w.writeEndArray();
                });
            } catch (RuntimeException e) {
                count(pollFailures, "customer queue delete: " + e.getMessage());
            }
        }
    }

    private static String eventId(JsonNode event) {
        JsonNode resources = event.isObject() ? event.asObject().get("resources") : null;
        if (resources == null || !resources.isArray()) {
            return null;
        }
        for (JsonNode resource : resources.asArray()) {
            if (resource.isString() && resource.asString().startsWith(EVENT_ID_RESOURCE)) {
                return resource.asString().substring(EVENT_ID_RESOURCE.length());
            }
        }
        return null;
    }

    /**
     * Until every accepted event has arrived and the delivery queue holds nothing (visible or in
     * flight); false if nothing moved for STALL seconds.
     */
    private boolean awaitDelivery(AwsJsonClient sqs, String queueUrl) {
        long lastProgress = System.currentTimeMillis();
        long lastSeen = -1;
        long nextReport = System.currentTimeMillis() + 10_000;
        while (true) {
            if (System.currentTimeMillis() >= nextReport) {
                nextReport += 10_000;
                System.err.printf(Locale.ROOT, "partner-events: delivering, %d of %d accepted events arrived%n", arrived.size(), accepted.size());
            }
            long seen = arrivals.sum() + forwarderLog.delivered.sum() + forwarderLog.failed.sum() + received.sum();
            if (seen != lastSeen) {
                lastSeen = seen;
                lastProgress = System.currentTimeMillis();
            }
            if (arrived.keySet().containsAll(accepted.keySet())) {
                Map<String, Integer> depth = depth(sqs, queueUrl);
                if (depth.get("visible") == 0 && depth.get("in flight") == 0) {
                    return true;
                }
            }
            if (System.currentTimeMillis() - lastProgress > settings.stall() * 1000L) {
                return false;
            }
            sleep(250);
        }
    }

    private void stopDelivery() throws InterruptedException {
        stopDelivery.set(true);
        for (Thread thread : deliveryThreads) {
            thread.join(30_000);
        }
    }

    // ---------------------------------------------------------------- the report

    private int report(long acceptStart, long acceptEnd, long acceptNanos, long deliverStart, long deliverEnd, boolean drained,
                       Map<String, Integer> queueAfter, Map<String, Integer> deadLetters) {
        double acceptSeconds = acceptNanos / 1e9;
        long[] latency = latencies.stream().flatMapToLong(Arrays::stream).sorted().toArray();
        long sent = entriesSent.sum();
        long ok = accepted.size();
        double acceptedPerSecond = ok / acceptSeconds;
        double requestsPerSecond = requests.sum() / acceptSeconds;

        System.out.printf(Locale.ROOT, "phase 1, accept: %d s, %d callers, %d entries per PutPartnerEvents, %d sources%s%n",
                settings.duration(), settings.threads(), settings.batch(), settings.sources(),
                settings.concurrent() ? " (CONCURRENT=1: the forwarder runs meanwhile)" : " (nothing delivers meanwhile)");
        System.out.printf(Locale.ROOT, "  requests:  %d in %.1f s = %.1f requests/s; latency p50 %s ms, p99 %s ms, max %s ms%n",
                requests.sum(), acceptSeconds, requestsPerSecond, ms(percentile(latency, 50)), ms(percentile(latency, 99)),
                ms(latency.length == 0 ? -1 : latency[latency.length - 1]));
        long[] inHandler = forwarderLog.handlerMillis.stream().mapToLong(Long::longValue).sorted().toArray();
        System.out.printf(Locale.ROOT, "  in the handler (its request log's Latency, requests that queued events): p50 %d ms, p99 %d ms%n",
                percentile(inHandler, 50), percentile(inHandler, 99));
        System.out.printf(Locale.ROOT, "  entries:   %d sent, %d accepted (with an EventId) = %.1f accepted events/s%n", sent, ok, acceptedPerSecond);
        System.out.println("  failed entries by code: " + counts(entryFailures));
        System.out.println("  failed requests:        " + counts(requestFailures));

        // Lag: acceptance (the partner has its EventId) -> SentTimestamp in the customer's queue.
        long[] lags = accepted.entrySet().stream().filter(e -> arrived.containsKey(e.getKey()))
                .mapToLong(e -> arrived.get(e.getKey()) - e.getValue()).sorted().toArray();
        long missing = accepted.keySet().stream().filter(id -> !arrived.containsKey(id)).count();
        long unknown = arrived.keySet().stream().filter(id -> !accepted.containsKey(id)).count();
        long delivered = accepted.size() - missing;
        long lastArrival = arrived.values().stream().mapToLong(Long::longValue).max().orElse(deliverStart);
        double deliverSeconds = Math.max(1, lastArrival - deliverStart) / 1000.0;
        double deliveredPerSecond = delivered / deliverSeconds;

        System.out.println();
        System.out.printf(Locale.ROOT, "phase 2, deliver: %d pollers (LocalDelivery.pollOnce + EventForwarderHandler, POLL_WAIT=%d), %d customer queue reader(s)%s%n",
                settings.pollers(), settings.pollWait(), settings.buses(),
                settings.concurrent() ? ", from the start of phase 1" : ", started when phase 1 ended");
        System.out.printf(Locale.ROOT, "  delivered: %d of %d accepted events, the last %.1f s after %s = %.1f delivered events/s%n",
                delivered, accepted.size(), deliverSeconds, settings.concurrent() ? "phase 1 began" : "phase 2 began", deliveredPerSecond);
        System.out.printf(Locale.ROOT, "  lag (accepted -> in the customer's queue): p50 %d ms, p99 %d ms, max %d ms (min %d ms)%n",
                percentile(lags, 50), percentile(lags, 99), lags.length == 0 ? -1 : lags[lags.length - 1], lags.length == 0 ? -1 : lags[0]);
        long[] poll = pollNanos.stream().mapToLong(Long::longValue).sorted().toArray();
        System.out.printf(Locale.ROOT, "  forwarder: %d polls (%d empty), %d messages received, %d events put, %d failed %s; poll errors: %s%n",
                polls.sum(), emptyPolls.sum(), received.sum(), forwarderLog.delivered.sum(), forwarderLog.failed.sum(),
                counts(forwarderLog.codes), counts(pollFailures));
        System.out.printf(Locale.ROOT, "  one poll that received (ReceiveMessage, PutEvents, DeleteMessageBatch): p50 %s ms, p99 %s ms, max %s ms;"
                        + " LocalDelivery hides a received message for %d s%n",
                ms(percentile(poll, 50)), ms(percentile(poll, 99)), ms(poll.length == 0 ? -1 : poll[poll.length - 1]),
                LocalDelivery.VISIBILITY_SECONDS);
        System.out.printf(Locale.ROOT, "  check:     missing %d, duplicates %d (expected 0), not ours %d; delivery queue after: %d visible, %d in flight; dead-letter queue: %d%s%n",
                missing, duplicates.sum(), unknown, queueAfter.get("visible"), queueAfter.get("in flight"),
                deadLetters.get("visible") + deadLetters.get("in flight"),
                drained ? "" : "; GAVE UP: nothing moved for " + settings.stall() + " s");
        long slowPolls = Arrays.stream(poll).filter(n -> n > 2_000_000_000L).count();
        if (duplicates.sum() > 0) {
            System.out.printf(Locale.ROOT, "  duplicates: at least once, as documented; %d poll(s) took over the 2 s a received message stays hidden,"
                    + " so another poller received and delivered their messages again%n", slowPolls);
        }
        System.out.printf(Locale.ROOT, "  took:      phase 1 %.1f s, delivery until drained %.1f s after phase 1 ended%n",
                (acceptEnd - acceptStart) / 1000.0, (deliverEnd - acceptEnd) / 1000.0);

        timeline(acceptStart, acceptEnd, deliverEnd);

        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            System.out.printf(Locale.ROOT, "%ncpu: this JVM (callers, LocalServer, handler, forwarder, readers) used %.1f s of CPU in all%n",
                    os.getProcessCpuTime() / 1e9);
        }

        System.out.println();
        System.out.printf(Locale.ROOT, "RESULT %s accepted_events_per_s=%.1f requests_per_s=%.1f request_p50_ms=%s request_p99_ms=%s "
                        + "delivered_events_per_s=%.1f lag_p50_ms=%d lag_p99_ms=%d lag_max_ms=%d accepted=%d delivered=%d missing=%d duplicates=%d%n",
                settings.concurrent() ? "concurrent" : "phased", acceptedPerSecond, requestsPerSecond, ms(percentile(latency, 50)),
                ms(percentile(latency, 99)), deliveredPerSecond, percentile(lags, 50), percentile(lags, 99),
                lags.length == 0 ? -1 : lags[lags.length - 1], accepted.size(), delivered, missing, duplicates.sum());
        if (missing > 0) {
            System.out.println("FAILED: " + missing + " accepted event(s) never reached the customer's queue, e.g. "
                    + accepted.keySet().stream().filter(id -> !arrived.containsKey(id)).limit(3).toList());
            return 1;
        }
        return 0;
    }

    /**
     * Accepted and delivered per window since phase 1 began, and the backlog between them: 5 s
     * windows until phase 1 ended, then windows wide enough that the drain takes at most 16 lines.
     */
    private void timeline(long begin, long acceptEnd, long end) {
        long fine = 5000;
        List<Long> bounds = new ArrayList<>();
        long t = begin;
        for (; t < acceptEnd; t += fine) {
            bounds.add(t);
        }
        long coarse = fine;
        while ((end - t) / coarse > 16) {
            coarse *= 2;
        }
        for (; t <= end; t += coarse) {
            bounds.add(t);
        }
        bounds.add(t);
        int windows = bounds.size() - 1;
        long[] in = new long[windows];
        long[] out = new long[windows];
        accepted.values().forEach(at -> in[window(bounds, at)]++);
        arrived.entrySet().stream().filter(e -> accepted.containsKey(e.getKey())).forEach(e -> out[window(bounds, e.getValue())]++);
        System.out.println();
        System.out.println("timeline (s since phase 1 began: accepted, delivered, backlog = accepted but not yet delivered):");
        long backlog = 0;
        StringBuilder lines = new StringBuilder();
        for (int w = 0; w < windows; w++) {
            backlog += in[w] - out[w];
            lines.append(String.format(Locale.ROOT, "  %4d-%-4d %6d in %6d out %6d backlog%n", (bounds.get(w) - begin) / 1000,
                    (bounds.get(w + 1) - begin) / 1000, in[w], out[w], backlog));
        }
        System.out.print(lines);
    }

    /** The window {@code at} falls in (the first or last one for a time outside them). */
    private static int window(List<Long> bounds, long at) {
        for (int w = bounds.size() - 2; w > 0; w--) {
            if (at >= bounds.get(w)) {
                return w;
            }
        }
        return 0;
    }

    // ---------------------------------------------------------------- set-up and calls

    /** A custom bus on the engine, a rule on it matching the registry's events, and an SQS queue as the rule's target. */
    private static Bus customerBus(AwsJsonClient events, AwsJsonClient sqs, String name) {
        String busArn = call(events, "AWSEvents.CreateEventBus", w -> w.writeFieldName("Name").writeValue(name)).asObject()
                .get("EventBusArn").asString();
        String queueUrl = call(sqs, "AmazonSQS.CreateQueue", w -> w.writeFieldName("QueueName").writeValue(name + "-target")).asObject()
                .get("QueueUrl").asString();
        String queueArn = call(sqs, "AmazonSQS.GetQueueAttributes", w -> w.writeFieldName("QueueUrl").writeValue(queueUrl)
                .writeFieldName("AttributeNames").writeStartArray().writeValue("QueueArn").writeEndArray())
                .asObject().get("Attributes").asObject().get("QueueArn").asString();
        call(events, "AWSEvents.PutRule", w -> w.writeFieldName("Name").writeValue("from-partners").writeFieldName("EventBusName").writeValue(name)
                .writeFieldName("EventPattern").writeValue(PATTERN));
        call(events, "AWSEvents.PutTargets", w -> w.writeFieldName("Rule").writeValue("from-partners").writeFieldName("EventBusName").writeValue(name)
                .writeFieldName("Targets").writeStartArray().writeStartObject().writeFieldName("Id").writeValue("queue")
                .writeFieldName("Arn").writeValue(queueArn).writeEndObject().writeEndArray());
        return new Bus(busArn, queueUrl);
    }

    private static Map<String, Integer> depth(AwsJsonClient sqs, String queueUrl) {
        Map<String, JsonNode> attributes = call(sqs, "AmazonSQS.GetQueueAttributes", w -> w.writeFieldName("QueueUrl").writeValue(queueUrl)
                .writeFieldName("AttributeNames").writeStartArray().writeValue("ApproximateNumberOfMessages")
                .writeValue("ApproximateNumberOfMessagesNotVisible").writeEndArray()).asObject().get("Attributes").asObject();
        return Map.of("visible", Integer.parseInt(attributes.get("ApproximateNumberOfMessages").asString()),
                "in flight", Integer.parseInt(attributes.get("ApproximateNumberOfMessagesNotVisible").asString()));
    }

    /** The partner key of example.com in the local config. */
    private static Map.Entry<String, LocalConfig.LocalPrincipal> partnerKey(LocalConfig config) {
        List<String> principals = config.partners().getOrDefault(PARTNER, List.of());
        return config.principals().entrySet().stream().filter(e -> principals.contains(e.getValue().principalArn())).findFirst()
                .orElseThrow(() -> new IllegalStateException("no registry key of a principal of " + PARTNER + " in local/principals.properties"));
    }

    /** A key of a principal granted the customer side of the account (local/customers.properties): no key is a customer unless granted. */
    private static Map.Entry<String, LocalConfig.LocalPrincipal> customerKey(LocalConfig config) {
        List<String> granted = config.customers().getOrDefault(ACCOUNT, List.of());
        return config.principals().entrySet().stream().filter(e -> granted.contains(e.getValue().principalArn())).findFirst()
                .orElseThrow(() -> new IllegalStateException("no registry key of a customer of " + ACCOUNT
                        + " granted in local/customers.properties"));
    }

    private static AwsJsonClient registry(LocalServer server, Map.Entry<String, LocalConfig.LocalPrincipal> key) {
        return new AwsJsonClient(StaticCredentialsProvider.create(AwsBasicCredentials.create(key.getKey(), key.getValue().secretAccessKey())),
                REGION, server.endpoint(), "events", "1.1");
    }

    private static void expect(AwsJsonClient registry, String operation, Consumer<StructuredJsonGenerator> members) {
        call(registry, "AWSEvents." + operation, members);
    }

    private static JsonNode call(AwsJsonClient client, String target, Consumer<StructuredJsonGenerator> members) {
        AwsJsonClient.Answer answer = client.call(target, json(members));
        if (!answer.ok()) {
            throw new IllegalStateException(target + " answered " + answer.status() + " " + answer.errorType() + ": " + answer.body());
        }
        return answer.body();
    }

    private static byte[] json(Consumer<StructuredJsonGenerator> members) {
        StructuredJsonGenerator w = new SdkJsonGenerator(JsonNodeParser.DEFAULT_JSON_FACTORY, "application/x-amz-json-1.1");
        w.writeStartObject();
        members.accept(w);
        w.writeEndObject();
        return w.getBytes();
    }

    private static void count(Map<String, LongAdder> counts, String key) {
        counts.computeIfAbsent(key, k -> new LongAdder()).increment();
    }

    private static String counts(Map<String, LongAdder> counts) {
        if (counts.isEmpty()) {
            return "none";
        }
        Map<String, Long> sorted = new TreeMap<>();
        counts.forEach((k, v) -> sorted.put(k, v.sum()));
        return sorted.toString();
    }

    private static String rootCause(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause.getClass().getSimpleName();
    }

    /** Nearest rank; -1 when there is nothing. */
    private static long percentile(long[] sorted, int p) {
        if (sorted.length == 0) {
            return -1;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    private static String ms(long nanos) {
        return nanos < 0 ? "-" : String.format(Locale.ROOT, "%.1f", nanos / 1e6);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Where LocalRuntime writes (progress, the handler's request log, the forwarder's batch lines): a
     * file, and the forwarder's lines counted on the way (EventsDelivered, EventsDeliveryFailed, codes).
     */
    static final class ForwarderLog implements AutoCloseable {
        final LongAdder delivered = new LongAdder();
        final LongAdder failed = new LongAdder();
        final Map<String, LongAdder> codes = new ConcurrentHashMap<>();
        /** The handler's own Latency of each PutPartnerEvents that queued events (the warm-up's queue none). */
        final ConcurrentLinkedQueue<Long> handlerMillis = new ConcurrentLinkedQueue<>();
        private final PrintStream stream;

        ForwarderLog(Path file) throws IOException {
            FileOutputStream out = new FileOutputStream(file.toFile());
            this.stream = new PrintStream(new BufferedOutputStream(out, 1 << 16), false, StandardCharsets.UTF_8) {
                @Override
                public void println(String line) {
                    read(line);
                    super.println(line);
                }

                /** The request log writes each line as UTF-8 bytes, newline included, in one write. */
                @Override
                public void write(byte[] buf, int off, int len) {
                    for (String line : new String(buf, off, len, StandardCharsets.UTF_8).split("\n")) {
                        read(line);
                    }
                    super.write(buf, off, len);
                }

                private void read(String line) {
                    if (line != null && line.startsWith("{") && line.contains("\"forwarder\"")) {
                        Map<String, JsonNode> batch = JsonNode.parser().parse(line).asObject();
                        delivered.add(Long.parseLong(batch.get(EventForwarderHandler.DELIVERED).asNumber()));
                        failed.add(Long.parseLong(batch.get(EventForwarderHandler.FAILED).asNumber()));
                        batch.get("failureCodes").asObject().forEach((code, n) ->
                                codes.computeIfAbsent(code, k -> new LongAdder()).add(Long.parseLong(n.asNumber())));
                    } else if (line != null && line.startsWith("{") && line.contains("\"Operation\":\"PutPartnerEvents\"")) {
                        Map<String, JsonNode> request = JsonNode.parser().parse(line).asObject();
                        JsonNode queued = request.get("EventsQueued");
                        JsonNode latency = request.get("Latency");
                        if (queued != null && latency != null && Long.parseLong(queued.asNumber()) > 0) {
                            handlerMillis.add(Math.round(Double.parseDouble(latency.asNumber())));
                        }
                    }
                }
            };
        }

        PrintStream stream() {
            return stream;
        }

        @Override
        public void close() {
            stream.close();
        }
    }
}
