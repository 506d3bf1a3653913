package dev.partnerregistry.store;

import dev.partnerregistry.RegistrySettings;
import java.time.Duration;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.auth.credentials.ContainerCredentialsProvider;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClientBuilder;

/**
 * Builds the one DynamoDB client an instance uses: lean HTTP client (bodies sent buffered, {@link BufferedBodyHttpClient}),
 * explicit region and credentials.
 */
public final class DynamoDbClients {

    private DynamoDbClients() {
    }

    /**
     * Three attempts within four seconds per DynamoDB call (each attempt up to two sends, the JDK's
     * resend of a buffered POST: {@link LeanDynamoDbClient} over {@link AwsJsonClient} for the functions,
     * {@link BufferedBodyHttpClient} for the SDK client of the tools). A request makes at most three calls (a create whose believed
     * limit was stale, then a retry's check of its own source), and retries
     * transaction conflicts only within its conflict budget (at most 2.5 s, {@link ConflictBackoff}),
     * so it ends within 14.5 seconds: before the function's 15 s timeout, whose 502 would carry no
     * EventBridge envelope, and long before API Gateway's 29 s.
     */
    public static final Duration CALL_TIMEOUT = Duration.ofSeconds(4);

    public static DynamoDbClient create(RegistrySettings settings, AwsCredentialsProvider credentials) {
        return create(settings, credentials, CALL_TIMEOUT);
    }

    /** @param callTimeout how long one DynamoDB call may take, its retries included (tests shorten it) */
    public static DynamoDbClient create(RegistrySettings settings, AwsCredentialsProvider credentials, Duration callTimeout) {
        DynamoDbClientBuilder builder = DynamoDbClient.builder()
                .httpClient(new BufferedBodyHttpClient(UrlConnectionHttpClient.builder()
                        .connectionTimeout(Duration.ofSeconds(2))
                        .socketTimeout(Duration.ofSeconds(5))
                        .build()))
                .overrideConfiguration(o -> o
                        .addExecutionInterceptor(new DynamoDbRequestCounter())
                        .retryStrategy(AwsRetryStrategy.standardRetryStrategy().toBuilder().maxAttempts(3).build())
                        .apiCallTimeout(callTimeout))
                .region(Region.of(settings.region()))
                .credentialsProvider(credentials);
        if (settings.dynamoDbEndpoint() != null) {
            builder.endpointOverride(settings.dynamoDbEndpoint());
        }
        return builder.build();
    }

    /**
     * What the Lambda functions run: the six operations they call, sent by hand ({@link LeanDynamoDbClient}: a cold
     * start ~150 ms shorter than the SDK client's), with {@link #create}'s retries and call timeout.
     */
    public static DynamoDbClient lean(RegistrySettings settings, AwsCredentialsProvider credentials) {
        return lean(settings, credentials, CALL_TIMEOUT);
    }

    /** @param callTimeout how long one DynamoDB call may take, its retries included (tests shorten it) */
    public static DynamoDbClient lean(RegistrySettings settings, AwsCredentialsProvider credentials, Duration callTimeout) {
        return new LeanDynamoDbClient(credentials, settings.region(), settings.dynamoDbEndpoint(), callTimeout);
    }

    /**
     * Lambda's credentials: SnapStart functions get them from the container endpoint (the
     * AWS_CONTAINER_* variables) and not as environment variables, so pick by what is set rather
     * than walking the whole default chain at cold start. Variables are read once, here: a process's
     * environment never changes, and the SDK's environment provider reads them again on every call (a
     * measurable part of each DynamoDB call's CPU).
     */
    public static AwsCredentialsProvider lambdaCredentials(Map<String, String> env) {
        if (env.containsKey("AWS_CONTAINER_CREDENTIALS_FULL_URI")) {
            return ContainerCredentialsProvider.builder().build();
        }
        String keyId = env.get("AWS_ACCESS_KEY_ID");
        String secret = env.get("AWS_SECRET_ACCESS_KEY");
        if (keyId == null || keyId.isBlank() || secret == null || secret.isBlank()) {
            // Left to the SDK's provider, whose first call says which variable is missing.
            return EnvironmentVariableCredentialsProvider.create();
        }
        // As the SDK's provider reads them: trimmed, with the account id when the environment names one.
        String token = env.get("AWS_SESSION_TOKEN");
        String accountId = env.get("AWS_ACCOUNT_ID");
        accountId = accountId == null || accountId.isBlank() ? null : accountId.trim();
        return StaticCredentialsProvider.create(token == null || token.isBlank()
                ? AwsBasicCredentials.builder().accessKeyId(keyId.trim()).secretAccessKey(secret.trim()).accountId(accountId).build()
                : AwsSessionCredentials.builder().accessKeyId(keyId.trim()).secretAccessKey(secret.trim()).sessionToken(token.trim())
                        .accountId(accountId).build());
    }
}
