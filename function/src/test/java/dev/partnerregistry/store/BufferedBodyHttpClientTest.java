package dev.partnerregistry.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.partnerregistry.RegistrySettings;
import dev.partnerregistry.auth.SigV4;
import dev.partnerregistry.auth.SignedRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.metrics.MetricCollector;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The DynamoDB client's requests as they reach the wire once the JDK buffers their bodies: the Content-Length the JDK
 * writes itself, a SigV4 signature that still verifies over it, and the kept-alive connection reused.
 */
class BufferedBodyHttpClientTest {

    private static final String SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

    /** A request as the server read it: its headers by lower-case name, its body, and the client's port. */
    private record Received(Map<String, List<String>> headers, byte[] body, int clientPort) {
    }

    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final ExecutorService serverThread = Executors.newSingleThreadExecutor();
    private HttpServer server;

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 8);
        server.setExecutor(serverThread);
        server.createContext("/", exchange -> {
            Map<String, List<String>> headers = new HashMap<>();
            exchange.getRequestHeaders().forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT), values));
            received.add(new Received(headers, exchange.getRequestBody().readAllBytes(), exchange.getRemoteAddress().getPort()));
            byte[] answer = "{}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.0");
            exchange.sendResponseHeaders(200, answer.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(answer);
            }
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
        serverThread.shutdownNow();
    }

    @Test
    void theRegistrysDynamoDbRequestsArriveWithTheirLengthAndAValidSignatureOnOneConnection() {
        RegistrySettings settings = RegistrySettings.builder(Map.of("TABLE_NAME", "registry", "AWS_REGION", "eu-west-1",
                "DYNAMODB_ENDPOINT", "http://127.0.0.1:" + server.getAddress().getPort())).build();
        try (DynamoDbClient dynamoDb = DynamoDbClients.create(settings,
                StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", SECRET)))) {
            dynamoDb.getItem(r -> r.tableName("registry").key(Map.of("pk", AttributeValue.fromS("PARTNER#example.com"),
                    "sk", AttributeValue.fromS("PARTNER"))));
            dynamoDb.getItem(r -> r.tableName("registry").key(Map.of("pk", AttributeValue.fromS("PARTNER#example.org"),
                    "sk", AttributeValue.fromS("PARTNER"))));
            // Over 64 KB and not ASCII: the length the JDK writes must count bytes, not characters.
            dynamoDb.putItem(r -> r.tableName("registry").item(Map.of("pk", AttributeValue.fromS("NOTE"), "sk", AttributeValue.fromS("NOTE"),
                    "text", AttributeValue.fromS("Grüße aus Zürich, 東京 ".repeat(4_000)))));
        }

        assertEquals(3, received.size());
        assertTrue(received.get(2).body().length > 65_536);
        for (Received request : received) {
            assertEquals(List.of(Integer.toString(request.body().length)), request.headers().get("content-length"));
            assertNull(request.headers().get("transfer-encoding"));
            assertTrue(signatureVerifies(request), "the signature covers what arrived: " + request.headers().get("authorization"));
        }
        assertEquals(received.get(0).clientPort(), received.get(1).clientPort(), "the second call reuses the kept-alive connection");
        assertEquals(received.get(0).clientPort(), received.get(2).clientPort(), "so does the third");
    }

    @Test
    void aRequestWithABodyIsHandedOnWithoutItsLengthAndOtherwiseUnchanged() {
        AtomicReference<HttpExecuteRequest> handedOn = new AtomicReference<>();
        ContentStreamProvider body = ContentStreamProvider.fromUtf8String("{}");
        MetricCollector metrics = MetricCollector.create("test");
        SdkHttpRequest request = post().putHeader("Content-Length", "2").build();

        capturing(handedOn).prepareRequest(HttpExecuteRequest.builder().request(request).contentStreamProvider(body).metricCollector(metrics).build());

        SdkHttpRequest sent = handedOn.get().httpRequest();
        assertFalse(sent.firstMatchingHeader("Content-Length").isPresent());
        assertEquals(List.of("DynamoDB_20120810.GetItem"), sent.headers().get("X-Amz-Target"));
        assertEquals(request.getUri(), sent.getUri());
        assertSame(body, handedOn.get().contentStreamProvider().orElseThrow());
        assertSame(metrics, handedOn.get().metricCollector().orElseThrow());
    }

    @Test
    void aRequestWithoutABodyKeepsItsLength() {
        AtomicReference<HttpExecuteRequest> handedOn = new AtomicReference<>();
        HttpExecuteRequest request = HttpExecuteRequest.builder().request(post().putHeader("Content-Length", "0").build()).build();

        capturing(handedOn).prepareRequest(request);

        assertSame(request, handedOn.get());
    }

    /**
     * The JDK sends a buffered POST that got no answer once more on a new connection (a streamed one it would not):
     * each of the SDK's three attempts arrives twice. Also what shows that the registry's client buffers at all.
     */
    @Test
    void aRequestThatGetsNoAnswerArrivesTwicePerSdkAttempt() throws Exception {
        AtomicInteger arrivals = new AtomicInteger();
        try (ServerSocket silent = new ServerSocket(0, 8, InetAddress.getLoopbackAddress())) {
            Thread closer = new Thread(() -> closeEachRequestUnanswered(silent, arrivals));
            closer.setDaemon(true);
            closer.start();
            RegistrySettings settings = RegistrySettings.builder(Map.of("TABLE_NAME", "registry", "AWS_REGION", "eu-west-1",
                    "DYNAMODB_ENDPOINT", "http://127.0.0.1:" + silent.getLocalPort())).build();
            DynamoDbRequestCounter.takeCount();
            try (DynamoDbClient dynamoDb = DynamoDbClients.create(settings,
                    StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", SECRET)), Duration.ofSeconds(10))) {
                assertThrows(SdkClientException.class, () -> dynamoDb.getItem(r -> r.tableName("registry")
                        .key(Map.of("pk", AttributeValue.fromS("PARTNER#example.com"), "sk", AttributeValue.fromS("PARTNER")))));
            }
        }

        int attempts = DynamoDbRequestCounter.takeCount();
        assertEquals(3, attempts);
        assertEquals(2 * attempts, arrivals.get());
    }

    /** Reads each request whole (headers, then Content-Length bytes), counts it, and closes the connection unanswered. */
    private static void closeEachRequestUnanswered(ServerSocket server, AtomicInteger arrivals) {
        while (!server.isClosed()) {
            try (Socket connection = server.accept()) {
                InputStream in = connection.getInputStream();
                StringBuilder head = new StringBuilder();
                while (!head.toString().endsWith("\r\n\r\n")) {
                    int b = in.read();
                    if (b < 0) {
                        break;
                    }
                    head.append((char) b);
                }
                String lower = head.toString().toLowerCase(Locale.ROOT);
                int at = lower.indexOf("content-length:");
                if (at >= 0) {
                    int length = Integer.parseInt(lower.substring(at + 15, lower.indexOf("\r\n", at)).trim());
                    in.readNBytes(length);
                    arrivals.incrementAndGet();
                }
            } catch (IOException closed) {
                return;
            }
        }
    }

    private static SdkHttpRequest.Builder post() {
        return SdkHttpRequest.builder().method(SdkHttpMethod.POST).uri(URI.create("https://dynamodb.eu-west-1.amazonaws.com/"))
                .putHeader("X-Amz-Target", "DynamoDB_20120810.GetItem");
    }

    private static SdkHttpClient capturing(AtomicReference<HttpExecuteRequest> handedOn) {
        return new BufferedBodyHttpClient(new SdkHttpClient() {
            @Override
            public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
                handedOn.set(request);
                return null;
            }

            @Override
            public void close() {
            }
        });
    }

    private static boolean signatureVerifies(Received request) {
        String authorization = request.headers().get("authorization").get(0);
        String credential = part(authorization, "Credential=");
        List<String> signedHeaders = Arrays.asList(part(authorization, "SignedHeaders=").split(";"));
        String scope = credential.substring(credential.indexOf('/') + 1);
        String[] scopeParts = scope.split("/");
        String amzDate = request.headers().get("x-amz-date").get(0);
        SignedRequest signed = new SignedRequest("POST", "/", Map.of(), request.headers(), request.body(),
                request.headers().get("host").get(0));
        String canonical = SigV4.canonicalRequest(signed, signedHeaders, SigV4.hex(SigV4.sha256(request.body())));
        String expected = SigV4.signature(SigV4.signingKey(SECRET, scopeParts[0], scopeParts[1], scopeParts[2]),
                SigV4.stringToSign(amzDate, scope, canonical));
        return signedHeaders.contains("content-length") == request.headers().containsKey("content-length")
                && expected.equals(part(authorization, "Signature="));
    }

    private static String part(String authorization, String name) {
        int start = authorization.indexOf(name) + name.length();
        int end = authorization.indexOf(',', start);
        return (end < 0 ? authorization.substring(start) : authorization.substring(start, end)).trim();
    }
}
