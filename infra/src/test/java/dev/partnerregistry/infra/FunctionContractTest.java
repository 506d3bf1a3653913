package dev.partnerregistry.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.partnerregistry.AccessKeySettings;
import dev.partnerregistry.RegistrySettings;
import dev.partnerregistry.api.AwsJsonProtocol;
import dev.partnerregistry.api.EventForwarderHandler;
import dev.partnerregistry.api.ExpirySweepHandler;
import dev.partnerregistry.api.RequestLog;
import dev.partnerregistry.domain.RegistryOperation;
import dev.partnerregistry.store.EventBridgePutEvents;
import dev.partnerregistry.store.RegistryTable;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * What the stack provisions agrees with what the function's code uses, read from the code's own
 * constants: the table's keys, the DynamoDB actions of its role, the encryption context of
 * access-key secrets, the environment it reads its settings from, and the metric names and
 * dimensions its alarms and dashboard read.
 */
class FunctionContractTest {

    private final Synthesized synth = Synthesized.regional();
    private final Template template = synth.template();

    @Test
    void theTableKeySchemaIsTheStoresKeySchema() {
        template.hasResourceProperties("AWS::DynamoDB::Table", Match.objectLike(Map.of(
                "KeySchema", List.of(
                        Map.of("AttributeName", RegistryTable.PARTITION_KEY, "KeyType", "HASH"),
                        Map.of("AttributeName", RegistryTable.SORT_KEY, "KeyType", "RANGE")),
                "AttributeDefinitions", Match.arrayWith(List.of(
                        Map.of("AttributeName", RegistryTable.PARTITION_KEY, "AttributeType", "S"),
                        Map.of("AttributeName", RegistryTable.SORT_KEY, "AttributeType", "S"))))));
    }

    @Test
    void theIndexesAreTheLayoutsIndexes() {
        assertEquals(RegistryTable.ACCOUNT_INDEX, PartnerSourceTable.ACCOUNT_INDEX);
        assertEquals(RegistryTable.ACCOUNT, PartnerSourceTable.ACCOUNT);
        assertEquals(RegistryTable.EXPIRY_INDEX, PartnerSourceTable.EXPIRY_INDEX);
        assertEquals(RegistryTable.EXPIRY_QUEUE, PartnerSourceTable.EXPIRY_QUEUE);
        assertEquals(RegistryTable.EXPIRES_AT, PartnerSourceTable.EXPIRES_AT);
        template.hasResourceProperties("AWS::DynamoDB::Table", Match.objectLike(Map.of(
                "GlobalSecondaryIndexes", List.of(
                        Map.of("IndexName", RegistryTable.ACCOUNT_INDEX,
                                "KeySchema", List.of(
                                        Map.of("AttributeName", RegistryTable.ACCOUNT, "KeyType", "HASH"),
                                        Map.of("AttributeName", RegistryTable.SORT_KEY, "KeyType", "RANGE")),
                                // ListEventSources answers from the index: every attribute must be there.
                                "Projection", Map.of("ProjectionType", "ALL")),
                        Map.of("IndexName", RegistryTable.EXPIRY_INDEX,
                                "KeySchema", List.of(
                                        Map.of("AttributeName", RegistryTable.EXPIRY_QUEUE, "KeyType", "HASH"),
                                        Map.of("AttributeName", RegistryTable.EXPIRES_AT, "KeyType", "RANGE")),
                                // The sweep needs the source's key (always projected) and nothing else.
                                "Projection", Map.of("ProjectionType", "KEYS_ONLY"))),
                "AttributeDefinitions", Match.arrayWith(List.of(
                        Map.of("AttributeName", RegistryTable.ACCOUNT, "AttributeType", "S"),
                        Map.of("AttributeName", RegistryTable.EXPIRY_QUEUE, "AttributeType", "S"),
                        // Epoch milliseconds: a number, so that the index sorts by time.
                        Map.of("AttributeName", RegistryTable.EXPIRES_AT, "AttributeType", "N"))))));
    }

