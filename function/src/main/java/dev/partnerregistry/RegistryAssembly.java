package dev.partnerregistry;

import dev.partnerregistry.api.AwsJsonProtocol;
import dev.partnerregistry.api.RequestLog;
import dev.partnerregistry.auth.CachedAccessKeys;
import dev.partnerregistry.auth.SignatureVerifier;
import dev.partnerregistry.domain.CustomerEventSources;
import dev.partnerregistry.domain.DeadLetterQueue;
import dev.partnerregistry.domain.EventDelivery;
import dev.partnerregistry.domain.EventQueue;
import dev.partnerregistry.domain.PartnerEvents;
import dev.partnerregistry.domain.PartnerRegistry;
import dev.partnerregistry.store.AwsJsonClient;
import dev.partnerregistry.store.SqsEventQueue;
import dev.partnerregistry.store.SqsDeadLetterQueue;
import dev.partnerregistry.store.EventBridgePutEvents;
import dev.partnerregistry.store.DynamoDbAccessKeys;
import dev.partnerregistry.store.DynamoDbClients;
import dev.partnerregistry.store.DynamoDbPageTokenKey;
import dev.partnerregistry.store.DynamoDbPartnerSourceStore;
import dev.partnerregistry.store.DynamoDbRequestCounter;
import java.io.PrintStream;
import java.time.Clock;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import dev.partnerregistry.store.KmsDecrypt;

/**
 * The one place the registry is put together from its parts: the Lambda handler, the local
 * runtime and the tests all assemble it here, so they run the same thing.
 */
public final class RegistryAssembly {

    private RegistryAssembly() {
    }

    /** What the Lambda handler runs: the protocol, and the verifier of signatures (null in the aws-iam mode), on these settings. */
    public record Function(RegistrySettings settings, AwsJsonProtocol protocol, SignatureVerifier verifier) {
    }

    /**
     * Lambda init: settings and credentials from the environment, the one DynamoDB client and the KMS
     * caller, logs on stdout. No key is read here: under SnapStart, nothing secret may be in the snapshot.
     */
    public static Function lambda(Map<String, String> env) {
        RegistrySettings settings = RegistrySettings.fromEnvironment(env);
        AwsCredentialsProvider credentials = DynamoDbClients.lambdaCredentials(env);
        DynamoDbClient dynamoDb = DynamoDbClients.lean(settings, credentials);
        return new Function(settings, protocol(dynamoDb, settings, RequestLog.to(System.out, settings.metricsNamespace()), Clock.systemUTC(),
                eventQueue(settings, credentials)), verifier(dynamoDb, settings, credentials, Clock.systemUTC()));
    }

    /**
     * The verifier of registry-key signatures on this table, with its keys' secrets decrypted by KMS
     * and cached for the settings' TTL; null in the aws-iam mode.
     */
    public static SignatureVerifier verifier(DynamoDbClient dynamoDb, RegistrySettings settings, AwsCredentialsProvider credentials,
                                             Clock clock) {
        AccessKeySettings keys = settings.accessKeys();
        if (keys.mode() != AccessKeySettings.Mode.REGISTRY_KEYS) {
            return null;
        }
        KmsDecrypt kms = new KmsDecrypt(credentials, settings.region(), keys.kmsEndpoint(), keys.kmsKeyArn());
        return new SignatureVerifier(new CachedAccessKeys(new DynamoDbAccessKeys(dynamoDb, settings.tableName(), kms),
                keys.cacheTtl(), clock), settings.region(), clock);
    }

    /** The protocol over the registry on this client and table, logging each request to {@code log}. */
    public static AwsJsonProtocol protocol(DynamoDbClient dynamoDb, RegistrySettings settings, RequestLog log) {
        return protocol(dynamoDb, settings, log, Clock.systemUTC());
    }

    /** As above, on {@code clock} (tests move it to expire sources), with no delivery queue. */
    public static AwsJsonProtocol protocol(DynamoDbClient dynamoDb, RegistrySettings settings, RequestLog log, Clock clock) {
        return protocol(dynamoDb, settings, log, clock, NO_QUEUE);
    }

    /** The whole protocol, accepted events going to {@code queue}. */
    public static AwsJsonProtocol protocol(DynamoDbClient dynamoDb, RegistrySettings settings, RequestLog log, Clock clock, EventQueue queue) {
        DynamoDbPartnerSourceStore store = new DynamoDbPartnerSourceStore(dynamoDb, settings.tableName(), settings.conflictBudget());
        DynamoDbPageTokenKey pageTokenKey = new DynamoDbPageTokenKey(dynamoDb, settings.tableName());
        return new AwsJsonProtocol(
                new PartnerRegistry(store, pageTokenKey, settings.region(), settings.defaultPartnerLimit(), settings.sourceExpiration(), clock),
                new CustomerEventSources(store, pageTokenKey, settings.region(), settings.sourceExpiration(), clock),
                new PartnerEvents(store, queue, settings.region(), clock),
                log, DynamoDbRequestCounter::takeCount);
    }

    /** Without a queue configured, nothing can be queued: an event for an ACTIVE source fails with InternalFailure. */
    public static final EventQueue NO_QUEUE = events -> java.util.Collections.nCopies(events.size(), false);

    /** The delivery queue of the settings (SQS, by hand over the DynamoDB client's HTTP stack), or {@link #NO_QUEUE}. */
    public static EventQueue eventQueue(RegistrySettings settings, AwsCredentialsProvider credentials) {
        EventDeliverySettings delivery = settings.delivery();
        if (delivery.queueUrl() == null) {
            return NO_QUEUE;
        }
        return new SqsEventQueue(sqs(settings, credentials), delivery.queueUrl());
    }

    /** What the forwarder runs: its delivery into customers' buses, its dead-letter queue, its metrics' namespace. */
    public record Forwarder(EventDelivery delivery, DeadLetterQueue deadLetters, String namespace) {
    }

    /**
     * The forwarder on these settings: PutEvents into each bus's region (or {@code EVENTS_ENDPOINT}), dead letters onto
     * {@code DEAD_LETTER_QUEUE_URL} (none set: every failure goes back to the delivery queue).
     */
    public static Forwarder forwarder(RegistrySettings settings, AwsCredentialsProvider credentials) {
        EventDeliverySettings delivery = settings.delivery();
        DeadLetterQueue deadLetters = delivery.deadLetterQueueUrl() == null ? DeadLetterQueue.NONE
                : new SqsDeadLetterQueue(sqs(settings, credentials), delivery.deadLetterQueueUrl());
        return new Forwarder(new EventDelivery(new EventBridgePutEvents(credentials, delivery.eventsEndpoint()), EventDelivery.realSleep()),
                deadLetters, settings.metricsNamespace());
    }

    /** SQS of the settings (SQS_ENDPOINT, else the engine's, else the region's), by hand over the DynamoDB client's HTTP stack. */
    public static AwsJsonClient sqs(RegistrySettings settings, AwsCredentialsProvider credentials) {
        return new AwsJsonClient(credentials, settings.region(), AwsJsonClient.endpoint(settings.delivery().sqsEndpoint(), "sqs", settings.region()),
                "sqs", "1.0");
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
                new DynamoDbPartnerSourceStore(dynamoDb, settings.tableName(), settings.conflictBudget()),
                new DynamoDbPageTokenKey(dynamoDb, settings.tableName()),
                settings.region(), settings.defaultPartnerLimit(), settings.sourceExpiration(), clock);
    }
}
