package dev.partnerregistry.store;

import dev.partnerregistry.domain.AwsRegions;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.function.Consumer;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.http.Abortable;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.protocols.jsoncore.JsonNode;

/**
 * One AWS JSON-protocol call (KMS Decrypt, SQS SendMessageBatch, EventBridge PutEvents), sent with
 * the HTTP client and SigV4 signer the DynamoDB client already brings: each of those services'
 * SDK clients would add 1-2 MB to the Lambda jar for the one operation the registry calls. Only
 * what these calls need: a signed POST, the answer's status and JSON body. No retries here: each
 * caller knows which failures are worth another attempt. Bodies are sent buffered (no Content-Length is
 * set), so the JDK never probes a kept-alive connection first, and resends a POST whose answer failed
 * other than by a timeout once, at once: the same request, which each caller's writes allow for (a
 * queued event may arrive twice, as SQS's at-least-once delivery allows anyway).
 */
public final class AwsJsonClient implements AutoCloseable {

    /** An answer: the HTTP status and the JSON body (an empty object when there was none). */
    public record Answer(int status, JsonNode body) {

        public boolean ok() {
            return status == 200;
        }

        /** The error's type without its namespace ({@code com.amazon.coral.service#X} is X), or {@code (none)}. */
        public String errorType() {
            JsonNode type = body.isObject() ? body.asObject().get("__type") : null;
            if (type == null || !type.isString()) {
                return "(none)";
            }
            String value = type.asString();
            return value.substring(value.lastIndexOf('#') + 1);
        }

        /** The error's message (AWS JSON services spell the member {@code message} or {@code Message}), or empty. */
        public String errorMessage() {
            if (!body.isObject()) {
                return "";
            }
            JsonNode message = body.asObject().getOrDefault("message", body.asObject().get("Message"));
            return message != null && message.isString() ? message.asString() : "";
        }

        /** 5xx or throttling: a later attempt may succeed. */
        public boolean retryable() {
            String type = errorType();
            return status >= 500 || type.contains("Throttl") || type.contains("LimitExceeded") || type.contains("RequestThrottled");
        }
    }

    private final SdkHttpClient http;
    private final AwsCredentialsProvider credentials;
    private final URI endpoint;
    private final String region;
    private final String signingName;
    private final String contentType;
    private final AwsV4HttpSigner signer = AwsV4HttpSigner.create();

    /**
     * @param endpoint    the service's endpoint (a local engine's, or {@code https://<service>.<region>.amazonaws.com})
     * @param signingName the service's SigV4 name ({@code kms}, {@code sqs}, {@code events})
     * @param jsonVersion {@code 1.0} or {@code 1.1}, as the service's protocol has it
     */
    public AwsJsonClient(AwsCredentialsProvider credentials, String region, URI endpoint, String signingName, String jsonVersion) {
        this.http = software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient.builder()
                .connectionTimeout(Duration.ofSeconds(2))
                .socketTimeout(Duration.ofSeconds(5))
                .build();
        this.credentials = credentials;
        this.region = region;
        this.endpoint = endpoint;
        this.signingName = signingName;
        this.contentType = "application/x-amz-json-" + jsonVersion;
    }

    /**
     * The regional endpoint of {@code service} under its partition's own domain ({@code amazonaws.com},
     * {@code amazonaws.com.cn}, ..., from the SDK's metadata), unless {@code override} names another.
     */
    public static URI endpoint(URI override, String service, String region) {
        if (override != null) {
            return override;
        }
        return URI.create("https://" + service + "." + region + "." + AwsRegions.endpointDomainOf(region));
    }

    /**
     * The largest answer read: above the largest any of these calls returns (a BatchGetItem's 16 MB), so that an
     * endpoint that sends without end fails the call as an I/O error instead of filling the function's memory.
     */
    static final int MAX_ANSWER_BYTES = 32 * 1024 * 1024;

    /** A raw answer, for a caller that reads headers or checks the body's bytes ({@link LeanDynamoDbClient}). */
    public record Exchange(SdkHttpResponse response, byte[] body) {
    }

    /** Sends {@code body} as {@code target} (e.g. {@code TrentService.Decrypt}); I/O failures are UncheckedIOException. */
    public Answer call(String target, byte[] body) {
        Exchange exchange;
        try {
            exchange = send(target, body, null);
        } catch (IOException e) {
            throw new UncheckedIOException(target + " at " + endpoint + " failed", e);
        }
        byte[] bytes = exchange.body();
        JsonNode answer = bytes.length == 0 ? JsonNode.emptyObjectNode() : JsonNode.parser().parse(bytes);
        return new Answer(exchange.response().statusCode(), answer);
    }

    /**
     * Sends {@code body} as {@code target} and reads the whole answer. {@code sending}, when given, is handed the
     * request before it is sent, so that another thread can abort it (a call timeout).
     */
    public Exchange send(String target, byte[] body, Consumer<Abortable> sending) throws IOException {
        SdkHttpFullRequest request = SdkHttpFullRequest.builder()
                .method(SdkHttpMethod.POST)
                .uri(endpoint)
                .encodedPath(endpoint.getRawPath() == null || endpoint.getRawPath().isEmpty() ? "/" : endpoint.getRawPath())
                .putHeader("Content-Type", contentType)
                .putHeader("X-Amz-Target", target)
                .build();
        var signed = signer.sign(r -> r
                .identity(credentials.resolveCredentials())
                .request(request)
                .payload(ContentStreamProvider.fromByteArray(body))
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, signingName)
                .putProperty(AwsV4HttpSigner.REGION_NAME, region));
        ExecutableHttpRequest prepared = http.prepareRequest(HttpExecuteRequest.builder()
                .request(signed.request())
                .contentStreamProvider(signed.payload().orElse(null))
                .build());
        if (sending != null) {
            sending.accept(prepared);
        }
        HttpExecuteResponse response = prepared.call();
        try (InputStream in = response.responseBody().orElse(null)) {
            return new Exchange(response.httpResponse(), in == null ? new byte[0] : readAtMost(in, MAX_ANSWER_BYTES));
        }
    }

    @Override
    public void close() {
        http.close();
    }

    static byte[] readAtMost(InputStream in, int max) throws IOException {
        byte[] bytes = in.readNBytes(max);
        if (bytes.length == max && in.read() >= 0) {
            throw new IOException("an answer of more than " + max + " bytes");
        }
        return bytes;
    }
}
