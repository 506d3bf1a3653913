package dev.partnerregistry.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Template;

/**
 * Delivery of partner events as the default stack synthesizes it: the delivery queue and its
 * dead-letter queue, the forwarder the queue feeds, and what each role may do with them. That the
 * names and the handler agree with the function's code: {@link FunctionContractTest}.
 */
class EventDeliveryTest {

    private final Synthesized synth = Synthesized.regional();
    private final Template template = synth.template();

    // --- The queues -----------------------------------------------------------------------

    @Test
    void thereAreTwoQueuesTheDeliveryQueueAndItsDeadLetterQueue() {
        template.resourceCountIs("AWS::SQS::Queue", 2);
        assertFalse(queueId().equals(deadLetterQueueId()));
    }

    @Test
    void aMessageGoesToTheDeadLetterQueueAfterFiveReceives() {
        assertEquals(Map.of(
                        "deadLetterTargetArn", Map.of("Fn::GetAtt", List.of(deadLetterQueueId(), "Arn")),
                        "maxReceiveCount", 5),
                queue().get("RedrivePolicy"));
        assertNull(deadLetterQueue().get("RedrivePolicy"), "the end of the line");
    }

    @Test
    void aReceivedMessageStaysHiddenForSixForwarderTimeoutsAndTheBatchingWindow() {
        // AWS: at least six times the timeout of the function the queue feeds; the window's second is spent hidden too.
        assertEquals(6 * 30 + 1, queue().get("VisibilityTimeout"));
        assertTrue(EventDelivery.VISIBILITY_TIMEOUT.toSeconds().intValue() >= 6 * EventDelivery.TIMEOUT.toSeconds().intValue()
                + EventDelivery.MAX_BATCHING_WINDOW.toSeconds().intValue());
    }

    @Test
    void eventsAreKeptFourDaysAndDeadLettersFourteenLongerThanTheQueueKeepsThem() {
        // A standard queue's message expires by its first enqueue time, in the dead-letter queue too.
        assertEquals(4 * 86_400, queue().get("MessageRetentionPeriod"));
        assertEquals(14 * 86_400, deadLetterQueue().get("MessageRetentionPeriod"));
    }

    @Test
    void bothQueuesAreEncryptedAtRestWithSqsManagedKeys() {
        for (Map<String, Object> queue : List.of(queue(), deadLetterQueue())) {
            assertEquals(true, queue.get("SqsManagedSseEnabled"));
            assertNull(queue.get("KmsMasterKeyId"), "no KMS key: neither role needs a KMS permission");
        }
    }

    @Test
    void bothQueuesRefuseEveryRequestThatIsNotOverTls() {
        for (String queueId : List.of(queueId(), deadLetterQueueId())) {
            List<Map<String, Object>> policies = synth.resources("AWS::SQS::QueuePolicy").values().stream()
                    .map(Synthesized::properties)
                    .filter(p -> p.get("Queues").equals(List.of(Map.of("Ref", queueId))))
                    .toList();
            assertEquals(1, policies.size(), queueId);
            assertEquals(Map.of("Version", "2012-10-17", "Statement", List.of(Map.of(
                            "Action", "sqs:*",
                            "Condition", Map.of("Bool", Map.of("aws:SecureTransport", "false")),
                            "Effect", "Deny",
                            "Principal", Map.of("AWS", "*"),
                            "Resource", Map.of("Fn::GetAtt", List.of(queueId, "Arn"))))),
                    policies.get(0).get("PolicyDocument"));
        }
    }

    // --- The forwarder --------------------------------------------------------------------

    @Test
    void theForwarderIsJava21OnArm64FromTheFunctionJarWithThirtySecondsAndHalfAGigabyte() {
        assertEquals(Map.of(
                        "Runtime", "java21",
                        "Architectures", List.of("arm64"),
                        "Handler", "dev.partnerregistry.api.EventForwarderHandler::handleRequest",
                        "MemorySize", 512,
                        "Timeout", 30),
                PartnerRegistryStackTest.pick(forwarder(), "Runtime", "Architectures", "Handler", "MemorySize", "Timeout",
                        "SnapStart", "ReservedConcurrentExecutions"),
                "no SnapStart (nothing waits on it) and no reserved concurrency (the mapping bounds it)");
    }

