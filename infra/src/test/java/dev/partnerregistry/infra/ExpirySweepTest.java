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
 * The expiry sweep as the default stack synthesizes it: a function of its own, run by an
 * EventBridge Scheduler schedule, one run at a time, allowed to find and delete expired sources
 * and nothing else. What it may do, pinned to the layout's constants: {@link FunctionContractTest}.
 */
class ExpirySweepTest {

    private final Synthesized synth = Synthesized.regional();
    private final Template template = synth.template();

    // --- The function ---------------------------------------------------------------------

    @Test
    void theSweepIsJava21OnArm64FromTheFunctionJarWithFiveMinutesAndHalfAGigabyte() {
        assertEquals(Map.of(
                        "Runtime", "java21",
                        "Architectures", List.of("arm64"),
                        "Handler", "dev.partnerregistry.api.ExpirySweepHandler::handleRequest",
                        "MemorySize", 512,
                        "Timeout", 300),
                PartnerRegistryStackTest.pick(sweep(), "Runtime", "Architectures", "Handler", "MemorySize", "Timeout", "SnapStart"),
                "no SnapStart: nothing waits on a scheduled run");
    }

    @Test
    void theScheduleInvokesTheFunctionItselfSoThereIsNoVersionOrAliasOfTheSweep() {
        template.resourceCountIs("AWS::Lambda::Version", 1);
        template.resourceCountIs("AWS::Lambda::Alias", 1);
        assertEquals(Map.of("Ref", synth.functionId()),
                Synthesized.properties(synth.only("AWS::Lambda::Alias").getValue()).get("FunctionName"), "the API's alias only");
    }

    @Test
    void onlyOneRunAtATime() {
        assertEquals(1, sweep().get("ReservedConcurrentExecutions"));
    }

    @Test
    void lambdaRetriesNoFailedRunAndDropsAHeldBackOneOnceTheNextIsDue() {
        template.hasResourceProperties("AWS::Lambda::EventInvokeConfig", Map.of(
                "FunctionName", Map.of("Ref", synth.sweepFunctionId()),
                "Qualifier", "$LATEST",
                "MaximumRetryAttempts", 0,
                "MaximumEventAgeInSeconds", 300));
        template.resourceCountIs("AWS::Lambda::EventInvokeConfig", 1);
    }

    @Test
    void theSweepIsToldTheTableAndTheMetricsNamespaceAndNothingElse() {
        assertEquals(Map.of(
                        "TABLE_NAME", Map.of("Ref", synth.only("AWS::DynamoDB::Table").getKey()),
                        "METRICS_NAMESPACE", "PartnerRegistry"),
                synth.sweepEnvironment());
    }

    @Test
    void theSweepLogsJsonAtInfoToItsOwnLogGroupWithRetention() {
        Map<?, ?> logging = (Map<?, ?>) sweep().get("LoggingConfig");
        assertEquals("JSON", logging.get("LogFormat"));
        assertEquals("INFO", logging.get("ApplicationLogLevel"), "SourcesExpired is an EMF line at INFO");
        assertEquals("INFO", logging.get("SystemLogLevel"));
        String logGroupId = ((Map<?, ?>) logging.get("LogGroup")).get("Ref").toString();
        assertEquals(synth.logicalId(synth.stack().sweep().logGroup()), logGroupId);
        assertFalse(logGroupId.equals(synth.logicalId(synth.stack().function().logGroup())), "not the API function's group");
        Map<String, Object> group = synth.resource(logGroupId);
        assertEquals(30, ((Number) Synthesized.properties(group).get("RetentionInDays")).intValue());
        assertEquals("Retain", group.get("DeletionPolicy"));
    }

    // --- The schedule ---------------------------------------------------------------------

