package dev.partnerregistry.local;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A moto_server DynamoDB engine on a free loopback port, started for local runs and tests when no
 * DYNAMODB_ENDPOINT is given, and stopped with the JVM. Its requests are serialized (see
 * moto_engine.py) so that it keeps DynamoDB's transaction isolation under concurrent callers.
 */
public final class MotoEngine implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final Process process;
    private final URI endpoint;
    private final Path log;

    private MotoEngine(Process process, URI endpoint, Path log) {
        this.process = process;
        this.endpoint = endpoint;
        this.log = log;
    }

    /** Starts the engine, its log in a temporary file removed on exit; or explains what to install if moto is not there. */
    public static MotoEngine start() {
        return start(null);
    }

    /**
     * As {@link #start()}, the log kept as {@code moto-engine-<port>.log} in {@code logDirectory} (make run: the project's
     * ignored target/, named in the banner); null: a temporary file removed on exit.
     */
    public static MotoEngine start(Path logDirectory) {
        String python = System.getenv().getOrDefault("MOTO_PYTHON", "python3");
        int port = freePort();
        try {
            Path script = Files.createTempFile("moto-engine", ".py");
            try (InputStream in = MotoEngine.class.getResourceAsStream("moto_engine.py")) {
                Files.write(script, in.readAllBytes());
            }
            script.toFile().deleteOnExit();
            Path log;
            if (logDirectory == null) {
                log = Files.createTempFile("moto-engine", ".log");
                log.toFile().deleteOnExit();
            } else {
                log = Files.createDirectories(logDirectory).resolve("moto-engine-" + port + ".log");
            }
            Process process = new ProcessBuilder(List.of(python, script.toString(), Integer.toString(port)))
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            MotoEngine engine = new MotoEngine(process, URI.create("http://127.0.0.1:" + port), log);
            Runtime.getRuntime().addShutdownHook(new Thread(engine::close));
            engine.awaitListening(port);
            return engine;
        } catch (IOException e) {
            throw new IllegalStateException("Could not start moto_server with '" + python
                    + "': install it with `pip install 'moto[server]'`, or set DYNAMODB_ENDPOINT to a running engine", e);
        }
    }

    public URI endpoint() {
        return endpoint;
    }

    /** Where the engine writes its output. */
    public Path log() {
        return log;
    }

    @Override
    public void close() {
        process.destroy();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void awaitListening(int port) throws IOException {
        Instant deadline = Instant.now().plus(START_TIMEOUT);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("moto_server exited at start (is `moto[server]` installed for "
                        + "python3? `pip install 'moto[server]'`):\n" + Files.readString(log, StandardCharsets.UTF_8));
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                sleep();
            }
        }
        close();
        throw new IllegalStateException("moto_server did not listen on port " + port + " within " + START_TIMEOUT);
    }

    private static void sleep() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("No free port", e);
        }
    }
}