    @Test
    void theForwarderIsToldTheTableNameTheMetricsNamespaceAndItsDeadLetterQueueAndNothingElse() {
        // It reads no table (its role has no DynamoDB permission); the settings it starts from require the name.
        assertEquals(Map.of(
                        "TABLE_NAME", Map.of("Ref", synth.only("AWS::DynamoDB::Table").getKey()),
                        "METRICS_NAMESPACE", "PartnerRegistry",
                        "DEAD_LETTER_QUEUE_URL", Map.of("Ref", deadLetterQueueId())),
                synth.forwarderEnvironment());
    }

    @Test
    void theForwarderLogsJsonAtInfoToItsOwnLogGroupWithRetention() {
        Map<?, ?> logging = (Map<?, ?>) forwarder().get("LoggingConfig");
        assertEquals("JSON", logging.get("LogFormat"));
        assertEquals("INFO", logging.get("ApplicationLogLevel"), "its batch line is an EMF document at INFO");
        assertEquals("INFO", logging.get("SystemLogLevel"));
        String logGroupId = ((Map<?, ?>) logging.get("LogGroup")).get("Ref").toString();
        assertEquals(synth.logicalId(synth.stack().delivery().logGroup()), logGroupId);
        Map<String, Object> group = synth.resource(logGroupId);
        assertEquals(30, ((Number) Synthesized.properties(group).get("RetentionInDays")).intValue());
        assertEquals("Retain", group.get("DeletionPolicy"));
    }

    // --- The event source mapping ---------------------------------------------------------

    @Test
    void theQueueFeedsTheForwarderTenMessagesAtATimeWithPartialBatchResponses() {
        template.resourceCountIs("AWS::Lambda::EventSourceMapping", 1);
        assertEquals(Map.of(
                        "EventSourceArn", Map.of("Fn::GetAtt", List.of(queueId(), "Arn")),
                        "FunctionName", Map.of("Ref", synth.forwarderFunctionId()),
                        "BatchSize", 10,
                        // At most a second's wait for a fuller batch.
                        "MaximumBatchingWindowInSeconds", 1,
                        // Only the messages the forwarder reports come back; the delivered ones are deleted.
                        "FunctionResponseTypes", List.of("ReportBatchItemFailures"),
                        "ScalingConfig", Map.of("MaximumConcurrency", 10)),
                Synthesized.properties(synth.only("AWS::Lambda::EventSourceMapping").getValue()));
    }

    @Test
    void theSettingSetsHowManyForwardersRunAtOnce() {
        assertEquals(Map.of("MaximumConcurrency", Synthesized.DELIVERY_MAX_CONCURRENCY),
                Synthesized.properties(Synthesized.privateEndpoint().only("AWS::Lambda::EventSourceMapping").getValue())
                        .get("ScalingConfig"));
    }

    @Test
    void theMappingIsCreatedOnceTheForwardersRoleMayReceive() {
        // Lambda checks the execution role's permission to poll the queue when it creates the mapping.
        String policyId = synth.logicalId(synth.stack().delivery().function().getRole().getNode().findChild("DefaultPolicy"));
        Object dependsOn = synth.only("AWS::Lambda::EventSourceMapping").getValue().get("DependsOn");
        assertTrue(String.valueOf(dependsOn).contains(policyId), String.valueOf(dependsOn));
    }

    // --- What each role may do with the queues --------------------------------------------

    @Test
    void theForwarderMayConsumeTheDeliveryQueueDeadLetterAndPutRegistrySourcedEventsIntoAnyBusAndNothingElse() {
        String logGroupId = synth.logicalId(synth.stack().delivery().logGroup());
        assertEquals(List.of(
                        Map.of("Effect", "Allow",
                                "Action", List.of("logs:CreateLogStream", "logs:PutLogEvents"),
                                "Resource", Map.of("Fn::GetAtt", List.of(logGroupId, "Arn"))),
                        // What the event source mapping does with the forwarder's role; no ChangeMessageVisibility.
                        Map.of("Sid", "ReceiveQueuedEvents", "Effect", "Allow",
                                "Action", List.of("sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ReceiveMessage"),
                                "Resource", Map.of("Fn::GetAtt", List.of(queueId(), "Arn"))),
                        // Its dead letters, with their reasons; it never reads them back.
                        Map.of("Sid", "DeadLetterUndeliverableEvents", "Effect", "Allow", "Action", "sqs:SendMessage",
                                "Resource", Map.of("Fn::GetAtt", List.of(deadLetterQueueId(), "Arn"))),
                        // The customers' buses, in their accounts and regions: their bus policies admit this account.
                        Map.of("Sid", "DeliverIntoCustomerBuses", "Effect", "Allow",
                                "Action", "events:PutEvents",
                                "Resource", Map.of("Fn::Join", List.of("", List.of(
                                        "arn:", Map.of("Ref", "AWS::Partition"), ":events:*:*:event-bus/*"))),
                                "Condition", Map.of(
                                        "ForAllValues:StringLike", Map.of("events:source", List.of("partner-registry.*")),
                                        "Null", Map.of("events:source", "false")))),
                synth.forwarderRoleStatements());
    }