    @Test
    void theRoleMayCallExactlyTheActionsTheStoreCallsOnTheItemsItOwns() {
        assertEquals(RegistryTable.FUNCTION_READ_ACTIONS, RegistryFunction.READ_ACTIONS);
        assertEquals(RegistryTable.FUNCTION_QUERIED_INDEXES, RegistryFunction.QUERIED_INDEXES);
        assertEquals(RegistryTable.FUNCTION_SOURCE_ACTIONS, RegistryFunction.SOURCE_ACTIONS);
        assertEquals(RegistryTable.FUNCTION_COUNTER_ACTIONS, RegistryFunction.COUNTER_ACTIONS);
        assertEquals(RegistryTable.SOURCE_PARTITION_PREFIX + "*", RegistryFunction.SOURCE_PARTITIONS);
        assertEquals(RegistryTable.COUNTER_PARTITION_PREFIX + "*", RegistryFunction.COUNTER_PARTITIONS);
        assertEquals(RegistryTable.SOURCE_ATTRIBUTES, RegistryFunction.SOURCE_ATTRIBUTES);
        assertEquals(RegistryTable.COUNTER_ATTRIBUTES, RegistryFunction.COUNTER_ATTRIBUTES);
        // Keys the function must never be able to write, by partition.
        for (Map<String, AttributeValue> key : List.of(RegistryTable.partnerKey("p"), RegistryTable.regionKey("us-east-1"),
                RegistryTable.pageTokenKeyKey(), RegistryTable.principalKeysKey("arn:aws:iam::111122223333:role/PartnerWriter"),
                RegistryTable.customerKey("111122223333"))) {
            String partition = key.get(RegistryTable.PARTITION_KEY).s();
            for (String writable : List.of(RegistryTable.SOURCE_PARTITION_PREFIX, RegistryTable.COUNTER_PARTITION_PREFIX,
                    RegistryTable.ACCESS_KEY_PARTITION_PREFIX)) {
                assertFalse(partition.startsWith(writable), partition + " must not be writable by the function");
            }
        }
    }

    @Test
    void theRoleMayReadTheCustomerGrantsWithTheSourceTheyGuardButNeverWriteThem() {
        // The grant is read in the same TransactGetItems as the source (GetItem), and checked by each change (ConditionCheckItem).
        Map<String, Object> read = synth.functionRoleStatement("ReadTheRegistry");
        assertTrue(actions(read).containsAll(List.of("dynamodb:GetItem", "dynamodb:ConditionCheckItem")), read.toString());
        assertFalse(read.containsKey("Condition"), "the function reads any item, the grants' partition included: " + read);
        String grants = RegistryTable.customerKey("111122223333").get(RegistryTable.PARTITION_KEY).s();
        for (String sid : List.of("WriteSources", "CountSources", "NoteAccessKeyUse")) {
            Object partitions = ((Map<?, ?>) ((Map<?, ?>) synth.functionRoleStatement(sid).get("Condition")).get("ForAllValues:StringLike"))
                    .get("dynamodb:LeadingKeys");
            for (Object partition : (List<?>) partitions) {
                assertFalse(grants.startsWith(partition.toString().replace("*", "")), sid + " must not reach " + grants);
            }
        }
    }

    @Test
    void theSweepMayCallExactlyWhatTheLayoutSaysTheSweepDoes() {
        assertEquals(RegistryTable.SWEEP_QUERIED_INDEXES, ExpirySweep.QUERIED_INDEXES);
        assertEquals(RegistryTable.SWEEP_READ_ACTIONS, ExpirySweep.READ_ACTIONS);
        assertEquals(RegistryTable.SWEEP_SOURCE_ACTIONS, ExpirySweep.SOURCE_ACTIONS);
        assertEquals(RegistryTable.FUNCTION_COUNTER_ACTIONS, ExpirySweep.COUNTER_ACTIONS);
        Map<String, Object> find = synth.sweepRoleStatement("FindExpiredSources");
        assertEquals("dynamodb:Query", find.get("Action"));
        assertEquals(RegistryTable.SWEEP_QUERIED_INDEXES.stream().map(index -> "/index/" + index).toList(),
                List.of(((List<?>) ((Map<?, ?>) find.get("Resource")).get("Fn::Join")).get(1)).stream()
                        .map(parts -> ((List<?>) parts).get(1)).toList());
        Map<String, Object> read = synth.sweepRoleStatement("ReadExpiredSources");
        assertEquals(RegistryTable.SWEEP_READ_ACTIONS, actions(read));
        assertEquals(List.of(RegistryTable.SOURCE_PARTITION_PREFIX + "*"),
                ((Map<?, ?>) ((Map<?, ?>) read.get("Condition")).get("ForAllValues:StringLike")).get("dynamodb:LeadingKeys"),
                "the sweep reads sources, no other item");
        assertWrites(synth.sweepRoleStatement("ExpireSources"), RegistryTable.SWEEP_SOURCE_ACTIONS,
                RegistryTable.SOURCE_PARTITION_PREFIX, RegistryTable.SOURCE_ATTRIBUTES);
        assertWrites(synth.sweepRoleStatement("CountExpiredSources"), RegistryTable.FUNCTION_COUNTER_ACTIONS,
                RegistryTable.COUNTER_PARTITION_PREFIX, RegistryTable.COUNTER_ATTRIBUTES);
    }

