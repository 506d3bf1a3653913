package dev.partnerregistry.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.protocols.jsoncore.JsonNode;

/**
 * LocalServer as API Gateway's stand-in, with a recording function behind it: what it lets through,
 * the proxy event the function gets (signature headers, path as sent, exact body: what the function
 * verifies), and the answers API Gateway itself gives (unknown route, oversize body, foreign Host)
 * without invoking the function.
 */
class LocalServerTest {

    static final String KEY = "AKIAEXAMPLEPARTNER";
    static final String SECRET = "example-partner-secret";
    static final String PRINCIPAL = "arn:aws:iam::123456789012:user/example-partner";
    static final String BODY = "{\"Name\":\"aws.partner/example.com/orders/shop-42\",\"Account\":\"123456789012\"}";
    static final String TARGET = "AWSEvents.CreatePartnerEventSource";
    static final Set<String> RESTRICTED = Set.of("host", "content-length", "connection", "expect", "upgrade");

    private final AtomicReference<APIGatewayProxyRequestEvent> received = new AtomicReference<>();
    private final HttpClient http = HttpClient.newHttpClient();
    private LocalServer server;

    private LocalServer start(Clock clock, APIGatewayProxyResponseEvent answer) {
        return start(clock, answer, LocalServer.REQUEST_TIMEOUT);
    }

    private LocalServer start(Clock clock, APIGatewayProxyResponseEvent answer, Duration requestTimeout) {
        server = LocalServer.start(0, (event, context) -> {
            received.set(event);
            assertNotNull(context, "the function gets a context");
            return answer;
        }, clock, null, requestTimeout);
        return server;
    }

    private LocalServer start() {
        return start(LocalServer.REQUEST_TIMEOUT);
    }