    @Test
    void theForwardersRoleIsItsOwnWithNoManagedPolicy() {
        String roleId = synth.roleOf(synth.forwarderFunctionId());
        assertFalse(roleId.equals(synth.roleOf(synth.functionId())), "not the API function's role");
        assertFalse(roleId.equals(synth.roleOf(synth.sweepFunctionId())), "not the sweep's");
        Map<String, Object> role = Synthesized.properties(synth.resource(roleId));
        assertNull(role.get("ManagedPolicyArns"));
        assertNull(role.get("Policies"));
        assertEquals(List.of(Map.of(
                        "Action", "sts:AssumeRole",
                        "Effect", "Allow",
                        "Principal", Map.of("Service", "lambda.amazonaws.com"))),
                ((Map<?, ?>) role.get("AssumeRolePolicyDocument")).get("Statement"));
    }

    @Test
    void theRegistryFunctionMaySendToTheDeliveryQueueAndDoNothingElseWithIt() {
        // SendMessageBatch is authorized as SendMessage.
        assertEquals(Map.of("Sid", "QueueAcceptedEvents", "Effect", "Allow",
                        "Action", "sqs:SendMessage",
                        "Resource", Map.of("Fn::GetAtt", List.of(queueId(), "Arn"))),
                synth.functionRoleStatement("QueueAcceptedEvents"));
    }

    @Test
    void theRegistryFunctionIsToldTheQueuesUrl() {
        assertEquals(Map.of("Ref", queueId()), synth.functionEnvironment().get("EVENT_QUEUE_URL"));
    }

    @Test
    void onlyTheForwarderMaySendToTheDeadLetterQueueAndNoRoleMayReadIt() {
        assertEquals(Map.of("Sid", "DeadLetterUndeliverableEvents", "Effect", "Allow", "Action", "sqs:SendMessage",
                        "Resource", Map.of("Fn::GetAtt", List.of(deadLetterQueueId(), "Arn"))),
                synth.forwarderRoleStatement("DeadLetterUndeliverableEvents"));
        synth.resources("AWS::IAM::Policy").forEach((id, policy) -> {
            String properties = String.valueOf(Synthesized.properties(policy));
            int mentions = properties.split(deadLetterQueueId(), -1).length - 1;
            assertEquals(properties.contains("DeadLetterUndeliverableEvents") ? 1 : 0, mentions, id);
        });
    }

    @Test
    void bothQueuesTakeMessagesOfSqsMostOneMebibyteAsTheAdapterBatchesThem() {
        assertEquals(1_048_576, EventDelivery.MAX_MESSAGE_BYTES);
        for (String id : List.of(queueId(), deadLetterQueueId())) {
            assertEquals(1_048_576, Synthesized.properties(synth.resources("AWS::SQS::Queue").get(id)).get("MaximumMessageSize"), id);
        }
    }

    @Test
    void theForwarderIsToldTheDeadLetterQueuesUrl() {
        assertEquals(Map.of("Ref", deadLetterQueueId()), synth.forwarderEnvironment().get("DEAD_LETTER_QUEUE_URL"));
    }

    @Test
    void noLocalEndpointOverrideIsDeclaredInTheDeployedTemplate() {
        for (Map<String, Object> environment : List.of(synth.functionEnvironment(), synth.forwarderEnvironment())) {
            for (String local : List.of("SQS_ENDPOINT", "EVENTS_ENDPOINT", "DYNAMODB_ENDPOINT")) {
                assertFalse(environment.containsKey(local), local);
            }
        }
    }

    // --- What tells an operator events are not arriving -------------------------------------

