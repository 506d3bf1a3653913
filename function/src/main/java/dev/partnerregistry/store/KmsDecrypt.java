package dev.partnerregistry.store;

import dev.partnerregistry.domain.RegistryException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.Base64;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.protocols.json.SdkJsonGenerator;
import software.amazon.awssdk.protocols.json.StructuredJsonGenerator;
import software.amazon.awssdk.protocols.jsoncore.JsonNode;
import software.amazon.awssdk.protocols.jsoncore.JsonNodeParser;

/**
 * KMS's Decrypt, the one KMS call the function makes ({@link AwsJsonClient}: the SDK's KMS client
 * would add a 1.6 MB artifact, 955 classes, to the Lambda jar for it). Two attempts; any failure is
 * an {@code InternalException} whose cause names KMS's error, never the caller's.
 */
public final class KmsDecrypt implements AutoCloseable {

    private static final int ATTEMPTS = 2;

    private final AwsJsonClient kms;
    private final String keyArn;

    /**
     * @param endpoint a local KMS (moto, LocalStack), or null for the region's
     * @param keyArn   the key the ciphertext must be under, or null to let KMS read it off the ciphertext
     */
    public KmsDecrypt(AwsCredentialsProvider credentials, String region, URI endpoint, String keyArn) {
        this.kms = new AwsJsonClient(credentials, region, AwsJsonClient.endpoint(endpoint, "kms", region), "kms", "1.1");
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
                AwsJsonClient.Answer answer = kms.call("TrentService.Decrypt", body);
                if (answer.ok()) {
                    JsonNode plaintext = answer.body().isObject() ? answer.body().asObject().get("Plaintext") : null;
                    if (plaintext == null || !plaintext.isString()) {
                        throw new RegistryException.Internal(new IllegalStateException("KMS Decrypt answered 200 without Plaintext"));
                    }
                    return Base64.getDecoder().decode(plaintext.asString());
                }
                last = new IllegalStateException("KMS Decrypt answered " + answer.status() + " " + answer.errorType());
                if (!answer.retryable()) {
                    break;
                }
            } catch (UncheckedIOException e) {
                last = e;
            }
        }
        throw new RegistryException.Internal(last);
    }

    @Override
    public void close() {
        kms.close();
    }
}
