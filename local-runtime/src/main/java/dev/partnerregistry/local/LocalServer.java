package dev.partnerregistry.local;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent.ProxyRequestContext;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent.RequestIdentity;
import dev.partnerregistry.api.ConsoleCors;
import dev.partnerregistry.auth.SigV4;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.sun.net.httpserver.Headers;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import software.amazon.awssdk.protocols.jsoncore.JsonWriter;

/**
 * API Gateway's part, locally: an HTTP/1.1 server on 127.0.0.1 that turns each request into the proxy
 * event the deployed REST API sends for {@code POST /} (every body base64-encoded, as the stack's
 * binary media type {@code *}{@code /*} has API Gateway do), invokes the function's handler, which
 * authenticates the request itself, and answers with the status, headers and body the handler
 * returned. Only {@code POST /} reaches the function, at the root (as through a custom domain) or
 * under the stage ({@code /v1/}, as through the execute-api endpoint), and only for a Host header
 * naming this server (a DNS-rebound web page names its own host).
 *
 * <p>A small blocking server rather than {@code com.sun.net.httpserver}: that one reads request heads
 * on its fixed pool with no read timeout, so a few stalled clients stopped everyone else, and it has
 * no per-server setting for one. Here each connection has its own thread and must send each request
 * within {@link #REQUEST_TIMEOUT}; bodies over API Gateway's 10 MiB limit are refused unread. When
 * all {@value #MAX_CONNECTIONS} connection slots are taken, a new connection takes the slot of the
 * connection idle the longest (kept alive between requests, or opened and silent), which is closed:
 * so a client holding many idle keep-alive connections cannot keep others out (a client whose idle
 * connection is closed reconnects, as HTTP clients do when a server closes a kept-alive connection).
 */
public final class LocalServer implements AutoCloseable {

