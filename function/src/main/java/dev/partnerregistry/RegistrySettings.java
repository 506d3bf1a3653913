package dev.partnerregistry;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

/**
 * What a registry instance needs to know, read once from the environment.
 *
 * @param tableName           {@code TABLE_NAME}: the DynamoDB table
 * @param region              {@code AWS_REGION}: the region this registry answers for (default us-east-1)
 * @param defaultPartnerLimit {@code PARTNER_SOURCE_LIMIT}: sources a partner may hold without an override (default 100)
 * @param dynamoDbEndpoint    {@code DYNAMODB_ENDPOINT}: a local engine instead of the regional endpoint, or null
 * @param metricsNamespace    {@code METRICS_NAMESPACE}: the CloudWatch namespace of the request metrics (default PartnerRegistry)
 * @param accessKeys          how callers are authenticated ({@link AccessKeySettings})
 * @param sourceExpiration    {@code SOURCE_EXPIRATION_DAYS}: how long a source may stay PENDING before it expires (default 7
 *                            days, EventBridge's partner onboarding guide; up to 365; a fraction of a day, down to one
 *                            minute, for local trials: 0.001 is 86.4 seconds)
 * @param delivery            where accepted partner events go ({@link EventDeliverySettings})
 */
public record RegistrySettings(String tableName, String region, int defaultPartnerLimit, URI dynamoDbEndpoint, String metricsNamespace,
                               AccessKeySettings accessKeys, Duration sourceExpiration, EventDeliverySettings delivery) {

    public static final Duration DEFAULT_SOURCE_EXPIRATION = Duration.ofDays(7);
    static final Duration MAX_SOURCE_EXPIRATION = Duration.ofDays(365);
    static final Duration MIN_SOURCE_EXPIRATION = Duration.ofMinutes(1);

    public static final String DEFAULT_REGION = "us-east-1";
    public static final int DEFAULT_PARTNER_LIMIT = 100;
    public static final String DEFAULT_METRICS_NAMESPACE = "PartnerRegistry";

    public RegistrySettings {
        if (delivery == null) {
            delivery = EventDeliverySettings.none();
        }
        if (sourceExpiration == null) {
            sourceExpiration = DEFAULT_SOURCE_EXPIRATION;
        }
        if (sourceExpiration.compareTo(MIN_SOURCE_EXPIRATION) < 0 || sourceExpiration.compareTo(MAX_SOURCE_EXPIRATION) > 0) {
            throw new IllegalArgumentException("SOURCE_EXPIRATION_DAYS must be one minute to 365 days, was " + sourceExpiration);
        }
        if (accessKeys == null) {
            accessKeys = AccessKeySettings.defaults();
        }
        if (metricsNamespace == null || metricsNamespace.isBlank()) {
            metricsNamespace = DEFAULT_METRICS_NAMESPACE;
        }
        if (tableName == null || tableName.isBlank()) {
            throw new IllegalArgumentException("TABLE_NAME is not set");
        }
        if (defaultPartnerLimit < 0) {
            throw new IllegalArgumentException("PARTNER_SOURCE_LIMIT must not be negative, was " + defaultPartnerLimit);
        }
    }

    public RegistrySettings(String tableName, String region, int defaultPartnerLimit, URI dynamoDbEndpoint, String metricsNamespace,
                            AccessKeySettings accessKeys, Duration sourceExpiration) {
        this(tableName, region, defaultPartnerLimit, dynamoDbEndpoint, metricsNamespace, accessKeys, sourceExpiration, null);
    }

    public RegistrySettings(String tableName, String region, int defaultPartnerLimit, URI dynamoDbEndpoint, String metricsNamespace,
                            AccessKeySettings accessKeys) {
        this(tableName, region, defaultPartnerLimit, dynamoDbEndpoint, metricsNamespace, accessKeys, null);
    }

    public RegistrySettings(String tableName, String region, int defaultPartnerLimit, URI dynamoDbEndpoint, String metricsNamespace) {
        this(tableName, region, defaultPartnerLimit, dynamoDbEndpoint, metricsNamespace, null);
    }

    public RegistrySettings(String tableName, String region, int defaultPartnerLimit, URI dynamoDbEndpoint) {
        this(tableName, region, defaultPartnerLimit, dynamoDbEndpoint, DEFAULT_METRICS_NAMESPACE);
    }

    public RegistrySettings withAccessKeys(AccessKeySettings settings) {
        return new RegistrySettings(tableName, region, defaultPartnerLimit, dynamoDbEndpoint, metricsNamespace, settings, sourceExpiration,
                delivery);
    }

    public RegistrySettings withSourceExpiration(Duration expiration) {
        return new RegistrySettings(tableName, region, defaultPartnerLimit, dynamoDbEndpoint, metricsNamespace, accessKeys, expiration,
                delivery);
    }

    public RegistrySettings withDelivery(EventDeliverySettings settings) {
        return new RegistrySettings(tableName, region, defaultPartnerLimit, dynamoDbEndpoint, metricsNamespace, accessKeys, sourceExpiration,
                settings);
    }

    public RegistrySettings(String tableName, String region, int defaultPartnerLimit) {
        this(tableName, region, defaultPartnerLimit, null);
    }

    public static RegistrySettings fromEnvironment(Map<String, String> env) {
        String limit = env.get("PARTNER_SOURCE_LIMIT");
        String endpoint = env.get("DYNAMODB_ENDPOINT");
        URI dynamoDbEndpoint = endpoint == null || endpoint.isBlank() ? null : URI.create(endpoint);
        return new RegistrySettings(
                env.get("TABLE_NAME"),
                env.getOrDefault("AWS_REGION", DEFAULT_REGION),
                limit == null || limit.isBlank() ? DEFAULT_PARTNER_LIMIT : parseLimit(limit),
                dynamoDbEndpoint,
                env.get("METRICS_NAMESPACE"),
                AccessKeySettings.fromEnvironment(env, dynamoDbEndpoint),
                expirationDays(env.get("SOURCE_EXPIRATION_DAYS")),
                EventDeliverySettings.fromEnvironment(env));
    }

    private static Duration expirationDays(String days) {
        if (days == null || days.isBlank()) {
            return DEFAULT_SOURCE_EXPIRATION;
        }
        try {
            return Duration.ofMillis(new java.math.BigDecimal(days.trim()).multiply(java.math.BigDecimal.valueOf(86_400_000L)).longValueExact());
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException("SOURCE_EXPIRATION_DAYS must be a number of days, was '" + days + "'", e);
        }
    }

    private static int parseLimit(String limit) {
        try {
            return Integer.parseInt(limit.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("PARTNER_SOURCE_LIMIT must be a whole number, was '" + limit + "'", e);
        }
    }
}