    @Test
    void theSweepsDashboardReadsTheMetricsItsHandlerWrites() {
        assertEquals(ExpirySweepHandler.EXPIRED, ExpirySweep.SOURCES_EXPIRED);
        assertEquals(ExpirySweepHandler.SKIPPED, ExpirySweep.SOURCES_SKIPPED);
        assertEquals(ExpirySweepHandler.class.getName() + "::handleRequest", ExpirySweep.HANDLER);
    }

    @Test
    void theSweepReadsItsEnvironmentAsTheStackMeansIt() {
        String tableId = synth.only("AWS::DynamoDB::Table").getKey();
        RegistrySettings settings = RegistrySettings.fromEnvironment(deployed(synth.sweepEnvironment()));
        assertEquals(deployedValue(Map.of("Ref", tableId)), settings.tableName());
        assertEquals(RegistrySettings.DEFAULT_METRICS_NAMESPACE, settings.metricsNamespace());
        assertNull(settings.dynamoDbEndpoint(), "the regional DynamoDB endpoint");
    }

    @Test
    void theForwarderIsTheFunctionsHandlerAndWritesTheMetricsItsAlarmsAndDashboardRead() {
        assertEquals(EventForwarderHandler.class.getName() + "::handleRequest", EventDelivery.HANDLER);
        assertEquals(EventForwarderHandler.DELIVERED, EventDelivery.EVENTS_DELIVERED);
        assertEquals(EventForwarderHandler.FAILED, EventDelivery.EVENTS_DELIVERY_FAILED);
        assertEquals(EventForwarderHandler.LAG, EventDelivery.DELIVERY_LAG);
        assertEquals(EventForwarderHandler.DEAD_LETTERED, EventDelivery.EVENTS_DEAD_LETTERED);
        assertEquals(EventForwarderHandler.MAX_RECEIVES, EventDelivery.MAX_RECEIVE_COUNT, "the forwarder dead-letters on the queue's last receive");
        long timeout = EventDelivery.TIMEOUT.toSeconds().longValue();
        org.junit.jupiter.api.Assertions.assertTrue(EventForwarderHandler.RESERVE.toSeconds() < timeout && EventForwarderHandler.RESERVE.toSeconds()
                >= 7 + 2 * 7 + 1, "the reserve holds one call's and the letters' timeouts, and leaves time to deliver");
    }

    @Test
    void aBatchOfTheQueueIsWhatOnePutEventsTakes() {
        assertEquals(dev.partnerregistry.domain.EventDelivery.PUT_EVENTS_BATCH, EventDelivery.BATCH_SIZE);
    }

    @Test
    void theForwarderMayPutOnlyEventsWithTheSourceItWrites() {
        assertEquals(EventBridgePutEvents.SOURCE_PREFIX + "*", EventDelivery.DELIVERED_SOURCES);
        Map<?, ?> condition = (Map<?, ?>) synth.forwarderRoleStatement("DeliverIntoCustomerBuses").get("Condition");
        assertEquals(List.of(EventBridgePutEvents.SOURCE_PREFIX + "*"),
                ((Map<?, ?>) condition.get("ForAllValues:StringLike")).get("events:source"));
    }

    @Test
    void thePartnerEventCountsAreTheOnesPutPartnerEventsLogs() {
        assertEquals(List.of(AwsJsonProtocol.EVENTS_QUEUED, AwsJsonProtocol.EVENTS_DROPPED, AwsJsonProtocol.EVENTS_FAILED),
                RequestMetrics.EVENT_COUNTS);
    }

    @Test
    void theFunctionReadsTheDeliveryQueueAsTheStackMeansIt() {
        String queueId = synth.logicalId(synth.stack().delivery().queue());
        RegistrySettings settings = RegistrySettings.fromEnvironment(deployed(synth.functionEnvironment()));
        assertEquals(deployedValue(Map.of("Ref", queueId)), settings.delivery().queueUrl());
        assertNull(settings.delivery().sqsEndpoint(), "the regional SQS endpoint");
    }

