import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.sun.net.httpserver.HttpServer;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.partnerregistry.RegistryAssembly;
import dev.partnerregistry.api.EventForwarderHandler;
import dev.partnerregistry.domain.EventDelivery;
import dev.partnerregistry.store.EventBridgePutEvents;
import java.time.Clock;
import software.amazon.awssdk.thirdparty.jackson.core.JsonFactory;
import software.amazon.awssdk.thirdparty.jackson.core.JsonParser;
import software.amazon.awssdk.thirdparty.jackson.core.JsonToken;
import dev.partnerregistry.RegistrySettings;
import dev.partnerregistry.store.DynamoDbClients;
import dev.partnerregistry.api.PartnerRegistryHandler;
import dev.partnerregistry.store.AwsJsonClient;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.function.IntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionCheck;
import software.amazon.awssdk.services.dynamodb.model.Get;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.TransactGetItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.Update;

/**
 * The warm benchmark (make bench-warm): the registry's own CPU per request against a lean program
 * making the same AWS calls, in one JVM, interleaved batch by batch, with the outside world (DynamoDB,
 * KMS, SQS) answered by an instant local stub of canned success JSON, so that what is measured is
 * our side's work, not the engine's. Per operation (create, describe, list with Limit=10,
 * PutPartnerEvents of 10), the median over ROUNDS of each round's handler and lean CPU per request
 * (ThreadMXBean, the calling thread: the stub answers on its own threads), and their ratio.
 * The handler runs as deployed: Lambda's handleRequest on API Gateway events, in the registry-keys
 * mode (each request's SigV4 signature verified; AUTH_MODE=aws-iam for API Gateway's identity), its
 * request log written (to nowhere). Events are signed before a batch, outside the measurement.
 * The forwarder likewise: its handler on an SQS event of ten queued messages against a lean program that reads the
 * messages' fields in one streaming pass and makes the same PutEvents call (LeanForwarder).
 * Then the list growth: the handler's list CPU with 100 and 10,000 sources in the partner's range,
 * all live, and 10,000 expired beside 3 live, its first page and the two its NextTokens lead to (the
 * stub answers the Query as DynamoDB would: at most Limit items read, the filter applied in the engine).
 */
public final class WarmBench {

    static final String TABLE = "bench";
    static final String PARTNER = "example.com";
    static final String PRINCIPAL = "arn:aws:iam::123456789012:user/example-partner";
    static final String KEY_ID = "PRKABENCHEXAMPLE0001";
    static final String SECRET = "benchSecretBenchSecretBenchSecretBench00";
    static final String HOST = BenchEvents.HOST;
    static final String SOURCE = "aws.partner/example.com/bench/source";
    static final long FAR = 4_102_444_800_000L;   // 2100-01-01
    static final int ROUNDS = Integer.parseInt(System.getenv().getOrDefault("ROUNDS", "15"));
    static final int BATCH = Integer.parseInt(System.getenv().getOrDefault("BATCH", "200"));
    /** Requests per round in the list growth: fewer, since code without bounded lists reads every expired source. */
    static final int GROWTH_BATCH = Integer.parseInt(System.getenv().getOrDefault("GROWTH_BATCH", "20"));
    /** List requests run on each shape before the growth is measured (GROWTH_WARMUP). */
    static final int GROWTH_WARMUP = Integer.parseInt(System.getenv().getOrDefault("GROWTH_WARMUP", "500"));
    static final boolean IAM = "aws-iam".equals(System.getenv("AUTH_MODE"));
    /** Which comparisons run (OPS=create,describe,list,put,forwarder; all by default). */
    static final List<String> OPS = List.of(System.getenv().getOrDefault("OPS", "create,describe,list,put,forwarder").split(","));
    static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();

