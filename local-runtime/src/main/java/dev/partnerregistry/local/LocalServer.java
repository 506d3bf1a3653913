package dev.partnerregistry.local;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent.ProxyRequestContext;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent.RequestIdentity;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.partnerregistry.local.SigV4Verifier.Authenticated;
import dev.partnerregistry.local.SigV4Verifier.Rejected;
import dev.partnerregistry.local.SigV4Verifier.SignedRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.protocols.jsoncore.JsonWriter;

/**
 * API Gateway's part, locally: an HTTP server on 127.0.0.1 that authenticates each request as the
 * REST API's AWS_IAM authorization would (see {@link SigV4Verifier}), turns it into the same proxy
 * event API Gateway sends for {@code POST /}, invokes the function's handler, and answers with the
 * status, headers and body the handler returned. Only {@code POST /} reaches the function.
 */
public final class LocalServer implements AutoCloseable {

    static final String LOOPBACK = "127.0.0.1";
    static final String STAGE = "local";
    private static final int THREADS = 16;
    private static final DateTimeFormatter REQUEST_TIME =
            DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ROOT).withZone(ZoneOffset.UTC);

    private final HttpServer server;
    private final ExecutorService executor;
    private final RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> handler;
    private final SigV4Verifier verifier;
    private final Clock clock;
    private final PrintStream log;

    private LocalServer(HttpServer server, ExecutorService executor,
                        RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> handler,
                        SigV4Verifier verifier, Clock clock, PrintStream log) {
        this.server = server;
        this.executor = executor;
        this.handler = handler;
        this.verifier = verifier;
        this.clock = clock;
        this.log = log;
    }

    /**
     * Listens on 127.0.0.1:{@code port} (0 picks a free port) and serves until {@link #close()}.
     *
     * @param region the region the registry answers for: SigV4 credential scopes must name it
     * @param log    one line per request, and the handler's failures; null for none
     */
    public static LocalServer start(int port, RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> handler,
                                    LocalConfig config, String region, PrintStream log) {
        return start(port, handler, config, region, Clock.systemUTC(), log);
    }

    /** As {@link #start(int, RequestHandler, LocalConfig, String, PrintStream)}, with the clock that judges signature age. */
    public static LocalServer start(int port, RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> handler,
                                    LocalConfig config, String region, Clock clock, PrintStream log) {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getByName(LOOPBACK), port), 64);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot listen on " + LOOPBACK + ":" + port + " (in use? set PORT)", e);
        }
        AtomicInteger threads = new AtomicInteger();
        ExecutorService executor = Executors.newFixedThreadPool(THREADS, task -> {
            Thread thread = new Thread(task, "local-server-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        LocalServer local = new LocalServer(server, executor, handler, new SigV4Verifier(config, region), clock,
                log == null ? new PrintStream(OutputStream.nullOutputStream()) : log);
        server.setExecutor(executor);
        server.createContext("/", local::serve);
        server.start();
        return local;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** {@code http://127.0.0.1:<port>}: the --endpoint-url / endpointOverride for clients. */
    public URI endpoint() {
        return URI.create("http://" + LOOPBACK + ":" + port());
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void serve(HttpExchange exchange) {
        long started = System.nanoTime();
        String requestId = UUID.randomUUID().toString();
        Answer answer;
        try (InputStream in = exchange.getRequestBody()) {
            answer = answer(exchange, in.readAllBytes(), requestId);
        } catch (IOException | RuntimeException e) {
            log.println("ERROR request " + requestId + ": " + e);
            answer = gatewayError(502, "InternalServerErrorException", "Internal server error", requestId, false);
        }
        try {
            answer.send(exchange);
        } catch (IOException | RuntimeException e) {
            log.println("WARN request " + requestId + ": could not send the answer: " + e);
        } finally {
            exchange.close();
        }
        log.printf("%s %s %s -> %d %s (%d ms)%n", exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(),
                String.valueOf(exchange.getRequestHeaders().getFirst("X-Amz-Target")), answer.status,
                answer.headers().getOrDefault("x-amzn-ErrorType", ""), (System.nanoTime() - started) / 1_000_000);
    }

    private Answer answer(HttpExchange exchange, byte[] body, String requestId) {
        String method = exchange.getRequestMethod();
        URI uri = exchange.getRequestURI();
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        if (!method.equals("POST") || !path.equals("/")) {
            // API Gateway's answer for a method or resource the API does not have.
            return gatewayError(403, "MissingAuthenticationTokenException", "Missing Authentication Token", requestId, false);
        }
        Authenticated caller;
        try {
            caller = verifier.verify(new SignedRequest(method, path, uri.getRawQuery(), exchange.getRequestHeaders(), body),
                    clock.instant());
        } catch (Rejected rejected) {
            return gatewayError(403, rejected.errorCode(), rejected.getMessage(), requestId, true);
        }
        APIGatewayProxyRequestEvent event = event(exchange, path, body, caller, requestId);
        APIGatewayProxyResponseEvent response;
        try {
            response = handler.handleRequest(event, new LocalContext(requestId, log));
        } catch (RuntimeException | Error e) {
            // An unhandled exception in the function: API Gateway answers 502 and shows nothing of it.
            log.println("ERROR request " + requestId + ": the function failed: " + e);
            e.printStackTrace(log);
            return gatewayError(502, "InternalServerErrorException", "Internal server error", requestId, false);
        }
        if (response == null || response.getStatusCode() == null) {
            log.println("ERROR request " + requestId + ": the function returned no statusCode");
            return gatewayError(502, "InternalServerErrorException", "Internal server error", requestId, false);
        }
        return Answer.of(response, requestId);
    }

    /** The proxy event API Gateway REST sends for this request, caller as AWS_IAM authorization found it. */
    private APIGatewayProxyRequestEvent event(HttpExchange exchange, String path, byte[] body, Authenticated caller, String requestId) {
        Map<String, String> headers = new LinkedHashMap<>();
        Map<String, List<String>> multiValueHeaders = new LinkedHashMap<>();
        exchange.getRequestHeaders().forEach((name, values) -> {
            if (!values.isEmpty()) {
                headers.put(name, values.get(values.size() - 1));
                multiValueHeaders.put(name, List.copyOf(values));
            }
        });
        Map<String, List<String>> multiValueQuery = query(exchange.getRequestURI().getRawQuery());
        Map<String, String> query = null;
        if (multiValueQuery != null) {
            query = new LinkedHashMap<>();
            for (Map.Entry<String, List<String>> parameter : multiValueQuery.entrySet()) {
                query.put(parameter.getKey(), parameter.getValue().get(parameter.getValue().size() - 1));
            }
        }
        Instant now = clock.instant();
        String principalArn = caller.principal().principalArn();
        RequestIdentity identity = new RequestIdentity()
                .withSourceIp(exchange.getRemoteAddress().getAddress().getHostAddress())
                .withUserAgent(exchange.getRequestHeaders().getFirst("User-Agent"))
                .withAccessKey(caller.accessKeyId())
                .withAccountId(caller.principal().accountId())
                .withUserArn(principalArn)
                .withCaller(principalArn)
                .withUser(principalArn);
        ProxyRequestContext context = new ProxyRequestContext()
                .withAccountId(caller.principal().accountId())
                .withApiId(STAGE)
                .withResourceId("root")
                .withResourcePath("/")
                .withHttpMethod(exchange.getRequestMethod())
                .withPath("/" + STAGE + path)
                .withStage(STAGE)
                .withRequestId(requestId)
                .withExtendedRequestId(requestId)
                .withRequestTime(REQUEST_TIME.format(now))
                .withRequestTimeEpoch(now.toEpochMilli())
                .withDomainName(exchange.getRequestHeaders().getFirst("Host"))
                .withProtocol(exchange.getProtocol())
                .withIdentity(identity);
        return new APIGatewayProxyRequestEvent()
                .withResource("/")
                .withPath(path)
                .withHttpMethod(exchange.getRequestMethod())
                .withHeaders(headers)
                .withMultiValueHeaders(multiValueHeaders)
                .withQueryStringParameters(query)
                .withMultiValueQueryStringParameters(multiValueQuery)
                .withBody(body.length == 0 ? null : new String(body, StandardCharsets.UTF_8))
                .withIsBase64Encoded(false)
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
                String name = SigV4Verifier.decode(equals < 0 ? pair : pair.substring(0, equals));
                String value = equals < 0 ? "" : SigV4Verifier.decode(pair.substring(equals + 1));
                query.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
            }
        }
        return query;
    }

    /**
     * An answer API Gateway gives itself. Authentication failures come in the AWS JSON error envelope
     * so the SDKs raise the typed exception; the others carry only {@code message}, as API Gateway's do.
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
        headers.put("x-amzn-ErrorType", List.of(errorType));
        return new Answer(status, headers, w.getBytes());
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

        void send(HttpExchange exchange) throws IOException {
            multiHeaders.forEach((name, values) -> exchange.getResponseHeaders().put(name, values));
            boolean noBody = body.length == 0 || exchange.getRequestMethod().equals("HEAD");
            exchange.sendResponseHeaders(status, noBody ? -1 : body.length);
            if (!noBody) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        }
    }
}