    private LocalServer start(Duration requestTimeout) {
        return start(Clock.systemUTC(), new APIGatewayProxyResponseEvent().withStatusCode(200)
                .withHeaders(Map.of("Content-Type", "application/x-amz-json-1.1", "x-amzn-RequestId", "from-the-function"))
                .withBody("{\"EventSourceArn\":\"arn:aws:events:us-east-1::event-source/aws.partner/example.com/orders/shop-42\"}"), requestTimeout);
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    /** A request signed as an AWS SDK signs it, for {@code service}, at {@code signedAt}. */
    private HttpResponse<String> signed(String service, String key, String secret, Instant signedAt, String signedBody, String sentBody) throws Exception {
        return signed(service, key, secret, signedAt, signedBody, sentBody, "/");
    }

    private HttpResponse<String> signed(String service, String key, String secret, Instant signedAt, String signedBody, String sentBody,
                                        String pathAndQuery) throws Exception {
        SignedRequest signed = sign(server.endpoint().resolve(pathAndQuery), service, key, secret, signedAt, signedBody);
        HttpRequest.Builder send = HttpRequest.newBuilder(signed.request().getUri()).POST(HttpRequest.BodyPublishers.ofString(sentBody));
        signed.request().forEachHeader((name, values) -> {
            if (!RESTRICTED.contains(name.toLowerCase())) {
                values.forEach(value -> send.header(name, value));
            }
        });
        return http.send(send.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static SignedRequest sign(URI uri, String service, String key, String secret, Instant signedAt, String signedBody) {
        SdkHttpRequest request = SdkHttpRequest.builder().method(SdkHttpMethod.POST).uri(uri)
                .putHeader("Content-Type", "application/x-amz-json-1.1")
                .putHeader("X-Amz-Target", TARGET)
                .build();
        return AwsV4HttpSigner.create().sign(r -> r
                .identity(AwsCredentialsIdentity.create(key, secret))
                .request(request)
                .payload(ContentStreamProvider.fromUtf8String(signedBody))
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, service)
                .putProperty(AwsV4HttpSigner.REGION_NAME, "us-east-1")
                .putProperty(HttpSigner.SIGNING_CLOCK, Clock.fixed(signedAt, ZoneOffset.UTC)));
    }

    private HttpResponse<String> signed(String service) throws Exception {
        return signed(service, KEY, SECRET, Instant.now(), BODY, BODY);
    }

    @Test
    void aRequestSignedForEventsReachesTheFunctionAndItsAnswerTheClient() throws Exception {
        start();

        HttpResponse<String> response = signed("events");

        assertEquals(200, response.statusCode(), response.body());
        assertEquals("{\"EventSourceArn\":\"arn:aws:events:us-east-1::event-source/aws.partner/example.com/orders/shop-42\"}", response.body());
        assertEquals("from-the-function", response.headers().firstValue("x-amzn-RequestId").orElse(null));
        assertEquals("application/x-amz-json-1.1", response.headers().firstValue("Content-Type").orElse(null));
    }

    @Test
    void aQueryStringIsPassedOnDecoded() throws Exception {
        start();

        HttpResponse<String> response = signed("events", KEY, SECRET, Instant.now(), BODY, BODY, "/?b=2&a=x%20y&a=%2Fz");

        assertEquals(200, response.statusCode(), response.body());
        assertEquals(Map.of("a", List.of("x y", "/z"), "b", List.of("2")), received.get().getMultiValueQueryStringParameters());
    }

    @Test
    void theFunctionGetsTheProxyEventApiGatewayRestWouldSend() throws Exception {
        start();
        signed("events");

        APIGatewayProxyRequestEvent event = received.get();
        assertEquals("/", event.getResource());
        assertEquals("/", event.getPath());
        assertEquals("POST", event.getHttpMethod());
        assertEquals(BODY, new String(java.util.Base64.getDecoder().decode(event.getBody()), StandardCharsets.UTF_8),
                "every body base64-encoded, byte for byte, as the stack's binary media type */* has API Gateway pass it");
        assertEquals(Boolean.TRUE, event.getIsBase64Encoded());
        assertEquals(TARGET, header(event.getHeaders(), "X-Amz-Target"));
        assertEquals(List.of(TARGET), header(event.getMultiValueHeaders(), "X-Amz-Target"));
        assertNotNull(header(event.getHeaders(), "Authorization"));
        assertNull(event.getQueryStringParameters());
        APIGatewayProxyRequestEvent.ProxyRequestContext context = event.getRequestContext();
        assertEquals("v1", context.getStage());
        assertEquals("/", context.getPath(), "the path as the client sent it");
        assertEquals(server.endpoint().getAuthority(), context.getDomainName());
        assertEquals(36, context.getRequestId().length(), "a fresh UUID: " + context.getRequestId());
        assertNull(context.getIdentity().getUserArn(), "no authorizer: the function authenticates the signature itself");
        assertEquals("127.0.0.1", context.getIdentity().getSourceIp());
        assertNotNull(context.getIdentity().getUserAgent());
    }

    @Test
    void underTheStageTheEventCarriesThePathAsSentAsTheExecuteApiEndpointDoes() throws Exception {
        start();

        assertEquals(200, signed("events", KEY, SECRET, Instant.now(), BODY, BODY, "/v1/").statusCode());

        assertEquals("/", received.get().getPath());
        assertEquals("/v1/", received.get().getRequestContext().getPath());
    }

    @Test
    void eachRequestGetsItsOwnRequestId() throws Exception {
        start();
        signed("events");
        String first = received.get().getRequestContext().getRequestId();
        signed("events");

        assertFalse(first.equals(received.get().getRequestContext().getRequestId()));
    }

    @Test
    void anotherMethodOrPathAnswersMissingAuthenticationTokenWithoutTheFunction() throws Exception {
        start();

        for (HttpRequest request : List.of(
                HttpRequest.newBuilder(server.endpoint().resolve("/")).GET().build(),
                HttpRequest.newBuilder(server.endpoint().resolve("/prod/")).POST(HttpRequest.BodyPublishers.ofString(BODY)).build(),
                HttpRequest.newBuilder(server.endpoint().resolve("/")).PUT(HttpRequest.BodyPublishers.ofString(BODY)).build())) {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            assertEquals(403, response.statusCode(), request.toString());
            assertEquals("MissingAuthenticationTokenException", response.headers().firstValue("x-amzn-ErrorType").orElse(null));
            assertEquals("{\"message\":\"Missing Authentication Token\"}", response.body());
        }
        assertNull(received.get(), "the function is not invoked");
    }

    @Test
    void aFailingFunctionAnswers502WithoutItsException() throws Exception {
        server = LocalServer.start(0, (event, context) -> {
            throw new IllegalStateException("secret internals");
        }, null);

        HttpResponse<String> response = signed("events");

        assertEquals(502, response.statusCode());
        assertEquals("{\"message\":\"Internal server error\"}", response.body());
        assertFalse(response.body().contains("internals"));
    }

    @Test
    void fiftyIdleOrStalledConnectionsDoNotKeepOtherClientsWaiting() throws Exception {
        start();
        List<Socket> stalled = new ArrayList<>();
        try {
            for (int i = 0; i < 50; i++) {
                Socket socket = connect();
                stalled.add(socket);
                // Silent, stopped inside the request line, stopped inside the headers, stopped inside the body.
                String[] partial = {"", "POST / HT", "POST / HTTP/1.1\r\nHost: " + hostPort(),
                        "POST / HTTP/1.1\r\nHost: " + hostPort() + "\r\nContent-Length: 100\r\n\r\n{\"Na"};
                socket.getOutputStream().write(partial[i % partial.length].getBytes(StandardCharsets.US_ASCII));
                socket.getOutputStream().flush();
            }
            Thread.sleep(200);

            // Well inside the 5 s request timeout: served beside the stalled connections, not after them.
            assertTimeoutPreemptively(Duration.ofSeconds(3), () -> {
                for (int i = 0; i < 3; i++) {
                    assertEquals(200, signed("events").statusCode());
                }
            });
        } finally {
            for (Socket socket : stalled) {
                socket.close();
            }
        }
    }

    @Test
    void idleKeepAliveConnectionsBeyondTheSlotsAreClosedIdlestFirstSoASignedRequestIsStillAnswered() throws Exception {
        // A long request timeout, so that no idle connection is closed for being idle: only to make room.
        start(Duration.ofSeconds(120));
        int held = LocalServer.MAX_CONNECTIONS + 14;   // 270, the audit's number
        List<Socket> idle = new ArrayList<>();
        try {
            assertTimeoutPreemptively(Duration.ofSeconds(120), () -> {
                for (int i = 0; i < held; i++) {
                    Socket socket = connect();
                    socket.setSoTimeout(30_000);
                    idle.add(socket);
                    assertEquals(403, keptAlive(socket), "connection " + i + " is answered and stays open");
                }
                assertEquals(200, signed("events").statusCode(), "another client's signed request, while " + held + " connections are held");
            });

            int closedForRoom = held + 1 - LocalServer.MAX_CONNECTIONS;
            assertEquals(closedForRoom, server.idleConnectionsClosed());
            for (Socket socket : idle.subList(0, closedForRoom)) {
                assertEquals(-1, socket.getInputStream().read(), "the connections idle the longest were closed");
            }
            Socket newest = idle.get(held - 1);
            assertEquals(403, keptAlive(newest), "the most recently used connection is still open and served");
        } finally {
            for (Socket socket : idle) {
                socket.close();
            }
        }
    }

    /** Sends a keep-alive request that the server answers itself (403, no function) and reads its whole answer; the status. */
    private int keptAlive(Socket socket) throws IOException {
        socket.getOutputStream().write(("GET /not-the-api HTTP/1.1\r\nHost: " + hostPort() + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        InputStream in = socket.getInputStream();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                return -1;
            }
            head.append((char) b);
        }
        String lower = head.toString().toLowerCase(java.util.Locale.ROOT);
        int at = lower.indexOf("content-length: ");
        int length = Integer.parseInt(lower.substring(at + 16, lower.indexOf("\r\n", at)).trim());
        in.readNBytes(length);
        return status(head.toString());
    }

    @Test
    void anIdleOrStalledConnectionIsClosedAfterTheRequestTimeout() throws Exception {
        start(Duration.ofMillis(500));

        for (String partial : List.of("", "POST / HTTP/1.1\r\nHost: " + hostPort(),
                "POST / HTTP/1.1\r\nHost: " + hostPort() + "\r\nContent-Length: 100\r\n\r\n{\"Na")) {
            try (Socket socket = connect()) {
                socket.setSoTimeout(5_000);
                socket.getOutputStream().write(partial.getBytes(StandardCharsets.US_ASCII));
                long started = System.nanoTime();

                assertEquals(-1, socket.getInputStream().read(), "closed without an answer: '" + partial + "'");
                long waited = Duration.ofNanos(System.nanoTime() - started).toMillis();
                assertTrue(waited >= 400 && waited < 3_000, "closed after " + waited + " ms: '" + partial + "'");
            }
        }
        assertEquals(200, signed("events").statusCode());
        assertNotNull(received.get());
    }

    @Test
    void aClientThatNeverReadsItsAnswersIsClosedAfterTheTimeoutInsteadOfHoldingAThread() throws Exception {
        start(Duration.ofMillis(500));
        try (Socket socket = connect()) {
            // Pipelined requests whose answers fill the socket buffers: the server's write blocks.
            String request = "GET /not-the-api HTTP/1.1\r\nHost: " + hostPort() + "\r\n\r\n";
            OutputStream out = socket.getOutputStream();
            // Without a write deadline the server never closes, and these writes block for ever.
            assertTimeoutPreemptively(Duration.ofSeconds(8), () -> assertThrows(IOException.class, () -> {
                while (true) {
                    out.write(request.repeat(200).getBytes(StandardCharsets.US_ASCII));
                }
            }, "the server closed the connection it could not write to"));
        }
        assertEquals(200, signed("events").statusCode(), "and still serves others");
    }

    @Test
    void aSignedLengthOrChunkSizeIsABadRequest() throws Exception {
        start();
        assertEquals(400, status(raw("POST / HTTP/1.1\r\nHost: " + hostPort() + "\r\nContent-Length: +5\r\n\r\n{\"a\":")));
        assertEquals(400, status(raw("POST / HTTP/1.1\r\nHost: " + hostPort() + "\r\nTransfer-Encoding: chunked\r\n\r\n+5\r\n{\"a\":\r\n0\r\n\r\n")));
        assertNull(received.get());
    }

    @Test
    void aContentLengthOverTenMebibytesAnswers413WithoutReadingTheBody() throws Exception {
        start();

        for (long length : List.of(LocalServer.MAX_BODY_BYTES + 1, 1L << 40)) {
            String response = assertTimeoutPreemptively(Duration.ofSeconds(3), () -> raw("POST / HTTP/1.1\r\nHost: " + hostPort()
                    + "\r\nX-Amz-Target: " + TARGET + "\r\nContent-Length: " + length + "\r\n\r\n{\"Name\":\"aws.partner/"));

            assertEquals(413, status(response), response);
            assertEquals("{\"message\":\"Request Too Long\"}", body(response));
        }
        assertNull(received.get(), "the function is not invoked");
    }

    @Test
    void aChunkedBodyOverTenMebibytesAnswers413WithoutReadingTheRest() throws Exception {
        start();
        int max = (int) LocalServer.MAX_BODY_BYTES;

        String oneHugeChunk = assertTimeoutPreemptively(Duration.ofSeconds(3), () -> raw("POST / HTTP/1.1\r\nHost: " + hostPort()
                + "\r\nTransfer-Encoding: chunked\r\n\r\n" + Integer.toHexString(max + 1) + "\r\n{\"Name\":"));
        String overByTheSecondChunk = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> raw("POST / HTTP/1.1\r\nHost: " + hostPort()
                + "\r\nTransfer-Encoding: chunked\r\n\r\n" + Integer.toHexString(max) + "\r\n" + " ".repeat(max) + "\r\n1\r\n"));

        for (String response : List.of(oneHugeChunk, overByTheSecondChunk)) {
            assertEquals(413, status(response), response);
            assertEquals("{\"message\":\"Request Too Long\"}", body(response));
        }
        assertNull(received.get(), "the function is not invoked");
    }

    @Test
    void aBodyOfExactlyTenMebibytesStillReachesTheFunction() throws Exception {
        start();
        String body = "{\"Name\":\"" + "x".repeat((int) LocalServer.MAX_BODY_BYTES - 11) + "\"}";
        assertEquals(LocalServer.MAX_BODY_BYTES, body.length());

        HttpResponse<String> response = signed("events", KEY, SECRET, Instant.now(), body, body);

        assertEquals(200, response.statusCode(), response.body());
        assertEquals(body, new String(java.util.Base64.getDecoder().decode(received.get().getBody()), StandardCharsets.UTF_8));
    }

    @Test
    void aRequestForAnotherHostIsForbiddenWithoutTheFunction() throws Exception {
        start();

        // A page on evil.example whose name was rebound to 127.0.0.1: the browser sends its own Host.
        String response = rawSigned("evil.example:" + server.port());

        assertEquals(403, status(response), response);
        assertEquals("{\"message\":\"Forbidden\"}", body(response));
        assertNull(received.get(), "the function is not invoked");
    }

    @Test
    void localhostAndTheLoopbackAddressAreTheHostsServed() throws Exception {
        start();

        for (String host : List.of("127.0.0.1:" + server.port(), "localhost:" + server.port())) {
            String response = rawSigned(host);

            assertEquals(200, status(response), response);
            assertEquals(host, received.getAndSet(null).getRequestContext().getDomainName());
        }
    }

    private String hostPort() {
        return LocalServer.LOOPBACK + ":" + server.port();
    }

    private Socket connect() throws IOException {
        return new Socket(InetAddress.getByName(LocalServer.LOOPBACK), server.port());
    }

    /** Sends {@code request} as is and reads the answer up to the server's close. */
    private String raw(String request) throws IOException {
        try (Socket socket = connect()) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            in.transferTo(answer);
            return answer.toString(StandardCharsets.UTF_8);
        }
    }