    @Test
    void theForwarderReadsItsEnvironmentAsTheStackMeansIt() {
        RegistrySettings settings = RegistrySettings.fromEnvironment(deployed(synth.forwarderEnvironment()));
        assertEquals(RegistrySettings.DEFAULT_METRICS_NAMESPACE, settings.metricsNamespace());
        assertNull(settings.delivery().eventsEndpoint(), "each customer bus's own region");
        assertNull(settings.delivery().queueUrl(), "the forwarder sends to no queue");
    }

    /** A write statement as the layout describes it: these actions, only under this prefix, only these attributes. */
    @SuppressWarnings("unchecked")
    private static void assertWrites(Map<String, Object> statement, List<String> actions, String partitionPrefix, List<String> attributes) {
        assertEquals(actions, actions(statement));
        Map<String, Map<String, Object>> condition = (Map<String, Map<String, Object>>) statement.get("Condition");
        assertEquals(List.of(partitionPrefix + "*"), condition.get("ForAllValues:StringLike").get("dynamodb:LeadingKeys"));
        assertEquals(attributes, condition.get("ForAllValues:StringEquals").get("dynamodb:Attributes"));
    }

    private static List<?> actions(Map<String, Object> statement) {
        Object action = statement.get("Action");
        return action instanceof List<?> list ? list : List.of(action);
    }

    @Test
    void theRoleMayNoteAnAccessKeysUseExactlyAsTheStoreDoes() {
        assertEquals(RegistryTable.FUNCTION_ACCESS_KEY_ACTIONS, RegistryFunction.ACCESS_KEY_ACTIONS);
        assertEquals(RegistryTable.ACCESS_KEY_PARTITION_PREFIX + "*", RegistryFunction.ACCESS_KEY_PARTITIONS);
        assertEquals(RegistryTable.ACCESS_KEY_USE_ATTRIBUTES, RegistryFunction.ACCESS_KEY_USE_ATTRIBUTES);
        String partition = RegistryTable.accessKeyKey("AKIDEXAMPLE").get(RegistryTable.PARTITION_KEY).s();
        assertTrue(partition.startsWith(RegistryTable.ACCESS_KEY_PARTITION_PREFIX), partition);
        // The note of a use can touch no attribute that decides whether, or for whom, a key works.
        for (String attribute : List.of(RegistryTable.KEY_PRINCIPAL, RegistryTable.KEY_STATUS, RegistryTable.ENCRYPTED_SECRET,
                RegistryTable.CREATED_AT)) {
            assertFalse(RegistryFunction.ACCESS_KEY_USE_ATTRIBUTES.contains(attribute), attribute);
        }
    }

    @Test
    void theRoleDecryptsUnderTheEncryptionContextTheSecretsAreBoundTo() {
        assertEquals(List.of(RegistryTable.SECRET_ENCRYPTION_CONTEXT), AccessKeyEncryption.ENCRYPTION_CONTEXT_KEYS);
        assertEquals(List.of("kms:Decrypt"), AccessKeyEncryption.FUNCTION_ACTIONS);
    }

    @Test
    void theAuthModesAreSpelledAsTheFunctionReadsThem() {
        assertEquals(Arrays.stream(AccessKeySettings.Mode.values()).map(m -> m.name() + "=" + m.setting()).toList(),
                Arrays.stream(AuthMode.values()).map(m -> m.name() + "=" + m.setting()).toList());
        assertEquals(RegistrySettings.builder().tableName("table").build().accessKeys().mode().setting(), StackSettings.DEFAULT_AUTH_MODE.setting());
    }

    @Test
    void theAccessKeyCacheBoundsAreTheFunctions() {
        assertEquals(AccessKeySettings.DEFAULT_CACHE_TTL, Duration.ofSeconds(StackSettings.DEFAULT_ACCESS_KEY_CACHE_SECONDS));
        for (int accepted : List.of(StackSettings.MIN_ACCESS_KEY_CACHE_SECONDS, StackSettings.MAX_ACCESS_KEY_CACHE_SECONDS)) {
            assertEquals(Duration.ofSeconds(accepted), RegistrySettings.builder().tableName("table")
                    .accessKeyCacheTtl(Duration.ofSeconds(accepted)).build().accessKeys().cacheTtl());
        }
        for (int refused : List.of(StackSettings.MIN_ACCESS_KEY_CACHE_SECONDS - 1, StackSettings.MAX_ACCESS_KEY_CACHE_SECONDS + 1)) {
            assertThrows(IllegalArgumentException.class,
                    () -> RegistrySettings.builder().tableName("table").accessKeyCacheTtl(Duration.ofSeconds(refused)).build());
        }
    }

