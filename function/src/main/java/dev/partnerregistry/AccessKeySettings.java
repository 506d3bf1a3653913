package dev.partnerregistry;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

/**
 * How callers are authenticated, read once from the environment.
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
                if (mode.setting.equals(value.trim())) {
                    return mode;
                }
            }
            throw new IllegalArgumentException("AUTH_MODE must be registry-keys or aws-iam, was '" + value + "'");
        }
    }

    public AccessKeySettings {
        if (mode == null) {
            mode = Mode.REGISTRY_KEYS;
        }
        if (cacheTtl == null) {
            cacheTtl = DEFAULT_CACHE_TTL;
        }
        if (cacheTtl.isNegative() || cacheTtl.isZero() || cacheTtl.compareTo(MAX_CACHE_TTL) > 0) {
            throw new IllegalArgumentException("ACCESS_KEY_CACHE_SECONDS must be 1 to 900, was " + cacheTtl.toSeconds());
        }
    }

    /** Registry keys, no KMS key named (a local engine's KMS then decrypts with the key the ciphertext names). */
    public static AccessKeySettings defaults() {
        return new AccessKeySettings(Mode.REGISTRY_KEYS, null, null, DEFAULT_CACHE_TTL);
    }

    public AccessKeySettings withKms(String keyArn, URI endpoint) {
        return new AccessKeySettings(mode, keyArn, endpoint, cacheTtl);
    }

    public AccessKeySettings withCacheTtl(Duration ttl) {
        return new AccessKeySettings(mode, kmsKeyArn, kmsEndpoint, ttl);
    }

    static AccessKeySettings fromEnvironment(Map<String, String> env, URI dynamoDbEndpoint) {
        String mode = env.get("AUTH_MODE");
        String endpoint = firstSet(env, "KMS_ENDPOINT", "DYNAMODB_ENDPOINT", "AWS_ENDPOINT_URL_KMS", "AWS_ENDPOINT_URL");
        String ttl = env.get("ACCESS_KEY_CACHE_SECONDS");
        String keyArn = env.get("ACCESS_KEYS_KMS_KEY_ARN");
        return new AccessKeySettings(
                mode == null || mode.isBlank() ? Mode.REGISTRY_KEYS : Mode.of(mode),
                keyArn == null || keyArn.isBlank() ? null : keyArn.trim(),
                endpoint == null ? dynamoDbEndpoint : URI.create(endpoint.trim()),
                ttl == null || ttl.isBlank() ? DEFAULT_CACHE_TTL : Duration.ofSeconds(seconds(ttl)));
    }

    private static String firstSet(Map<String, String> env, String... names) {
        for (String name : names) {
            String value = env.get(name);
            if (value != null && !value.isBlank()) {
                return value;
            }
        }
        return null;
    }

    private static long seconds(String value) {
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("ACCESS_KEY_CACHE_SECONDS must be a whole number, was '" + value + "'", e);
        }
    }
}
