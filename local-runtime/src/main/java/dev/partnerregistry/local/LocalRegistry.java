package dev.partnerregistry.local;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import dev.partnerregistry.api.ConsoleCors;
import dev.partnerregistry.api.ExpirySweepHandler;
import java.nio.file.Path;
import java.util.Map;
import java.util.StringJoiner;
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
        Path workingDir = Path.of("").toAbsolutePath();
        LocalRuntime runtime;
        LocalServer server;
        try {
            int port = port(env.get("PORT"));
            runtime = LocalRuntime.start(env, workingDir, System.err);
            try {
                // The handler names the console's origin in its answers (the runtime's settings); the server answers its preflights.
                server = LocalServer.start(port, runtime.handler(), System.err)
                        .serveConsole(ConsoleFiles.fromEnvironment(env, workingDir, runtime.settings().region()))
                        .answerPreflights(ConsoleCors.of(runtime.settings()));
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
        Path environmentFile = workingDir.resolve(ENVIRONMENT_FILE);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            forwarding.interrupt();
            sweeps.shutdownNow();
            started.close();
            runtime.close();
            deleteQuietly(environmentFile);
            stopped.countDown();
            System.out.println("Partner Registry (local) stopped.");
            System.out.flush();
            // Ctrl-C is how make run is meant to end: exit 0, so make adds no "Error 130" line.
            Runtime.getRuntime().halt(0);
        }, "local-registry-stop"));
        writeEnvironment(environmentFile, server, runtime);
        banner(System.out, server, runtime);
        stopped.await();
    }

    /** "7 days", "86.4 seconds": a duration as a person reads it. */
    static String inWords(Duration duration) {
        long millis = duration.toMillis();
        long[] units = {86_400_000L, 3_600_000L, 60_000L};
        String[] names = {"day", "hour", "minute"};
        for (int i = 0; i < units.length; i++) {
            if (millis >= units[i] && millis % units[i] == 0) {
                long count = millis / units[i];
                return count + " " + names[i] + (count == 1 ? "" : "s");
            }
        }
        String seconds = java.math.BigDecimal.valueOf(millis, 3).stripTrailingZeros().toPlainString();
        return seconds + (seconds.equals("1") ? " second" : " seconds");
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

    /** What another shell needs to call this registry and its engine: {@code . target/local-registry.env}. */
    static final String ENVIRONMENT_FILE = "target/local-registry.env";

    /** The operator's variables for this engine, as the banner prints them and the admin command reads them. */
    static String operatorVariables(LocalRuntime runtime) {
        StringJoiner variables = new StringJoiner(" ");
        runtime.operatorEnvironment().forEach((name, value) -> variables.add(name + "=" + value));
        return variables.toString();
    }

    static void writeEnvironment(Path file, LocalServer server, LocalRuntime runtime) {
        String text = "# Written by make run for the registry it serves, removed when it stops. In another shell: . " + ENVIRONMENT_FILE + "\n"
                + "# E: the registry's endpoint; M: its engine (DynamoDB, KMS, SQS and EventBridge, moto's); the rest: the operator's variables.\n"
                + "export E=" + server.endpoint() + " M=" + runtime.settings().dynamoDbEndpoint() + " " + operatorVariables(runtime)
                + " AWS_DEFAULT_REGION=" + runtime.settings().region() + "\n";
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, text);
        } catch (IOException e) {
            System.err.println("local-registry: could not write " + file + ": " + e.getMessage());
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // Best effort on the way out: a stale file names an engine that no longer answers.
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
                + "   PENDING sources expire after " + inWords(runtime.settings().sourceExpiration()) + " (swept every minute)");
        out.println("  callers:  " + String.join(", ", runtime.config().principals().keySet())
                + " (local/principals.properties: registry access keys, seeded into the engine; KMS key " + runtime.kmsKeyArn() + ")");
        out.println("  partners: " + String.join(", ", runtime.config().partners().keySet()) + " (local/partners.properties)");
        out.println("  customers: accounts " + String.join(", ", runtime.config().customers().keySet())
                + " (local/customers.properties: who acts as each account's customer; nothing is implied)");
        out.println("  events:   accepted PutPartnerEvents go to " + runtime.delivery().queueUrl() + ", delivered into customers' own buses on "
                + runtime.settings().delivery().eventsEndpoint() + " (dead letters: " + runtime.delivery().deadLetterQueueUrl() + ")");
        out.println("  console:  " + server.endpoint() + ConsoleFiles.PATH
                + " in a browser: partners and customers sign in with a key of local/principals.properties (README, 'The console')");
        out.println();
        out.println("Try:");
        out.println("  " + example + " aws events create-partner-event-source --endpoint-url " + server.endpoint()
                + " --region " + region + " --name aws.partner/" + partner + "/orders/shop-42 --account 123456789012");
        out.println("Operator controls on this engine (README, 'Operator controls'):");
        out.println("  " + operatorVariables(runtime) + " make admin ARGS='show-partner --partner " + partner + "'");
        out.println("In another shell, these and E (the endpoint) and M (the engine): . " + ENVIRONMENT_FILE);
        out.println();
        out.println("Ctrl-C stops it.");
        out.flush();
    }
}
