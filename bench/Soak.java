import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.partnerregistry.RegistryAssembly;
import dev.partnerregistry.admin.AccessKeyEncryption;
import dev.partnerregistry.admin.IssuedAccessKeys;
import dev.partnerregistry.RegistrySettings;
import dev.partnerregistry.admin.DynamoDbRegistryAdmin;
import dev.partnerregistry.admin.PartnerSourceTable;
import dev.partnerregistry.api.PartnerRegistryHandler;
import dev.partnerregistry.api.RequestLog;
import dev.partnerregistry.testing.FaultInjectingProxy;
import dev.partnerregistry.local.LocalConfig.LocalPrincipal;
import dev.partnerregistry.local.LocalServer;
import dev.partnerregistry.store.DynamoDbClients;
import dev.partnerregistry.store.RegistryTable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.protocols.jsoncore.JsonNode;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;

/**
 * Soak test (bench/soak.sh, not run in CI): the real handler behind the local API Gateway stand-in
 * (SigV4 verified), on a DynamoDB engine reached through an in-process proxy that every few seconds
 * "freezes the engine" for a while. Requests arriving during a freeze wait and are then forwarded
 * one by one in arrival order, so calls time out (InternalException) while their writes still
 * commit later. THREADS workers, each acting for one partner through its own role session, send a
 * random mix of the five operations and of hostile requests over HTTP for DURATION seconds,
 * retrying 5xx answers with the same amz-sdk-invocation-id as the SDKs do. Every answer is checked
 * on the wire, and at the end the table is checked directly: counters, limits, partitions, and
 * that no acknowledged create was lost. A fault proxy in front of the freezes cancels CONFLICT_PERCENT
 * of the transactions with TransactionConflict, as DynamoDB does under contention: no call may answer
 * ConcurrentModificationException for it. Meanwhile {@link SoakEvents} sends partner events and
 * delivers them through a faulty EventBridge and SQS, and checks the dead-letter queue at the end.
 *
 * <p>Environment: DYNAMODB_ENDPOINT (required), TABLE_NAME (default soak-&lt;time&gt;), DURATION (s,
 * default 60), THREADS (default 8), PARTNERS (default min(8, max(2, THREADS/2)): two workers share
 * a partner where they can), NAMES (per partner, default 30), HOSTILE_PERCENT (default 12),
 * HANDLER_CLIENT (short: the handler's DynamoDB client gives up after 2 s, freezes last 1-4 s;
 * lambda: DynamoDbClients.create's 4 s, and one freeze in four lasts 4-7 s), SEED, SOAK_LOG
 * (the server's and handler's log, default local-runtime/target/soak/server.log), CONFLICT_PERCENT (30), and
 * the event side's EVENT_THREADS (2), POLLERS (2), MALFORMED_PERCENT (5), TRANSIENT_PERCENT (10),
 * THROTTLE_PERCENT (5), DUPLICATE_PERCENT (5), DRAIN (s, 240): see bench/soak.sh.
 *
 * <p>Exit status 0 only if there was no violation and every invariant holds.
 */
public final class Soak {

    static final String REGION = "us-east-1";
    static final String CONTENT_TYPE = "application/x-amz-json-1.1";
    static final String TARGET_PREFIX = "AWSEvents.";
    static final String CREATE = "CreatePartnerEventSource";
    static final String DESCRIBE = "DescribePartnerEventSource";
    static final String LIST = "ListPartnerEventSources";
    static final String ACCOUNTS = "ListPartnerEventSourceAccounts";
    static final String DELETE = "DeletePartnerEventSource";
    static final int MAX_ANSWER_BYTES = 64 * 1024;
    static final int RETRIES = 3;
    /** Headers java.net.http sets itself. */
    static final Set<String> RESTRICTED = Set.of("host", "content-length", "connection", "expect", "upgrade");
    /** How much later than its answer a call's last engine request may still reach the proxy (scheduling slack). */
    static final long ORDER_SLACK_NANOS = Duration.ofSeconds(1).toNanos();

    // ---------------------------------------------------------------- settings

    record Settings(int durationSeconds, int threads, int partners, int names, int hostilePercent, URI engine,
                    String table, String handlerClient, long seed, Path log, int conflictPercent, SoakEvents.Settings events) {

        static Settings fromEnvironment(Map<String, String> env) {
            String endpoint = env.get("DYNAMODB_ENDPOINT");
            if (endpoint == null || endpoint.isBlank()) {
                throw new IllegalArgumentException("DYNAMODB_ENDPOINT is not set (bench/soak.sh starts an engine and sets it)");
            }
            int threads = positive(env, "THREADS", 8);
            String client = env.getOrDefault("HANDLER_CLIENT", "short").trim().toLowerCase(Locale.ROOT);
            if (!client.equals("short") && !client.equals("lambda")) {
                throw new IllegalArgumentException("HANDLER_CLIENT must be short or lambda, was '" + client + "'");
            }
            int hostile = positive(env, "HOSTILE_PERCENT", 12);
            if (hostile > 100) {
                throw new IllegalArgumentException("HOSTILE_PERCENT must be at most 100");
            }
            String table = env.get("TABLE_NAME");
            long seed = env.containsKey("SEED") ? Long.parseLong(env.get("SEED").trim()) : System.nanoTime();
            SoakEvents.Settings events = new SoakEvents.Settings(positive(env, "EVENT_THREADS", 2), positive(env, "POLLERS", 2),
                    percent(env, "MALFORMED_PERCENT", 5), percent(env, "TRANSIENT_PERCENT", 10), percent(env, "THROTTLE_PERCENT", 5),
                    percent(env, "DUPLICATE_PERCENT", 5), hostile, positive(env, "DRAIN", 240), seed);
            return new Settings(positive(env, "DURATION", 60), threads,
                    positive(env, "PARTNERS", Math.min(8, Math.max(2, threads / 2))),
                    positive(env, "NAMES", 30), hostile, URI.create(endpoint.trim()),
                    table == null || table.isBlank() ? "soak-" + System.currentTimeMillis() : table.trim(),
                    client, seed, Path.of(env.getOrDefault("SOAK_LOG", "local-runtime/target/soak/server.log")),
                    percent(env, "CONFLICT_PERCENT", 30), events);
        }

        /** A share in percent, 0-100. */
        private static int percent(Map<String, String> env, String name, int fallback) {
            return whole(env, name, fallback, 0, 100);
        }

        private static int positive(Map<String, String> env, String name, int fallback) {
            return whole(env, name, fallback, name.equals("HOSTILE_PERCENT") ? 0 : 1, Integer.MAX_VALUE);
        }

        /** A whole number from {@code min} to {@code max}, or {@code fallback} when not given. */
        private static int whole(Map<String, String> env, String name, int fallback, int min, int max) {
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
            if (parsed < min || parsed > max) {
                throw new IllegalArgumentException(name + (max == 100 ? " must be 0-100" : " must be positive") + ", was " + parsed);
            }
            return parsed;
        }

        boolean shortClient() {
            return handlerClient.equals("short");
        }
    }

    // ---------------------------------------------------------------- the stalling proxy

