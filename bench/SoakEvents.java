import dev.partnerregistry.admin.CustomerGrants;
import dev.partnerregistry.admin.DynamoDbRegistryAdmin;
import dev.partnerregistry.local.LocalConfig.LocalPrincipal;
import dev.partnerregistry.local.LocalRuntime;
import dev.partnerregistry.store.AwsJsonClient;
import dev.partnerregistry.store.SqsQueue;
import dev.partnerregistry.store.RegistryTable;
import dev.partnerregistry.testing.FaultInjectingProxy;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.protocols.jsoncore.JsonNode;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The soak's event side (bench/Soak.java runs it): partners' PutPartnerEvents, hostile entries
 * among them, to ACTIVE sources whose customer accepted them with CreateEventBus naming one of its
 * own buses on the engine (moto, in its account {@value #ACCOUNT}); the registry queues them on the
 * delivery queue, and the forwarder of {@link LocalRuntime} (as {@code make run} has it, polled with
 * {@code LocalDelivery.pollOnce}) delivers them. Its SQS and EventBridge calls (and the handler's
 * SendMessageBatch) go through a {@link FaultInjectingProxy} that answers as AWS does under faults:
 * PutEvents entries failing with MalformedDetail (fixed by the entry), InternalFailure and
 * ThrottlingException, whole calls throttled, calls over 256 KB refused, SQS messages sent twice.
 * The buses have no rules (moto takes a second or more per PutEvents into a bus with one): an event
 * is delivered when PutEvents answered it with an EventId, as the proxy sees.
 *
 * <p>At the end, once the delivery queue is empty, the dead-letter queue is read and checked:
 * every accepted event was delivered or dead-lettered with a body naming it and an error code; no
 * event dead-lettered that PutEvents did not refuse for good (MalformedDetail injected); every
 * event given MalformedDetail dead-lettered with it and never delivered; no hostile entry accepted.
 */
final class SoakEvents {

    /** moto's account: the customer's buses are made there, so the sources are offered to it. */
    static final String ACCOUNT = "123456789012";
    static final String REGION = "us-east-1";
    static final String DELIVER_TO_TAG = "partner-registry:deliver-to";
    static final String EVENT_ID_RESOURCE = "partner-registry:event-id/";
    static final int PARTNERS = 2;
    static final int SOURCES_PER_PARTNER = 2;
    static final int BUSES = 2;
    static final int PARTNER_LIMIT = 10;
    /** A large entry's Detail (bytes, 40-100 KB): ten of them are more than one PutEvents takes. */
    static final int LARGE_MIN = 40_000;
    static final int LARGE_SPREAD = 60_000;
    static final long IDLE_SLEEP_MILLIS = 50;

    /** The soak's PutPartnerEvents, signed, retried on 5xx with one invocation id, its answer counted (Soak.call). */
    interface Api {
        Soak.Outcome call(Soak.Principal principal, String operation, String body) throws InterruptedException;

        /** A create recorded as the churn's are, so that the end-state checks know the source. */
        Soak.Outcome create(Soak.Principal principal, String name, String account) throws InterruptedException;
    }

    record Settings(int threads, int pollers, int malformedPercent, int transientPercent, int throttlePercent, int duplicatePercent,
                    int hostilePercent, int drainSeconds, long seed) {

        String describe() {
            return threads + " event threads, " + pollers + " forwarder pollers; PutEvents entries: " + malformedPercent
                    + "% MalformedDetail, " + transientPercent + "% InternalFailure/ThrottlingException; calls: " + throttlePercent
                    + "% throttled, over 256 KB refused; SQS: " + duplicatePercent + "% of messages sent twice";
        }
    }

    record EventPartner(String name, String roleArn, Soak.Principal principal, List<String> sources) {
    }

    /** What a dead letter says. */
    record DeadLetter(String eventId, String errorCode, String body) {
    }

    private final Settings settings;
    private final FaultInjectingProxy proxy;
    private final LocalRuntime runtime;
    private final AwsJsonClient sqs;
    private final AwsJsonClient events;
    private final List<EventPartner> partners = new ArrayList<>();
    private final Soak.Principal customer;
    private final List<String> buses = new ArrayList<>();

    /** Accepted EventId -> what its entry was (good, large, or the hostile kind that should not have been accepted). */
    private final Map<String, String> accepted = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> delivered = new ConcurrentHashMap<>();
    /** EventId -> the codes the proxy injected for it. */
    private final Map<String, Set<String>> injectedCodes = new ConcurrentHashMap<>();
    /** EventId -> codes the engine itself answered for it (moto refusing an entry). */
    private final Map<String, Set<String>> engineCodes = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> hostileRefused = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<String> hostileAccepted = new ConcurrentLinkedQueue<>();
    private final Map<String, LongAdder> goodRefused = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> callAnswers = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> pollFailures = new ConcurrentHashMap<>();
    private final LongAdder entriesSent = new LongAdder();
    private final LongAdder hostileSent = new LongAdder();
    private final LongAdder largeSent = new LongAdder();
    private final LongAdder received = new LongAdder();
    private final AtomicBoolean stopPolling = new AtomicBoolean();
    private final List<Thread> pollers = new ArrayList<>();
    private List<DeadLetter> deadLetters = List.of();
    private long drainNanos;
    private boolean drained;
    private int leftInQueue;

    /**
     * The delivery side as {@code make run} has it, on {@code engine}: LocalRuntime (on a table of its
     * own: the soak checks its table alone) with its queues and forwarder, SQS and EventBridge through
     * the fault proxy.
     */
    SoakEvents(Settings settings, URI engine, String table, PrintStream log) throws Exception {
        this.settings = settings;
        this.proxy = new FaultInjectingProxy(engine, 8);
        proxy.recordRequests(false);
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("DYNAMODB_ENDPOINT", engine.toString());
        env.put("TABLE_NAME", table + "-delivery");
        env.put("SQS_ENDPOINT", proxy.endpoint().toString());
        env.put("EVENTS_ENDPOINT", proxy.endpoint().toString());
        env.put("AWS_REGION", REGION);
        this.runtime = LocalRuntime.start(env, Path.of("").toAbsolutePath(), log);
        StaticCredentialsProvider credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create("soak", "soak"));
        this.sqs = new AwsJsonClient(credentials, REGION, engine, "sqs", "1.0");
        this.events = new AwsJsonClient(credentials, REGION, engine, "events", "1.1");
        for (int p = 0; p < PARTNERS; p++) {
            String name = "e" + p + ".soak.example";
            String roleArn = "arn:aws:iam::33333333330" + p + ":role/SoakEvents" + p;
            Soak.Principal principal = new Soak.Principal(String.format("AKIASOAKEVENTS%04d", p), "soak-events-secret-" + p,
                    "arn:aws:sts::33333333330" + p + ":assumed-role/SoakEvents" + p + "/sender");
            partners.add(new EventPartner(name, roleArn, principal, new ArrayList<>()));
        }
        customer = new Soak.Principal("AKIASOAKCUSTOMER00", "soak-customer-secret", "arn:aws:iam::" + ACCOUNT + ":role/SoakCustomer");
        proxy.observePutEvents(this::observe);
    }

    /** The delivery queue, and the endpoint the registry's SendMessageBatch must use (the proxy). */
    String queueUrl() {
        return runtime.delivery().queueUrl();
    }

    URI sqsEndpoint() {
        return proxy.endpoint();
    }

    /** The access keys the soak imports for this side: each partner's sender, and the customer. */
    Map<String, LocalPrincipal> principals() {
        Map<String, LocalPrincipal> keys = new LinkedHashMap<>();
        partners.forEach(p -> keys.put(p.principal().accessKey(), new LocalPrincipal(p.principal().arn(), p.principal().secret())));
        keys.put(customer.accessKey(), new LocalPrincipal(customer.arn(), customer.secret()));
        return keys;
    }

    /** Partner names and limits, for the end-state checks. */
    Map<String, Integer> partnerLimits() {
        Map<String, Integer> limits = new LinkedHashMap<>();
        partners.forEach(p -> limits.put(p.name(), PARTNER_LIMIT));
        return limits;
    }

    /** The grant item the customer's account gets: part of the table's layout. */
    Map<String, AttributeValue> grantKey() {
        return RegistryTable.customerKey(ACCOUNT);
    }

    /** Registers the partners and grants the customer its account, as the operator does. */
    void register(DynamoDbRegistryAdmin admin, DynamoDbClient dynamoDb, String table) {
        for (EventPartner partner : partners) {
            admin.registerPrincipals(partner.name(), List.of(partner.roleArn()));
            admin.setPartnerLimit(partner.name(), PARTNER_LIMIT);
        }
        new CustomerGrants(dynamoDb, table).grant(ACCOUNT, List.of(customer.arn()));
    }

    /** The customer's buses on the engine; each partner's sources, created and accepted with one of them to deliver to. */
    void createSources(Api api) throws InterruptedException {
        String run = Long.toString(System.currentTimeMillis(), 36);
        for (int b = 0; b < BUSES; b++) {
            String name = "soak-" + run + "-" + b;
            AwsJsonClient.Answer answer = events.call("AWSEvents.CreateEventBus",
                    ("{\"Name\":\"" + name + "\"}").getBytes(StandardCharsets.UTF_8));
            if (!answer.ok()) {
                throw new IllegalStateException("CreateEventBus " + name + " on the engine: " + answer.status() + " " + answer.body());
            }
            buses.add(answer.body().field("EventBusArn").orElseThrow().asString());
        }
        int n = 0;
        for (EventPartner partner : partners) {
            for (int s = 0; s < SOURCES_PER_PARTNER; s++, n++) {
                String name = "aws.partner/" + partner.name() + "/events/s" + s;
                Soak.Outcome created = api.create(partner.principal(), name, ACCOUNT);
                if (created.status() != 200) {
                    throw new IllegalStateException("create " + name + ": " + created.status() + " " + created.type());
                }
                String bus = buses.get(n % buses.size());
                Soak.Outcome accepted = api.call(customer, "CreateEventBus", "{\"Name\":" + quote(name) + ",\"EventSourceName\":" + quote(name)
                        + ",\"Tags\":[{\"Key\":\"" + DELIVER_TO_TAG + "\",\"Value\":" + quote(bus) + "}]}");
                if (accepted.status() != 200) {
                    throw new IllegalStateException("the customer's CreateEventBus " + name + ": " + accepted.status() + " " + accepted.type()
                            + " " + accepted.json());
                }
                partner.sources().add(name);
            }
        }
    }

    /** From now on: the faults, the senders until {@code deadline}, the forwarder's pollers until {@link #drain}. */
    List<Thread> start(Api api, long deadline) {
        proxy.enforcePutEventsCallLimit();
        proxy.injectEntryFaults(settings.malformedPercent() / 100.0, settings.transientPercent() / 200.0,
                settings.transientPercent() / 200.0, settings.seed() ^ 0xe7e7L);
        proxy.throttlePutEvents(settings.throttlePercent() / 100.0, settings.seed() ^ 0x7407L);
        proxy.duplicateSqsMessages(settings.duplicatePercent() / 100.0, settings.seed() ^ 0xd0bL);
        for (int p = 0; p < settings.pollers(); p++) {
            Thread poller = new Thread(this::poll, "forwarder-" + p);
            poller.setDaemon(true);
            pollers.add(poller);
            poller.start();
        }
        List<Thread> senders = new ArrayList<>();
        for (int t = 0; t < settings.threads(); t++) {
            EventPartner partner = partners.get(t % partners.size());
            Random random = new Random(settings.seed() + 104_729L * (t + 1));
            Thread sender = new Thread(() -> send(api, partner, deadline, random), "events-" + t);
            senders.add(sender);
            sender.start();
        }
        return senders;
    }

    // ---------------------------------------------------------------- the partners' side

    /** One entry of a PutPartnerEvents: its JSON, and what it is (null kind: good). */
    private record Entry(String json, String kind, boolean large) {
    }

    private void send(Api api, EventPartner partner, long deadline, Random random) {
        long call = 0;
        while (System.nanoTime() < deadline) {
            String source = partner.sources().get(random.nextInt(partner.sources().size()));
            int count = 1 + random.nextInt(10);
            List<Entry> entries = new ArrayList<>();
            int large = 0;
            for (int e = 0; e < count; e++) {
                if (random.nextInt(100) < settings.hostilePercent()) {
                    entries.add(hostile(partner, source, random));
                } else if (large < 2 && random.nextInt(20) == 0) {
                    large++;
                    entries.add(good(source, Thread.currentThread().getName() + "-" + call + "-" + e, LARGE_MIN + random.nextInt(LARGE_SPREAD)));
                } else {
                    entries.add(good(source, Thread.currentThread().getName() + "-" + call + "-" + e, 0));
                }
            }
            call++;
            StringBuilder body = new StringBuilder("{\"Entries\":[");
            for (int e = 0; e < entries.size(); e++) {
                body.append(e == 0 ? "" : ",").append(entries.get(e).json());
                entriesSent.increment();
                if (entries.get(e).kind() != null) {
                    hostileSent.increment();
                } else if (entries.get(e).large()) {
                    largeSent.increment();
                }
            }
            body.append("]}");
            Soak.Outcome outcome;
            try {
                outcome = api.call(partner.principal(), "PutPartnerEvents", body.toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            count(callAnswers, outcome.status() + (outcome.type() == null ? "" : " " + outcome.type()));
            if (outcome.status() != 200 || outcome.json() == null) {
                continue;
            }
            List<JsonNode> results = outcome.json().field("Entries").filter(JsonNode::isArray).map(JsonNode::asArray).orElse(List.of());
            for (int e = 0; e < entries.size() && e < results.size(); e++) {
                Entry entry = entries.get(e);
                String eventId = results.get(e).field("EventId").filter(JsonNode::isString).map(JsonNode::asString).orElse(null);
                String code = results.get(e).field("ErrorCode").filter(JsonNode::isString).map(JsonNode::asString).orElse("(no code)");
                if (eventId != null) {
                    accepted.put(eventId, entry.kind() != null ? "hostile " + entry.kind() : entry.large() ? "large" : "good");
                    if (entry.kind() != null) {
                        hostileAccepted.add(entry.kind() + " got EventId " + eventId);
                    }
                } else if (entry.kind() != null) {
                    count(hostileRefused, code);
                } else {
                    count(goodRefused, code);
                }
            }
        }
    }

    private static Entry good(String source, String id, int padding) {
        String detail = "{\"order\":\"" + id + "\",\"total\":42.5" + (padding > 0 ? ",\"pad\":\"" + "p".repeat(padding) + "\"" : "") + "}";
        return new Entry("{\"Source\":" + quote(source) + ",\"DetailType\":\"Order Placed\",\"Detail\":" + quote(detail)
                + ",\"Resources\":[\"arn:aws:shop:::order/" + id + "\"]}", null, padding > 0);
    }

    /** What the audit found accepted and then dead-lettered, or forged: each must be refused per entry. */
    private Entry hostile(EventPartner self, String source, Random random) {
        String head = "{\"Source\":" + quote(source) + ",\"DetailType\":\"Order Placed\"";
        String other = partners.get((partners.indexOf(self) + 1) % partners.size()).sources().get(0);
        return switch (random.nextInt(12)) {
            case 0 -> new Entry(head + ",\"Detail\":" + quote("{\"a\":1} trailing") + "}", "Detail with trailing text", false);
            case 1 -> new Entry(head + ",\"Detail\":" + quote("{\"a\":1}{\"b\":2}") + "}", "Detail of two objects", false);
            case 2 -> new Entry(head + ",\"Detail\":" + quote("{\"a\":1 /* c */}") + "}", "Detail with a comment", false);
            case 3 -> new Entry(head + ",\"Detail\":" + quote("{\"a\":\"\\ud800\"}") + "}", "Detail with a lone surrogate", false);
            case 4 -> new Entry(head + ",\"Detail\":" + quote("{\"n\":9223372036854775808}") + "}", "Detail integer over int64", false);
            case 5 -> new Entry(head + ",\"Detail\":" + quote("{\"a\":".repeat(1200) + "1" + "}".repeat(1200)) + "}", "Detail 1200 deep", false);
            case 6 -> new Entry(head + ",\"Detail\":\"{}\",\"Time\":-1000000000000}", "Time -1e12", false);
            case 7 -> new Entry(head + ",\"Detail\":\"{}\",\"Resources\":[\"" + EVENT_ID_RESOURCE + "forged\"]}", "forged event-id resource", false);
            case 8 -> new Entry(head + ",\"Detail\":\"{}\",\"Resources\":[\"arn:aws:events:" + REGION + "::event-source/" + other + "\"]}",
                    "another source's ARN as a resource", false);
            case 9 -> new Entry(head + ",\"Detail\":\"{}\",\"Resources\":[null]}", "null resource", false);
            case 10 -> new Entry(head + ",\"Detail\":\"[1,2]\"}", "Detail not an object", false);
            default -> new Entry("{\"Source\":" + quote("aws.partner/" + self.name() + "/events/none") + ",\"DetailType\":\"x\",\"Detail\":\"{}\"}",
                    "a source that does not exist", false);
        };
    }

    // ---------------------------------------------------------------- the forwarder and what the proxy sees

    private void poll() {
        while (!stopPolling.get()) {
            try {
                int n = runtime.delivery().pollOnce(runtime.forwarder(), 0);
                received.add(n);
                if (n == 0) {
                    Thread.sleep(IDLE_SLEEP_MILLIS);
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                count(pollFailures, e.getClass().getSimpleName() + ": " + abbreviate(String.valueOf(e.getMessage()), 160));
                try {
                    Thread.sleep(200);
                } catch (InterruptedException interrupted) {
                    return;
                }
            }
        }
    }

    /** Each PutEvents entry the proxy answered: delivered (an EventId), or failed with a code it injected or the engine gave. */
    private void observe(FaultInjectingProxy.PutEventsEntry entry) {
        String eventId = null;
        for (JsonNode resource : entry.entry().field("Resources").filter(JsonNode::isArray).map(JsonNode::asArray).orElse(List.of())) {
            if (resource.isString() && resource.asString().startsWith(EVENT_ID_RESOURCE)) {
                eventId = resource.asString().substring(EVENT_ID_RESOURCE.length());
                break;
            }
        }
        if (eventId == null) {
            eventId = "(no event id resource)";
        }
        if (entry.eventId() != null) {
            delivered.computeIfAbsent(eventId, id -> new AtomicInteger()).incrementAndGet();
        } else {
            (entry.injected() ? injectedCodes : engineCodes).computeIfAbsent(eventId, id -> ConcurrentHashMap.newKeySet()).add(entry.errorCode());
        }
    }

    // ---------------------------------------------------------------- the end

    /**
     * After the senders stopped: the pollers run until the delivery queue has been empty (none visible,
     * none in flight) for two looks a second apart, or {@code drainSeconds}; then the dead-letter queue
     * is read, each message once.
     */
    void drain() throws InterruptedException {
        long began = System.nanoTime();
        long until = began + Duration.ofSeconds(settings.drainSeconds()).toNanos();
        int emptyLooks = 0;
        while (System.nanoTime() < until && emptyLooks < 2) {
            Thread.sleep(1000);
            leftInQueue = depth(runtime.delivery().queueUrl());
            emptyLooks = leftInQueue == 0 ? emptyLooks + 1 : 0;
        }
        drained = emptyLooks >= 2;
        drainNanos = System.nanoTime() - began;
        stopPolling.set(true);
        for (Thread poller : pollers) {
            poller.join(60_000);
        }
        proxy.clear();
        deadLetters = readDeadLetters();
    }

    private int depth(String queueUrl) {
        JsonNode attributes = SqsQueue.call(sqs, "GetQueueAttributes", w -> w.writeFieldName("QueueUrl").writeValue(queueUrl)
                        .writeFieldName("AttributeNames").writeStartArray().writeValue("ApproximateNumberOfMessages")
                        .writeValue("ApproximateNumberOfMessagesNotVisible").writeEndArray())
                .field("Attributes").orElseThrow();
        return Integer.parseInt(attributes.field("ApproximateNumberOfMessages").orElseThrow().asString())
                + Integer.parseInt(attributes.field("ApproximateNumberOfMessagesNotVisible").orElseThrow().asString());
    }

    private List<DeadLetter> readDeadLetters() {
        List<DeadLetter> letters = new ArrayList<>();
        SqsQueue dlq = new SqsQueue(sqs, runtime.delivery().deadLetterQueueUrl());
        while (true) {
            List<SqsQueue.Received> messages = dlq.receive(600, 0);
            if (messages.isEmpty()) {
                return letters;
            }
            for (SqsQueue.Received message : messages) {
                String body = message.body();
                JsonNode json;
                try {
                    json = JsonNode.parser().parse(body);
                } catch (RuntimeException notJson) {
                    letters.add(new DeadLetter(null, null, body));
                    continue;
                }
                letters.add(new DeadLetter(json.field("eventId").filter(JsonNode::isString).map(JsonNode::asString).orElse(null),
                        json.field("errorCode").filter(JsonNode::isString).map(JsonNode::asString).orElse(null), body));
            }
        }
    }

    List<Soak.Check> checks() {
        List<Soak.Check> checks = new ArrayList<>();
        checks.add(new Soak.Check("the delivery queue drained (" + leftInQueue + " messages left)", drained,
                drained ? List.of() : List.of(leftInQueue + " messages still in the delivery queue after " + settings.drainSeconds() + " s")));

        Map<String, List<DeadLetter>> lettersById = new HashMap<>();
        List<String> unnamed = new ArrayList<>();
        for (DeadLetter letter : deadLetters) {
            if (letter.eventId() == null || letter.errorCode() == null || letter.errorCode().isEmpty()) {
                unnamed.add(abbreviate(letter.body(), 300));
            }
            if (letter.eventId() != null) {
                lettersById.computeIfAbsent(letter.eventId(), id -> new ArrayList<>()).add(letter);
            }
        }
        checks.add(new Soak.Check("every dead letter names its eventId and an errorCode (" + deadLetters.size() + " dead letters)",
                unnamed.isEmpty(), Soak.cap(unnamed)));

        List<String> lost = new ArrayList<>();
        accepted.forEach((id, kind) -> {
            boolean letteredWithReason = lettersById.getOrDefault(id, List.of()).stream().anyMatch(l -> l.errorCode() != null);
            if (!delivered.containsKey(id) && !letteredWithReason) {
                lost.add(id + " (" + kind + "): neither delivered nor dead-lettered with a reason; injected " + injectedCodes.get(id)
                        + ", engine " + engineCodes.get(id) + ", dead letters " + lettersById.getOrDefault(id, List.of()).size());
            }
        });
        checks.add(new Soak.Check("every accepted event is delivered or dead-lettered with a reason naming it (" + accepted.size()
                + " accepted)", lost.isEmpty(), Soak.cap(lost)));

        List<String> goodLettered = new ArrayList<>();
        lettersById.forEach((id, letters) -> {
            if (!injectedCodes.getOrDefault(id, Set.of()).contains(FaultInjectingProxy.MALFORMED_DETAIL)) {
                goodLettered.add(id + " (" + accepted.getOrDefault(id, "not answered to the partner") + ") dead-lettered with "
                        + letters.stream().map(DeadLetter::errorCode).toList() + "; injected " + injectedCodes.get(id) + ", engine "
                        + engineCodes.get(id) + ", delivered " + delivered.containsKey(id));
            }
        });
        checks.add(new Soak.Check("no good event dead-lettered (only those PutEvents refused for good: MalformedDetail injected)",
                goodLettered.isEmpty(), Soak.cap(goodLettered)));

        List<String> malformedWrong = new ArrayList<>();
        int malformed = 0;
        for (Map.Entry<String, Set<String>> faulted : injectedCodes.entrySet()) {
            if (!faulted.getValue().contains(FaultInjectingProxy.MALFORMED_DETAIL)) {
                continue;
            }
            malformed++;
            String id = faulted.getKey();
            List<String> codes = lettersById.getOrDefault(id, List.of()).stream().map(DeadLetter::errorCode).toList();
            if (delivered.containsKey(id) || codes.isEmpty() || !codes.stream().allMatch(FaultInjectingProxy.MALFORMED_DETAIL::equals)) {
                malformedWrong.add(id + ": delivered " + delivered.containsKey(id) + ", dead letters " + codes);
            }
        }
        checks.add(new Soak.Check("every event given MalformedDetail is dead-lettered with MalformedDetail and never delivered ("
                + malformed + " events)", malformedWrong.isEmpty(), Soak.cap(malformedWrong)));

        List<String> hostile = new ArrayList<>(hostileAccepted);
        checks.add(new Soak.Check("no hostile entry got an EventId (each refused per entry at PutPartnerEvents)", hostile.isEmpty(),
                Soak.cap(hostile)));
        List<String> polls = new ArrayList<>();
        pollFailures.forEach((what, count) -> polls.add(count.sum() + " x " + what));
        checks.add(new Soak.Check("the forwarder's polls never failed", polls.isEmpty(), Soak.cap(polls)));
        return checks;
    }

    /** The closing figures of the event side. */
    void report(PrintStream out) {
        out.println("events:          " + settings.describe());
        out.printf("  sent:          %d entries (%d hostile, %d large) in PutPartnerEvents answered %s%n", entriesSent.sum(),
                hostileSent.sum(), largeSent.sum(), sums(callAnswers));
        out.printf("  accepted:      %d EventIds; good entries refused: %s; hostile refused: %s%n", accepted.size(), sums(goodRefused),
                sums(hostileRefused));
        long deliveredAccepted = accepted.keySet().stream().filter(delivered::containsKey).count();
        long repeats = delivered.values().stream().mapToLong(count -> count.get() - 1).sum();
        long unanswered = delivered.keySet().stream().filter(id -> !accepted.containsKey(id)).count();
        out.printf("  delivered:     %d of the accepted (PutEvents answered an EventId), %d deliveries more than once (%d events), "
                        + "%d delivered though the partner never got their EventId (a retried call's earlier attempt)%n", deliveredAccepted,
                repeats, delivered.values().stream().filter(count -> count.get() > 1).count(), unanswered);
        Map<String, Integer> byReason = new TreeMap<>();
        deadLetters.forEach(letter -> byReason.merge(letter.errorCode() == null ? "(no errorCode)" : letter.errorCode(), 1, Integer::sum));
        long letteredIds = deadLetters.stream().map(DeadLetter::eventId).filter(id -> id != null).distinct().count();
        out.printf("  dead-lettered: %d messages for %d events, by reason %s%n", deadLetters.size(), letteredIds, byReason);
        out.printf("  forwarder:     %d messages received by %d pollers; the queue drained in %.1f s after the load%n", received.sum(),
                settings.pollers(), drainNanos / 1e9);
        Map<String, Integer> engineFailures = new TreeMap<>();
        engineCodes.values().forEach(codes -> codes.forEach(code -> engineFailures.merge(code, 1, Integer::sum)));
        out.printf("  faults:        injected %s; entries the engine itself failed %s%n", proxy.faultsInjected(), engineFailures);
    }

    void close() {
        stopPolling.set(true);
        proxy.close();
        runtime.close();
    }

    // ---------------------------------------------------------------- small things

    private static void count(Map<String, LongAdder> counts, String key) {
        counts.computeIfAbsent(key, k -> new LongAdder()).increment();
    }

    private static Map<String, Long> sums(Map<String, LongAdder> counts) {
        Map<String, Long> sums = new TreeMap<>();
        counts.forEach((key, count) -> sums.put(key, count.sum()));
        return sums;
    }

    static String quote(String value) {
        return Soak.quote(value);
    }

    private static String abbreviate(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max) + "...(" + text.length() + " chars)";
    }
}