    /** The test's signed request, sent with {@code host} (the one signed) in Host, as a browser would send it. */
    private String rawSigned(String host) throws IOException {
        SignedRequest signed = sign(URI.create("http://" + host + "/"), "events", KEY, SECRET, Instant.now(), BODY);
        StringBuilder request = new StringBuilder("POST / HTTP/1.1\r\n");
        if (signed.request().firstMatchingHeader("Host").isEmpty()) {
            request.append("Host: ").append(host).append("\r\n");
        }
        signed.request().forEachHeader((name, values) -> values.forEach(value -> request.append(name).append(": ").append(value).append("\r\n")));
        request.append("Content-Length: ").append(BODY.getBytes(StandardCharsets.UTF_8).length).append("\r\n")
                .append("Connection: close\r\n\r\n").append(BODY);
        return raw(request.toString());
    }

    private static int status(String response) {
        return response.isEmpty() ? -1 : Integer.parseInt(response.split(" ", 3)[1]);
    }

    private static String body(String response) {
        return response.substring(response.indexOf("\r\n\r\n") + 4);
    }

    private static <T> T header(Map<String, T> headers, String name) {
        return headers.entrySet().stream().filter(h -> h.getKey().equalsIgnoreCase(name)).map(Map.Entry::getValue).findFirst().orElse(null);
    }
}
