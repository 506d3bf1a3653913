package dev.partnerregistry;

import dev.partnerregistry.api.AwsJsonProtocol;
import dev.partnerregistry.api.RequestLog;
import dev.partnerregistry.domain.PartnerRegistry;
import dev.partnerregistry.store.DynamoDbClients;
import dev.partnerregistry.store.DynamoDbPageTokenKey;
import dev.partnerregistry.store.DynamoDbPartnerSourceStore;
import dev.partnerregistry.store.DynamoDbRequestCounter;
import java.io.PrintStream;
import java.time.Clock;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The one place the registry is put together from its parts: the Lambda handler, the local
 * runtime and the tests all assemble it here, so they run the same thing.
 */
public final class RegistryAssembly {

    private RegistryAssembly() {
    }

    /** Lambda init: settings and credentials from the environment, the one DynamoDB client, logs on stdout. */
    public static AwsJsonProtocol lambda(Map<String, String> env) {
        RegistrySettings settings = RegistrySettings.fromEnvironment(env);
        DynamoDbClient dynamoDb = DynamoDbClients.create(settings, DynamoDbClients.lambdaCredentials(env));
        return protocol(dynamoDb, settings, RequestLog.to(System.out, settings.metricsNamespace()));
    }

    /** The protocol over the registry on this client and table, logging each request to {@code log}. */
    public static AwsJsonProtocol protocol(DynamoDbClient dynamoDb, RegistrySettings settings, RequestLog log) {
        return new AwsJsonProtocol(registry(dynamoDb, settings, Clock.systemUTC()), log, DynamoDbRequestCounter::takeCount);
    }

    /** The protocol with its request log on {@code log} (a local server's console, a test's buffer). */
    public static AwsJsonProtocol protocol(DynamoDbClient dynamoDb, RegistrySettings settings, PrintStream log) {
        return protocol(dynamoDb, settings, RequestLog.to(log, settings.metricsNamespace()));
    }

    public static PartnerRegistry registry(DynamoDbClient dynamoDb, RegistrySettings settings) {
        return registry(dynamoDb, settings, Clock.systemUTC());
    }

    public static PartnerRegistry registry(DynamoDbClient dynamoDb, RegistrySettings settings, Clock clock) {
        return new PartnerRegistry(
                new DynamoDbPartnerSourceStore(dynamoDb, settings.tableName()),
                new DynamoDbPageTokenKey(dynamoDb, settings.tableName()),
                settings.region(), settings.defaultPartnerLimit(), clock);
    }
}