    public static void main(String[] args) throws Exception {
        // The JDK's HttpServer writes an answer's headers and body apart: without TCP_NODELAY each call waits out
        // the client's delayed ACK (40 ms), which costs no CPU but makes a run last minutes longer.
        System.setProperty("sun.net.httpserver.nodelay", "true");
        Stub stub = new Stub();
        String endpoint = "http://127.0.0.1:" + stub.port();
        Map<String, String> env = new LinkedHashMap<>();
        env.put("TABLE_NAME", TABLE);
        env.put("AWS_REGION", "us-east-1");
        env.put("AWS_ACCESS_KEY_ID", "test");
        env.put("AWS_SECRET_ACCESS_KEY", "test");
        env.put("DYNAMODB_ENDPOINT", endpoint);
        env.put("AUTH_MODE", IAM ? "aws-iam" : "registry-keys");
        env.put("ACCESS_KEYS_KMS_KEY_ARN", "arn:aws:kms:us-east-1:123456789012:key/bench");
        env.put("KMS_ENDPOINT", endpoint);
        env.put("EVENT_QUEUE_URL", endpoint + "/123456789012/delivery");
        env.put("SQS_ENDPOINT", endpoint);
        PrintStream out = System.out;
        // The request log is written as in Lambda, to nowhere (BENCH_LOG=1: to stderr, to see what went wrong).
        System.setOut(System.getenv("BENCH_LOG") != null ? System.err : new PrintStream(OutputStream.nullOutputStream()));
        if ("first".equals(System.getenv("PARTS")) && OPS.equals(List.of("forwarder"))) {
            // The forwarder alone: its first batch pays the class loading and JIT a forwarder instance pays, not the API's.
            first(out, null, stub, endpoint);
            stub.stop();
            System.setOut(out);
            return;
        }
        RegistryAssembly.Function function = RegistryAssembly.lambda(env);
        PartnerRegistryHandler handler = new PartnerRegistryHandler(function.protocol(), function.verifier());
        Lean lean = new Lean(URI.create(endpoint), "registry".equals(System.getenv("LEAN_CLIENT"))
                ? DynamoDbClients.lean(RegistrySettings.fromEnvironment(env), StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                : null);

        if ("first".equals(System.getenv("PARTS"))) {
            first(out, handler, stub, endpoint);
            stub.stop();
            System.setOut(out);
            return;
        }
        boolean warm = !"growth".equals(System.getenv("PARTS"));
        out.printf("warm: handler (%s) vs lean, CPU per request on the calling thread, median of %d rounds of %d; java %s, %s%n",
                IAM ? "aws-iam" : "registry-keys", ROUNDS, BATCH, System.getProperty("java.version"),
                ManagementFactory.getRuntimeMXBean().getInputArguments());
        if (warm) {
            compareAll(out, handler, lean, stub, endpoint);
        }
        if (!warm || runs("list")) {
            growth(out, handler, stub);
        }
        stub.stop();
        System.setOut(out);
    }

    static void compareAll(PrintStream out, PartnerRegistryHandler handler, Lean lean, Stub stub, String endpoint) {
        out.println("operation            handler_us  lean_us  ratio  handler_wall  lean_wall   (us per request)");
        if (runs("create")) {
            compare(out, "create", handler, i -> event("CreatePartnerEventSource",
                    "{\"Name\":\"aws.partner/example.com/bench/" + UUID.randomUUID() + "\",\"Account\":\"123456789012\"}"), lean::create);
        }
        if (runs("describe")) {
            compare(out, "describe", handler, i -> event("DescribePartnerEventSource", "{\"Name\":\"" + SOURCE + "\"}"), lean::describe);
        }
        stub.sources(100, false);
        if (runs("list")) {
            compare(out, "list (Limit=10)", handler, i -> event("ListPartnerEventSources",
                    "{\"NamePrefix\":\"aws.partner/example.com/bench\",\"Limit\":10}"), lean::list);
        }
        String put = putBody();
        if (runs("put")) {
            compare(out, "PutPartnerEvents(10)", handler, i -> event("PutPartnerEvents", put), lean::put);
            if (stub.queued == 0) {
                throw new IllegalStateException("no event reached the stub's queue: the handler did not deliver");
            }
        }
        if (runs("forwarder")) {
            compareForwarder(out, endpoint, stub);
        }
        out.println();
    }

    /**
     * The forwarder: its Lambda handler on an SQS event of ten queued messages (as PutPartnerEvents queues them) against
     * a lean program that reads the same ten messages' fields in one streaming pass and makes the same PutEvents call
     * with the same JSON client; per delivered batch of ten.
     */
    static void compareForwarder(PrintStream out, String endpoint, Stub stub) {
        EventForwarderHandler forwarder = forwarder(endpoint);
        LeanForwarder lean = new LeanForwarder(URI.create(endpoint));
        long[] h = new long[ROUNDS];
        long[] l = new long[ROUNDS];
        long[] hWall = new long[ROUNDS];
        long[] lWall = new long[ROUNDS];
        double[] ratios = new double[ROUNDS];
        for (int round = -2; round < ROUNDS; round++) {
            List<SQSEvent> events = new ArrayList<>(BATCH);
            for (int i = 0; i < BATCH; i++) {
                events.add(sqsEvent());
            }
            long start = CPU.getCurrentThreadCpuTime();
            long wallStart = System.nanoTime();
            for (SQSEvent event : events) {
                if (!forwarder.handleRequest(event, null).getBatchItemFailures().isEmpty()) {
                    throw new IllegalStateException("the forwarder failed to deliver");
                }
            }
            long handlerCpu = (CPU.getCurrentThreadCpuTime() - start) / BATCH;
            long handlerWall = (System.nanoTime() - wallStart) / BATCH;
            start = CPU.getCurrentThreadCpuTime();
            wallStart = System.nanoTime();
            for (SQSEvent event : events) {
                lean.forward(event);
            }
            long leanCpu = (CPU.getCurrentThreadCpuTime() - start) / BATCH;
            long leanWall = (System.nanoTime() - wallStart) / BATCH;
            if (round >= 0) {
                h[round] = handlerCpu;
                l[round] = leanCpu;
                hWall[round] = handlerWall;
                lWall[round] = leanWall;
                ratios[round] = handlerCpu / (double) leanCpu;
            }
        }
        if (stub.delivered == 0) {
            throw new IllegalStateException("no event reached the stub's PutEvents: the forwarder did not deliver");
        }
        Arrays.sort(ratios);
        out.printf("%-20s %10.1f %8.1f  %.2fx %12.1f %10.1f%n", "forwarder(10)", median(h) / 1000.0, median(l) / 1000.0, ratios[ROUNDS / 2],
                median(hWall) / 1000.0, median(lWall) / 1000.0);
    }

    /**
     * PARTS=first: in this fresh JVM, the first FIRST requests (default 1,000) of each operation in OPS through the handler
     * alone, the first one timed on its own: wall time, and CPU of this thread plus the JVM's own threads (the JIT
     * compilers, GC), the stub's threads not counted. What a function's first minutes cost under a JIT setting.
     */
    static void first(PrintStream out, PartnerRegistryHandler handler, Stub stub, String endpoint) {
        int n = Integer.parseInt(System.getenv().getOrDefault("FIRST", "1000"));
        out.println("operation            first_ms(wall/cpu)  next " + (n - 1) + ": wall_ms  cpu_ms  jit_ms  calling_thread_ms"
                + "  (cpu: this thread, JIT compilers, GC; jit: the JVM's compilation time)");
        EventForwarderHandler forwarder = runs("forwarder") ? forwarder(endpoint) : null;
        stub.sources(100, false);
        for (String operation : OPS) {
            IntFunction<Runnable> request = switch (operation) {
                case "create" -> i -> handled(handler, event("CreatePartnerEventSource",
                        "{\"Name\":\"aws.partner/example.com/bench/" + UUID.randomUUID() + "\",\"Account\":\"123456789012\"}"));
                case "describe" -> i -> handled(handler, event("DescribePartnerEventSource", "{\"Name\":\"" + SOURCE + "\"}"));
                case "list" -> i -> handled(handler, event("ListPartnerEventSources", "{\"NamePrefix\":\"aws.partner/example.com/bench\",\"Limit\":10}"));
                case "put" -> i -> handled(handler, event("PutPartnerEvents", putBody()));
                case "forwarder" -> i -> {
                    SQSEvent batch = sqsEvent();
                    return () -> forwarder.handleRequest(batch, null);
                };
                default -> throw new IllegalArgumentException("no operation " + operation);
            };
            List<Runnable> made = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                made.add(request.apply(i));
            }
            long[] at = {System.nanoTime(), ownCpu()};
            made.get(0).run();
            long[] afterFirst = {System.nanoTime(), ownCpu(), ManagementFactory.getCompilationMXBean().getTotalCompilationTime(),
                    CPU.getCurrentThreadCpuTime()};
            for (int i = 1; i < n; i++) {
                made.get(i).run();
            }
            long[] end = {System.nanoTime(), ownCpu(), ManagementFactory.getCompilationMXBean().getTotalCompilationTime(),
                    CPU.getCurrentThreadCpuTime()};
            out.printf("%-20s %8.1f / %6.1f  %14.1f %7.1f %7d %9.1f%n", operation, (afterFirst[0] - at[0]) / 1e6, (afterFirst[1] - at[1]) / 1e6,
                    (end[0] - afterFirst[0]) / 1e6, (end[1] - afterFirst[1]) / 1e6, end[2] - afterFirst[2], (end[3] - afterFirst[3]) / 1e6);
        }
    }