    @Test
    void anEventBridgeSchedulerScheduleRunsTheSweepEveryFiveMinutes() {
        template.resourceCountIs("AWS::Events::Rule", 0);
        template.resourceCountIs("AWS::Scheduler::Schedule", 1);
        Map<String, Object> schedule = Synthesized.properties(synth.only("AWS::Scheduler::Schedule").getValue());
        assertEquals("rate(5 minutes)", schedule.get("ScheduleExpression"));
        assertEquals(Map.of("Mode", "OFF"), schedule.get("FlexibleTimeWindow"), "on the minute, not spread over a window");
        assertEquals("ENABLED", schedule.get("State"));
        assertEquals("default", schedule.get("GroupName"));
        assertEquals(Map.of(
                        "Arn", Map.of("Fn::GetAtt", List.of(synth.sweepFunctionId(), "Arn")),
                        "RoleArn", Map.of("Fn::GetAtt", List.of(schedulerRoleId(), "Arn")),
                        "Input", "{}",
                        "RetryPolicy", Map.of("MaximumEventAgeInSeconds", 300, "MaximumRetryAttempts", 2)),
                schedule.get("Target"));
    }

    @Test
    void theIntervalSettingSetsTheRateAndHowLongARunMayBeHeldBack() {
        Synthesized every15 = Synthesized.privateEndpoint();
        Map<String, Object> schedule = Synthesized.properties(every15.only("AWS::Scheduler::Schedule").getValue());
        assertEquals("rate(" + Synthesized.SWEEP_INTERVAL_MINUTES + " minutes)", schedule.get("ScheduleExpression"));
        assertEquals(Synthesized.SWEEP_INTERVAL_MINUTES * 60,
                ((Map<?, ?>) ((Map<?, ?>) schedule.get("Target")).get("RetryPolicy")).get("MaximumEventAgeInSeconds"));
        assertEquals(Synthesized.SWEEP_INTERVAL_MINUTES * 60,
                Synthesized.properties(every15.only("AWS::Lambda::EventInvokeConfig").getValue()).get("MaximumEventAgeInSeconds"));
    }

    @Test
    void theRateIsWrittenAsSchedulerReadsItAtTheSettingsBounds() {
        // Scheduler takes a singular unit for 1 ("rate(1 minute)"); CDK's ScheduleExpression writes it so.
        assertEquals("rate(1 minute)", scheduleExpression(StackSettings.MIN_SWEEP_INTERVAL_MINUTES));
        assertEquals("rate(1 hour)", scheduleExpression(StackSettings.MAX_SWEEP_INTERVAL_MINUTES));
    }

    /** The schedule of a sweep alone in a stack, without the cost of synthesizing the whole app. */
    private static Object scheduleExpression(int intervalMinutes) {
        software.amazon.awscdk.Stack stack = new software.amazon.awscdk.Stack(new software.amazon.awscdk.App(), "SweepOnly");
        PartnerSourceTable table = new PartnerSourceTable(stack, "Table", PartnerSourceTable.Props.builder().build());
        new ExpirySweep(stack, "Sweep", ExpirySweep.Props.builder()
                .table(table.table())
                .jar(FunctionArtifact.jar(null))
                .intervalMinutes(intervalMinutes)
                .build());
        Map<String, Map<String, Object>> schedules = Template.fromStack(stack).findResources("AWS::Scheduler::Schedule");
        return Synthesized.properties(schedules.values().iterator().next()).get("ScheduleExpression");
    }

    @Test
    void theScheduleMayOnlyInvokeTheSweepAndOnlySchedulesOfThisAccountsDefaultGroupMayUseItsRole() {
        Map<String, Object> role = Synthesized.properties(synth.resource(schedulerRoleId()));
        assertEquals(Map.of("Version", "2012-10-17", "Statement", List.of(Map.of(
                        "Action", "sts:AssumeRole",
                        "Effect", "Allow",
                        "Principal", Map.of("Service", "scheduler.amazonaws.com"),
                        "Condition", Map.of("StringEquals", Map.of(
                                "aws:SourceAccount", Map.of("Ref", "AWS::AccountId"),
                                "aws:SourceArn", Map.of("Fn::Join", List.of("", List.of(
                                        "arn:", Map.of("Ref", "AWS::Partition"), ":scheduler:", Map.of("Ref", "AWS::Region"), ":",
                                        Map.of("Ref", "AWS::AccountId"), ":schedule-group/default")))))))),
                role.get("AssumeRolePolicyDocument"));
        assertNull(role.get("ManagedPolicyArns"));
        // The function's ARN exactly: not <arn>:*, which function.grantInvoke would add for versions and aliases.
        assertEquals(List.of(Map.of(
                        "Sid", "InvokeTheSweep",
                        "Effect", "Allow",
                        "Action", "lambda:InvokeFunction",
                        "Resource", Map.of("Fn::GetAtt", List.of(synth.sweepFunctionId(), "Arn")))),
                synth.roleStatements(schedulerRoleId()));
    }

