package dev.partnerregistry;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What a registry instance needs to know, read once from its environment variables.
 *
 * <p>There is one way to make it: {@link #builder(Map)} (or {@link #fromEnvironment(Map)}) starts from an environment,
 * whose typed overrides set the same variables, and {@link Builder#build()} reads them all in one place. So a runtime that
 * overrides one value (make run's own engine, a test's table) still gets every other setting its environment names, and a
 * value derived from another (KMS, SQS and EventBridge endpoints from DYNAMODB_ENDPOINT) follows an override of it.
 *
 * @param tableName           {@code TABLE_NAME}: the DynamoDB table
 * @param region              {@code AWS_REGION}: the region this registry answers for (default us-east-1)
 * @param defaultPartnerLimit {@code PARTNER_SOURCE_LIMIT}: sources a partner may hold without an override (default 100)
 * @param dynamoDbEndpoint    {@code DYNAMODB_ENDPOINT}: a local engine instead of the regional endpoint; else the SDKs'
 *                            standard {@code AWS_ENDPOINT_URL_DYNAMODB} or {@code AWS_ENDPOINT_URL}; else null
 * @param metricsNamespace    {@code METRICS_NAMESPACE}: the CloudWatch namespace of the request metrics (default PartnerRegistry)
 * @param accessKeys          how callers are authenticated ({@link AccessKeySettings})
 * @param sourceExpiration    {@code SOURCE_EXPIRATION_DAYS}: how long a source may stay PENDING before it expires (default 7
 *                            days, EventBridge's partner onboarding guide; up to 365; a fraction of a day, down to one
 *                            minute, for local trials: 0.001 is 86.4 seconds)
 * @param delivery            where accepted partner events go ({@link EventDeliverySettings})
 * @param conflictBudget      {@code CONFLICT_BUDGET_MS}: how long one write may keep retrying DynamoDB transactions cancelled
 *                            by a {@code TransactionConflict} before it answers ConcurrentModificationException (default
 *                            2000 ms, 0 to 2500: the function's timing budget, see DynamoDbClients)
 * @param consoleOrigin       {@code CONSOLE_ORIGIN}: the web console's origin, whose browser may read the answers (CORS), or
 *                            null: none
 */
public record RegistrySettings(String tableName, String region, int defaultPartnerLimit, URI dynamoDbEndpoint, String metricsNamespace,
                               AccessKeySettings accessKeys, Duration sourceExpiration, EventDeliverySettings delivery,
                               Duration conflictBudget, String consoleOrigin) {

    public static final Duration DEFAULT_SOURCE_EXPIRATION = Duration.ofDays(7);
    static final Duration MAX_SOURCE_EXPIRATION = Duration.ofDays(365);
    static final Duration MIN_SOURCE_EXPIRATION = Duration.ofMinutes(1);
    private static final BigDecimal MILLIS_PER_DAY = BigDecimal.valueOf(86_400_000L);

    public static final String DEFAULT_REGION = "us-east-1";
    public static final int DEFAULT_PARTNER_LIMIT = 100;
    public static final String DEFAULT_METRICS_NAMESPACE = "PartnerRegistry";
    public static final Duration DEFAULT_CONFLICT_BUDGET = Duration.ofMillis(2000);
    static final Duration MAX_CONFLICT_BUDGET = Duration.ofMillis(2500);

    /** The variables {@link Builder#build()} reads, each documented in the README's settings tables. */
    public enum Variable {
        TABLE_NAME, AWS_REGION, PARTNER_SOURCE_LIMIT, DYNAMODB_ENDPOINT, METRICS_NAMESPACE,
        AUTH_MODE, ACCESS_KEYS_KMS_KEY_ARN, KMS_ENDPOINT, ACCESS_KEY_CACHE_SECONDS,
        SOURCE_EXPIRATION_DAYS, EVENT_QUEUE_URL, DEAD_LETTER_QUEUE_URL, SQS_ENDPOINT, EVENTS_ENDPOINT, CONFLICT_BUDGET_MS, CONSOLE_ORIGIN
    }

    public RegistrySettings {
        Objects.requireNonNull(accessKeys, "accessKeys");
        Objects.requireNonNull(delivery, "delivery");
        Objects.requireNonNull(sourceExpiration, "sourceExpiration");
        Objects.requireNonNull(conflictBudget, "conflictBudget");
        if (conflictBudget.isNegative() || conflictBudget.compareTo(MAX_CONFLICT_BUDGET) > 0) {
            throw new IllegalArgumentException("CONFLICT_BUDGET_MS must be 0 to " + MAX_CONFLICT_BUDGET.toMillis() + ", was "
                    + conflictBudget.toMillis());
        }
        if (sourceExpiration.compareTo(MIN_SOURCE_EXPIRATION) < 0 || sourceExpiration.compareTo(MAX_SOURCE_EXPIRATION) > 0) {
            throw new IllegalArgumentException("SOURCE_EXPIRATION_DAYS must be one minute to 365 days, was " + sourceExpiration);
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

    public static RegistrySettings fromEnvironment(Map<String, String> env) {
        return builder(env).build();
    }

    /** Starts from {@code env} (the process's, a stack's, a test's); each override sets the variable it names. */
    public static Builder builder(Map<String, String> env) {
        return new Builder(env);
    }

    /** Starts from no environment at all: every setting at its default until set. */
    public static Builder builder() {
        return new Builder(Map.of());
    }

    /** Environment variables with typed overrides; {@link #build()} is the only reader of them. */
    public static final class Builder {
        private final Map<String, String> variables;

        private Builder(Map<String, String> env) {
            this.variables = new HashMap<>(env);
        }

        /** Sets a variable as the environment would (null or blank: unset); for values the typed setters do not cover. */
        public Builder variable(String name, String value) {
            if (value == null || value.isBlank()) {
                variables.remove(name);
            } else {
                variables.put(name, value);
            }
            return this;
        }

        public Builder variable(Variable variable, Object value) {
            return variable(variable.name(), value == null ? null : value.toString());
        }

        /** Sets the variable only where the environment leaves it unset: a runtime's default, not an override. */
        public Builder defaultValue(Variable variable, Object value) {
            String current = variables.get(variable.name());
            return current == null || current.isBlank() ? variable(variable, value) : this;
        }

        public Builder tableName(String tableName) {
            return variable(Variable.TABLE_NAME, tableName);
        }

        public Builder region(String region) {
            return variable(Variable.AWS_REGION, region);
        }

        public Builder defaultPartnerLimit(int limit) {
            return variable(Variable.PARTNER_SOURCE_LIMIT, limit);
        }

        public Builder dynamoDbEndpoint(URI endpoint) {
            return variable(Variable.DYNAMODB_ENDPOINT, endpoint);
        }

        public Builder metricsNamespace(String namespace) {
            return variable(Variable.METRICS_NAMESPACE, namespace);
        }

        public Builder authMode(AccessKeySettings.Mode mode) {
            return variable(Variable.AUTH_MODE, mode == null ? null : mode.setting());
        }

        public Builder kmsKeyArn(String keyArn) {
            return variable(Variable.ACCESS_KEYS_KMS_KEY_ARN, keyArn);
        }

        public Builder kmsEndpoint(URI endpoint) {
            return variable(Variable.KMS_ENDPOINT, endpoint);
        }

        public Builder accessKeyCacheTtl(Duration ttl) {
            return variable(Variable.ACCESS_KEY_CACHE_SECONDS, ttl == null ? null : ttl.toSeconds());
        }

        public Builder sourceExpiration(Duration expiration) {
            return variable(Variable.SOURCE_EXPIRATION_DAYS, expiration == null ? null
                    : BigDecimal.valueOf(expiration.toMillis()).divide(MILLIS_PER_DAY, MathContext.DECIMAL128).toPlainString());
        }

        public Builder eventQueueUrl(String queueUrl) {
            return variable(Variable.EVENT_QUEUE_URL, queueUrl);
        }

        public Builder deadLetterQueueUrl(String queueUrl) {
            return variable(Variable.DEAD_LETTER_QUEUE_URL, queueUrl);
        }

        public Builder sqsEndpoint(URI endpoint) {
            return variable(Variable.SQS_ENDPOINT, endpoint);
        }

        public Builder eventsEndpoint(URI endpoint) {
            return variable(Variable.EVENTS_ENDPOINT, endpoint);
        }

        public Builder conflictBudget(Duration budget) {
            return variable(Variable.CONFLICT_BUDGET_MS, budget == null ? null : budget.toMillis());
        }

        public Builder consoleOrigin(String origin) {
            return variable(Variable.CONSOLE_ORIGIN, origin);
        }

        /** The current value of a variable, as {@link #build()} will read it (null: unset). */
        public String get(Variable variable) {
            return text(variable.name());
        }

        public RegistrySettings build() {
            String limit = text(Variable.PARTNER_SOURCE_LIMIT.name());
            // As the SDK's client read them before the functions' calls were sent by hand (LocalStack sets AWS_ENDPOINT_URL).
            URI dynamoDbEndpoint = uri(Variable.DYNAMODB_ENDPOINT.name(), "AWS_ENDPOINT_URL_DYNAMODB", "AWS_ENDPOINT_URL");
            String region = text(Variable.AWS_REGION.name());
            return new RegistrySettings(
                    text(Variable.TABLE_NAME.name()),
                    region == null ? DEFAULT_REGION : region,
                    limit == null ? DEFAULT_PARTNER_LIMIT : parseLimit(limit),
                    dynamoDbEndpoint,
                    text(Variable.METRICS_NAMESPACE.name()),
                    AccessKeySettings.from(this),
                    expirationDays(text(Variable.SOURCE_EXPIRATION_DAYS.name())),
                    EventDeliverySettings.from(this),
                    parseConflictBudget(text(Variable.CONFLICT_BUDGET_MS.name())),
                    text(Variable.CONSOLE_ORIGIN.name()));
        }

        /** A variable's trimmed value, or null when unset or blank. */
        String text(String name) {
            String value = variables.get(name);
            return value == null || value.isBlank() ? null : value.trim();
        }

        /** The first of {@code names} that is set, as a URI, or null. */
        URI uri(String... names) {
            for (String name : names) {
                String value = text(name);
                if (value != null) {
                    return URI.create(value);
                }
            }
            return null;
        }
    }

    private static Duration expirationDays(String days) {
        if (days == null) {
            return DEFAULT_SOURCE_EXPIRATION;
        }
        try {
            // To the millisecond: a fraction of a day rarely is a whole number of them (one minute is 0.000694... days).
            return Duration.ofMillis(new BigDecimal(days).multiply(MILLIS_PER_DAY).setScale(0, RoundingMode.HALF_UP).longValueExact());
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException("SOURCE_EXPIRATION_DAYS must be a number of days, was '" + days + "'", e);
        }
    }

    private static Duration parseConflictBudget(String millis) {
        if (millis == null) {
            return DEFAULT_CONFLICT_BUDGET;
        }
        try {
            return Duration.ofMillis(Long.parseLong(millis));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("CONFLICT_BUDGET_MS must be a whole number of milliseconds, was '" + millis + "'", e);
        }
    }

    private static int parseLimit(String limit) {
        try {
            return Integer.parseInt(limit);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("PARTNER_SOURCE_LIMIT must be a whole number, was '" + limit + "'", e);
        }
    }
}
