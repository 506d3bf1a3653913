package dev.partnerregistry.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.partnerregistry.RegistrySettings;
import dev.partnerregistry.auth.SigV4;
import dev.partnerregistry.auth.SignedRequest;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
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
    private HttpServer server;

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 8);
        server.setExecutor(Executors.newSingleThreadExecutor());
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
        }

        assertEquals(2, received.size());
        for (Received request : received) {
            assertEquals(List.of(Integer.toString(request.body().length)), request.headers().get("content-length"));
            assertNull(request.headers().get("transfer-encoding"));
            assertTrue(signatureVerifies(request), "the signature covers what arrived: " + request.headers().get("authorization"));
        }
        assertEquals(received.get(0).clientPort(), received.get(1).clientPort(), "the second call reuses the kept-alive connection");
    }

    @Test
    void aRequestThatKnowsItsLengthIsHandedOnWithoutItAndOtherwiseUnchanged() {
        AtomicReference<HttpExecuteRequest> handedOn = new AtomicReference<>();
        SdkHttpClient buffered = new BufferedBodyHttpClient(new SdkHttpClient() {
            @Override
            public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
                handedOn.set(request);
                return null;
            }

            @Override
            public void close() {
            }
        });
        SdkHttpRequest request = SdkHttpRequest.builder().method(SdkHttpMethod.POST).uri(java.net.URI.create("https://dynamodb.eu-west-1.amazonaws.com/"))
                .putHeader("Content-Length", "2").putHeader("X-Amz-Target", "DynamoDB_20120810.GetItem").build();

        buffered.prepareRequest(HttpExecuteRequest.builder().request(request).build());

        SdkHttpRequest sent = handedOn.get().httpRequest();
        assertFalse(sent.firstMatchingHeader("Content-Length").isPresent());
        assertEquals(List.of("DynamoDB_20120810.GetItem"), sent.headers().get("X-Amz-Target"));
        assertEquals(request.getUri(), sent.getUri());
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