    @Test
    void theScheduleIsCreatedAfterItsRoleMayInvoke() {
        String policyId = synth.logicalId(synth.stack().sweep().schedulerRole().getNode().findChild("DefaultPolicy"));
        Object dependsOn = synth.only("AWS::Scheduler::Schedule").getValue().get("DependsOn");
        assertTrue(String.valueOf(dependsOn).contains(policyId), String.valueOf(dependsOn));
    }

    @Test
    void theSweepIsInvokedThroughTheRoleNotByAResourcePolicy() {
        // The one Lambda permission in the stack is API Gateway's, on the API function's alias.
        synth.resources("AWS::Lambda::Permission").values().forEach(permission ->
                assertEquals("apigateway.amazonaws.com", Synthesized.properties(permission).get("Principal")));
    }

    // --- What the sweep may do ------------------------------------------------------------

    @Test
    void theSweepFindsExpiredSourcesInTheExpiryIndexReadsThemAndExpiresAndCountsThemOutAndNothingElse() {
        String tableId = synth.only("AWS::DynamoDB::Table").getKey();
        Map<String, Object> table = Map.of("Fn::GetAtt", List.of(tableId, "Arn"));
        String logGroupId = synth.logicalId(synth.stack().sweep().logGroup());
        assertEquals(List.of(
                        Map.of("Effect", "Allow",
                                "Action", List.of("logs:CreateLogStream", "logs:PutLogEvents"),
                                "Resource", Map.of("Fn::GetAtt", List.of(logGroupId, "Arn"))),
                        Map.of("Sid", "FindExpiredSources", "Effect", "Allow",
                                "Action", "dynamodb:Query",
                                "Resource", Map.of("Fn::Join", List.of("", List.of(table, "/index/byExpiry")))),
                        // The index lags the table: the sources are read as they are now (a page at once) before they are written.
                        Map.of("Sid", "ReadExpiredSources", "Effect", "Allow",
                                "Action", List.of("dynamodb:BatchGetItem", "dynamodb:GetItem"),
                                "Resource", table,
                                "Condition", Map.of(
                                        "ForAllValues:StringLike", Map.of("dynamodb:LeadingKeys", List.of("SOURCES#*")),
                                        "Null", Map.of("dynamodb:LeadingKeys", "false"))),
                        // Deleted, or marked DELETED where the customer still has its bus.
                        Map.of("Sid", "ExpireSources", "Effect", "Allow",
                                "Action", List.of("dynamodb:DeleteItem", "dynamodb:UpdateItem"),
                                "Resource", table,
                                "Condition", Map.of(
                                        "ForAllValues:StringLike", Map.of("dynamodb:LeadingKeys", List.of("SOURCES#*")),
                                        // A source's attributes as the layout has them (FunctionContractTest pins the list to RegistryTable).
                                        "ForAllValues:StringEquals", Map.of("dynamodb:Attributes", RegistryFunction.SOURCE_ATTRIBUTES),
                                        "StringEqualsIfExists", Map.of("dynamodb:ReturnValues", "NONE"),
                                        "Null", Map.of("dynamodb:LeadingKeys", "false"))),
                        Map.of("Sid", "CountExpiredSources", "Effect", "Allow",
                                "Action", "dynamodb:UpdateItem",
                                "Resource", table,
                                "Condition", Map.of(
                                        "ForAllValues:StringLike", Map.of("dynamodb:LeadingKeys", List.of("COUNT#*")),
                                        "ForAllValues:StringEquals", Map.of("dynamodb:Attributes",
                                                List.of("pk", "sk", "sourceCount", "countChanges")),
                                        "StringEqualsIfExists", Map.of("dynamodb:ReturnValues", "NONE"),
                                        "Null", Map.of("dynamodb:LeadingKeys", "false")))),
                synth.sweepRoleStatements());
    }