    @Test
    void anyEventInTheDeadLetterQueueRaisesAnAlarm() {
        assertEquals(Map.of(
                        "Namespace", "AWS/SQS",
                        "MetricName", "ApproximateNumberOfMessagesVisible",
                        "Dimensions", List.of(Map.of("Name", "QueueName",
                                "Value", Map.of("Fn::GetAtt", List.of(deadLetterQueueId(), "QueueName")))),
                        "Statistic", "Maximum",
                        "Period", 300,
                        "Threshold", 1,
                        "ComparisonOperator", "GreaterThanOrEqualToThreshold",
                        "EvaluationPeriods", 1,
                        "DatapointsToAlarm", 1,
                        "TreatMissingData", "notBreaching"),
                Synthesized.alarmFields(synth.alarm("Partner Registry partner events in the dead-letter queue")));
    }

    @Test
    void anyForwarderErrorRaisesAnAlarm() {
        // A timeout or an uncaught exception: the whole batch comes back, delivered events with it.
        assertEquals(Map.of(
                        "Namespace", "AWS/Lambda",
                        "MetricName", "Errors",
                        "Dimensions", List.of(Map.of("Name", "FunctionName", "Value", Map.of("Ref", synth.forwarderFunctionId()))),
                        "Statistic", "Sum",
                        "Period", 300,
                        "Threshold", 1,
                        "ComparisonOperator", "GreaterThanOrEqualToThreshold",
                        "EvaluationPeriods", 1,
                        "DatapointsToAlarm", 1,
                        "TreatMissingData", "notBreaching"),
                Synthesized.alarmFields(synth.alarm("Partner Registry forwarder errors")));
    }

    @Test
    void anEventWaitingLongerThanItsRetriesCouldTakeRaisesTheBacklogAlarm() {
        assertEquals(Map.of(
                        "Namespace", "AWS/SQS",
                        "MetricName", "ApproximateAgeOfOldestMessage",
                        "Dimensions", List.of(Map.of("Name", "QueueName", "Value", Map.of("Fn::GetAtt", List.of(queueId(), "QueueName")))),
                        "Statistic", "Maximum",
                        "Period", 300,
                        "Threshold", 1200,
                        "ComparisonOperator", "GreaterThanThreshold",
                        "EvaluationPeriods", 1,
                        "DatapointsToAlarm", 1,
                        "TreatMissingData", "notBreaching"),
                Synthesized.alarmFields(synth.alarm("Partner Registry partner events waiting over 20 min")));
    }

    @Test
    void theBacklogThresholdIsLongerThanAFailingEventSpendsInTheQueue() {
        // Five receives, a visibility timeout apart, before the dead-letter queue: a retried event is not a backlog.
        assertTrue(RegistryAlarms.DELIVERY_BACKLOG_THRESHOLD.toSeconds().intValue()
                > EventDelivery.MAX_RECEIVE_COUNT * EventDelivery.VISIBILITY_TIMEOUT.toSeconds().intValue());
    }

    @Test
    void failedDeliveriesForFifteenMinutesRunningRaiseAnAlarm() {
        assertEquals(Map.of(
                        "Namespace", "PartnerRegistry",
                        "MetricName", "EventsDeliveryFailed",
                        "Statistic", "Sum",
                        "Period", 300,
                        "Threshold", 0,
                        "ComparisonOperator", "GreaterThanThreshold",
                        "EvaluationPeriods", 3,
                        "DatapointsToAlarm", 3,
                        "TreatMissingData", "notBreaching"),
                Synthesized.alarmFields(synth.alarm("Partner Registry failed to deliver partner events for 15 minutes running")));
    }

    @Test
    void theDashboardShowsWhatPutPartnerEventsAcceptedBesideWhatTheForwarderDelivered() {
        assertEquals(List.of(
                        List.of("PartnerRegistry", "EventsQueued", Map.of("label", "EventsQueued", "stat", "Sum")),
                        List.of("PartnerRegistry", "EventsDropped", Map.of("label", "EventsDropped", "stat", "Sum")),
                        List.of("PartnerRegistry", "EventsFailed", Map.of("label", "EventsFailed", "stat", "Sum"))),
                synth.widget("Partner events accepted: queued, dropped, failed (sum)").get("metrics"));
        assertEquals(List.of(
                        List.of("PartnerRegistry", "EventsDelivered", Map.of("label", "EventsDelivered", "stat", "Sum")),
                        List.of("PartnerRegistry", "EventsDeliveryFailed", Map.of("label", "EventsDeliveryFailed", "stat", "Sum")),
                        List.of("PartnerRegistry", "EventsDeadLettered", Map.of("label", "EventsDeadLettered", "stat", "Sum"))),
                synth.widget("Partner events delivered, to be retried and dead-lettered (sum)").get("metrics"));
    }