    /**
     * HTTP proxy in front of the engine. Every request is queued on arrival and forwarded by ONE
     * thread, so the engine sees requests in arrival order; while frozen, that thread waits (the
     * engine "stops"), and on thawing it forwards the backlog in order. A request whose client gave
     * up meanwhile is still forwarded: its write commits although its caller was told it failed.
     */
    static final class StallingProxy implements AutoCloseable {
        private final URI engine;
        private final HttpServer server;
        private final ExecutorService receivers;
        private final ExecutorService forwarder;
        private final Object gate = new Object();
        private boolean frozen;
        private final AtomicInteger pending = new AtomicInteger();
        private final AtomicInteger maxBacklog = new AtomicInteger();
        final LongAdder forwarded = new LongAdder();
        final LongAdder heldByFreeze = new LongAdder();
        final LongAdder answersLost = new LongAdder();
        final LongAdder engineErrors = new LongAdder();

        StallingProxy(URI engine) throws IOException {
            this.engine = engine;
            this.receivers = Executors.newCachedThreadPool(daemon("proxy-in"));
            this.forwarder = Executors.newSingleThreadExecutor(daemon("proxy-forward"));
            this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 256);
            server.setExecutor(receivers);
            server.createContext("/", this::handle);
            server.start();
        }

        URI endpoint() {
            return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
        }

        void freeze() {
            synchronized (gate) {
                frozen = true;
            }
        }

        void thaw() {
            synchronized (gate) {
                frozen = false;
                gate.notifyAll();
            }
        }

        int maxBacklog() {
            return maxBacklog.get();
        }

        /** Waits until every request received so far has been forwarded and answered by the engine. */
        boolean drain(Duration timeout) throws InterruptedException {
            long until = System.nanoTime() + timeout.toNanos();
            while (pending.get() > 0) {
                if (System.nanoTime() > until) {
                    return false;
                }
                Thread.sleep(20);
            }
            return true;
        }

        private record Forwarded(int status, String contentType, byte[] body) {
        }

        private void handle(HttpExchange exchange) throws IOException {
            try (exchange) {
                byte[] request = exchange.getRequestBody().readAllBytes();
                Future<Forwarded> answer;
                synchronized (gate) {
                    // Arrival order is queue order: taking the place and queueing happen under one lock.
                    if (frozen) {
                        heldByFreeze.increment();
                    }
                    int backlog = pending.incrementAndGet();
                    maxBacklog.accumulateAndGet(backlog, Math::max);
                    answer = forwarder.submit(() -> {
                        try {
                            awaitThaw();
                            return forward(exchange, request);
                        } finally {
                            pending.decrementAndGet();
                        }
                    });
                }
                Forwarded forwarded;
                try {
                    forwarded = answer.get();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    exchange.sendResponseHeaders(502, -1);
                    return;
                } catch (ExecutionException e) {
                    engineErrors.increment();
                    exchange.sendResponseHeaders(502, -1);
                    return;
                }
                try {
                    if (forwarded.contentType() != null) {
                        exchange.getResponseHeaders().set("Content-Type", forwarded.contentType());
                    }
                    exchange.sendResponseHeaders(forwarded.status(), forwarded.body().length == 0 ? -1 : forwarded.body().length);
                    if (forwarded.body().length > 0) {
                        try (OutputStream out = exchange.getResponseBody()) {
                            out.write(forwarded.body());
                        }
                    }
                } catch (IOException clientGone) {
                    // The handler's client timed out during the freeze: the engine did the work all the same.
                    answersLost.increment();
                }
            }
        }

        private void awaitThaw() throws InterruptedException {
            synchronized (gate) {
                while (frozen) {
                    gate.wait();
                }
            }
        }

        private Forwarded forward(HttpExchange exchange, byte[] request) throws IOException {
            HttpURLConnection connection = (HttpURLConnection) new URL(engine + exchange.getRequestURI().toString()).openConnection();
            connection.setConnectTimeout(10_000);
            connection.setReadTimeout(60_000);
            connection.setRequestMethod(exchange.getRequestMethod());
            exchange.getRequestHeaders().forEach((name, values) -> {
                if (!name.equalsIgnoreCase("Host") && !name.equalsIgnoreCase("Content-Length") && !name.equalsIgnoreCase("Connection")) {
                    connection.setRequestProperty(name, String.join(",", values));
                }
            });
            connection.setDoOutput(true);
            try (OutputStream out = connection.getOutputStream()) {
                out.write(request);
            }
            int status = connection.getResponseCode();
            byte[] body;
            try (InputStream in = status >= 400 ? connection.getErrorStream() : connection.getInputStream()) {
                body = in == null ? new byte[0] : in.readAllBytes();
            }
            forwarded.increment();
            return new Forwarded(status, connection.getContentType(), body);
        }

