package dev.partnerregistry.store;

import dev.partnerregistry.domain.AwsRegions;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.protocols.jsoncore.JsonNode;

/**
 * One AWS JSON-protocol call (KMS Decrypt, SQS SendMessageBatch, EventBridge PutEvents), sent with
 * the HTTP client and SigV4 signer the DynamoDB client already brings: each of those services'
 * SDK clients would add 1-2 MB to the Lambda jar for the one operation the registry calls. Only
 * what these calls need: a signed POST, the answer's status and JSON body. No retries here: each
 * caller knows which failures are worth another attempt.
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

    /** Sends {@code body} as {@code target} (e.g. {@code TrentService.Decrypt}); I/O failures are UncheckedIOException. */
    public Answer call(String target, byte[] body) {
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
        try {
            HttpExecuteResponse response = http.prepareRequest(HttpExecuteRequest.builder()
                    .request(signed.request())
                    .contentStreamProvider(signed.payload().orElse(null))
                    .build()).call();
            try (InputStream in = response.responseBody().orElse(null)) {
                byte[] bytes = in == null ? new byte[0] : in.readAllBytes();
                JsonNode answer = bytes.length == 0 ? JsonNode.emptyObjectNode() : JsonNode.parser().parse(bytes);
                return new Answer(response.httpResponse().statusCode(), answer);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(target + " at " + endpoint + " failed", e);
        }
    }

    @Override
    public void close() {
        http.close();
    }
}