    @Test
    void theSweepsSourceAndCounterWritesAreHeldToTheRegistryFunctionsOwnRules() {
        for (String[] pair : new String[][] {{"ExpireSources", "WriteSources"}, {"CountExpiredSources", "CountSources"}}) {
            assertEquals(synth.functionRoleStatement(pair[1]).get("Condition"), synth.sweepRoleStatement(pair[0]).get("Condition"), pair[0]);
        }
    }

    @Test
    void theSweepsRoleIsItsOwnWithNoManagedPolicy() {
        String roleId = synth.roleOf(synth.sweepFunctionId());
        assertFalse(roleId.equals(synth.roleOf(synth.functionId())), "not the API function's role");
        Map<String, Object> role = Synthesized.properties(synth.resource(roleId));
        assertNull(role.get("ManagedPolicyArns"));
        assertNull(role.get("Policies"));
        assertEquals(List.of(Map.of(
                        "Action", "sts:AssumeRole",
                        "Effect", "Allow",
                        "Principal", Map.of("Service", "lambda.amazonaws.com"))),
                ((Map<?, ?>) role.get("AssumeRolePolicyDocument")).get("Statement"));
    }

    // --- What tells an operator it is not working -------------------------------------------

    @Test
    void errorsInThreeRunsInARowRaiseAnAlarm() {
        // One failed run is retried by the next; a bug, a permission or a missing index fails every run.
        assertEquals(Map.of(
                        "Namespace", "AWS/Lambda",
                        "MetricName", "Errors",
                        "Dimensions", List.of(Map.of("Name", "FunctionName", "Value", Map.of("Ref", synth.sweepFunctionId()))),
                        "Statistic", "Sum",
                        "Period", 300,
                        "Threshold", 1,
                        "ComparisonOperator", "GreaterThanOrEqualToThreshold",
                        "EvaluationPeriods", 3,
                        "DatapointsToAlarm", 3,
                        "TreatMissingData", "notBreaching"),
                alarmFields(alarm("Partner Registry expiry sweep failed")));
    }

    @Test
    void noRunInThreeIntervalsRaisesAnAlarmAndSilenceCountsAsNoRun() {
        assertEquals(Map.of(
                        "Namespace", "AWS/Lambda",
                        "MetricName", "Invocations",
                        "Dimensions", List.of(Map.of("Name", "FunctionName", "Value", Map.of("Ref", synth.sweepFunctionId()))),
                        "Statistic", "Sum",
                        "Period", 300,
                        "Threshold", 1,
                        "ComparisonOperator", "LessThanThreshold",
                        "EvaluationPeriods", 3,
                        "DatapointsToAlarm", 3,
                        "TreatMissingData", "breaching"),
                alarmFields(alarm("Partner Registry expiry sweep has not run")));
    }

    @Test
    void threeRunsInARowNearTheTimeoutRaiseAnAlarm() {
        assertEquals(Map.of(
                        "Namespace", "AWS/Lambda",
                        "MetricName", "Duration",
                        "Dimensions", List.of(Map.of("Name", "FunctionName", "Value", Map.of("Ref", synth.sweepFunctionId()))),
                        "Statistic", "Maximum",
                        "Period", 300,
                        "Threshold", 240_000,
                        "ComparisonOperator", "GreaterThanThreshold",
                        "EvaluationPeriods", 3,
                        "DatapointsToAlarm", 3,
                        "TreatMissingData", "notBreaching"),
                alarmFields(alarm("Partner Registry expiry sweep ran above 80% of its 5 min timeout")));
    }

