package dev.partnerregistry.local;

import java.io.PrintStream;
import dev.partnerregistry.api.ConsoleCors;
import dev.partnerregistry.api.ExpirySweepHandler;
import java.nio.file.Path;
import java.util.Map;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * {@code make run}: the registry on http://127.0.0.1:PORT, as the deployed API answers, for the AWS
 * CLI and SDKs. Reads PORT (default 4010) and what {@link LocalRuntime} reads; Ctrl-C stops the
 * server and the moto_server it started.
 */
public final class LocalRegistry {

    public static final int DEFAULT_PORT = 4010;
    /** How often make run sweeps expired sources (deployed: the stack's schedule, every 5 minutes by default). */
    static final Duration SWEEP_INTERVAL = Duration.ofMinutes(1);

    private LocalRegistry() {
    }

    public static void main(String[] args) throws InterruptedException {
        Map<String, String> env = System.getenv();
        LocalRuntime runtime;
        LocalServer server;
        try {
            int port = port(env.get("PORT"));
            runtime = LocalRuntime.start(env, Path.of("").toAbsolutePath(), System.err);
            try {
                ConsoleCors cors = ConsoleCors.fromEnvironment(env);
                server = LocalServer.start(port, runtime.handler().withConsoleCors(cors), System.err)
                        .serveConsole(ConsoleFiles.fromEnvironment(env, Path.of("").toAbsolutePath(), runtime.settings().region()))
                        .answerPreflights(cors);
            } catch (RuntimeException e) {
                runtime.close();
                throw e;
            }
        } catch (RuntimeException e) {
            System.err.println("local-registry: " + e.getMessage());
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        LocalServer started = server;
        // The stack's schedule, locally: expired sources go, and free their partners' slots, within a minute.
        ScheduledExecutorService sweeps = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "local-registry-sweep");
            thread.setDaemon(true);
            return thread;
        });
        ExpirySweepHandler sweep = runtime.sweep(System.err);
        sweeps.scheduleWithFixedDelay(() -> {
            try {
                sweep.handleRequest(Map.of(), null);
            } catch (RuntimeException e) {
                System.err.println("local-registry: the expiry sweep failed: " + e);
            }
        }, SWEEP_INTERVAL.toSeconds(), SWEEP_INTERVAL.toSeconds(), TimeUnit.SECONDS);
        // The stack's SQS event source mapping, locally: the forwarder delivers accepted events into customers' buses.
        Thread forwarding = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    // Short polls and a pause when empty: a long poll would hold the engine (one request at a time) for its wait.
                    if (runtime.delivery().pollOnce(runtime.forwarder(), 0) == 0) {
                        Thread.sleep(250);
                    }
                } catch (InterruptedException stop) {
                    return;
                } catch (RuntimeException e) {
                    System.err.println("local-registry: delivery failed: " + e.getMessage());
                    try {
                        Thread.sleep(1000);
                    } catch (InterruptedException stop) {
                        return;
                    }
                }
            }
        }, "local-registry-forwarder");
        forwarding.setDaemon(true);
        forwarding.start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            forwarding.interrupt();
            sweeps.shutdownNow();
            started.close();
            runtime.close();
            stopped.countDown();
        }, "local-registry-stop"));
        banner(System.out, server, runtime);
        stopped.await();
    }

    static int port(String value) {
        if (value == null || value.isBlank()) {
            return DEFAULT_PORT;
        }
        try {
            int port = Integer.parseInt(value.trim());
            if (port < 0 || port > 65535) {
                throw new NumberFormatException();
            }
            return port;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("PORT must be a port number (0-65535), was '" + value + "'");
        }
    }

    static void banner(PrintStream out, LocalServer server, LocalRuntime runtime) {
        String region = runtime.settings().region();
        String example = runtime.config().principals().entrySet().stream().findFirst()
                .map(p -> "AWS_ACCESS_KEY_ID=" + p.getKey() + " AWS_SECRET_ACCESS_KEY=" + p.getValue().secretAccessKey())
                .orElse("AWS_ACCESS_KEY_ID=<key from local/principals.properties> AWS_SECRET_ACCESS_KEY=<its secret>");
        String partner = runtime.config().partners().keySet().stream().findFirst().orElse("example.com");
        out.println();
        out.println("Partner Registry (local) listening on " + server.endpoint() + " (and " + server.endpoint() + "/" + LocalServer.STAGE
                + ", as the deployed stage)");
        out.println("  engine:   " + runtime.engineDescription());
        out.println("  table:    " + runtime.settings().tableName() + "   region: " + region
                + "   partner source limit: " + runtime.settings().defaultPartnerLimit()
                + "   PENDING sources expire after " + runtime.settings().sourceExpiration() + " (swept every minute)");
        out.println("  callers:  " + String.join(", ", runtime.config().principals().keySet())
                + " (local/principals.properties: registry access keys, seeded into the engine; KMS key " + runtime.kmsKeyArn() + ")");
        out.println("  partners: " + String.join(", ", runtime.config().partners().keySet()) + " (local/partners.properties)");
        out.println("  events:   accepted PutPartnerEvents go to " + runtime.delivery().queueUrl() + ", delivered into customers' own buses on "
                + runtime.settings().delivery().eventsEndpoint() + " (dead letters: " + runtime.delivery().deadLetterQueueUrl() + ")");
        out.println("  console:  " + server.endpoint() + ConsoleFiles.PATH
                + " in a browser: partners and customers sign in with a key of local/principals.properties (README, 'The console')");
        out.println();
        out.println("Try:");
        out.println("  " + example + " aws events create-partner-event-source --endpoint-url " + server.endpoint()
                + " --region " + region + " --name aws.partner/" + partner + "/orders/shop-42 --account 123456789012");
        out.println("Operator controls on this engine (README, 'Operator controls'):");
        out.println("  TABLE_NAME=" + runtime.settings().tableName() + " DYNAMODB_ENDPOINT=" + runtime.settings().dynamoDbEndpoint()
                + " AWS_REGION=" + region + " make admin ARGS='show-partner --partner " + partner + "'");
        out.println();
        out.println("Ctrl-C stops it.");
        out.flush();
    }
}
