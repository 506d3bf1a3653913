package dev.partnerregistry;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * How callers are authenticated; part of {@link RegistrySettings}, built by its builder.
 *
 * @param mode      {@code AUTH_MODE}: {@code registry-keys} (default: the function verifies SigV4 signatures made
 *                  with registry-issued keys) or {@code aws-iam} (API Gateway's AWS_IAM authorization has verified
 *                  the caller, named in the proxy event)
 * @param kmsKeyArn {@code ACCESS_KEYS_KMS_KEY_ARN}: the KMS key the access keys' secrets are encrypted under
 * @param kmsEndpoint {@code KMS_ENDPOINT}: a local KMS instead of the regional endpoint; else DYNAMODB_ENDPOINT (moto
 *                  and LocalStack serve both on one port); else the SDKs' standard {@code AWS_ENDPOINT_URL_KMS} or
 *                  {@code AWS_ENDPOINT_URL} (which LocalStack sets for the functions it runs); else null
 * @param cacheTtl  {@code ACCESS_KEY_CACHE_SECONDS}: how long an instance trusts what it read of a key (default 60 s,
 *                  1 to 900): the time a deactivated or deleted key may still be accepted
 */
public record AccessKeySettings(Mode mode, String kmsKeyArn, URI kmsEndpoint, Duration cacheTtl) {

    public static final Duration DEFAULT_CACHE_TTL = Duration.ofSeconds(60);
    static final Duration MAX_CACHE_TTL = Duration.ofMinutes(15);

    public enum Mode {
        REGISTRY_KEYS("registry-keys"), AWS_IAM("aws-iam");

        private final String setting;

        Mode(String setting) {
            this.setting = setting;
        }

        public String setting() {
            return setting;
        }

        static Mode of(String value) {
            for (Mode mode : values()) {
                if (mode.setting.equals(value)) {
                    return mode;
                }
            }
            throw new IllegalArgumentException("AUTH_MODE must be registry-keys or aws-iam, was '" + value + "'");
        }
    }

    public AccessKeySettings {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(cacheTtl, "cacheTtl");
        if (cacheTtl.isNegative() || cacheTtl.isZero() || cacheTtl.compareTo(MAX_CACHE_TTL) > 0) {
            throw new IllegalArgumentException("ACCESS_KEY_CACHE_SECONDS must be 1 to 900, was " + cacheTtl.toSeconds());
        }
    }

    static AccessKeySettings from(RegistrySettings.Builder variables) {
        String mode = variables.text(RegistrySettings.Variable.AUTH_MODE.name());
        String ttl = variables.text(RegistrySettings.Variable.ACCESS_KEY_CACHE_SECONDS.name());
        return new AccessKeySettings(
                mode == null ? Mode.REGISTRY_KEYS : Mode.of(mode),
                variables.text(RegistrySettings.Variable.ACCESS_KEYS_KMS_KEY_ARN.name()),
                variables.uri("KMS_ENDPOINT", "DYNAMODB_ENDPOINT", "AWS_ENDPOINT_URL_KMS", "AWS_ENDPOINT_URL"),
                ttl == null ? DEFAULT_CACHE_TTL : Duration.ofSeconds(seconds(ttl)));
    }

    private static long seconds(String value) {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("ACCESS_KEY_CACHE_SECONDS must be a whole number, was '" + value + "'", e);
        }
    }
}