        @Override
        public void close() {
            thaw();
            server.stop(0);
            forwarder.shutdownNow();
            receivers.shutdownNow();
        }
    }

    /** Freezes the proxy every few seconds until the deadline; the last freeze runs its full length. */
    static final class Freezer extends Thread {
        private final StallingProxy proxy;
        private final long deadline;
        private final boolean longFreezes;
        private final Random random;
        final AtomicInteger freezes = new AtomicInteger();
        final AtomicLong frozenNanos = new AtomicLong();
        final AtomicLong longestNanos = new AtomicLong();

        Freezer(StallingProxy proxy, long deadline, boolean longFreezes, long seed) {
            super("freezer");
            setDaemon(true);
            this.proxy = proxy;
            this.deadline = deadline;
            this.longFreezes = longFreezes;
            this.random = new Random(seed);
        }

        @Override
        public void run() {
            try {
                while (true) {
                    Thread.sleep(2000 + random.nextInt(3001)); // every 2-5 s
                    if (System.nanoTime() >= deadline) {
                        return;
                    }
                    long millis = longFreezes && random.nextInt(4) == 0
                            ? DynamoDbClients.CALL_TIMEOUT.toMillis() + random.nextInt(3001)   // past the deployed call timeout
                            : 1000 + random.nextInt(3001);    // 1-4 s
                    long started = System.nanoTime();
                    proxy.freeze();
                    try {
                        Thread.sleep(millis);
                    } finally {
                        proxy.thaw();
                        long frozen = System.nanoTime() - started;
                        freezes.incrementAndGet();
                        frozenNanos.addAndGet(frozen);
                        longestNanos.accumulateAndGet(frozen, Math::max);
                    }
                }
            } catch (InterruptedException e) {
                proxy.thaw();
            }
        }
    }

    // ---------------------------------------------------------------- partners, principals, names

    record Partner(int index, String name, String roleArn, int limit, String account, String otherAccount) {

        String sourceName(int n) {
            return "aws.partner/" + name + "/soak/n" + String.format("%02d", n);
        }

        String namespace() {
            return "aws.partner/" + name + "/";
        }
    }

    record Principal(String accessKey, String secret, String arn) {
    }

    // ---------------------------------------------------------------- what happened

    /** One logical call (a create or a delete of a name in the namespace), for the end-state check. */
    static final class WriteCall {
        final String operation;
        final String name;
        final String account;
        final long started;
        volatile long finished;
        volatile int status;
        volatile String type;
        /** An attempt was answered 5xx or not at all: its write may have committed, now or later. */
        volatile boolean uncertain;
        /** The amz-sdk-invocation-id of the call: a create stores it on the source as callId. */
        volatile String invocationId;

        WriteCall(String operation, String name, String account, long started) {
            this.operation = operation;
            this.name = name;
            this.account = account;
            this.started = started;
        }

        boolean acknowledged() {
            return status == 200;
        }

        /** Could this call have written (committed), at some point after it started? */
        boolean mayHaveWritten() {
            return acknowledged() || uncertain;
        }

        @Override
        public String toString() {
            return operation + " " + name + " account " + account + " -> " + status + (type == null ? "" : " " + type)
                    + (uncertain ? " (an attempt was 5xx/unanswered)" : "");
        }
    }

    /** The final answer of a logical call, after its retries. */
    record Outcome(int status, String type, JsonNode json, boolean uncertain, boolean connectionFailed, String invocationId) {

        Outcome(int status, String type, JsonNode json, boolean uncertain, boolean connectionFailed) {
            this(status, type, json, uncertain, connectionFailed, null);
        }
    }

    private final Settings settings;
    private final Map<String, LongAdder> answers = new ConcurrentHashMap<>();
    private final LongAdder requests = new LongAdder();
    private final LongAdder calls = new LongAdder();
    private final LongAdder hostileCalls = new LongAdder();
    private final LongAdder retries = new LongAdder();
    private final LongAdder gaveUp = new LongAdder();
    private final LongAdder probes = new LongAdder();
    /** Logical calls answered on a retry after a 5xx (or unanswered) attempt, by operation and final answer. */
    private final Map<String, LongAdder> recovered = new ConcurrentHashMap<>();
    private final AtomicLong violations = new AtomicLong();
    private final ConcurrentLinkedQueue<String> violationSamples = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<String> semanticFailures = new ConcurrentLinkedQueue<>();
    private final AtomicLong semanticFailureCount = new AtomicLong();
    private final Map<String, List<WriteCall>> writes = new ConcurrentHashMap<>();
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private List<Partner> partners;
    /** The event side's partners: their sources are created once and never deleted; checked with the others. */
    private final List<Partner> eventPartners = new ArrayList<>();
    private SoakEvents events;
    private URI api;
    /** Straight to the engine, never through the proxy: set-up, probes and the final check. */
    private DynamoDbClient engineClient;

    Soak(Settings settings) {
        this.settings = settings;
    }

    public static void main(String[] args) throws Exception {
        Settings settings;
        try {
            settings = Settings.fromEnvironment(System.getenv());
        } catch (IllegalArgumentException e) {
            System.err.println("soak: " + e.getMessage());
            System.exit(2);
            return;
        }
        System.exit(new Soak(settings).run());
    }

    int run() throws Exception {
        StaticCredentialsProvider credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create("soak", "soak"));
        // Direct to the engine: set-up and the final check never go through the proxy.
        RegistrySettings direct = RegistrySettings.builder().tableName(settings.table()).region(REGION).dynamoDbEndpoint(settings.engine()).build();
        engineClient = DynamoDbClients.create(direct, credentials);
        PartnerSourceTable.createIfAbsent(engineClient, settings.table());
        DynamoDbRegistryAdmin admin = new DynamoDbRegistryAdmin(engineClient, settings.table());

        partners = new ArrayList<>();
        int[] limits = {5, 12, 25, 5, 100, 8, 18, 40};
        for (int i = 0; i < settings.partners(); i++) {
            String name = "p" + i + ".soak.example";
            String account = String.format("1111111111%02d", i % 100);
            String roleArn = "arn:aws:iam::" + account + ":role/SoakWriter" + i;
            Partner partner = new Partner(i, name, roleArn, limits[i % limits.length], account, String.format("2222222222%02d", i % 100));
            admin.registerPrincipals(name, List.of(roleArn));
            admin.setPartnerLimit(name, partner.limit());
            partners.add(partner);
        }

        // Each worker is its own session of its partner's role; the registry matches sessions to the role.
        Map<String, LocalPrincipal> keys = new LinkedHashMap<>();
        List<Principal> workerPrincipals = new ArrayList<>();
        for (int w = 0; w < settings.threads(); w++) {
            Partner partner = partners.get(w % partners.size());
            String arn = "arn:aws:sts::" + partner.account() + ":assumed-role/SoakWriter" + partner.index() + "/worker-" + w;
            Principal principal = new Principal(String.format("AKIASOAKWORKER%04d", w), "soak-secret-" + w, arn);
            keys.put(principal.accessKey(), new LocalPrincipal(arn, principal.secret()));
            workerPrincipals.add(principal);
        }
        Principal stranger = new Principal("AKIASOAKSTRANGER00", "soak-stranger-secret",
                "arn:aws:sts::999999999999:assumed-role/Stranger/intruder");
        keys.put(stranger.accessKey(), new LocalPrincipal(stranger.arn(), stranger.secret()));

        Files.createDirectories(settings.log().toAbsolutePath().getParent());
        PrintStream log = new PrintStream(Files.newOutputStream(settings.log()), true, StandardCharsets.UTF_8);

        // The event side: its partners, customer and access keys, the delivery queue (LocalRuntime's) behind the fault proxy.
        events = new SoakEvents(settings.events(), settings.engine(), settings.table(), log);
        keys.putAll(events.principals());
        events.register(admin, engineClient, settings.table());
        events.partnerLimits().forEach((name, limit) -> eventPartners.add(new Partner(-1, name, null, limit, SoakEvents.ACCOUNT, SoakEvents.ACCOUNT)));
        accessKeyItems.add(events.grantKey());

        // handler -> fault proxy (transaction conflicts) -> stalling proxy (freezes) -> engine. Conflicts in front: DynamoDB
        // answers a lost race at once; behind a freeze, the freeze would spend the write's budget and make a
        // ConcurrentModificationException legitimate, which the check below could not tell from a conflict not absorbed.
        StallingProxy proxy = new StallingProxy(settings.engine());
        FaultInjectingProxy conflicts = new FaultInjectingProxy(proxy.endpoint(), 2 * settings.threads() + 2 * settings.events().threads() + 8);
        conflicts.recordRequests(false);
        DynamoDbClient handlerClient = handlerClient(conflicts.endpoint(), credentials);
        // The workers' keys issued as the operator issues them, secrets under the engine's KMS; the
        // function reads them through the stalling proxy like everything else, and decrypts directly.
        String kmsKey;
        try (KmsClient kms = AccessKeyEncryption.kms(RegistrySettings.builder().tableName(settings.table()).region(REGION)
                .dynamoDbEndpoint(settings.engine()).build())) {
            kmsKey = AccessKeyEncryption.localKey(kms);
            IssuedAccessKeys issued = new IssuedAccessKeys(engineClient, settings.table(), kms, kmsKey, Clock.systemUTC());
            keys.forEach((id, key) -> {
                issued.importKey(key.principalArn(), id, key.secretAccessKey());
                accessKeyItems.add(RegistryTable.accessKeyKey(id));
                accessKeyItems.add(RegistryTable.principalKeysKey(key.principalArn()));
            });
        }
        RegistrySettings registrySettings = RegistrySettings.builder().tableName(settings.table()).region(REGION)
                .dynamoDbEndpoint(conflicts.endpoint()).kmsKeyArn(kmsKey).kmsEndpoint(settings.engine())
                .eventQueueUrl(events.queueUrl()).sqsEndpoint(events.sqsEndpoint()).build();
        PartnerRegistryHandler handler = new PartnerRegistryHandler(RegistryAssembly.protocol(handlerClient, registrySettings,
                RequestLog.to(log, registrySettings.metricsNamespace()), Clock.systemUTC(), RegistryAssembly.eventQueue(registrySettings, credentials)),
                RegistryAssembly.verifier(handlerClient, registrySettings, credentials, Clock.systemUTC()));
        LocalServer server = LocalServer.start(0, handler, log);
        api = server.endpoint();
        SoakEvents.Api eventsApi = new SoakEvents.Api() {
            @Override
            public Outcome call(Principal principal, String operation, String body) throws InterruptedException {
                return Soak.this.call(principal, operation, body, false);
            }

            @Override
            public Outcome create(Principal principal, String name, String account) throws InterruptedException {
                WriteCall write = new WriteCall(CREATE, name, account, System.nanoTime());
                writes.computeIfAbsent(name, k -> Collections.synchronizedList(new ArrayList<>())).add(write);
                Outcome outcome = Soak.this.call(principal, CREATE, json("Name", name, "Account", account), false);
                record(write, outcome);
                return outcome;
            }
        };
        events.createSources(eventsApi);

        System.out.printf("soak: %d s, %d threads, %d partners x %d names, %d%% hostile, handler client '%s', seed %d%n",
                settings.durationSeconds(), settings.threads(), partners.size(), settings.names(), settings.hostilePercent(),
                settings.handlerClient(), settings.seed());
        System.out.printf("soak: engine %s via stalling proxy %s and a proxy cancelling %d%% of transactions (TransactionConflict), "
                        + "table %s, API %s, log %s%n", settings.engine(), proxy.endpoint(), settings.conflictPercent(), settings.table(), api,
                settings.log());
        System.out.println("soak: " + settings.events().describe());

        long started = System.nanoTime();
        long deadline = started + Duration.ofSeconds(settings.durationSeconds()).toNanos();
        Freezer freezer = new Freezer(proxy, deadline, !settings.shortClient(), settings.seed() ^ 0x5eedL);
        freezer.start();
        conflicts.injectConflicts(settings.conflictPercent() / 100.0, settings.seed() ^ 0xc0f1L);
        List<Thread> senders = events.start(eventsApi, deadline);
        List<Thread> workers = new ArrayList<>();
        for (int w = 0; w < settings.threads(); w++) {
            Partner partner = partners.get(w % partners.size());
            Principal principal = workerPrincipals.get(w);
            long seed = settings.seed() + 7919L * (w + 1);
            Thread worker = new Thread(() -> work(partner, principal, stranger, deadline, new Random(seed)), "worker-" + w);
            workers.add(worker);
            worker.start();
        }
        for (Thread worker : workers) {
            worker.join();
        }
        for (Thread sender : senders) {
            sender.join();
        }
        long loadEnded = System.nanoTime();
        freezer.join();
        boolean drained = proxy.drain(Duration.ofSeconds(60));
        long ended = System.nanoTime();
        conflicts.clear();
        events.drain();

        server.close();
        proxy.close();
        conflicts.close();

        List<Check> checks = checkTable(engineClient, admin, drained);
        List<String> concurrentModification = new ArrayList<>();
        answers.forEach((answer, count) -> {
            if (answer.contains("ConcurrentModification")) {
                concurrentModification.add(count.sum() + " x " + answer);
            }
        });
        checks.add(new Check("no call answered ConcurrentModificationException (" + conflicts.conflictsInjected()
                + " transactions cancelled by injected conflicts, each retried within the budget)", concurrentModification.isEmpty(),
                concurrentModification));
        checks.addAll(events.checks());
        boolean passed = report(started, loadEnded, ended, freezer, proxy, conflicts, checks);
        events.close();
        log.close();
        return passed ? 0 : 1;
    }

    /**
     * The handler's DynamoDB client. lambda: exactly what the Lambda runs (DynamoDbClients.create,
     * 4 s per call). short: the same client with a 2 s call timeout, so that 1-4 s freezes make
     * calls time out while their requests are still waiting in the proxy.
     */
    /** The issued access keys' items and their principals' lists: the layout's, not strays. */
    private final Set<Map<String, AttributeValue>> accessKeyItems = new java.util.HashSet<>();

    private DynamoDbClient handlerClient(URI endpoint, StaticCredentialsProvider credentials) {
        RegistrySettings viaProxy = RegistrySettings.builder().tableName(settings.table()).region(REGION).dynamoDbEndpoint(endpoint).build();
        return DynamoDbClients.create(viaProxy, credentials, settings.shortClient() ? Duration.ofSeconds(2) : DynamoDbClients.CALL_TIMEOUT);
    }

    // ---------------------------------------------------------------- the workers

    private void work(Partner partner, Principal principal, Principal stranger, long deadline, Random random) {
        while (System.nanoTime() < deadline) {
            try {
                if (random.nextInt(100) < settings.hostilePercent()) {
                    hostile(partner, principal, stranger, random);
                } else {
                    normal(partner, principal, random);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                violation("worker crashed on its own bug, not the registry's: " + e);
            }
        }
    }

    private String accountFor(Partner partner, Random random) {
        // Mostly the partner's account; sometimes another, so deletes naming the wrong one are no-ops.
        return random.nextInt(10) == 0 ? partner.otherAccount() : partner.account();
    }

    private void normal(Partner partner, Principal principal, Random random) throws InterruptedException {
        String name = partner.sourceName(random.nextInt(settings.names()));
        int pick = random.nextInt(100);
        if (pick < 35) {
            String account = accountFor(partner, random);
            WriteCall write = new WriteCall(CREATE, name, account, System.nanoTime());
            writes.computeIfAbsent(name, k -> Collections.synchronizedList(new ArrayList<>())).add(write);
            Outcome outcome = call(principal, CREATE, json("Name", name, "Account", account), false);
            record(write, outcome);
            if (outcome.uncertain() && outcome.status() == 400
                    && ("ResourceAlreadyExistsException".equals(outcome.type()) || "LimitExceededException".equals(outcome.type()))) {
                probeOwnSource(partner, name, account, outcome);
            }
            if (outcome.status() == 200) {
                String arn = outcome.json() == null ? null : text(outcome.json(), "EventSourceArn");
                if (!("arn:aws:events:" + REGION + "::event-source/" + name).equals(arn)) {
                    semantic("create of " + name + " answered 200 with EventSourceArn " + arn);
                }
            }
        } else if (pick < 60) {
            String account = accountFor(partner, random);
            WriteCall write = new WriteCall(DELETE, name, account, System.nanoTime());
            writes.computeIfAbsent(name, k -> Collections.synchronizedList(new ArrayList<>())).add(write);
            record(write, call(principal, DELETE, json("Name", name, "Account", account), false));
        } else if (pick < 75) {
            Outcome outcome = call(principal, DESCRIBE, json("Name", name), false);
            if (outcome.status() == 200 && outcome.json() != null && !name.equals(text(outcome.json(), "Name"))) {
                semantic("describe of " + name + " answered another source: " + text(outcome.json(), "Name"));
            }
        } else if (pick < 90) {
            String prefix = random.nextBoolean() ? partner.namespace() : partner.sourceName(random.nextInt(settings.names())).substring(0,
                    partner.namespace().length() + "soak/n".length() + 1);
            Integer limit = random.nextInt(3) == 0 ? null : 1 + random.nextInt(12);
            String token = null;
            for (int page = 0; page < 4; page++) {
                String body = token == null
                        ? (limit == null ? json("NamePrefix", prefix) : "{\"NamePrefix\":" + quote(prefix) + ",\"Limit\":" + limit + "}")
                        : "{\"NamePrefix\":" + quote(prefix) + (limit == null ? "" : ",\"Limit\":" + limit) + ",\"NextToken\":" + quote(token) + "}";
                Outcome outcome = call(principal, LIST, body, false);
                if (outcome.status() != 200 || outcome.json() == null) {
                    return;
                }
                checkListed(outcome.json(), prefix, limit);
                token = text(outcome.json(), "NextToken");
                if (token == null) {
                    return;
                }
            }
        } else {
            Outcome outcome = call(principal, ACCOUNTS, json("EventSourceName", name), false);
            if (outcome.status() == 200 && outcome.json() != null) {
                Optional<JsonNode> list = outcome.json().field("PartnerEventSourceAccounts");
                if (list.isEmpty() || !list.get().isArray() || list.get().asArray().size() != 1) {
                    semantic("ListPartnerEventSourceAccounts of " + name + " did not answer exactly one account: " + outcome.json());
                }
            }
        }
    }

    /**
     * A create retried after a 5xx and then refused: if the source now carries this very call's id,
     * an earlier attempt of the call created it and the retry hid that from the caller (the
     * registry promises a retried create finds its own source). Read straight from the engine:
     * every earlier attempt reached the proxy before the retry, so it has run by now.
     */
    private void probeOwnSource(Partner partner, String name, String account, Outcome outcome) {
        probes.increment();
        Map<String, AttributeValue> item = engineClient.getItem(r -> r.tableName(settings.table())
                .key(RegistryTable.sourceKey(partner.name(), name))
                .consistentRead(true)).item();
        AttributeValue callId = item == null ? null : item.get(RegistryTable.CALL_ID);
        if (callId != null && outcome.invocationId().equals(callId.s())) {
            semantic("create " + name + " (account " + account + ", amz-sdk-invocation-id " + outcome.invocationId()
                    + ") was answered 5xx, then " + outcome.status() + " " + outcome.type()
                    + " on its retry, yet the source it created exists with that very callId: " + item);
        }
    }

    private void checkListed(JsonNode answer, String prefix, Integer limit) {
        Optional<JsonNode> sources = answer.field("PartnerEventSources");
        if (sources.isEmpty() || !sources.get().isArray()) {
            semantic("ListPartnerEventSources answered without a PartnerEventSources list: " + answer);
            return;
        }
        List<JsonNode> listed = sources.get().asArray();
        if (listed.size() > (limit == null ? 100 : limit)) {
            semantic("ListPartnerEventSources answered " + listed.size() + " sources for Limit " + limit);
        }
        String previous = null;
        for (JsonNode source : listed) {
            String name = text(source, "Name");
            if (name == null || !name.startsWith(prefix)) {
                semantic("ListPartnerEventSources for prefix " + prefix + " listed " + name);
            } else if (previous != null && previous.compareTo(name) >= 0) {
                semantic("ListPartnerEventSources out of order or repeated: " + previous + " then " + name);
            }
            previous = name;
        }
    }

    private void record(WriteCall write, Outcome outcome) {
        write.status = outcome.status();
        write.type = outcome.type();
        write.uncertain = outcome.uncertain();
        write.invocationId = outcome.invocationId();
        write.finished = System.nanoTime();
    }

    /** A hostile request: broken bodies, wrong types, huge inputs, bad targets and signatures, other partners' names. */
    private void hostile(Partner self, Principal principal, Principal stranger, Random random) throws InterruptedException {
        hostileCalls.increment();
        Partner other = partners.get((self.index() + 1 + random.nextInt(Math.max(1, partners.size() - 1))) % partners.size());
        String otherName = other.sourceName(random.nextInt(settings.names()));
        String own = self.sourceName(random.nextInt(settings.names()));
        switch (random.nextInt(22)) {
            case 0 -> call(principal, CREATE, pick(random, "{", "{\"Name\":", "[1,2]", "\"text\"", "null", "{}{}", "{\"Name\":\"a\"} x",
                    "{\"Name\":\"" + own + "\",\"Name\":\"" + own + "\",\"Account\":\"" + self.account() + "\"}", "", "{\"Name\":\"\\ud800\"}",
                    "{\"Name\":\"\\u00", "{'Name':'x'}", "{\"Name\":\"" + own + "\",}"), false);
            case 1 -> call(principal, pick(random, CREATE, DESCRIBE, LIST, ACCOUNTS, DELETE), pick(random,
                    "{\"Name\":123,\"Account\":\"" + self.account() + "\"}", "{\"Name\":[\"" + own + "\"]}", "{\"Name\":{}}",
                    "{\"Account\":true,\"Name\":\"" + own + "\"}", "{\"NamePrefix\":{},\"Limit\":1}", "{\"NamePrefix\":\"" + self.namespace() + "\",\"Limit\":\"10\"}",
                    "{\"NamePrefix\":\"" + self.namespace() + "\",\"Limit\":1.5}", "{\"NamePrefix\":\"" + self.namespace() + "\",\"Limit\":1e400}",
                    "{\"NamePrefix\":\"" + self.namespace() + "\",\"Limit\":99999999999999999999999}",
                    "{\"EventSourceName\":false}", "{\"NamePrefix\":\"" + self.namespace() + "\",\"NextToken\":7}"), false);
            case 2 -> { // a name of 100,000 segments (about 200 KB, under the body limit)
                String huge = "aws.partner/" + self.name() + "/a" + "/a".repeat(100_000);
                call(principal, pick(random, CREATE, DESCRIBE, DELETE, ACCOUNTS),
                        "{\"Name\":" + quote(huge) + ",\"EventSourceName\":" + quote(huge) + ",\"Account\":\"" + self.account() + "\"}", false);
            }
            case 3 -> { // a prefix and a token far over their limits
                String huge = self.namespace() + "x".repeat(150_000);
                call(principal, LIST, pick(random, "{\"NamePrefix\":" + quote(huge) + "}",
                        "{\"NamePrefix\":" + quote(self.namespace()) + ",\"NextToken\":" + quote("t".repeat(150_000)) + "}"), false);
            }
            case 4 -> { // a body over 256 KiB
                String padded = "{\"Name\":" + quote(own) + ",\"Account\":\"" + self.account() + "\",\"Padding\":" + quote("p".repeat(300_000)) + "}";
                call(principal, pick(random, CREATE, DELETE), padded, false);
            }
            // Not "AWSEvents.CreatePartnerEventSource " with a trailing space: HTTP trims a header value's
            // surrounding whitespace (RFC 9110), so that one is a create, which an earlier soak counted as a phantom.
            case 5 -> callRaw(principal, pick(random, "AWSEvents.PutEvents", "AWSEvents.", "Foo.CreatePartnerEventSource",
                    "AWSEvents.createPartnerEventSource", "AWSEvents.CreatePartnerEventSourc", null),
                    json("Name", own, "Account", self.account()).getBytes(StandardCharsets.UTF_8), Signing.VALID, false);
            case 6 -> call(principal, pick(random, CREATE, DELETE), json("Name", otherName, "Account", other.account()), true);
            case 7 -> call(principal, pick(random, DESCRIBE), json("Name", otherName), true);
            case 8 -> call(principal, ACCOUNTS, json("EventSourceName", otherName), true);
            case 9 -> call(principal, LIST, json("NamePrefix", pick(random, other.namespace(), "aws.partner/" + other.name())), true);
            case 10 -> call(principal, LIST, json("NamePrefix", pick(random, "aws.partner/", "aws.partner/p", "aws.partner//", "aws.partner")), false);
            case 11 -> callRaw(stranger, pick(random, CREATE, DELETE, DESCRIBE),
                    json("Name", own, "Account", self.account()).getBytes(StandardCharsets.UTF_8), Signing.VALID, true);
            case 12 -> callRaw(principal, TARGET_PREFIX + pick(random, CREATE, LIST),
                    json("Name", own, "Account", self.account()).getBytes(StandardCharsets.UTF_8),
                    pick(random, Signing.UNSIGNED, Signing.WRONG_SECRET, Signing.UNKNOWN_KEY, Signing.TAMPERED_BODY), false);
            case 13 -> { // a NextToken forged, or issued for another prefix
                String token = pick(random, "AAAA", UUID.randomUUID().toString(), "eyJ0IjoxfQ==", "%00%ff");
                call(principal, LIST, "{\"NamePrefix\":" + quote(self.namespace()) + ",\"NextToken\":" + quote(token) + "}", false);
            }
            case 14 -> call(principal, LIST, "{\"NamePrefix\":" + quote(self.namespace()) + ",\"Limit\":" + pick(random, "0", "-1", "101", "2147483648") + "}", false);
            case 15 -> call(principal, pick(random, CREATE, DELETE), json("Name", own, "Account", pick(random, "12345", "12345678901x", "", "1234567890123")), false);
            case 16 -> call(principal, pick(random, CREATE, DESCRIBE, DELETE), json("Name", pick(random,
                    "aws.partner/" + self.name(), "aws.partner.TestBus", "aws.partner/" + self.name() + "/bad name", "aws.partner/" + self.name() + "/",
                    "aws.partner/" + self.name() + "//x", "AWS.PARTNER/" + self.name() + "/x", "aws.partner/" + self.name() + "/\u00e9t\u00e9",
                    "aws.partner/" + self.name() + "/x\u0000y"), "Account", self.account()), false);
            case 17 -> { // deep nesting: a parser that recurses must not fall over
                int depth = pick(random, 1_000, 50_000, 120_000);
                call(principal, pick(random, CREATE, LIST), "[".repeat(depth) + "]".repeat(depth), false);
            }
            case 18 -> call(principal, CREATE, "{\"Name\":" + quote(own) + ",\"Account\":\"" + self.account() + "\",\"Nested\":"
                    + "{\"a\":".repeat(60_000) + "1" + "}".repeat(60_000) + "}", false);
            case 19 -> callRaw(principal, TARGET_PREFIX + CREATE, new byte[] {(byte) 0xff, (byte) 0xfe, '{', (byte) 0xc3, '}'}, Signing.VALID, false);
            case 20 -> call(principal, ACCOUNTS, "{\"EventSourceName\":" + quote(own) + ",\"NextToken\":\"x\"}", false);
            default -> call(principal, DESCRIBE, "{\"Name\":" + quote(own) + ",\"Unknown\":{\"x\":[1,2,{}]},\"Account\":null}", false);
        }
    }

    // ---------------------------------------------------------------- the wire

    enum Signing { VALID, UNSIGNED, WRONG_SECRET, UNKNOWN_KEY, TAMPERED_BODY }

    private Outcome call(Principal principal, String operation, String body, boolean crossPartner) throws InterruptedException {
        return callRaw(principal, TARGET_PREFIX + operation, body.getBytes(StandardCharsets.UTF_8), Signing.VALID, crossPartner);
    }

    /**
     * One logical call as an SDK makes it: one invocation id, re-signed on each attempt, retried on
     * 5xx (and on no answer) up to RETRIES times with a jittered backoff.
     */
    private Outcome callRaw(Principal principal, String target, byte[] body, Signing signing, boolean crossPartner) throws InterruptedException {
        calls.increment();
        String invocationId = UUID.randomUUID().toString();
        boolean uncertain = false;
        Outcome outcome = null;
        for (int attempt = 1; attempt <= RETRIES + 1; attempt++) {
            if (attempt > 1) {
                retries.increment();
                Thread.sleep(ThreadLocalRandomHolder.jitter(100L << (attempt - 2)));
            }
            outcome = attempt(principal, target, body, signing, invocationId, attempt);
            if (outcome.connectionFailed() || outcome.status() >= 500) {
                uncertain = true;
                continue;
            }
            break;
        }
        if (outcome.connectionFailed() || outcome.status() >= 500) {
            gaveUp.increment();
        } else if (uncertain) {
            String operation = target == null ? "(no target)" : target.substring(target.indexOf('.') + 1);
            String answer = outcome.status() + (outcome.type() == null ? "" : " " + outcome.type());
            recovered.computeIfAbsent(operation + " -> " + answer, k -> new LongAdder()).increment();
        }
        if (crossPartner && outcome.status() >= 200 && outcome.status() < 300) {
            semantic("another partner's resource was served: " + target + " " + abbreviate(new String(body, StandardCharsets.UTF_8), 300)
                    + " -> " + outcome.status() + " " + outcome.json());
        }
        return new Outcome(outcome.status(), outcome.type(), outcome.json(), uncertain, outcome.connectionFailed(), invocationId);
    }

    private Outcome attempt(Principal principal, String target, byte[] body, Signing signing, String invocationId, int attempt) {
        requests.increment();
        HttpRequest request = signed(principal, target, body, signing, invocationId, attempt);
        HttpResponse<byte[]> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            count("connection error");
            violation("no answer: " + target + " " + abbreviate(new String(body, StandardCharsets.UTF_8), 200) + " -> " + e);
            return new Outcome(0, null, null, true, true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome(0, null, null, true, true);
        }
        return classify(target, body, response);
    }

    private HttpRequest signed(Principal principal, String target, byte[] body, Signing signing, String invocationId, int attempt) {
        SdkHttpRequest.Builder unsigned = SdkHttpRequest.builder().method(SdkHttpMethod.POST).uri(api.resolve("/"))
                .putHeader("Content-Type", CONTENT_TYPE)
                .putHeader("amz-sdk-invocation-id", invocationId)
                .putHeader("amz-sdk-request", "attempt=" + attempt + "; max=" + (RETRIES + 1));
        if (target != null) {
            unsigned.putHeader("X-Amz-Target", target);
        }
        SdkHttpRequest plain = unsigned.build();
        SdkHttpRequest toSend = plain;
        if (signing != Signing.UNSIGNED) {
            String key = signing == Signing.UNKNOWN_KEY ? "AKIASOAKNOBODY0000" : principal.accessKey();
            String secret = signing == Signing.WRONG_SECRET ? principal.secret() + "-wrong" : principal.secret();
            byte[] signedBody = signing == Signing.TAMPERED_BODY ? (new String(body, StandardCharsets.UTF_8) + " ").getBytes(StandardCharsets.UTF_8) : body;
            SignedRequest signed = AwsV4HttpSigner.create().sign(r -> r
                    .identity(AwsCredentialsIdentity.create(key, secret))
                    .request(plain)
                    .payload(ContentStreamProvider.fromByteArray(signedBody))
                    .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "events")
                    .putProperty(AwsV4HttpSigner.REGION_NAME, REGION));
            toSend = signed.request();
        }
        HttpRequest.Builder send = HttpRequest.newBuilder(toSend.getUri())
                .timeout(Duration.ofSeconds(90))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        toSend.forEachHeader((name, values) -> {
            if (!RESTRICTED.contains(name.toLowerCase(Locale.ROOT))) {
                values.forEach(value -> send.header(name, value));
            }
        });
        return send.build();
    }

    /** Counts the answer by status and __type, and records what breaks the contract as a violation. */
    private Outcome classify(String target, byte[] requestBody, HttpResponse<byte[]> response) {
        int status = response.statusCode();
        byte[] body = response.body() == null ? new byte[0] : response.body();
        String text = new String(body, StandardCharsets.UTF_8);
        String what = target + " " + abbreviate(new String(requestBody, StandardCharsets.UTF_8), 200);
        if (body.length > MAX_ANSWER_BYTES) {
            violation("answer of " + body.length + " bytes (over 64 KB): " + what + " -> " + status + " " + abbreviate(text, 300));
        }
        JsonNode json = null;
        try {
            json = JsonNode.parser().parse(text);
        } catch (RuntimeException notJson) {
            // json stays null
        }
        if (json == null || !json.isObject()) {
            count(status + " (not a JSON object)");
            violation("answer is not a JSON object: " + what + " -> " + status + " " + abbreviate(text, 300));
            return new Outcome(status, null, null, false, false);
        }
        if (status >= 200 && status < 300) {
            count(Integer.toString(status));
            return new Outcome(status, null, json, false, false);
        }
        String type = text(json, "__type");
        if (status < 400 || status > 599) {
            count(status + " " + (type == null ? "(no __type)" : type));
            violation("status " + status + " is neither 2xx nor 4xx/5xx: " + what + " -> " + abbreviate(text, 300));
            return new Outcome(status, type, json, false, false);
        }
        if (type == null || type.isEmpty()) {
            count(status + " (no __type)");
            violation("error without __type: " + what + " -> " + status + " " + abbreviate(text, 300)
                    + " x-amzn-ErrorType=" + response.headers().firstValue("x-amzn-ErrorType").orElse("-"));
            return new Outcome(status, null, json, false, false);
        }
        count(status + " " + type);
        return new Outcome(status, type, json, false, false);
    }

    private void count(String key) {
        answers.computeIfAbsent(key, k -> new LongAdder()).increment();
    }

    private void violation(String what) {
        if (violations.incrementAndGet() <= 20) {
            violationSamples.add(what);
        }
    }

    private void semantic(String what) {
        if (semanticFailureCount.incrementAndGet() <= 20) {
            semanticFailures.add(what);
        }
    }

    // ---------------------------------------------------------------- the end state

    record Check(String name, boolean passed, List<String> details) {
    }

    private List<Check> checkTable(DynamoDbClient dynamoDb, DynamoDbRegistryAdmin admin, boolean drained) {
        List<Check> checks = new ArrayList<>();
        checks.add(new Check("the proxy's backlog drained after the last freeze (every write that will commit has)", drained,
                drained ? List.of() : List.of("requests were still waiting in the proxy 60 s after the load ended")));

        Map<String, Map<String, AttributeValue>> sourcesByName = new TreeMap<>();
        List<String> countMismatches = new ArrayList<>();
        List<String> overLimit = new ArrayList<>();
        List<String> foreign = new ArrayList<>();
        List<Partner> allPartners = new ArrayList<>(partners);
        allPartners.addAll(eventPartners);
        for (Partner partner : allPartners) {
            Map<String, AttributeValue> item = admin.partner(partner.name());
            AttributeValue counted = item == null ? null : item.get(RegistryTable.SOURCE_COUNT);
            long sourceCount = counted == null ? 0 : Long.parseLong(counted.n());
            List<Map<String, AttributeValue>> sources = sourcesOf(dynamoDb, partner.name());
            if (sourceCount != sources.size()) {
                countMismatches.add(partner.name() + ": sourceCount " + sourceCount + " but " + sources.size() + " source items");
            }
            if (sourceCount > partner.limit() || sources.size() > partner.limit()) {
                overLimit.add(partner.name() + ": sourceCount " + sourceCount + ", " + sources.size() + " items, limit " + partner.limit());
            }
            for (Map<String, AttributeValue> source : sources) {
                String sk = source.get(RegistryTable.SORT_KEY).s();
                String name = source.containsKey(RegistryTable.SOURCE_NAME) ? source.get(RegistryTable.SOURCE_NAME).s() : null;
                if (name == null || !sk.equals(RegistryTable.sourceSortKey(name)) || !name.startsWith(partner.namespace())) {
                    foreign.add(RegistryTable.sourcePartition(partner.name()) + " holds " + sk + " (name " + name + ")");
                } else {
                    sourcesByName.put(name, source);
                }
            }
        }
        checks.add(new Check("every partner's sourceCount equals its source items", countMismatches.isEmpty(), countMismatches));
        checks.add(new Check("no partner holds more sources than its limit", overLimit.isEmpty(), overLimit));
        checks.add(new Check("no partner's partition holds a source named for another partner", foreign.isEmpty(), foreign));

        // Every item in the table is one the registry's layout allows.
        Set<String> partnerNames = new java.util.HashSet<>();
        allPartners.forEach(p -> partnerNames.add(p.name()));
        List<String> stray = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> from = start;
            ScanResponse page = dynamoDb.scan(r -> r.tableName(settings.table()).consistentRead(true).exclusiveStartKey(from));
            for (Map<String, AttributeValue> item : page.items()) {
                Map<String, AttributeValue> key = Map.of(RegistryTable.PARTITION_KEY, item.get(RegistryTable.PARTITION_KEY),
                        RegistryTable.SORT_KEY, item.get(RegistryTable.SORT_KEY));
                String pk = key.get(RegistryTable.PARTITION_KEY).s();
                String sk = key.get(RegistryTable.SORT_KEY).s();
                boolean known = key.equals(RegistryTable.pageTokenKeyKey()) || accessKeyItems.contains(key)
                        || partnerNames.stream().anyMatch(partner -> key.equals(RegistryTable.partnerKey(partner))
                            || key.equals(RegistryTable.counterKey(partner))
                            || (pk.equals(RegistryTable.sourcePartition(partner)) && sk.startsWith(RegistryTable.sourceSortKey("aws.partner/" + partner + "/"))));
                if (!known) {
                    stray.add(abbreviate(pk, 120) + " / " + abbreviate(sk, 120));
                }
            }
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        checks.add(new Check("no stray items (only partner items, their counters, their own sources, the token key and the workers' access keys)", stray.isEmpty(), cap(stray)));

        // Acknowledged creates: a create answered 200 exists, unless a delete of the same name and
        // account that may have written (200, or 5xx/unanswered) could have run after it.
        List<String> lost = new ArrayList<>();
        List<String> phantom = new ArrayList<>();
        int acknowledgedCreates = 0;
        int excused = 0;
        for (Map.Entry<String, List<WriteCall>> entry : writes.entrySet()) {
            List<WriteCall> history;
            synchronized (entry.getValue()) {
                history = new ArrayList<>(entry.getValue());
            }
            Map<String, AttributeValue> source = sourcesByName.get(entry.getKey());
            String existingAccount = source == null || !source.containsKey("account") ? null : source.get("account").s();
            for (WriteCall create : history) {
                if (!create.operation.equals(CREATE) || !create.acknowledged()) {
                    continue;
                }
                acknowledgedCreates++;
                boolean deletedLater = history.stream().anyMatch(d -> d.operation.equals(DELETE) && d.account.equals(create.account)
                        && d.mayHaveWritten() && d.finished + ORDER_SLACK_NANOS > create.started);
                if (deletedLater) {
                    excused++;
                    continue;
                }
                if (source == null || !create.account.equals(existingAccount)) {
                    lost.add(create + " but the source " + (source == null ? "does not exist" : "is offered to " + existingAccount)
                            + "; history of the name: " + describe(history));
                }
            }
        }
        for (Map.Entry<String, Map<String, AttributeValue>> existing : sourcesByName.entrySet()) {
            String account = existing.getValue().containsKey("account") ? existing.getValue().get("account").s() : null;
            List<WriteCall> history = writes.getOrDefault(existing.getKey(), List.of());
            AttributeValue storedId = existing.getValue().get(RegistryTable.CALL_ID);
            String callId = storedId == null ? null : storedId.s();
            List<WriteCall> creators;
            synchronized (history) {
                creators = history.stream().filter(c -> c.operation.equals(CREATE) && c.account.equals(account)
                        && (callId == null || callId.equals(c.invocationId))).toList();
            }
            if (creators.stream().noneMatch(WriteCall::mayHaveWritten)) {
                phantom.add(existing.getKey() + " (account " + account + ", callId " + callId + ") exists, yet "
                        + (creators.isEmpty() ? "no create of it for that account was sent with that id"
                                : "the create that carried that id was refused: " + creators)
                        + "; history of the name: " + describe(history));
            }
        }
        checks.add(new Check("every create answered 200 exists unless a later delete may have removed it ("
                + acknowledgedCreates + " acknowledged, " + excused + " possibly deleted since)", lost.isEmpty(), cap(lost)));
        checks.add(new Check("no phantom sources: each existing source was written by a create (same account and callId) not refused",
                phantom.isEmpty(), cap(phantom)));

        List<String> semantics = new ArrayList<>(semanticFailures);
        if (semanticFailureCount.get() > semantics.size()) {
            semantics.add("... " + (semanticFailureCount.get() - semantics.size()) + " more");
        }
        checks.add(new Check("answers consistent: no 2xx for another partner; list/describe/ARN sane; no retried create refused ("
                + probes.sum() + " probed) although it made its source",
                semantics.isEmpty(), semantics));
        return checks;
    }

    private List<Map<String, AttributeValue>> sourcesOf(DynamoDbClient dynamoDb, String partner) {
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> from = start;
            QueryResponse page = dynamoDb.query(r -> r.tableName(settings.table())
                    .keyConditionExpression("#pk = :pk AND begins_with(#sk, :source)")
                    .expressionAttributeNames(Map.of("#pk", RegistryTable.PARTITION_KEY, "#sk", RegistryTable.SORT_KEY))
                    .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(RegistryTable.sourcePartition(partner)),
                            ":source", AttributeValue.fromS(RegistryTable.sourceSortKey(""))))
                    .consistentRead(true)
                    .exclusiveStartKey(from));
            items.addAll(page.items());
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        return items;
    }

    private static String describe(List<WriteCall> history) {
        List<String> lines = new ArrayList<>();
        for (WriteCall call : history) {
            lines.add(call.operation.replace("PartnerEventSource", "") + "(" + call.account + ")->" + call.status
                    + (call.type == null ? "" : "/" + call.type) + (call.uncertain ? "?" : ""));
        }
        return String.join(", ", lines);
    }

    static List<String> cap(List<String> details) {
        if (details.size() <= 20) {
            return details;
        }
        List<String> capped = new ArrayList<>(details.subList(0, 20));
        capped.add("... " + (details.size() - 20) + " more");
        return capped;
    }

    // ---------------------------------------------------------------- the summary

    private boolean report(long started, long loadEnded, long ended, Freezer freezer, StallingProxy proxy, FaultInjectingProxy conflicts,
                           List<Check> checks) {
        double loadSeconds = (loadEnded - started) / 1e9;
        long total = requests.sum();
        PrintStream out = System.out;
        out.println();
        out.println("================ soak summary ================");
        out.printf("duration:        %.1f s of load (DURATION=%d), %.1f s until the proxy drained%n", loadSeconds,
                settings.durationSeconds(), (ended - started) / 1e9);
        out.printf("threads:         %d workers over %d partners (limits %s), %d names each%n", settings.threads(), partners.size(),
                partners.stream().map(p -> Integer.toString(p.limit())).toList(), settings.names());
        out.printf("handler client:  %s%n", settings.shortClient()
                ? "short (DynamoDbClients.create with a 2 s call timeout)" : "lambda (DynamoDbClients.create: " + DynamoDbClients.CALL_TIMEOUT.toSeconds() + " s call timeout)");
        out.printf("requests:        %d HTTP requests (%d logical calls, %d of them hostile), %.1f requests/s%n",
                total, calls.sum(), hostileCalls.sum(), total / loadSeconds);
        out.printf("freezes:         %d, %.1f s frozen in total (longest %.1f s); %d engine requests held by a freeze, "
                        + "max backlog %d, %d engine answers arrived after their caller had given up%n",
                freezer.freezes.get(), freezer.frozenNanos.get() / 1e9, freezer.longestNanos.get() / 1e9,
                proxy.heldByFreeze.sum(), proxy.maxBacklog(), proxy.answersLost.sum());
        out.printf("engine:          %d requests forwarded, %d failed to reach it%n", proxy.forwarded.sum(), proxy.engineErrors.sum());
        out.printf("conflicts:       %d of the transactions cancelled with TransactionConflict (CONFLICT_PERCENT=%d)%n",
                conflicts.conflictsInjected(), settings.conflictPercent());
        out.printf("retries:         %d (same amz-sdk-invocation-id), %d calls still 5xx/unanswered after %d retries%n",
                retries.sum(), gaveUp.sum(), RETRIES);
        out.println("                 final answers of calls retried after a 5xx:" + (recovered.isEmpty() ? " none" : ""));
        new TreeMap<>(recovered).forEach((key, count) -> out.printf("                   %-58s %6d%n", key, count.sum()));
        out.println("answers:");
        new TreeMap<>(answers).forEach((key, count) -> out.printf("  %-58s %8d%n", key, count.sum()));
        events.report(out);
        out.printf("violations:      %d%n", violations.get());
        violationSamples.forEach(v -> out.println("  ! " + v));
        out.println("invariants:");
        boolean allPassed = true;
        for (Check check : checks) {
            out.printf("  %s  %s%n", check.passed() ? "PASS" : "FAIL", check.name());
            check.details().forEach(d -> out.println("        " + d));
            allPassed &= check.passed();
        }
        boolean passed = allPassed && violations.get() == 0;
        out.println(passed ? "RESULT: PASS" : "RESULT: FAIL");
        return passed;
    }

    // ---------------------------------------------------------------- small things

    private static String json(String... members) {
        StringBuilder json = new StringBuilder("{");
        for (int i = 0; i < members.length; i += 2) {
            json.append(i == 0 ? "" : ",").append(quote(members[i])).append(':').append(quote(members[i + 1]));
        }
        return json.append('}').toString();
    }

    static String quote(String value) {
        StringBuilder quoted = new StringBuilder(value.length() + 2).append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> quoted.append("\\\"");
                case '\\' -> quoted.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        quoted.append(String.format("\\u%04x", (int) c));
                    } else {
                        quoted.append(c);
                    }
                }
            }
        }
        return quoted.append('"').toString();
    }

    private static String text(JsonNode json, String field) {
        if (json == null || !json.isObject()) {
            return null;
        }
        return json.field(field).filter(JsonNode::isString).map(JsonNode::asString).orElse(null);
    }

    private static String abbreviate(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max) + "...(" + text.length() + " chars)";
    }

    @SafeVarargs
    private static <T> T pick(Random random, T... choices) {
        return choices[random.nextInt(choices.length)];
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        AtomicInteger count = new AtomicInteger();
        return task -> {
            Thread thread = new Thread(task, name + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    private static final class ThreadLocalRandomHolder {
        static long jitter(long maxMillis) {
            return java.util.concurrent.ThreadLocalRandom.current().nextLong(Math.max(1, maxMillis) + 1);
        }
    }
}