    /** The process's CPU less that of every Java thread but this one: this thread, the JIT compilers, GC and the VM's own. */
    static long ownCpu() {
        long process = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
        long others = 0;
        long self = Thread.currentThread().getId();
        for (long id : CPU.getAllThreadIds()) {
            long cpu = id == self ? -1 : CPU.getThreadCpuTime(id);
            others += Math.max(cpu, 0);
        }
        return process - others;
    }

    static Runnable handled(PartnerRegistryHandler handler, APIGatewayProxyRequestEvent event) {
        return () -> {
            APIGatewayProxyResponseEvent response = handler.handleRequest(event, null);
            if (response.getStatusCode() != 200) {
                throw new IllegalStateException("the handler answered " + response.getStatusCode() + ": " + response.getBody());
            }
        };
    }

    static EventForwarderHandler forwarder(String endpoint) {
        return new EventForwarderHandler(new EventDelivery(new EventBridgePutEvents(
                StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")), URI.create(endpoint)), millis -> { }),
                dev.partnerregistry.domain.DeadLetterQueue.NONE, "PartnerRegistry", Clock.systemUTC(),
                new PrintStream(OutputStream.nullOutputStream()));
    }

    /** Ten messages as SqsEventQueue queues them for an active source with a bus (QueuedEventJson's format). */
    static SQSEvent sqsEvent() {
        List<SQSEvent.SQSMessage> messages = new ArrayList<>(10);
        long now = System.currentTimeMillis();
        for (int i = 0; i < 10; i++) {
            SQSEvent.SQSMessage message = new SQSEvent.SQSMessage();
            message.setMessageId(UUID.randomUUID().toString());
            message.setBody("{\"eventId\":\"" + UUID.randomUUID() + "\",\"source\":\"" + SOURCE + "\",\"partner\":\"" + PARTNER
                    + "\",\"account\":\"123456789012\",\"deliverTo\":\"arn:aws:events:us-east-1:123456789012:event-bus/orders\",\"time\":"
                    + now + ",\"detailType\":\"Order Placed\",\"detail\":\"{\\\"orderId\\\":" + i
                    + ",\\\"items\\\":[{\\\"sku\\\":\\\"A-1\\\",\\\"qty\\\":2}]}\",\"resources\":[]}");
            messages.add(message);
        }
        SQSEvent event = new SQSEvent();
        event.setRecords(messages);
        return event;
    }

    /** The forwarder's one AWS call made bare: each message's fields read, the PutEvents entries written, one call, its answer checked. */
    static final class LeanForwarder {
        private static final JsonFactory JSON = new JsonFactory();
        private final AwsJsonClient events;

        LeanForwarder(URI endpoint) {
            events = new AwsJsonClient(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")), "us-east-1",
                    endpoint, "events", "1.1");
        }

        void forward(SQSEvent event) {
            StringBuilder body = new StringBuilder(4096).append("{\"Entries\":[");
            boolean first = true;
            for (SQSEvent.SQSMessage message : event.getRecords()) {
                Map<String, String> fields = new java.util.HashMap<>();
                try (JsonParser json = JSON.createParser(message.getBody())) {
                    json.nextToken();
                    while (json.nextToken() == JsonToken.FIELD_NAME) {
                        String name = json.getCurrentName();
                        json.nextToken();
                        if (json.currentToken() == JsonToken.START_ARRAY) {
                            json.skipChildren();
                        } else {
                            fields.put(name, json.getText());
                        }
                    }
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                long time = Long.parseLong(fields.get("time"));
                String bus = fields.get("deliverTo");
                body.append(first ? "" : ",").append("{\"EventBusName\":");
                quote(body, bus).append(",\"Source\":");
                quote(body, "partner-registry." + fields.get("partner")).append(",\"DetailType\":");
                quote(body, fields.get("detailType")).append(",\"Detail\":");
                quote(body, fields.get("detail")).append(",\"Time\":").append(time / 1000).append('.')
                        .append(Long.toString(1000 + time % 1000).substring(1)).append(",\"Resources\":[");
                quote(body, "arn:aws:events:us-east-1::event-source/" + fields.get("source")).append(',');
                quote(body, "partner-registry:event-id/" + fields.get("eventId")).append("]}");
                first = false;
            }
            AwsJsonClient.Answer answer = events.call("AWSEvents.PutEvents", body.append("]}").toString().getBytes(StandardCharsets.UTF_8));
            if (!answer.ok() || !"0".equals(answer.body().asObject().get("FailedEntryCount").asNumber())) {
                throw new IllegalStateException("PutEvents failed");
            }
        }
    }

    /** A JSON string, escaped as the SDK's generator escapes one (the bench builds against older jars too). */
    static StringBuilder quote(StringBuilder out, String value) {
        out.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20 || Character.isSurrogate(c)) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append('"');
    }

    static final Pattern NEXT_TOKEN = Pattern.compile("\"NextToken\":\"([^\"]+)\"");

    /** A listing's range in the stub, and which of its pages is measured (0: the first; n: the one n NextTokens on). */
    record Shape(String label, int sources, boolean expired, int hiddenRun, int page) {

        void applyTo(Stub stub) {
            if (hiddenRun > 0) {
                stub.hiddenThenLive(sources, hiddenRun);
            } else {
                stub.sources(sources, expired);
            }
        }
    }

    static void growth(PrintStream out, PartnerRegistryHandler handler, Stub stub) {
        out.println("list growth: handler CPU per ListPartnerEventSources (Limit=10), and the Queries it sent per page");
        out.println("sources in range              handler_us  queries/page");
        Shape[] shapes = {new Shape("100 live", 100, false, 0, 0), new Shape("10000 live", 10_000, false, 0, 0),
                new Shape("10000 expired + 3 live", 10_000, true, 0, 0), new Shape("  its 2nd page (reads 182)", 10_000, true, 0, 1),
                new Shape("  its 5th page (reads 1000)", 10_000, true, 0, 4),
                // Where live sources follow a hidden run, the page that reaches them is sent more than it needs.
                new Shape("20 expired, live: 1st page", 10_000, false, 20, 0), new Shape("  its 2nd page", 10_000, false, 20, 1),
                new Shape("500 expired, live: 1st page", 10_000, false, 500, 0), new Shape("  its 6th page", 10_000, false, 500, 5),
                new Shape("2000 expired, live: 8th page", 10_000, false, 2000, 7)};
        String firstPage = "{\"NamePrefix\":\"aws.partner/example.com/bench\",\"Limit\":10}";
        List<IntFunction<APIGatewayProxyRequestEvent>> lists = new ArrayList<>();
        for (Shape shape : shapes) {
            shape.applyTo(stub);
            String body = firstPage;
            for (int page = 0; page < shape.page(); page++) {
                String token = nextToken(handler.handleRequest(event("ListPartnerEventSources", body), null).getBody());
                body = "{\"NamePrefix\":\"aws.partner/example.com/bench\",\"Limit\":10,\"NextToken\":\"" + token + "\"}";
            }
            String pageBody = body;
            lists.add(i -> event("ListPartnerEventSources", pageBody));
        }
        // A fresh JVM (PARTS=growth) has run no list yet: its path is warmed first, or the first shape measured would carry
        // the JIT's work (it once made 100 live sources look 6x dearer per page than in a warm JVM, and every other shape cheap).
        for (int s = 0; s < shapes.length; s++) {
            shapes[s].applyTo(stub);
            batch(handler, lists.get(s), GROWTH_WARMUP);
        }
        long[][] perRound = new long[shapes.length][ROUNDS];
        double[] queries = new double[shapes.length];
        for (int round = -2; round < ROUNDS; round++) {
            // The shapes interleaved round by round: a drift in the machine's speed falls on each alike.
            for (int s = 0; s < shapes.length; s++) {
                shapes[s].applyTo(stub);
                stub.queries = 0;
                long cpu = batch(handler, lists.get(s), GROWTH_BATCH).cpu();
                if (round >= 0) {
                    perRound[s][round] = cpu;
                    queries[s] = stub.queries / (double) GROWTH_BATCH;
                }
            }
        }
        double base = median(perRound[0]) / 1000.0;
        for (int s = 0; s < shapes.length; s++) {
            double us = median(perRound[s]) / 1000.0;
            out.printf("%-29s %10.1f  %12.1f   (%.2fx the first)%n", shapes[s].label(), us, queries[s], us / base);
        }
    }

    /** The NextToken of a list's answer; the bench stops if the page has none (its range was read to the end). */
    static String nextToken(String body) {
        Matcher token = NEXT_TOKEN.matcher(body);
        if (!token.find()) {
            throw new IllegalStateException("the first page has no NextToken: " + body);
        }
        return token.group(1);
    }

    /** PutPartnerEvents of ten entries to the bench's active source. */
    static String putBody() {
        StringBuilder entries = new StringBuilder();
        for (int i = 0; i < 10; i++) {
            entries.append(i == 0 ? "" : ",").append("{\"Source\":\"").append(SOURCE)
                    .append("\",\"DetailType\":\"Order Placed\",\"Detail\":\"{\\\"orderId\\\":").append(i)
                    .append(",\\\"items\\\":[{\\\"sku\\\":\\\"A-1\\\",\\\"qty\\\":2}]}\"}");
        }
        return "{\"Entries\":[" + entries + "]}";
    }

    static boolean runs(String operation) {
        return OPS.contains(operation);
    }

    /** Interleaved: a batch of the handler, a batch of the lean program, ROUNDS times after two warm-up rounds. */
    static void compare(PrintStream out, String name, PartnerRegistryHandler handler, IntFunction<APIGatewayProxyRequestEvent> events,
                        Runnable lean) {
        long[] h = new long[ROUNDS];
        long[] l = new long[ROUNDS];
        long[] hWall = new long[ROUNDS];
        long[] lWall = new long[ROUNDS];
        double[] ratios = new double[ROUNDS];
        for (int round = -2; round < ROUNDS; round++) {
            Cost handlerCost = batch(handler, events, BATCH);
            Cost leanCost = batch(lean);
            if (round >= 0) {
                h[round] = handlerCost.cpu();
                l[round] = leanCost.cpu();
                hWall[round] = handlerCost.wall();
                lWall[round] = leanCost.wall();
                ratios[round] = handlerCost.cpu() / (double) leanCost.cpu();
            }
        }
        Arrays.sort(ratios);
        out.printf("%-20s %10.1f %8.1f  %.2fx %12.1f %10.1f%n", name, median(h) / 1000.0, median(l) / 1000.0, ratios[ROUNDS / 2],
                median(hWall) / 1000.0, median(lWall) / 1000.0);
    }

    /** Per request of a batch, in nanoseconds: CPU on the calling thread (what the ratios compare), and wall time. */
    record Cost(long cpu, long wall) {
    }

    /** A batch through the handler, the events made (and signed) first. */
    static Cost batch(PartnerRegistryHandler handler, IntFunction<APIGatewayProxyRequestEvent> events, int size) {
        List<APIGatewayProxyRequestEvent> made = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            made.add(events.apply(i));
        }
        long start = CPU.getCurrentThreadCpuTime();
        long wallStart = System.nanoTime();
        for (APIGatewayProxyRequestEvent event : made) {
            APIGatewayProxyResponseEvent response = handler.handleRequest(event, null);
            if (response.getStatusCode() != 200) {
                throw new IllegalStateException("the handler answered " + response.getStatusCode() + ": " + response.getBody());
            }
        }
        return new Cost((CPU.getCurrentThreadCpuTime() - start) / size, (System.nanoTime() - wallStart) / size);
    }

    static Cost batch(Runnable lean) {
        long start = CPU.getCurrentThreadCpuTime();
        long wallStart = System.nanoTime();
        for (int i = 0; i < BATCH; i++) {
            lean.run();
        }
        return new Cost((CPU.getCurrentThreadCpuTime() - start) / BATCH, (System.nanoTime() - wallStart) / BATCH);
    }

    static double median(long[] values) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    /** An API Gateway event as the stack passes it: base64 body, signed now with the bench key unless AUTH_MODE=aws-iam. */
    static APIGatewayProxyRequestEvent event(String operation, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        APIGatewayProxyRequestEvent.ProxyRequestContext context = new APIGatewayProxyRequestEvent.ProxyRequestContext()
                .withRequestId(UUID.randomUUID().toString()).withPath("/v1/").withDomainName(HOST);
        APIGatewayProxyRequestEvent event = new APIGatewayProxyRequestEvent().withHttpMethod("POST").withPath("/").withResource("/")
                .withRequestContext(context).withBody(Base64.getEncoder().encodeToString(bytes)).withIsBase64Encoded(true);
        Map<String, String> headers = new LinkedHashMap<>(Map.of("X-Amz-Target", "AWSEvents." + operation,
                "Content-Type", "application/x-amz-json-1.1", "Host", HOST));
        if (IAM) {
            context.withIdentity(new APIGatewayProxyRequestEvent.RequestIdentity().withUserArn(PRINCIPAL));
            return event.withHeaders(headers);
        }
        BenchEvents.sign(headers, bytes, KEY_ID, SECRET);
        return event.withHeaders(headers);
    }

    /** The same AWS calls as the registry makes, with nothing around them: the bare low-level client, and SQS by the same JSON client. */
    static final class Lean {
        private final DynamoDbClient dynamoDb;
        private final AwsJsonClient sqs;
        private final String queueUrl;

        /** @param configured the handler's own DynamoDB client (LEAN_CLIENT=registry), or null for the SDK client with its defaults */
        Lean(URI endpoint, DynamoDbClient configured) {
            dynamoDb = configured != null ? configured : DynamoDbClient.builder().httpClient(UrlConnectionHttpClient.create()).region(Region.US_EAST_1)
                    .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                    .endpointOverride(endpoint).build();
            sqs = new AwsJsonClient(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")), "us-east-1",
                    endpoint, "sqs", "1.0");
            queueUrl = endpoint + "/123456789012/delivery";
        }

        /** The handler's create transaction, item for item and expression for expression (its request bytes, but for ids and times). */
        void create() {
            String name = "aws.partner/example.com/bench/" + UUID.randomUUID();
            long now = System.currentTimeMillis();
            Map<String, String> names = new LinkedHashMap<>();
            String[] attributes = {"account", "callId", "createdAt", "expiresAt", "expiryQueue", "name", "state", "pk"};
            for (int i = 0; i < attributes.length; i++) {
                names.put("#a" + i, attributes[i]);
            }
            dynamoDb.transactWriteItems(r -> r.clientRequestToken(UUID.randomUUID().toString()).transactItems(
                    TransactWriteItem.builder().conditionCheck(ConditionCheck.builder().tableName(TABLE)
                            .key(key("REGION#us-east-1", "REGION"))
                            .conditionExpression("attribute_not_exists(disabledOperations) OR NOT attribute_type(disabledOperations, :stringSet)"
                                    + " OR NOT contains(disabledOperations, :operation)")
                            .expressionAttributeValues(Map.of(":stringSet", s("SS"), ":operation", s("CreatePartnerEventSource"))).build()).build(),
                    TransactWriteItem.builder().conditionCheck(ConditionCheck.builder().tableName(TABLE)
                            .key(key("PARTNER#" + PARTNER, "PARTNER"))
                            .conditionExpression("(attribute_type(principals, :stringSet) AND (contains(principals, :principal0)))"
                                    + " AND attribute_not_exists(sourceLimit)")
                            .expressionAttributeValues(Map.of(":stringSet", s("SS"), ":principal0", s(PRINCIPAL)))
                            .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD).build()).build(),
                    TransactWriteItem.builder().update(Update.builder().tableName(TABLE).key(key("COUNT#" + PARTNER, "COUNT"))
                            .updateExpression("SET sourceCount = if_not_exists(sourceCount, :zero) + :one, "
                                    + "countChanges = if_not_exists(countChanges, :zero) + :one")
                            .conditionExpression("attribute_not_exists(sourceCount) OR sourceCount < :limit")
                            .expressionAttributeValues(Map.of(":zero", n(0), ":one", n(1), ":limit", n(100))).build()).build(),
                    TransactWriteItem.builder().update(Update.builder().tableName(TABLE).key(key("SOURCES#" + PARTNER, "SOURCE#" + name))
                            .updateExpression("SET #a0 = :v0, #a2 = :v1, #a3 = :v2, #a4 = :v3, #a5 = :v4, #a6 = :v5 REMOVE #a1")
                            .conditionExpression("attribute_not_exists(#a7) OR #a6 = :v6")
                            .expressionAttributeNames(names)
                            .expressionAttributeValues(Map.of(":v0", s("123456789012"), ":v1", n(now), ":v2", n(now + 604_800_000L),
                                    ":v3", s("PENDING"), ":v4", s(name), ":v5", s("PENDING"), ":v6", s("DELETED"))).build()).build()));
        }

        void describe() {
            dynamoDb.transactGetItems(r -> r.transactItems(get(key("REGION#us-east-1", "REGION")), get(key("PARTNER#" + PARTNER, "PARTNER")),
                    get(key("SOURCES#" + PARTNER, "SOURCE#" + SOURCE)))).responses().forEach(item -> item.item());
        }

        void list() {
            dynamoDb.transactGetItems(r -> r.transactItems(get(key("REGION#us-east-1", "REGION")), get(key("PARTNER#" + PARTNER, "PARTNER"))));
            dynamoDb.query(r -> r.tableName(TABLE).keyConditionExpression("#pk = :partition AND begins_with(#sk, :prefix)")
                    .filterExpression("#fState <> :fDeleted AND (#fState <> :fPending OR attribute_not_exists(#fExpires) OR #fExpires > :fNow)")
                    .expressionAttributeNames(Map.of("#pk", "pk", "#sk", "sk", "#fState", "state", "#fExpires", "expiresAt"))
                    .expressionAttributeValues(Map.of(":partition", s("SOURCES#" + PARTNER), ":prefix", s("SOURCE#aws.partner/example.com/bench"),
                            ":fDeleted", s("DELETED"), ":fPending", s("PENDING"), ":fNow", n(System.currentTimeMillis())))
                    .consistentRead(true).limit(11)).items().forEach(item -> item.get("name"));
        }

        void put() {
            dynamoDb.batchGetItem(r -> r.requestItems(Map.of(TABLE, KeysAndAttributes.builder().consistentRead(true)
                    .keys(key("REGION#us-east-1", "REGION"), key("PARTNER#" + PARTNER, "PARTNER"), key("SOURCES#" + PARTNER, "SOURCE#" + SOURCE))
                    .build())));
            // The handler's queued message, field for field, with the Detail it was sent.
            StringBuilder body = new StringBuilder("{\"QueueUrl\":\"").append(queueUrl).append("\",\"Entries\":[");
            long now = System.currentTimeMillis();
            for (int i = 0; i < 10; i++) {
                body.append(i == 0 ? "" : ",").append("{\"Id\":\"").append(i).append("\",\"MessageBody\":\"{\\\"eventId\\\":\\\"")
                        .append(UUID.randomUUID()).append("\\\",\\\"source\\\":\\\"").append(SOURCE)
                        .append("\\\",\\\"partner\\\":\\\"").append(PARTNER)
                        .append("\\\",\\\"account\\\":\\\"123456789012\\\",\\\"deliverTo\\\":\\\"arn:aws:events:us-east-1:123456789012:event-bus/orders")
                        .append("\\\",\\\"time\\\":").append(now)
                        .append(",\\\"detailType\\\":\\\"Order Placed\\\",\\\"detail\\\":\\\"{\\\\\\\"orderId\\\\\\\":").append(i)
                        .append(",\\\\\\\"items\\\\\\\":[{\\\\\\\"sku\\\\\\\":\\\\\\\"A-1\\\\\\\",\\\\\\\"qty\\\\\\\":2}]}\\\",\\\"resources\\\":[]}\"}");
            }
            body.append("]}");
            if (!sqs.call("AmazonSQS.SendMessageBatch", body.toString().getBytes(StandardCharsets.UTF_8)).ok()) {
                throw new IllegalStateException("SendMessageBatch failed");
            }
        }

        private static TransactGetItem get(Map<String, AttributeValue> key) {
            return TransactGetItem.builder().get(Get.builder().tableName(TABLE).key(key).build()).build();
        }
    }

