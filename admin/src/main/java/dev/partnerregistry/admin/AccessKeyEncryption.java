package dev.partnerregistry.admin;

import dev.partnerregistry.RegistrySettings;
import java.time.Duration;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.KmsClientBuilder;
import software.amazon.awssdk.services.kms.model.AlreadyExistsException;
import software.amazon.awssdk.services.kms.model.NotFoundException;

/** The KMS side of access keys for the tools: the client, and locally the key the secrets are encrypted under. */
public final class AccessKeyEncryption {

    /** The local engine's key, found again by this alias on an engine that outlives make run (LocalStack, a kept moto). */
    public static final String LOCAL_KEY_ALIAS = "alias/partner-registry-local-access-keys";

    private AccessKeyEncryption() {
    }

    /** A KMS client on the settings' region and KMS endpoint, with the tools' credentials. */
    public static KmsClient kms(RegistrySettings settings) {
        KmsClientBuilder builder = KmsClient.builder()
                .httpClientBuilder(UrlConnectionHttpClient.builder().connectionTimeout(Duration.ofSeconds(2)))
                .region(Region.of(settings.region()))
                .credentialsProvider(ToolCredentials.forEndpoint(settings.accessKeys().kmsEndpoint() != null
                        ? settings.accessKeys().kmsEndpoint() : settings.dynamoDbEndpoint()));
        if (settings.accessKeys().kmsEndpoint() != null) {
            builder.endpointOverride(settings.accessKeys().kmsEndpoint());
        }
        return builder.build();
    }

    /** The ARN of the local engine's access-key encryption key, created on first use. */
    public static String localKey(KmsClient kms) {
        try {
            return kms.describeKey(r -> r.keyId(LOCAL_KEY_ALIAS)).keyMetadata().arn();
        } catch (NotFoundException absent) {
            String arn = kms.createKey(r -> r.description("Partner Registry local access keys")).keyMetadata().arn();
            try {
                kms.createAlias(r -> r.aliasName(LOCAL_KEY_ALIAS).targetKeyId(arn));
                return arn;
            } catch (AlreadyExistsException raced) {
                return kms.describeKey(r -> r.keyId(LOCAL_KEY_ALIAS)).keyMetadata().arn();
            }
        }
    }
}