    @Test
    void theDashboardShowsTheDeliveryLagP50AndP99() {
        assertEquals(List.of(
                        List.of("PartnerRegistry", "DeliveryLag", Map.of("label", "p50", "stat", "p50")),
                        List.of("PartnerRegistry", "DeliveryLag", Map.of("label", "p99", "stat", "p99"))),
                synth.widget("Delivery lag p50 and p99 (ms, each batch's slowest event)").get("metrics"));
    }

    @Test
    void theDashboardShowsTheForwardersBatchesErrorsAndThrottles() {
        String forwarder = "${" + synth.forwarderFunctionId() + "}";
        assertEquals(List.of(
                        List.of("AWS/Lambda", "Invocations", "FunctionName", forwarder, Map.of("label", "Batches", "stat", "Sum")),
                        List.of("AWS/Lambda", "Errors", "FunctionName", forwarder, Map.of("label", "Errors", "stat", "Sum")),
                        List.of("AWS/Lambda", "Throttles", "FunctionName", forwarder, Map.of("label", "Throttles", "stat", "Sum"))),
                synth.widget("Forwarder: batches, errors and throttles (sum)").get("metrics"));
    }

    @Test
    void theDashboardShowsTheQueuesDepthAndItsOldestEventAgainstTheBacklogAlarm() {
        String queue = "${" + queueId() + ".QueueName}";
        Map<?, ?> widget = synth.widget("Delivery queue: events waiting and in flight, age of the oldest (s)");
        assertEquals(List.of(
                        List.of("AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", queue,
                                Map.of("label", "Waiting", "stat", "Maximum")),
                        List.of("AWS/SQS", "ApproximateNumberOfMessagesNotVisible", "QueueName", queue,
                                Map.of("label", "In flight", "stat", "Maximum")),
                        List.of("AWS/SQS", "ApproximateAgeOfOldestMessage", "QueueName", queue,
                                Map.of("label", "Oldest (s)", "stat", "Maximum", "yAxis", "right"))),
                widget.get("metrics"));
        assertEquals(Map.of("horizontal", List.of(Map.of("value", 1200, "label", "Backlog alarm", "yAxis", "right"))),
                widget.get("annotations"));
    }

    @Test
    void theDashboardShowsTheDeadLetterQueuesDepth() {
        assertEquals(List.of(List.of("AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName",
                        "${" + deadLetterQueueId() + ".QueueName}", Map.of("label", "Dead-lettered", "stat", "Maximum"))),
                synth.widget("Dead-letter queue: undelivered events").get("metrics"));
    }

    // --- What the operator and the customers are told ---------------------------------------

    @Test
    void theOutputsNameBothQueuesAndTheForwarder() {
        template.hasOutput("DeliveryQueueUrl", Map.of("Value", Map.of("Ref", queueId())));
        template.hasOutput("DeadLetterQueueUrl", Map.of("Value", Map.of("Ref", deadLetterQueueId())));
        template.hasOutput("EventForwarderFunctionName", Map.of("Value", Map.of("Ref", synth.forwarderFunctionId())));
    }

    @Test
    void theOutputsGiveCustomersThePrincipalTheirBusPolicyAdmits() {
        // The registry's account: the forwarder's role signs its PutEvents as a principal of it.
        template.hasOutput("CustomerBusPolicyPrincipal", Map.of("Value", Map.of("Fn::Join", List.of("", List.of(
                "arn:", Map.of("Ref", "AWS::Partition"), ":iam::", Map.of("Ref", "AWS::AccountId"), ":root")))));
    }

    private String queueId() {
        return synth.logicalId(synth.stack().delivery().queue());
    }

    private String deadLetterQueueId() {
        return synth.logicalId(synth.stack().delivery().deadLetterQueue());
    }

    private Map<String, Object> queue() {
        return Synthesized.properties(synth.resource(queueId()));
    }

    private Map<String, Object> deadLetterQueue() {
        return Synthesized.properties(synth.resource(deadLetterQueueId()));
    }

    private Map<String, Object> forwarder() {
        return Synthesized.properties(synth.resource(synth.forwarderFunctionId()));
    }
}