    @Test
    void theSweepsAlarmsCountInPeriodsOfItsInterval() {
        Synthesized every15 = Synthesized.privateEndpoint();
        for (String alarm : List.of("Partner Registry expiry sweep failed", "Partner Registry expiry sweep has not run",
                "Partner Registry expiry sweep ran above")) {
            assertEquals(Synthesized.SWEEP_INTERVAL_MINUTES * 60, alarm(every15, alarm).get("Period"), alarm);
        }
        assertTrue(String.valueOf(alarm(every15, "Partner Registry expiry sweep has not run").get("AlarmDescription"))
                .contains("3 intervals of 15 min"));
    }

    @Test
    void theDashboardShowsRunsErrorsAndTheSourcesExpiredAndSkipped() {
        String sweep = "${" + synth.sweepFunctionId() + "}";
        assertEquals(List.of(
                        List.of("AWS/Lambda", "Invocations", "FunctionName", sweep, Map.of("label", "Runs", "stat", "Sum")),
                        List.of("AWS/Lambda", "Errors", "FunctionName", sweep, Map.of("label", "Failed runs", "stat", "Sum")),
                        // Written by the sweep itself: no dimension, the request metrics' namespace.
                        List.of("PartnerRegistry", "SourcesExpired", Map.of("label", "SourcesExpired", "stat", "Sum", "yAxis", "right")),
                        List.of("PartnerRegistry", "SourcesSkipped", Map.of("label", "SourcesSkipped", "stat", "Sum", "yAxis", "right"))),
                widget("Expiry sweep: runs, errors, sources expired and skipped (sum)").get("metrics"));
    }

    @Test
    void theDashboardShowsTheLongestRunAgainstTheTimeout() {
        Map<?, ?> widget = widget("Expiry sweep: longest run (ms) against its timeout");
        assertEquals(List.of(List.of("AWS/Lambda", "Duration", "FunctionName", "${" + synth.sweepFunctionId() + "}",
                Map.of("label", "Longest run", "stat", "Maximum"))), widget.get("metrics"));
        assertEquals(Map.of("horizontal", List.of(Map.of("value", 300_000, "label", "Timeout", "yAxis", "left"))),
                widget.get("annotations"));
    }

    // --- The first deploy of an index upgrade ---------------------------------------------

    @Test
    void withoutTheExpiryIndexThereIsNoSweepToRun() {
        Synthesized firstStep = Synthesized.accountIndexOnly();
        assertNull(firstStep.stack().sweep());
        firstStep.template().resourceCountIs("AWS::Lambda::Function", 3); // the API's, the forwarder and the console's deployment
        firstStep.template().resourceCountIs("AWS::Scheduler::Schedule", 0);
        assertFalse(firstStep.template().findOutputs("*").containsKey("ExpirySweepFunctionName"));
        assertFalse(firstStep.template().toJSON().toString().contains("byExpiry"), "nothing refers to the missing index");
        firstStep.template().resourceCountIs("AWS::CloudWatch::Alarm", 10); // the API's six and delivery's four
        assertFalse(firstStep.template().toJSON().toString().contains("expiry sweep"), "no alarm or widget for a sweep that is not there");
    }

    private Map<String, Object> alarm(String descriptionStart) {
        return synth.alarm(descriptionStart);
    }

    private static Map<String, Object> alarm(Synthesized synth, String descriptionStart) {
        return synth.alarm(descriptionStart);
    }

    private static Map<String, Object> alarmFields(Map<String, Object> alarm) {
        return Synthesized.alarmFields(alarm);
    }

    private Map<?, ?> widget(String title) {
        return synth.widget(title);
    }

    private Map<String, Object> sweep() {
        return Synthesized.properties(synth.resource(synth.sweepFunctionId()));
    }

    private String schedulerRoleId() {
        return synth.logicalId(synth.stack().sweep().schedulerRole());
    }
}
