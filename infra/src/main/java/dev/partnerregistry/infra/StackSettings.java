package dev.partnerregistry.infra;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import software.amazon.awscdk.services.apigateway.EndpointType;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.constructs.Node;

/**
 * Everything a deployment may choose, read from CDK context ({@code -c key=value} or
 * {@code cdk.json}'s {@code context}) or set directly by tests, with the defaults below.
 *
 * <ul>
 *   <li>{@code stageName} ({@value #DEFAULT_STAGE_NAME}): the API stage, the last path segment of the endpoint.</li>
 *   <li>{@code partnerSourceLimit} ({@value #DEFAULT_PARTNER_SOURCE_LIMIT}): the function's
 *       {@code PARTNER_SOURCE_LIMIT}, sources a partner may own without a per-partner override.</li>
 *   <li>{@code memorySize} ({@value #DEFAULT_MEMORY_SIZE} MB): Lambda gives CPU in proportion to memory.
 *       A SnapStart restore, the SDK's first request and C1-compiled code all run on that CPU; 1024 MB
 *       (a bit over half a vCPU) keeps p99 latency of a two-item DynamoDB transaction low without paying
 *       for the full vCPU at 1769 MB that a request this small cannot use.</li>
 *   <li>{@code endpointType} ({@code REGIONAL} or {@code PRIVATE}) and {@code vpcEndpointId}
 *       (required for {@code PRIVATE}: the execute-api interface endpoint the API admits).</li>
 *   <li>{@code throttlingRateLimit} ({@value #DEFAULT_THROTTLING_RATE_LIMIT}/s) and
 *       {@code throttlingBurstLimit} ({@value #DEFAULT_THROTTLING_BURST_LIMIT}): stage-wide throttling.</li>
 *   <li>{@code logRetention} ({@code ONE_MONTH}): a {@link RetentionDays} name for both log groups.</li>
 *   <li>{@code alarmTopicArn} (none): an existing SNS topic the alarms notify.</li>
 *   <li>{@code apiGatewayCloudWatchRole} ({@code false}): let the stack set the region's API Gateway
 *       CloudWatch Logs role, which access and execution logging need. It is one setting per account
 *       and region, shared by every API there, so the stack leaves it alone unless told: set
 *       {@code true} only where no role is set yet (docs/deploy.md, "Before the first deploy").</li>
 *   <li>{@code authMode} ({@code registry-keys} or {@code aws-iam}, default {@code registry-keys}): how callers
 *       are authenticated ({@link AuthMode}). {@code registry-keys}: partners sign for {@code events} with keys the
 *       registry issues and the function verifies the signature; the stack adds the KMS key their secrets are
 *       encrypted under. {@code aws-iam}: API Gateway's AWS_IAM authorization, partners sign for
 *       {@code execute-api} with their own IAM credentials.</li>
 *   <li>{@code accessKeyCacheSeconds} ({@value #DEFAULT_ACCESS_KEY_CACHE_SECONDS}, {@value #MIN_ACCESS_KEY_CACHE_SECONDS}
 *       to {@value #MAX_ACCESS_KEY_CACHE_SECONDS}): the function's {@code ACCESS_KEY_CACHE_SECONDS}, how long an
 *       instance trusts what it read of an access key, and so how long a deactivated key may still be accepted.
 *       Only used with {@code registry-keys}.</li>
 *   <li>{@code partnerAccounts} (none): comma-separated AWS account ids whose principals may call the
 *       API: with AWS_IAM authorization a caller from another account needs both its own IAM
 *       policy and the API's resource policy to allow the call. Only with {@code authMode=aws-iam}:
 *       registry-keys callers are not IAM principals, so a resource policy naming accounts would
 *       admit nobody (and refusing it beats a setting that looks like access control and is not).</li>
 *   <li>{@code domainName} and {@code certificateArn} (none): a custom domain for the REGIONAL API
 *       (TLS 1.2, the stage at its root), so partners keep one endpoint across redeploys; the stack
 *       outputs the name to point a DNS record at.</li>
 *   <li>{@code sourceExpirationDays} ({@value #DEFAULT_SOURCE_EXPIRATION_DAYS}, {@value #MIN_SOURCE_EXPIRATION_DAYS}
 *       to {@value #MAX_SOURCE_EXPIRATION_DAYS}): the function's {@code SOURCE_EXPIRATION_DAYS}, how long a source may
 *       stay PENDING (no matching partner event bus) before it expires: readers stop showing it then, and the
 *       expiry sweep removes it and frees its slot in the partner's limit.</li>
 *   <li>{@code sweepIntervalMinutes} ({@value #DEFAULT_SWEEP_INTERVAL_MINUTES}, {@value #MIN_SWEEP_INTERVAL_MINUTES}
 *       to {@value #MAX_SWEEP_INTERVAL_MINUTES}): how often the expiry sweep runs, so how long past its expiry a
 *       source may still hold its partner's slot; its alarms count runs in periods of this length.</li>
 *   <li>{@code accountIndexOnly} ({@code false}): only for upgrading a deployment whose table was made without
 *       indexes. CloudFormation adds one global secondary index per stack update, so such a table gains its two in
 *       two deploys: the first with {@code true} (the account index alone, and no expiry sweep, which needs the
 *       expiry index), the second without it.</li>
 *   <li>{@code deliveryMaxConcurrency} ({@value #DEFAULT_DELIVERY_MAX_CONCURRENCY}, {@value #MIN_DELIVERY_MAX_CONCURRENCY}
 *       to {@value #MAX_DELIVERY_MAX_CONCURRENCY}, Lambda's bounds): how many forwarders the delivery queue's event source
 *       mapping runs at once, so how fast the registry calls PutEvents into customers' buses; a backlog waits in the
 *       queue rather than being throttled ({@link EventDelivery}).</li>
 *   <li>{@code console} ({@code true} with {@code registry-keys}, {@code false} with {@code aws-iam}, which it cannot
 *       work with, and with {@code samLocal}): deploy the web console ({@link RegistryConsole}: a private bucket behind a CloudFront distribution)
 *       and admit its origin, alone, by CORS; {@code false} leaves both out.</li>
 *   <li>{@code samLocal} ({@code false}): declare {@code DYNAMODB_ENDPOINT} as an empty variable so that
 *       {@code sam local --env-vars} can override it (SAM only overrides variables a template declares).
 *       Only for templates fed to SAM; deployed templates leave it unset.</li>
 * </ul>
 */
