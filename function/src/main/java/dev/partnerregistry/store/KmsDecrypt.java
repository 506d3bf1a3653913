package dev.partnerregistry.store;

import dev.partnerregistry.domain.RegistryException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.protocols.json.SdkJsonGenerator;
import software.amazon.awssdk.protocols.json.StructuredJsonGenerator;
import software.amazon.awssdk.protocols.jsoncore.JsonNode;
import software.amazon.awssdk.protocols.jsoncore.JsonNodeParser;

/**
 * KMS's Decrypt, the one KMS call the function makes, sent as the AWS JSON 1.1 request it is with
 * the HTTP client and SigV4 signer the DynamoDB client already brings. The SDK's KMS client would
 * add a 1.6 MB artifact (955 classes) to the Lambda jar for this one call. Two attempts; any
 * failure is an {@code InternalException} whose cause names KMS's error, never the caller's.
 */
public final class KmsDecrypt implements AutoCloseable {

    private static final int ATTEMPTS = 2;

    private final SdkHttpClient http;
    private final AwsCredentialsProvider credentials;
    private final URI endpoint;
    private final String region;
    private final String keyArn;
    private final AwsV4HttpSigner signer = AwsV4HttpSigner.create();

    /**
     * @param endpoint a local KMS (moto, LocalStack), or null for the region's
     * @param keyArn   the key the ciphertext must be under, or null to let KMS read it off the ciphertext
     */
    public KmsDecrypt(AwsCredentialsProvider credentials, String region, URI endpoint, String keyArn) {
        this.http = UrlConnectionHttpClient.builder()
                .connectionTimeout(Duration.ofSeconds(2))
                .socketTimeout(Duration.ofSeconds(3))
                .build();
        this.credentials = credentials;
        this.region = region;
        this.endpoint = endpoint != null ? endpoint : URI.create("https://kms." + region + ".amazonaws.com");
        this.keyArn = keyArn;
    }

    /** The plaintext of {@code ciphertext}, which must have been encrypted under {@code context}. */
    public byte[] decrypt(byte[] ciphertext, Map<String, String> context) {
        StructuredJsonGenerator json = new SdkJsonGenerator(JsonNodeParser.DEFAULT_JSON_FACTORY, "application/x-amz-json-1.1");
        json.writeStartObject();
        json.writeFieldName("CiphertextBlob").writeValue(Base64.getEncoder().encodeToString(ciphertext));
        json.writeFieldName("EncryptionContext").writeStartObject();
        context.forEach((name, value) -> json.writeFieldName(name).writeValue(value));
        json.writeEndObject();
        if (keyArn != null) {
            json.writeFieldName("KeyId").writeValue(keyArn);
        }
        json.writeEndObject();
        byte[] body = json.getBytes();

        RuntimeException last = null;
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            try {
                return call(body);
            } catch (Retryable e) {
                last = e;
            } catch (UncheckedIOException e) {
                last = e;
            }
        }
        throw new RegistryException.Internal(last);
    }

    private byte[] call(byte[] body) {
        SdkHttpFullRequest request = SdkHttpFullRequest.builder()
                .method(SdkHttpMethod.POST)
                .uri(endpoint)
                .encodedPath("/")
                .putHeader("Content-Type", "application/x-amz-json-1.1")
                .putHeader("X-Amz-Target", "TrentService.Decrypt")
                .build();
        var signed = signer.sign(r -> r
                .identity(credentials.resolveCredentials())
                .request(request)
                .payload(ContentStreamProvider.fromByteArray(body))
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "kms")
                .putProperty(AwsV4HttpSigner.REGION_NAME, region));
        try {
            HttpExecuteResponse response = http.prepareRequest(HttpExecuteRequest.builder()
                    .request(signed.request())
                    .contentStreamProvider(signed.payload().orElse(null))
                    .build()).call();
            int status = response.httpResponse().statusCode();
            JsonNode answer;
            try (InputStream in = response.responseBody().orElse(null)) {
                answer = in == null ? JsonNode.emptyObjectNode() : JsonNode.parser().parse(in);
            }
            if (status == 200) {
                JsonNode plaintext = answer.isObject() ? answer.asObject().get("Plaintext") : null;
                if (plaintext == null || !plaintext.isString()) {
                    throw new IllegalStateException("KMS Decrypt answered 200 without Plaintext");
                }
                return Base64.getDecoder().decode(plaintext.asString());
            }
            String type = errorType(answer);
            String failure = "KMS Decrypt answered " + status + " " + type;
            if (status >= 500 || type.contains("Throttling") || type.contains("LimitExceeded")) {
                throw new Retryable(failure);
            }
            throw new RegistryException.Internal(new IllegalStateException(failure));
        } catch (IOException e) {
            throw new UncheckedIOException("KMS Decrypt at " + endpoint + " failed", e);
        }
    }

    private static String errorType(JsonNode answer) {
        JsonNode type = answer.isObject() ? answer.asObject().get("__type") : null;
        if (type == null || !type.isString()) {
            return "(no error type)";
        }
        String value = type.asString();
        return value.substring(value.lastIndexOf('#') + 1);
    }

    @Override
    public void close() {
        http.close();
    }

    /** A failure another attempt may not repeat (a 5xx, throttling). */
    private static final class Retryable extends RuntimeException {
        Retryable(String message) {
            super(message);
        }
    }
}