    static final String LOOPBACK = "127.0.0.1";
    /** The deployed stack's default stage: {@code http://127.0.0.1:PORT/v1} is served as the execute-api endpoint is. */
    public static final String STAGE = "v1";
    /** API Gateway's payload limit for a REST API. */
    static final long MAX_BODY_BYTES = 10L * 1024 * 1024;
    /** How long a connection may wait for a request's first byte, and then take to send the whole request. */
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);
    /** Function invocations at once, bounding the load on its DynamoDB engine; slow clients never hold one. */
    private static final int THREADS = 16;
    /** Open connections (one thread each); one more takes the slot of the idlest, else waits for a request to finish. */
    static final int MAX_CONNECTIONS = 256;
    private static final int MAX_HEAD_BYTES = 64 * 1024;
    private static final int MAX_HEADERS = 200;
    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
    private static final DateTimeFormatter REQUEST_TIME =
            DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ROOT).withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter HTTP_DATE =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);

    private final ServerSocket listener;
    private final ExecutorService connections;
    private final Semaphore connectionSlots = new Semaphore(MAX_CONNECTIONS);
    private final Semaphore invocations = new Semaphore(THREADS);
    private final Set<Connection> open = ConcurrentHashMap.newKeySet();
    private final AtomicInteger idleClosed = new AtomicInteger();
    private final Set<String> hosts;
    private final Duration requestTimeout;
    private final RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> handler;
    private final Clock clock;
    private final PrintStream log;
    /** The web console at /console/, or null for none. */
    private volatile ConsoleFiles console;
    /** The console origin whose CORS preflights are answered, as the deployed API's OPTIONS method answers them. */
    private volatile ConsoleCors cors = ConsoleCors.none();

    private LocalServer(ServerSocket listener, ExecutorService connections, Duration requestTimeout,
                        RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> handler,
                        Clock clock, PrintStream log) {
        this.listener = listener;
        this.connections = connections;
        this.hosts = Set.of(LOOPBACK + ":" + listener.getLocalPort(), "localhost:" + listener.getLocalPort());
        this.requestTimeout = requestTimeout;
        this.handler = handler;
        this.clock = clock;
        this.log = log;
    }

    /**
     * Listens on 127.0.0.1:{@code port} (0 picks a free port) and serves until {@link #close()}.
     *
     * @param log one line per request, and the handler's failures; null for none
     */
    public static LocalServer start(int port, RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> handler,
                                    PrintStream log) {
        return start(port, handler, Clock.systemUTC(), log, REQUEST_TIMEOUT);
    }

    /** As above, with the clock of the events' request times and the time a client has to send each request. */
    static LocalServer start(int port, RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> handler,
                             Clock clock, PrintStream log, Duration requestTimeout) {
        ServerSocket listener;
        try {
            listener = new ServerSocket(port, 64, InetAddress.getByName(LOOPBACK));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot listen on " + LOOPBACK + ":" + port + " (in use? set PORT)", e);
        }
        AtomicInteger threads = new AtomicInteger();
        ExecutorService connections = Executors.newCachedThreadPool(task -> {
            Thread thread = new Thread(task, "local-server-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        LocalServer local = new LocalServer(listener, connections, requestTimeout, handler, clock,
                log == null ? new PrintStream(OutputStream.nullOutputStream()) : log);
        Thread acceptor = new Thread(local::accept, "local-server-accept");
        acceptor.setDaemon(true);
        acceptor.start();
        return local;
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** Serves the web console's files at {@value ConsoleFiles#PATH} (GET and HEAD; every other path is the API's). */
    public LocalServer serveConsole(ConsoleFiles files) {
        this.console = files;
        return this;
    }

    /** Answers {@code OPTIONS} at the API's paths as the stack's preflight method does, for {@code cors}'s origin. */
    public LocalServer answerPreflights(ConsoleCors cors) {
        this.cors = cors;
        return this;
    }

    /** {@code http://127.0.0.1:<port>}: the --endpoint-url / endpointOverride for clients. */
    public URI endpoint() {
        return URI.create("http://" + LOOPBACK + ":" + port());
    }

    @Override
    public void close() {
        try {
            listener.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        connections.shutdownNow();
        open.forEach(connection -> closeQuietly(connection.socket));
    }

    /** How many idle connections were closed to make room for new ones. */
    int idleConnectionsClosed() {
        return idleClosed.get();
    }

    private void accept() {
        while (!listener.isClosed()) {
            Socket socket = null;
            try {
                socket = listener.accept();
                if (!connectionSlots.tryAcquire()) {
                    // Every slot taken: the connection idle the longest makes room, else wait for a request to finish.
                    closeIdlest();
                    connectionSlots.acquire();
                }
                Connection connection = new Connection(socket);
                open.add(connection);
                connections.execute(() -> connection(connection));
            } catch (InterruptedException e) {
                if (socket != null) {
                    closeQuietly(socket);
                }
                return;
            } catch (IOException | RejectedExecutionException e) {
                if (socket != null) {
                    // Accepted and given a slot, then not run: both undone.
                    Socket refused = socket;
                    open.removeIf(c -> c.socket == refused);
                    closeQuietly(socket);
                    connectionSlots.release();
                }
                if (!listener.isClosed()) {
                    log.println("WARN local server: could not accept a connection: " + e);
                }
            }
        }
    }

    /** Closes the connection waiting longest for its next request, if any is waiting; its thread then frees its slot. */
    private void closeIdlest() {
        while (true) {
            Connection idlest = null;
            for (Connection connection : open) {
                if (connection.idleSince() != Connection.BUSY && (idlest == null || connection.idleSince() < idlest.idleSince())) {
                    idlest = connection;
                }
            }
            if (idlest == null) {
                return;
            }
            if (idlest.evict()) {
                idleClosed.incrementAndGet();
                return;
            }
        }
    }

    /** Serves requests on one connection until the client closes it, asks to, or is too slow. */
    private void connection(Connection connection) {
        Socket socket = connection.socket;
        try (socket) {
            socket.setTcpNoDelay(true);
            TimedInput timed = new TimedInput(socket, requestTimeout, connection);
            InputStream in = new BufferedInputStream(timed);
            OutputStream out = new BufferedOutputStream(new DeadlineOutput(socket, requestTimeout), 8192);
            do {
                // A pipelined request already read ahead is under way: only a connection with nothing to read is idle.
                timed.nextRequest(in.available() == 0);
            } while (exchange(socket, in, out));
        } catch (IOException e) {
            // Timed out, closed or reset by the client mid-request, or closed to make room: nothing to answer, the connection ends.
        } finally {
            open.remove(connection);
            connectionSlots.release();
        }
    }

    /**
     * One accepted connection, and whether it is idle: waiting for the first byte of its next request
     * (since when), or busy with one. Only an idle connection is closed to make room, and never once
     * its request has begun: the two moves race on one atomic value.
     */
    private static final class Connection {
        static final long BUSY = Long.MIN_VALUE;
        static final long EVICTED = Long.MIN_VALUE + 1;

        final Socket socket;
        private final java.util.concurrent.atomic.AtomicLong idleSince = new java.util.concurrent.atomic.AtomicLong(BUSY);

        Connection(Socket socket) {
            this.socket = socket;
        }

        long idleSince() {
            long since = idleSince.get();
            return since == EVICTED ? BUSY : since;
        }

        /** Waiting for the next request from now on. */
        void idle() {
            idleSince.compareAndSet(BUSY, System.nanoTime());
        }

        /** A request began; false if the connection was closed to make room first. */
        boolean busy() {
            long since = idleSince.get();
            return since != EVICTED && (since == BUSY || idleSince.compareAndSet(since, BUSY));
        }

        /** Closes the connection if it is still idle; false if a request began meanwhile. */
        boolean evict() {
            long since = idleSince.get();
            if (since == BUSY || since == EVICTED || !idleSince.compareAndSet(since, EVICTED)) {
                return false;
            }
            closeQuietly(socket);
            return true;
        }
    }

    /** Reads one request and answers it; true if the connection stays open for the next. */
    private boolean exchange(Socket socket, InputStream in, OutputStream out) throws IOException {
        long started;
        Request request;
        long length;
        try {
            int[] headBudget = {MAX_HEAD_BYTES};
            String requestLine;
            do {
                requestLine = line(in, headBudget);
            } while (requestLine != null && requestLine.isEmpty());
            if (requestLine == null) {
                return false;
            }
            started = System.nanoTime();
            String[] parts = requestLine.split(" ", -1);
            if (parts.length != 3 || parts[0].isEmpty() || !parts[2].startsWith("HTTP/")) {
                throw new BadRequest(400, "Bad request line");
            }
            request = new Request(parts[0], uri(parts[1]), parts[2], headers(in, headBudget), socket.getInetAddress());
            length = bodyLength(request.headers());
        } catch (BadRequest e) {
            reject(socket, out, e);
            return false;
        }
        String requestId = UUID.randomUUID().toString();
        Headers headers = request.headers();
        boolean close = request.protocol().equalsIgnoreCase("HTTP/1.0") || "close".equalsIgnoreCase(headers.getFirst("Connection"));
        // Both before the body is read or the signature checked; the unread body then ends the connection.
        List<String> host = headers.get("Host");
        Answer answer = null;
        if (host == null || host.size() != 1 || !hosts.contains(host.get(0).toLowerCase(Locale.ROOT))) {
            answer = gatewayError(403, "ForbiddenException", "Forbidden", requestId, false);
        } else if (length > MAX_BODY_BYTES) {
            answer = gatewayError(413, null, "Request Too Long", requestId, false);
        }
        boolean bodyUnread = answer != null;
        if (answer == null) {
            if ("100-continue".equalsIgnoreCase(headers.getFirst("Expect"))) {
                out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
            }
            byte[] body;
            try {
                body = length >= 0 ? fixedBody(in, length) : chunkedBody(in);
            } catch (BadRequest e) {
                reject(socket, out, e);
                return false;
            }
            if (body == null) {
                answer = gatewayError(413, null, "Request Too Long", requestId, false);
                bodyUnread = true;
            } else {
                try {
                    answer = answer(request, body, requestId);
                } catch (RuntimeException e) {
                    log.println("ERROR request " + requestId + ": " + e);
                    answer = gatewayError(502, "InternalServerErrorException", "Internal server error", requestId, false);
                }
            }
        }
        try {
            close = answer.send(out, request.method(), close || bodyUnread);
        } catch (IOException | RuntimeException e) {
            log.println("WARN request " + requestId + ": could not send the answer: " + e);
            close = true;
        }
        log.printf("%s %s %s -> %d %s (%d ms)%n", request.method(), request.uri().getRawPath(),
                String.valueOf(headers.getFirst("X-Amz-Target")), answer.status,
                answer.headers().getOrDefault("x-amzn-ErrorType", ""), (System.nanoTime() - started) / 1_000_000);
        if (bodyUnread) {
            linger(socket);
        }
        return !close;
    }

    private static URI uri(String target) throws BadRequest {
        try {
            return new URI(target);
        } catch (URISyntaxException e) {
            throw new BadRequest(400, "Bad request target");
        }
    }

    private static Headers headers(InputStream in, int[] budget) throws IOException, BadRequest {
        Headers headers = new Headers();
        int count = 0;
        for (String line = nextLine(in, budget); !line.isEmpty(); line = nextLine(in, budget)) {
            int colon = line.indexOf(':');
            if (colon <= 0 || !TOKEN.matcher(line.substring(0, colon)).matches()) {
                throw new BadRequest(400, "Bad header line");
            }
            if (++count > MAX_HEADERS) {
                throw new BadRequest(431, "Too many headers");
            }
            try {
                headers.add(line.substring(0, colon), line.substring(colon + 1).trim());
            } catch (IllegalArgumentException e) {
                throw new BadRequest(400, "Bad header value");
            }
        }
        return headers;
    }

    /** The declared body length, or -1 for a chunked body. */
    private static long bodyLength(Headers headers) throws BadRequest {
        List<String> encoding = headers.get("Transfer-Encoding");
        List<String> length = headers.get("Content-Length");
        if (encoding != null) {
            if (length != null) {
                throw new BadRequest(400, "Conflicting Content-Length and Transfer-Encoding");
            }
            if (encoding.size() != 1 || !encoding.get(0).equalsIgnoreCase("chunked")) {
                throw new BadRequest(501, "Unsupported Transfer-Encoding");
            }
            return -1;
        }
        if (length == null) {
            return 0;
        }
        try {
            long value = length.size() == 1 && isDigits(length.get(0), 10) ? Long.parseLong(length.get(0)) : -1;
            if (value < 0) {
                throw new NumberFormatException();
            }
            return value;
        } catch (NumberFormatException e) {
            throw new BadRequest(400, "Bad Content-Length");
        }
    }

    /** Digits only: Long.parseLong also takes a sign, which no HTTP length or chunk size has. */
    private static boolean isDigits(String value, int radix) {
        if (value.isEmpty() || value.length() > 18) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            if (Character.digit(value.charAt(i), radix) < 0) {
                return false;
            }
        }
        return true;
    }

    private static byte[] fixedBody(InputStream in, long length) throws IOException {
        byte[] body = in.readNBytes((int) length);
        if (body.length < length) {
            throw new EOFException("body ended early");
        }
        return body;
    }

    /** A chunked body, or null as soon as its chunks declare more than {@link #MAX_BODY_BYTES}. */
    private static byte[] chunkedBody(InputStream in) throws IOException, BadRequest {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String sizeLine = nextLine(in, new int[] {1024});
            int extensions = sizeLine.indexOf(';');
            long size;
            try {
                String hex = (extensions < 0 ? sizeLine : sizeLine.substring(0, extensions)).trim();
                if (!isDigits(hex, 16)) {
                    throw new NumberFormatException(hex);
                }
                size = Long.parseLong(hex, 16);
            } catch (NumberFormatException e) {
                throw new BadRequest(400, "Bad chunk size");
            }
            if (size < 0) {
                throw new BadRequest(400, "Bad chunk size");
            }
            if (size == 0) {
                break;
            }
            if (body.size() + size > MAX_BODY_BYTES) {
                return null;
            }
            body.write(fixedBody(in, size));
            if (!nextLine(in, new int[] {1024}).isEmpty()) {
                throw new BadRequest(400, "Bad chunk");
            }
        }
        int[] trailerBudget = {MAX_HEAD_BYTES};
        while (!nextLine(in, trailerBudget).isEmpty()) {
            // trailers are read past, not passed on
        }
        return body.toByteArray();
    }

    /**
     * One line without its CRLF (or bare LF), ISO-8859-1; null if the stream ends before it starts.
     * Counts against {@code budget}, shared by the lines of one request head so its size is bounded.
     */
    private static String line(InputStream in, int[] budget) throws IOException, BadRequest {
        StringBuilder line = new StringBuilder();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                if (line.length() == 0) {
                    return null;
                }
                throw new EOFException("line ended early");
            }
            if (--budget[0] < 0) {
                throw new BadRequest(431, "Request head too long");
            }
            line.append((char) b);
        }
        int end = line.length();
        return end > 0 && line.charAt(end - 1) == '\r' ? line.substring(0, end - 1) : line.toString();
    }

    private static String nextLine(InputStream in, int[] budget) throws IOException, BadRequest {
        String line = line(in, budget);
        if (line == null) {
            throw new EOFException("request ended early");
        }
        return line;
    }

    private void reject(Socket socket, OutputStream out, BadRequest e) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        headers.put("Content-Type", List.of("text/plain"));
        try {
            new Answer(e.status, headers, e.getMessage().getBytes(StandardCharsets.US_ASCII)).send(out, "", true);
        } catch (IOException | RuntimeException ignored) {
            // the connection closes anyway
        }
        linger(socket);
    }

    /**
     * Closes our side, then reads and drops what the client still sends, briefly: closing with unread
     * data resets the connection, and a reset can discard the answer before the client reads it.
     */
    private static void linger(Socket socket) {
        try {
            socket.shutdownOutput();
            socket.setSoTimeout(1_000);
            InputStream in = socket.getInputStream();
            byte[] discard = new byte[8192];
            long until = System.nanoTime() + 1_000_000_000L;
            while (System.nanoTime() < until && in.read(discard) >= 0) {
                // dropped
            }
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    /** Closes the socket of any write that a client leaves unread for the whole timeout. */
    private static final ScheduledExecutorService WATCHDOG =
            Executors.newSingleThreadScheduledExecutor(task -> {
                Thread thread = new Thread(task, "local-server-write-watchdog");
                thread.setDaemon(true);
                return thread;
            });

    /**
     * Writes with a deadline: a blocking socket write has no timeout of its own, so a client that
     * never reads its answers would hold the connection's thread for ever.
     */
    private static final class DeadlineOutput extends FilterOutputStream {
        private final Socket socket;
        private final Duration timeout;

        DeadlineOutput(Socket socket, Duration timeout) throws IOException {
            super(socket.getOutputStream());
            this.socket = socket;
            this.timeout = timeout;
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            ScheduledFuture<?> deadline = WATCHDOG.schedule(() -> closeQuietly(socket), timeout.toMillis(), TimeUnit.MILLISECONDS);
            try {
                out.write(bytes, offset, length);
            } finally {
                deadline.cancel(false);
            }
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    private Answer answer(Request request, byte[] body, String requestId) {
        String method = request.method();
        URI uri = request.uri();
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        boolean root = path.equals("/");
        ConsoleFiles files = console;
        if (files != null) {
            ConsoleFiles.Response page = files.answer(method, path).orElse(null);
            if (page != null) {
                return new Answer(page.status(), page.headers(), page.body());
            }
        }
        boolean api = root || path.equals("/" + STAGE) || path.equals("/" + STAGE + "/");
        if (method.equals("OPTIONS") && api && cors.origin() != null) {
            Map<String, List<String>> headers = new LinkedHashMap<>();
            cors.preflightHeaders().forEach((name, value) -> headers.put(name, List.of(value)));
            headers.put("x-amzn-RequestId", List.of(requestId));
            return new Answer(204, headers, new byte[0]);
        }
        if (!method.equals("POST") || !(root || path.equals("/" + STAGE) || path.equals("/" + STAGE + "/"))) {
            // API Gateway's answer for a method or resource the API does not have.
            return gatewayError(403, "MissingAuthenticationTokenException", "Missing Authentication Token", requestId, false);
        }
        APIGatewayProxyRequestEvent event = event(request, path, body, requestId);
        APIGatewayProxyResponseEvent response;
        invocations.acquireUninterruptibly();
        try {
            response = handler.handleRequest(event, new LocalContext(requestId, log));
        } catch (RuntimeException | Error e) {
            // An unhandled exception in the function: API Gateway answers 502 and shows nothing of it.
            log.println("ERROR request " + requestId + ": the function failed: " + e);
            e.printStackTrace(log);
            return gatewayError(502, "InternalServerErrorException", "Internal server error", requestId, false);
        } finally {
            invocations.release();
        }
        if (response == null || response.getStatusCode() == null) {
            log.println("ERROR request " + requestId + ": the function returned no statusCode");
            return gatewayError(502, "InternalServerErrorException", "Internal server error", requestId, false);
        }
        return Answer.of(response, requestId);
    }

    /**
     * The proxy event API Gateway REST sends for this request: {@code path} is the resource's ({@code /}),
     * {@code requestContext.path} the one the client sent, with the stage where it named it.
     */
    private APIGatewayProxyRequestEvent event(Request request, String sentPath, byte[] body, String requestId) {
        Map<String, String> headers = new LinkedHashMap<>();
        Map<String, List<String>> multiValueHeaders = new LinkedHashMap<>();
        request.headers().forEach((name, values) -> {
            if (!values.isEmpty()) {
                headers.put(name, values.get(values.size() - 1));
                multiValueHeaders.put(name, List.copyOf(values));
            }
        });
        Map<String, List<String>> multiValueQuery = query(request.uri().getRawQuery());
        Map<String, String> query = null;
        if (multiValueQuery != null) {
            query = new LinkedHashMap<>();
            for (Map.Entry<String, List<String>> parameter : multiValueQuery.entrySet()) {
                query.put(parameter.getKey(), parameter.getValue().get(parameter.getValue().size() - 1));
            }
        }
        Instant now = clock.instant();
        // No authorizer: the function authenticates the request from its signature.
        RequestIdentity identity = new RequestIdentity()
                .withSourceIp(request.remote().getHostAddress())
                .withUserAgent(request.headers().getFirst("User-Agent"));
        ProxyRequestContext context = new ProxyRequestContext()
                .withAccountId("000000000000")
                .withApiId("local")
                .withResourceId("root")
                .withResourcePath("/")
                .withHttpMethod(request.method())
                .withPath(sentPath)
                .withStage(STAGE)
                .withRequestId(requestId)
                .withExtendedRequestId(requestId)
                .withRequestTime(REQUEST_TIME.format(now))
                .withRequestTimeEpoch(now.toEpochMilli())
                .withDomainName(request.headers().getFirst("Host"))
                .withProtocol(request.protocol())
                .withIdentity(identity);
        return new APIGatewayProxyRequestEvent()
                .withResource("/")
                .withPath("/")
                .withHttpMethod(request.method())
                .withHeaders(headers)
                .withMultiValueHeaders(multiValueHeaders)
                .withQueryStringParameters(query)
                .withMultiValueQueryStringParameters(multiValueQuery)
                .withBody(body.length == 0 ? null : Base64.getEncoder().encodeToString(body))
                .withIsBase64Encoded(body.length > 0)
                .withRequestContext(context);
    }

    private static Map<String, List<String>> query(String rawQuery) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return null;
        }
        Map<String, List<String>> query = new LinkedHashMap<>();
        for (String pair : rawQuery.split("&")) {
            if (!pair.isEmpty()) {
                int equals = pair.indexOf('=');
                String name = SigV4.decode(equals < 0 ? pair : pair.substring(0, equals));
                String value = equals < 0 ? "" : SigV4.decode(pair.substring(equals + 1));
                query.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
            }
        }
        return query;
    }

    /**
     * An answer API Gateway gives itself. Authentication failures come in the AWS JSON error envelope
     * so the SDKs raise the typed exception; the others carry only {@code message}, as API Gateway's do.
     * A null {@code errorType} sends no {@code x-amzn-ErrorType} (where API Gateway's is not known).
     */
    private static Answer gatewayError(int status, String errorType, String message, String requestId, boolean envelope) {
        JsonWriter w = JsonWriter.create();
        w.writeStartObject();
        if (envelope) {
            w.writeFieldName("__type").writeValue(errorType);
        }
        w.writeFieldName("message").writeValue(message);
        w.writeEndObject();
        Map<String, List<String>> headers = new LinkedHashMap<>();
        headers.put("Content-Type", List.of("application/json"));
        headers.put("x-amzn-RequestId", List.of(requestId));
        if (errorType != null) {
            headers.put("x-amzn-ErrorType", List.of(errorType));
        }
        return new Answer(status, headers, w.getBytes());
    }

    /** A request as read off the connection: target as sent, headers keyed as {@link Headers} normalizes them. */
    private record Request(String method, URI uri, String protocol, Headers headers, InetAddress remote) {
    }

    /** A request the server cannot parse or will not read, answered with {@code status} and the connection closed. */
    private static final class BadRequest extends Exception {
        final int status;

        BadRequest(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }
    }

    /**
     * The socket's input under a per-request deadline: the first byte of a request may take the timeout
     * to arrive (an idle connection), and the rest of the request, body included, as long again.
     */
    private static final class TimedInput extends FilterInputStream {
        private final Socket socket;
        private final long timeoutNanos;
        private final Connection connection;
        private boolean started;
        private long deadline;

        TimedInput(Socket socket, Duration timeout, Connection connection) throws IOException {
            super(socket.getInputStream());
            this.socket = socket;
            this.timeoutNanos = timeout.toNanos();
            this.connection = connection;
        }

        /** Waits for the next request: if {@code idle}, the connection may be closed to make room until its first byte. */
        void nextRequest(boolean idle) {
            started = false;
            if (idle) {
                connection.idle();
            }
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            long left = started ? deadline - System.nanoTime() : timeoutNanos;
            if (left <= 0) {
                throw new SocketTimeoutException("request not received in time");
            }
            socket.setSoTimeout((int) Math.max(1, Math.min(Integer.MAX_VALUE, left / 1_000_000)));
            int read = in.read(buffer, offset, length);
            if (!started && read > 0) {
                if (!connection.busy()) {
                    throw new SocketException("closed to make room for another connection");
                }
                started = true;
                deadline = System.nanoTime() + timeoutNanos;
            }
            return read;
        }
    }

    private record Answer(int status, Map<String, List<String>> multiHeaders, byte[] body) {

        Map<String, String> headers() {
            Map<String, String> single = new LinkedHashMap<>();
            multiHeaders.forEach((name, values) -> single.put(name, values.isEmpty() ? "" : values.get(values.size() - 1)));
            return single;
        }

        /** The proxy response as API Gateway maps it: headers and multiValueHeaders merged, body decoded if base64. */
        static Answer of(APIGatewayProxyResponseEvent response, String requestId) {
            Map<String, List<String>> headers = new LinkedHashMap<>();
            if (response.getMultiValueHeaders() != null) {
                response.getMultiValueHeaders().forEach((name, values) -> headers.put(name, new ArrayList<>(values)));
            }
            if (response.getHeaders() != null) {
                response.getHeaders().forEach((name, value) -> headers.put(name, new ArrayList<>(List.of(value == null ? "" : value))));
            }
            if (headers.keySet().stream().noneMatch(name -> name.equalsIgnoreCase("x-amzn-RequestId"))) {
                headers.put("x-amzn-RequestId", List.of(requestId));
            }
            if (headers.keySet().stream().noneMatch(name -> name.equalsIgnoreCase("Content-Type"))) {
                headers.put("Content-Type", List.of("application/json"));
            }
            String body = response.getBody() == null ? "" : response.getBody();
            byte[] bytes = Boolean.TRUE.equals(response.getIsBase64Encoded())
                    ? Base64.getDecoder().decode(body)
                    : body.getBytes(StandardCharsets.UTF_8);
            return new Answer(response.getStatusCode(), headers, bytes);
        }

        /**
         * Writes the answer as com.sun.net.httpserver did (header names as {@link Headers} normalizes them,
         * Date, Content-length); true if the connection is to close after it.
         */
        boolean send(OutputStream out, String method, boolean close) throws IOException {
            Headers headers = new Headers();
            multiHeaders.forEach(headers::put);
            headers.set("Date", HTTP_DATE.format(Instant.now()));
            boolean head = method.equals("HEAD");
            boolean bodiless = status < 200 || status == 204 || status == 304;
            boolean sendBody = !head && !bodiless && body.length > 0;
            if (!head && !bodiless) {
                headers.set("Content-length", Integer.toString(sendBody ? body.length : 0));
            }
            close |= headers.getOrDefault("Connection", List.of()).stream().anyMatch("close"::equalsIgnoreCase);
            if (close) {
                headers.set("Connection", "close");
            }
            StringBuilder text = new StringBuilder("HTTP/1.1 ").append(status).append(' ').append(reason(status)).append("\r\n");
            headers.forEach((name, values) -> values.forEach(value -> text.append(name).append(": ").append(value).append("\r\n")));
            out.write(text.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
            if (sendBody) {
                out.write(body);
            }
            out.flush();
            return close;
        }

        private static String reason(int status) {
            return switch (status) {
                case 100 -> "Continue";
                case 200 -> "OK";
                case 201 -> "Created";
                case 202 -> "Accepted";
                case 204 -> "No Content";
                case 400 -> "Bad Request";
                case 401 -> "Unauthorized";
                case 403 -> "Forbidden";
                case 404 -> "Not Found";
                case 409 -> "Conflict";
                case 413 -> "Request Entity Too Large";
                case 429 -> "Too Many Requests";
                case 431 -> "Request Header Fields Too Large";
                case 500 -> "Internal Server Error";
                case 501 -> "Not Implemented";
                case 502 -> "Bad Gateway";
                case 503 -> "Service Unavailable";
                case 504 -> "Gateway Timeout";
                default -> "";
            };
        }
    }
}