public record StackSettings(
        String stageName,
        int partnerSourceLimit,
        int memorySize,
        EndpointType endpointType,
        String vpcEndpointId,
        int throttlingRateLimit,
        int throttlingBurstLimit,
        RetentionDays logRetention,
        String alarmTopicArn,
        boolean apiGatewayCloudWatchRole,
        boolean samLocal,
        List<String> partnerAccounts,
        String domainName,
        String certificateArn,
        AuthMode authMode,
        int accessKeyCacheSeconds,
        int sourceExpirationDays,
        int sweepIntervalMinutes,
        boolean accountIndexOnly,
        int deliveryMaxConcurrency,
        Boolean console) {

    public static final String DEFAULT_STAGE_NAME = "v1";
    public static final int DEFAULT_PARTNER_SOURCE_LIMIT = 100;
    public static final int DEFAULT_MEMORY_SIZE = 1024;
    public static final int DEFAULT_THROTTLING_RATE_LIMIT = 100;
    public static final int DEFAULT_THROTTLING_BURST_LIMIT = 200;
    public static final AuthMode DEFAULT_AUTH_MODE = AuthMode.REGISTRY_KEYS;
    public static final int DEFAULT_ACCESS_KEY_CACHE_SECONDS = 60;
    public static final int MIN_ACCESS_KEY_CACHE_SECONDS = 1;
    /** Fifteen minutes: the longest a deactivated key may go on working. */
    public static final int MAX_ACCESS_KEY_CACHE_SECONDS = 900;
    /** EventBridge's partner onboarding guide: a customer has seven days to associate a new source. */
    public static final int DEFAULT_SOURCE_EXPIRATION_DAYS = 7;
    public static final int MIN_SOURCE_EXPIRATION_DAYS = 1;
    public static final int MAX_SOURCE_EXPIRATION_DAYS = 365;
    public static final int DEFAULT_SWEEP_INTERVAL_MINUTES = 5;
    public static final int MIN_SWEEP_INTERVAL_MINUTES = 1;
    /** An hour: an expired source holds its partner's slot for at most one interval (plus a run). */
    public static final int MAX_SWEEP_INTERVAL_MINUTES = 60;
    /**
     * Ten forwarders, each a batch of ten events (one PutEvents per customer bus in it) at a time: about a thousand events
     * a second with warm functions, half the most the stage's default throttling lets partners send (100 requests of 20
     * entries a second), while keeping the registry's PutEvents calls far below EventBridge's per-account rate quota.
     */
    public static final int DEFAULT_DELIVERY_MAX_CONCURRENCY = 10;
    /** Lambda's bounds for an SQS event source mapping's maximum concurrency. */
    public static final int MIN_DELIVERY_MAX_CONCURRENCY = 2;
    public static final int MAX_DELIVERY_MAX_CONCURRENCY = 1000;

    public StackSettings {
        Objects.requireNonNull(stageName, "stageName");
        Objects.requireNonNull(endpointType, "endpointType");
        Objects.requireNonNull(logRetention, "logRetention");
        Objects.requireNonNull(authMode, "authMode");
        if (!stageName.matches("[A-Za-z0-9_]{1,128}")) {
            throw new IllegalArgumentException("stageName must match [A-Za-z0-9_]{1,128}, was '" + stageName + "'");
        }
        if (partnerSourceLimit < 0) {
            throw new IllegalArgumentException("partnerSourceLimit must not be negative, was " + partnerSourceLimit);
        }
        if (memorySize < 128 || memorySize > 10240) {
            throw new IllegalArgumentException("memorySize must be 128..10240 MB, was " + memorySize);
        }
        if (endpointType != EndpointType.REGIONAL && endpointType != EndpointType.PRIVATE) {
            throw new IllegalArgumentException("endpointType must be REGIONAL or PRIVATE, was " + endpointType);
        }
        if (endpointType == EndpointType.PRIVATE && (vpcEndpointId == null || !vpcEndpointId.matches("vpce-[0-9a-f]+"))) {
            throw new IllegalArgumentException("endpointType PRIVATE needs vpcEndpointId (vpce-...), was " + vpcEndpointId);
        }
        if (endpointType == EndpointType.REGIONAL && vpcEndpointId != null) {
            throw new IllegalArgumentException("vpcEndpointId is only used with endpointType PRIVATE");
        }
        if (throttlingRateLimit <= 0 || throttlingBurstLimit <= 0) {
            throw new IllegalArgumentException("throttling limits must be positive");
        }
        partnerAccounts = partnerAccounts == null ? List.of() : List.copyOf(partnerAccounts);
        for (String account : partnerAccounts) {
            if (!account.matches("\\d{12}")) {
                throw new IllegalArgumentException("partnerAccounts must be 12-digit AWS account ids, was '" + account + "'");
            }
        }
        if (!partnerAccounts.isEmpty() && authMode != AuthMode.AWS_IAM) {
            throw new IllegalArgumentException("partnerAccounts applies only to authMode=aws-iam (a resource policy that admits "
                    + "accounts' IAM principals); with authMode=" + authMode.setting() + " callers sign with registry-issued "
                    + "keys, not as IAM principals: leave partnerAccounts out and issue each partner its keys");
        }
        if (accessKeyCacheSeconds < MIN_ACCESS_KEY_CACHE_SECONDS || accessKeyCacheSeconds > MAX_ACCESS_KEY_CACHE_SECONDS) {
            throw new IllegalArgumentException("accessKeyCacheSeconds must be " + MIN_ACCESS_KEY_CACHE_SECONDS + ".."
                    + MAX_ACCESS_KEY_CACHE_SECONDS + ", was " + accessKeyCacheSeconds);
        }
        if (sourceExpirationDays < MIN_SOURCE_EXPIRATION_DAYS || sourceExpirationDays > MAX_SOURCE_EXPIRATION_DAYS) {
            throw new IllegalArgumentException("sourceExpirationDays must be " + MIN_SOURCE_EXPIRATION_DAYS + ".."
                    + MAX_SOURCE_EXPIRATION_DAYS + ", was " + sourceExpirationDays);
        }
        if (sweepIntervalMinutes < MIN_SWEEP_INTERVAL_MINUTES || sweepIntervalMinutes > MAX_SWEEP_INTERVAL_MINUTES) {
            throw new IllegalArgumentException("sweepIntervalMinutes must be " + MIN_SWEEP_INTERVAL_MINUTES + ".."
                    + MAX_SWEEP_INTERVAL_MINUTES + ", was " + sweepIntervalMinutes);
        }
        if (deliveryMaxConcurrency < MIN_DELIVERY_MAX_CONCURRENCY || deliveryMaxConcurrency > MAX_DELIVERY_MAX_CONCURRENCY) {
            throw new IllegalArgumentException("deliveryMaxConcurrency must be " + MIN_DELIVERY_MAX_CONCURRENCY + ".."
                    + MAX_DELIVERY_MAX_CONCURRENCY + ", was " + deliveryMaxConcurrency);
        }
        if (Boolean.TRUE.equals(console) && authMode != AuthMode.REGISTRY_KEYS) {
            throw new IllegalArgumentException("console applies only to authMode=registry-keys: the console signs for events with "
                    + "registry-issued keys, which an AWS_IAM-authorized API does not accept");
        }
        if ((domainName == null) != (certificateArn == null)) {
            throw new IllegalArgumentException("domainName and certificateArn go together: a custom domain needs its ACM certificate");
        }
        if (domainName != null && endpointType == EndpointType.PRIVATE) {
            throw new IllegalArgumentException("a custom domain is for the REGIONAL endpoint; a PRIVATE API is reached through its VPC endpoint");
        }
        if (certificateArn != null && !certificateArn.startsWith("arn:")) {
            throw new IllegalArgumentException("certificateArn must be an ACM certificate ARN, was '" + certificateArn + "'");
        }
    }

    /**
     * Whether the stack deploys the web console: by default with registry-issued keys, but not in the SAM/LocalStack
     * flavour (LocalStack's free edition has no CloudFront); never with aws-iam.
     */
    public boolean consoleEnabled() {
        return console != null ? console : authMode == AuthMode.REGISTRY_KEYS && !samLocal;
    }

    public static StackSettings defaults() {
        return builder().build();
    }

    /** Reads every setting from the construct tree's context, falling back to the defaults. */
    public static StackSettings fromContext(Node node) {
        Builder b = builder();
        String value;
        if ((value = text(node, "stageName")) != null) {
            b.stageName(value);
        }
        if ((value = text(node, "partnerSourceLimit")) != null) {
            b.partnerSourceLimit(integer("partnerSourceLimit", value));
        }
        if ((value = text(node, "memorySize")) != null) {
            b.memorySize(integer("memorySize", value));
        }
        if ((value = text(node, "endpointType")) != null) {
            b.endpointType(EndpointType.valueOf(value.trim().toUpperCase(Locale.ROOT)));
        }
        if ((value = text(node, "vpcEndpointId")) != null) {
            b.vpcEndpointId(value);
        }
        if ((value = text(node, "throttlingRateLimit")) != null) {
            b.throttlingRateLimit(integer("throttlingRateLimit", value));
        }
        if ((value = text(node, "throttlingBurstLimit")) != null) {
            b.throttlingBurstLimit(integer("throttlingBurstLimit", value));
        }
        if ((value = text(node, "logRetention")) != null) {
            b.logRetention(RetentionDays.valueOf(value.trim().toUpperCase(Locale.ROOT)));
        }
        if ((value = text(node, "alarmTopicArn")) != null) {
            b.alarmTopicArn(value);
        }
        if ((value = text(node, "apiGatewayCloudWatchRole")) != null) {
            b.apiGatewayCloudWatchRole(Boolean.parseBoolean(value.trim()));
        }
        if ((value = text(node, "samLocal")) != null) {
            b.samLocal(Boolean.parseBoolean(value.trim()));
        }
        if ((value = text(node, "partnerAccounts")) != null) {
            b.partnerAccounts(List.of(value.split("\\s*,\\s*")));
        }
        if ((value = text(node, "domainName")) != null) {
            b.domainName(value);
        }
        if ((value = text(node, "certificateArn")) != null) {
            b.certificateArn(value);
        }
        if ((value = text(node, "authMode")) != null) {
            b.authMode(AuthMode.fromSetting(value));
        }
        if ((value = text(node, "accessKeyCacheSeconds")) != null) {
            b.accessKeyCacheSeconds(integer("accessKeyCacheSeconds", value));
        }
        if ((value = text(node, "sourceExpirationDays")) != null) {
            b.sourceExpirationDays(integer("sourceExpirationDays", value));
        }
        if ((value = text(node, "sweepIntervalMinutes")) != null) {
            b.sweepIntervalMinutes(integer("sweepIntervalMinutes", value));
        }
        if ((value = text(node, "accountIndexOnly")) != null) {
            b.accountIndexOnly(Boolean.parseBoolean(value.trim()));
        }
        if ((value = text(node, "deliveryMaxConcurrency")) != null) {
            b.deliveryMaxConcurrency(integer("deliveryMaxConcurrency", value));
        }
        if ((value = text(node, "console")) != null) {
            b.console(Boolean.parseBoolean(value.trim()));
        }
        return b.build();
    }

    /** Context values are strings from {@code -c}, numbers or booleans from cdk.json. */
    private static String text(Node node, String key) {
        Object value = node.tryGetContext(key);
        if (value == null) {
            return null;
        }
        String text = value instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())
                ? Long.toString(n.longValue())
                : value.toString();
        return text.isBlank() ? null : text.trim();
    }

    private static int integer(String key, String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("context " + key + " must be a whole number, was '" + value + "'", e);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder().stageName(stageName).partnerSourceLimit(partnerSourceLimit).memorySize(memorySize)
                .endpointType(endpointType).vpcEndpointId(vpcEndpointId).throttlingRateLimit(throttlingRateLimit)
                .throttlingBurstLimit(throttlingBurstLimit).logRetention(logRetention).alarmTopicArn(alarmTopicArn)
                .apiGatewayCloudWatchRole(apiGatewayCloudWatchRole).samLocal(samLocal)
                .partnerAccounts(partnerAccounts).domainName(domainName).certificateArn(certificateArn)
                .authMode(authMode).accessKeyCacheSeconds(accessKeyCacheSeconds)
                .sourceExpirationDays(sourceExpirationDays).sweepIntervalMinutes(sweepIntervalMinutes)
                .accountIndexOnly(accountIndexOnly).deliveryMaxConcurrency(deliveryMaxConcurrency).console(console);
    }

    public static final class Builder {
        private String stageName = DEFAULT_STAGE_NAME;
        private int partnerSourceLimit = DEFAULT_PARTNER_SOURCE_LIMIT;
        private int memorySize = DEFAULT_MEMORY_SIZE;
        private EndpointType endpointType = EndpointType.REGIONAL;
        private String vpcEndpointId;
        private int throttlingRateLimit = DEFAULT_THROTTLING_RATE_LIMIT;
        private int throttlingBurstLimit = DEFAULT_THROTTLING_BURST_LIMIT;
        private RetentionDays logRetention = RetentionDays.ONE_MONTH;
        private String alarmTopicArn;
        private boolean apiGatewayCloudWatchRole = false;
        private boolean samLocal;
        private List<String> partnerAccounts = List.of();
        private String domainName;
        private String certificateArn;
        private AuthMode authMode = DEFAULT_AUTH_MODE;
        private int accessKeyCacheSeconds = DEFAULT_ACCESS_KEY_CACHE_SECONDS;
        private int sourceExpirationDays = DEFAULT_SOURCE_EXPIRATION_DAYS;
        private int sweepIntervalMinutes = DEFAULT_SWEEP_INTERVAL_MINUTES;
        private boolean accountIndexOnly;
        private int deliveryMaxConcurrency = DEFAULT_DELIVERY_MAX_CONCURRENCY;
        private Boolean console;

        public Builder stageName(String v) { this.stageName = v; return this; }
        public Builder partnerSourceLimit(int v) { this.partnerSourceLimit = v; return this; }
        public Builder memorySize(int v) { this.memorySize = v; return this; }
        public Builder endpointType(EndpointType v) { this.endpointType = v; return this; }
        public Builder vpcEndpointId(String v) { this.vpcEndpointId = v; return this; }
        public Builder throttlingRateLimit(int v) { this.throttlingRateLimit = v; return this; }
        public Builder throttlingBurstLimit(int v) { this.throttlingBurstLimit = v; return this; }
        public Builder logRetention(RetentionDays v) { this.logRetention = v; return this; }
        public Builder alarmTopicArn(String v) { this.alarmTopicArn = v; return this; }
        public Builder apiGatewayCloudWatchRole(boolean v) { this.apiGatewayCloudWatchRole = v; return this; }
        public Builder samLocal(boolean v) { this.samLocal = v; return this; }
        public Builder partnerAccounts(List<String> v) { this.partnerAccounts = v; return this; }
        public Builder domainName(String v) { this.domainName = v; return this; }
        public Builder certificateArn(String v) { this.certificateArn = v; return this; }
        public Builder authMode(AuthMode v) { this.authMode = v; return this; }
        public Builder accessKeyCacheSeconds(int v) { this.accessKeyCacheSeconds = v; return this; }
        public Builder sourceExpirationDays(int v) { this.sourceExpirationDays = v; return this; }
        public Builder sweepIntervalMinutes(int v) { this.sweepIntervalMinutes = v; return this; }
        public Builder accountIndexOnly(boolean v) { this.accountIndexOnly = v; return this; }
        public Builder deliveryMaxConcurrency(int v) { this.deliveryMaxConcurrency = v; return this; }
        public Builder console(Boolean v) { this.console = v; return this; }

        public StackSettings build() {
            return new StackSettings(stageName, partnerSourceLimit, memorySize, endpointType, vpcEndpointId,
                    throttlingRateLimit, throttlingBurstLimit, logRetention, alarmTopicArn, apiGatewayCloudWatchRole,
                    samLocal, partnerAccounts, domainName, certificateArn, authMode, accessKeyCacheSeconds,
                    sourceExpirationDays, sweepIntervalMinutes, accountIndexOnly, deliveryMaxConcurrency, console);
        }
    }
}