    static Map<String, AttributeValue> key(String pk, String sk) {
        return Map.of("pk", s(pk), "sk", s(sk));
    }

    static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }

    /** DynamoDB, KMS and SQS answered at once with canned success JSON, by X-Amz-Target. */
    static final class Stub {
        private static final Pattern ID = Pattern.compile("\"Id\":\"([^\"]+)\"");
        private static final Pattern LIMIT = Pattern.compile("\"Limit\":(\\d+)");
        private static final Pattern START = Pattern.compile("\"ExclusiveStartKey\":\\{.*?\"sk\":\\{\"S\":\"SOURCE#[^\"]*/(\\d+)\"");
        private static final Pattern BETWEEN_FROM = Pattern.compile("\":from\":\\{\"S\":\"SOURCE#[^\"]*/(\\d+)\"");
        private static final Pattern BETWEEN_TO = Pattern.compile("\":to\":\\{\"S\":\"SOURCE#[^\"]*/(\\d+)\"");
        private static final String PARTNER_ITEM = "{\"pk\":{\"S\":\"PARTNER#" + PARTNER + "\"},\"sk\":{\"S\":\"PARTNER\"},\"partner\":{\"S\":\""
                + PARTNER + "\"},\"principals\":{\"SS\":[\"" + PRINCIPAL + "\"]}}";
        private static final boolean DUMP = System.getenv("BENCH_DUMP") != null;
        private final HttpServer server;
        volatile int sources = 100;
        volatile boolean expired;
        /** How many expired sources lead the range before live ones (0: none, the range is as {@link #expired} says). */
        volatile int hiddenRun;
        volatile int queries;
        volatile int queued;
        volatile int delivered;

        Stub() throws Exception {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
            server.setExecutor(Executors.newFixedThreadPool(2));
            server.createContext("/", exchange -> {
                String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
                if (DUMP) {
                    System.err.println(target + " " + body.length() + " " + body);
                }
                byte[] answer = answer(target == null ? "" : target, body).getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.0");
                exchange.sendResponseHeaders(200, answer.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(answer);
                }
            });
            server.start();
        }

        int port() {
            return server.getAddress().getPort();
        }

        void stop() {
            server.stop(0);
            ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
        }

        void sources(int count, boolean allExpired) {
            sources = count;
            expired = allExpired;
            hiddenRun = 0;
        }

        /** {@code count} sources, the first {@code run} of them expired and the rest live. */
        void hiddenThenLive(int count, int run) {
            sources = count;
            expired = false;
            hiddenRun = run;
        }

        private String answer(String target, String body) {
            switch (target) {
                case "DynamoDB_20120810.TransactGetItems": {
                    int gets = body.split("\"Get\"", -1).length - 1;
                    return "{\"Responses\":[{}" + (gets > 1 ? ",{\"Item\":" + PARTNER_ITEM + "}" : "")
                            + (gets > 2 ? ",{\"Item\":" + source(SOURCE, "PENDING", FAR) + "}" : "") + "]}";
                }
                case "DynamoDB_20120810.Query":
                    return query(body);
                case "DynamoDB_20120810.GetItem":
                    if (body.contains("ACCESSKEY#")) {
                        return "{\"Item\":{\"pk\":{\"S\":\"ACCESSKEY#" + KEY_ID + "\"},\"sk\":{\"S\":\"ACCESSKEY\"},\"principal\":{\"S\":\"" + PRINCIPAL
                                + "\"},\"keyStatus\":{\"S\":\"Active\"},\"encryptedSecret\":{\"B\":\"" + b64("ciphertext") + "\"}}}";
                    }
                    return "{\"Item\":{\"pk\":{\"S\":\"CONFIG\"},\"sk\":{\"S\":\"PAGE_TOKEN_KEY\"},\"secret\":{\"B\":\""
                            + b64("0123456789abcdef0123456789abcdef") + "\"}}}";
                case "DynamoDB_20120810.BatchGetItem":
                    return "{\"Responses\":{\"" + TABLE + "\":[" + PARTNER_ITEM + "," + activeSource() + "]},\"UnprocessedKeys\":{}}";
                case "TrentService.Decrypt":
                    return "{\"KeyId\":\"arn:aws:kms:us-east-1:123456789012:key/bench\",\"Plaintext\":\"" + b64(SECRET) + "\"}";
                case "AWSEvents.PutEvents": {
                    int entries = body.split("\"EventBusName\"", -1).length - 1;
                    StringBuilder ok = new StringBuilder("{\"FailedEntryCount\":0,\"Entries\":[");
                    for (int i = 0; i < entries; i++) {
                        ok.append(i == 0 ? "" : ",").append("{\"EventId\":\"e").append(i).append("\"}");
                    }
                    delivered += entries;
                    return ok.append("]}").toString();
                }
                case "AmazonSQS.SendMessageBatch": {
                    StringBuilder ok = new StringBuilder("{\"Successful\":[");
                    Matcher id = ID.matcher(body);
                    for (int i = 0; id.find(); i++) {
                        ok.append(i == 0 ? "" : ",").append("{\"Id\":\"").append(id.group(1)).append("\",\"MessageId\":\"m")
                                .append(i).append("\",\"MD5OfMessageBody\":\"0\"}");
                        queued++;
                    }
                    return ok.append("],\"Failed\":[]}").toString();
                }
                default:
                    return "{}";
            }
        }

        /** As DynamoDB would: at most Limit items read from the start key on; with a filter, the expired ones read but not sent. */
        private String query(String body) {
            queries++;
            Matcher limit = LIMIT.matcher(body);
            int max = limit.find() ? Integer.parseInt(limit.group(1)) : 1000;
            Matcher start = START.matcher(body);
            int from = start.find() ? Integer.parseInt(start.group(1)) + 1 : 0;
            Matcher betweenFrom = BETWEEN_FROM.matcher(body);
            Matcher betweenTo = BETWEEN_TO.matcher(body);
            if (betweenFrom.find() && betweenTo.find()) {
                from = Integer.parseInt(betweenFrom.group(1));
                max = Integer.parseInt(betweenTo.group(1)) - from + 1;
            }
            boolean keysOnly = body.contains("ProjectionExpression");
            boolean filtered = body.contains("FilterExpression");
            int total = sources + (expired ? 3 : 0);
            StringBuilder items = new StringBuilder();
            int read = 0;
            int sent = 0;
            int at = from;
            for (; at < total && read < max; at++, read++) {
                boolean live = expired ? at == 0 || at == total / 2 || at == total - 1 : at >= hiddenRun;
                if (live || !filtered) {
                    String name = String.format("aws.partner/example.com/bench/%06d", at);
                    items.append(sent++ == 0 ? "" : ",").append(keysOnly ? "{\"sk\":{\"S\":\"SOURCE#" + name + "\"}}"
                            : source(name, "PENDING", live ? FAR : 1_000L));
                }
            }
            // A BETWEEN Query ends at its upper key: no LastEvaluatedKey, as DynamoDB sends none once the condition is read.
            String last = at < total && !body.contains("BETWEEN") ? ",\"LastEvaluatedKey\":{\"pk\":{\"S\":\"SOURCES#" + PARTNER + "\"},\"sk\":{\"S\":\"SOURCE#"
                    + String.format("aws.partner/example.com/bench/%06d", at - 1) + "\"}}" : "";
            return "{\"Items\":[" + items + "],\"Count\":" + sent + ",\"ScannedCount\":" + read + last + "}";
        }

        private static String source(String name, String state, long expiresAt) {
            return "{\"pk\":{\"S\":\"SOURCES#" + PARTNER + "\"},\"sk\":{\"S\":\"SOURCE#" + name + "\"},\"name\":{\"S\":\"" + name
                    + "\"},\"account\":{\"S\":\"123456789012\"},\"createdAt\":{\"N\":\"1764806400000\"},\"state\":{\"S\":\"" + state
                    + "\"},\"expiresAt\":{\"N\":\"" + expiresAt + "\"},\"expiryQueue\":{\"S\":\"PENDING\"}}";
        }

        private static String activeSource() {
            return "{\"pk\":{\"S\":\"SOURCES#" + PARTNER + "\"},\"sk\":{\"S\":\"SOURCE#" + SOURCE + "\"},\"name\":{\"S\":\"" + SOURCE
                    + "\"},\"account\":{\"S\":\"123456789012\"},\"createdAt\":{\"N\":\"1764806400000\"},\"state\":{\"S\":\"ACTIVE\"},"
                    + "\"busAccount\":{\"S\":\"123456789012\"},\"busCreatedAt\":{\"N\":\"1764806400000\"},"
                    + "\"deliverTo\":{\"S\":\"arn:aws:events:us-east-1:123456789012:event-bus/orders\"}}";
        }

        private static String b64(String text) {
            return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
        }
    }
}