    @Test
    void theFunctionReadsTheRegistryKeysEnvironmentAsTheStackMeansIt() {
        String keyId = synth.only("AWS::KMS::Key").getKey();
        RegistrySettings settings = RegistrySettings.fromEnvironment(deployed(synth.functionEnvironment()));
        assertEquals(AccessKeySettings.Mode.REGISTRY_KEYS, settings.accessKeys().mode());
        assertEquals(deployedValue(Map.of("Fn::GetAtt", List.of(keyId, "Arn"))), settings.accessKeys().kmsKeyArn());
        assertEquals(Duration.ofSeconds(60), settings.accessKeys().cacheTtl());
        assertNull(settings.accessKeys().kmsEndpoint(), "the regional KMS endpoint");
        assertNull(settings.dynamoDbEndpoint(), "the regional DynamoDB endpoint");
        assertEquals(Duration.ofSeconds(Synthesized.ACCESS_KEY_CACHE_SECONDS),
                RegistrySettings.fromEnvironment(deployed(Synthesized.privateEndpoint().functionEnvironment())).accessKeys().cacheTtl());
    }

    @Test
    void theFunctionReadsTheSourceExpiryAsTheStackMeansIt() {
        assertEquals(RegistrySettings.DEFAULT_SOURCE_EXPIRATION,
                RegistrySettings.fromEnvironment(deployed(synth.functionEnvironment())).sourceExpiration());
        assertEquals(Duration.ofDays(Synthesized.SOURCE_EXPIRATION_DAYS),
                RegistrySettings.fromEnvironment(deployed(Synthesized.privateEndpoint().functionEnvironment())).sourceExpiration());
    }

    /** The function also takes fractions of a day (local trials); what the stack offers it must take. */
    @Test
    void theStacksSourceExpiryRangeIsOneTheFunctionTakes() {
        assertEquals(RegistrySettings.DEFAULT_SOURCE_EXPIRATION, Duration.ofDays(StackSettings.DEFAULT_SOURCE_EXPIRATION_DAYS));
        for (int accepted : List.of(StackSettings.MIN_SOURCE_EXPIRATION_DAYS, StackSettings.MAX_SOURCE_EXPIRATION_DAYS)) {
            assertEquals(Duration.ofDays(accepted), RegistrySettings.builder().tableName("table")
                    .sourceExpiration(Duration.ofDays(accepted)).build().sourceExpiration());
        }
        for (int refused : List.of(StackSettings.MIN_SOURCE_EXPIRATION_DAYS - 1, StackSettings.MAX_SOURCE_EXPIRATION_DAYS + 1)) {
            assertThrows(IllegalArgumentException.class,
                    () -> RegistrySettings.builder().tableName("table").sourceExpiration(Duration.ofDays(refused)).build());
        }
    }

    @Test
    void theFunctionReadsTheAwsIamEnvironmentAsTheStackMeansIt() {
        RegistrySettings settings = RegistrySettings.fromEnvironment(deployed(Synthesized.awsIam().functionEnvironment()));
        assertEquals(AccessKeySettings.Mode.AWS_IAM, settings.accessKeys().mode());
        assertNull(settings.accessKeys().kmsKeyArn());
    }

    /**
     * The environment as Lambda would hand it over: CloudFormation resolves each intrinsic to a
     * string (here a stand-in naming the intrinsic), and Lambda sets AWS_REGION.
     */
    private static Map<String, String> deployed(Map<String, Object> templateEnvironment) {
        Map<String, String> environment = new HashMap<>();
        templateEnvironment.forEach((name, value) -> environment.put(name, deployedValue(value)));
        environment.put("AWS_REGION", "eu-west-1");
        return environment;
    }

    private static String deployedValue(Object templateValue) {
        return templateValue instanceof String text ? text : "resolved:" + templateValue;
    }

    @Test
    void theAlarmsAndDashboardReadTheMetricsTheFunctionWrites() {
        assertEquals(RegistrySettings.DEFAULT_METRICS_NAMESPACE, RequestMetrics.NAMESPACE);
        assertEquals(List.of(RequestLog.REQUESTS, RequestLog.ERRORS, RequestLog.FAULTS, RequestLog.LATENCY), RequestMetrics.METRICS);
        assertEquals(RequestLog.OPERATION, RequestMetrics.OPERATION);
        assertEquals(RequestLog.OUTCOME, RequestMetrics.OUTCOME);
        assertEquals(RequestLog.SUCCESS, RequestMetrics.SUCCESS);
        assertEquals(Arrays.stream(RegistryOperation.values()).map(RegistryOperation::operationName).toList(), RequestMetrics.OPERATIONS);
    }
}
