package dev.partnerregistry.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Capture;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/**
 * The default stack (REGIONAL, registry-issued keys), property by property, as the app
 * synthesizes it. What each authMode adds or changes: {@link RegistryKeysTest}, {@link AwsIamModeTest}.
 */
class PartnerRegistryStackTest {

    private final Synthesized synth = Synthesized.regional();
    private final Template template = synth.template();

    // --- DynamoDB table -------------------------------------------------------------------

    private static final Map<String, Object> ACCOUNT_INDEX = Map.of(
            "IndexName", "byAccount",
            "KeySchema", List.of(
                    Map.of("AttributeName", "account", "KeyType", "HASH"),
                    Map.of("AttributeName", "sk", "KeyType", "RANGE")),
            "Projection", Map.of("ProjectionType", "ALL"));

    @Test
    void tableHasTheKeysAndIndexesTheStoreUsesAndNothingElse() {
        template.resourceCountIs("AWS::DynamoDB::Table", 1);
        template.hasResourceProperties("AWS::DynamoDB::Table", Match.objectEquals(Map.of(
                "KeySchema", List.of(
                        Map.of("AttributeName", "pk", "KeyType", "HASH"),
                        Map.of("AttributeName", "sk", "KeyType", "RANGE")),
                "AttributeDefinitions", List.of(
                        Map.of("AttributeName", "pk", "AttributeType", "S"),
                        Map.of("AttributeName", "sk", "AttributeType", "S"),
                        Map.of("AttributeName", "account", "AttributeType", "S"),
                        Map.of("AttributeName", "expiryQueue", "AttributeType", "S"),
                        Map.of("AttributeName", "expiresAt", "AttributeType", "N")),
                "GlobalSecondaryIndexes", List.of(
                        ACCOUNT_INDEX,
                        Map.of("IndexName", "byExpiry",
                                "KeySchema", List.of(
                                        Map.of("AttributeName", "expiryQueue", "KeyType", "HASH"),
                                        Map.of("AttributeName", "expiresAt", "KeyType", "RANGE")),
                                "Projection", Map.of("ProjectionType", "KEYS_ONLY"))),
                "BillingMode", "PAY_PER_REQUEST",
                "PointInTimeRecoverySpecification", Map.of("PointInTimeRecoveryEnabled", true),
                "DeletionProtectionEnabled", true)));
    }

    @Test
    void theFirstDeployOfAnIndexUpgradeAddsTheAccountIndexAlone() {
        // CloudFormation creates one global secondary index per update of an existing table.
        Map<String, Object> table = Synthesized.properties(Synthesized.accountIndexOnly().only("AWS::DynamoDB::Table").getValue());
        assertEquals(List.of(ACCOUNT_INDEX), table.get("GlobalSecondaryIndexes"));
        assertEquals(List.of(
                        Map.of("AttributeName", "pk", "AttributeType", "S"),
                        Map.of("AttributeName", "sk", "AttributeType", "S"),
                        Map.of("AttributeName", "account", "AttributeType", "S")),
                table.get("AttributeDefinitions"), "no definition for the other index's keys: CloudFormation refuses unused ones");
    }

    @Test
    void tableIsRetainedAndNamedByCloudFormation() {
        template.hasResource("AWS::DynamoDB::Table", Map.of(
                "DeletionPolicy", "Retain",
                "UpdateReplacePolicy", "Retain"));
        Map<String, Object> table = Synthesized.properties(synth.only("AWS::DynamoDB::Table").getValue());
        assertFalse(table.containsKey("TableName"), "no hard-coded physical table name");
        assertFalse(table.containsKey("LocalSecondaryIndexes"));
        assertFalse(table.containsKey("TimeToLiveSpecification"));
    }

    // --- Function -------------------------------------------------------------------------

    @Test
    void functionIsJava21OnArm64WithSnapStart() {
        template.resourceCountIs("AWS::Lambda::Function", 4); // this one, the expiry sweep, the forwarder, the console's deployment
        assertEquals(Map.of(
                        "Runtime", "java21",
                        "Architectures", List.of("arm64"),
                        "Handler", "dev.partnerregistry.api.PartnerRegistryHandler::handleRequest",
                        "SnapStart", Map.of("ApplyOn", "PublishedVersions"),
                        "MemorySize", 1024,
                        "Timeout", 15),
                pick(Synthesized.properties(synth.resource(synth.functionId())),
                        "Runtime", "Architectures", "Handler", "SnapStart", "MemorySize", "Timeout"));
    }

    @Test
    void functionEnvironmentNamesTheTableTheLimitTheMetricsNamespaceTheExpiryTheAccessKeysAndTheQueueAndNoJvmOptions() {
        // No JAVA_TOOL_OPTIONS: java21 already stops tiered compilation at C1 by default.
        String tableId = synth.only("AWS::DynamoDB::Table").getKey();
        String keyId = synth.only("AWS::KMS::Key").getKey();
        template.hasResourceProperties("AWS::Lambda::Function", Map.of(
                "Environment", Map.of("Variables", Match.objectEquals(Map.of(
                        "TABLE_NAME", Map.of("Ref", tableId),
                        "PARTNER_SOURCE_LIMIT", "100",
                        "METRICS_NAMESPACE", "PartnerRegistry",
                        "SOURCE_EXPIRATION_DAYS", "7",
                        "AUTH_MODE", "registry-keys",
                        "ACCESS_KEYS_KMS_KEY_ARN", Map.of("Fn::GetAtt", List.of(keyId, "Arn")),
                        "ACCESS_KEY_CACHE_SECONDS", "60",
                        "EVENT_QUEUE_URL", Map.of("Ref", synth.logicalId(synth.stack().delivery().queue())),
                        "CONSOLE_ORIGIN", Map.of("Fn::Join", List.of("", List.of("https://",
                                Map.of("Fn::GetAtt", List.of(synth.logicalId(synth.stack().console().distribution()), "DomainName"))))))))));
    }

    @Test
    void functionKeepsInfoLevelLogsBecauseTheRequestLogLinesAreTheMetrics() {
        template.hasResourceProperties("AWS::Lambda::Function", Map.of(
                "LoggingConfig", Match.objectLike(Map.of("ApplicationLogLevel", "INFO", "SystemLogLevel", "INFO"))));
    }

    @Test
    void functionLogsJsonToItsOwnLogGroupWithRetention() {
        Capture logGroup = new Capture();
        template.hasResourceProperties("AWS::Lambda::Function", Map.of(
                "LoggingConfig", Map.of("LogFormat", "JSON", "LogGroup", Map.of("Ref", logGroup))));
        Map<String, Object> group = synth.template().findResources("AWS::Logs::LogGroup").get(logGroup.asString());
        assertEquals(30, ((Number) Synthesized.properties(group).get("RetentionInDays")).intValue());
        assertEquals("Retain", group.get("DeletionPolicy"));
    }

    @Test
    void apiInvokesTheLiveAliasOfThePublishedVersion() {
        String functionId = synth.functionId();
        String versionId = synth.only("AWS::Lambda::Version").getKey();
        String aliasId = synth.only("AWS::Lambda::Alias").getKey();
        template.hasResourceProperties("AWS::Lambda::Version", Map.of("FunctionName", Map.of("Ref", functionId)));
        template.hasResourceProperties("AWS::Lambda::Alias", Map.of(
                "Name", "live",
                "FunctionName", Map.of("Ref", functionId),
                "FunctionVersion", Map.of("Fn::GetAtt", List.of(versionId, "Version"))));
        template.hasResourceProperties("AWS::ApiGateway::Method", Map.of(
                "Integration", Map.of(
                        "Type", "AWS_PROXY",
                        "IntegrationHttpMethod", "POST",
                        "Uri", Map.of("Fn::Join", List.of("", Match.arrayWith(List.of(Map.of("Ref", aliasId))))))));
        // API Gateway may invoke the alias (not the unpublished function) for this method only, and not from the test console.
        Map<String, Map<String, Object>> permissions = synth.resources("AWS::Lambda::Permission");
        assertEquals(1, permissions.size(), "one permission: the stage's; none for test-invoke-stage");
        assertFalse(permissions.toString().contains("test-invoke-stage"));
        permissions.values().forEach(p -> {
            Map<String, Object> props = Synthesized.properties(p);
            assertEquals(Map.of("Ref", aliasId), props.get("FunctionName"));
            assertEquals("apigateway.amazonaws.com", props.get("Principal"));
            assertEquals("lambda:InvokeFunction", props.get("Action"));
        });
    }

    // --- IAM ------------------------------------------------------------------------------

    @Test
    void functionRoleReadsTheTableAndQueriesTheAccountIndexButWritesOnlySourcesCountersAndKeyUseAndNoAttributeThatGrantsAccessOrLimits() {
        String tableId = synth.only("AWS::DynamoDB::Table").getKey();
        String keyId = synth.only("AWS::KMS::Key").getKey();
        String functionLogGroup = functionLogGroupId();
        String roleId = roleOfFunction();
        Map<String, Object> table = Map.of("Fn::GetAtt", List.of(tableId, "Arn"));
        template.hasResourceProperties("AWS::IAM::Policy", Map.of(
                "Roles", List.of(Map.of("Ref", roleId)),
                "PolicyDocument", Map.of("Statement", Match.exact(List.of(
                        Map.of("Effect", "Allow",
                                "Action", List.of("logs:CreateLogStream", "logs:PutLogEvents"),
                                "Resource", Map.of("Fn::GetAtt", List.of(functionLogGroup, "Arn"))),
                        Map.of("Sid", "ReadTheRegistry", "Effect", "Allow",
                                "Action", List.of("dynamodb:ConditionCheckItem", "dynamodb:GetItem", "dynamodb:Query"),
                                "Resource", table),
                        Map.of("Sid", "ListCustomerSources", "Effect", "Allow",
                                "Action", "dynamodb:Query",
                                "Resource", Map.of("Fn::Join", List.of("", List.of(Map.of("Fn::GetAtt", List.of(tableId, "Arn")),
                                        "/index/byAccount")))),
                        Map.of("Sid", "WriteSources", "Effect", "Allow",
                                "Action", List.of("dynamodb:DeleteItem", "dynamodb:PutItem", "dynamodb:UpdateItem"),
                                "Resource", table,
                                "Condition", Map.of(
                                        "ForAllValues:StringLike", Map.of("dynamodb:LeadingKeys", List.of("SOURCES#*")),
                                        // A source's attributes as the layout has them (FunctionContractTest pins the list to RegistryTable).
                                        "ForAllValues:StringEquals", Map.of("dynamodb:Attributes", RegistryFunction.SOURCE_ATTRIBUTES),
                                        "StringEqualsIfExists", Map.of("dynamodb:ReturnValues", "NONE"),
                                        "Null", Map.of("dynamodb:LeadingKeys", "false"))),
                        Map.of("Sid", "CountSources", "Effect", "Allow",
                                "Action", "dynamodb:UpdateItem",
                                "Resource", table,
                                "Condition", Map.of(
                                        "ForAllValues:StringLike", Map.of("dynamodb:LeadingKeys", List.of("COUNT#*")),
                                        "ForAllValues:StringEquals", Map.of("dynamodb:Attributes", List.of("pk", "sk", "sourceCount", "countChanges")),
                                        "StringEqualsIfExists", Map.of("dynamodb:ReturnValues", "NONE"),
                                        "Null", Map.of("dynamodb:LeadingKeys", "false"))),
                        Map.of("Sid", "QueueAcceptedEvents", "Effect", "Allow",
                                "Action", "sqs:SendMessage",
                                "Resource", Map.of("Fn::GetAtt", List.of(synth.logicalId(synth.stack().delivery().queue()), "Arn"))),
                        Map.of("Sid", "DecryptAccessKeySecrets", "Effect", "Allow",
                                "Action", "kms:Decrypt",
                                "Resource", Map.of("Fn::GetAtt", List.of(keyId, "Arn")),
                                "Condition", Map.of(
                                        "ForAllValues:StringEquals", Map.of("kms:EncryptionContextKeys", List.of("accessKeyId")),
                                        "Null", Map.of("kms:EncryptionContextKeys", "false"))),
                        Map.of("Sid", "NoteAccessKeyUse", "Effect", "Allow",
                                "Action", "dynamodb:UpdateItem",
                                "Resource", table,
                                "Condition", Map.of(
                                        "ForAllValues:StringLike", Map.of("dynamodb:LeadingKeys", List.of("ACCESSKEY#*")),
                                        "ForAllValues:StringEquals", Map.of("dynamodb:Attributes", List.of("pk", "sk", "lastUsedAt")),
                                        "StringEqualsIfExists", Map.of("dynamodb:ReturnValues", "NONE"),
                                        "Null", Map.of("dynamodb:LeadingKeys", "false"))))))));
        String everything = template.toJSON().toString();
        for (String forbidden : List.of("principals", "sourceLimit", "disabledOperations", "secret",
                "principal", "keyStatus", "encryptedSecret", "accessKeys", "activeKeys")) {
            assertFalse(everything.contains("\"" + forbidden + "\""), forbidden + " is never a writable attribute");
        }
    }

    @Test
    void functionRoleHasNoManagedPolicyAndNoOtherPolicy() {
        String roleId = roleOfFunction();
        Map<String, Object> role = Synthesized.properties(synth.template().findResources("AWS::IAM::Role").get(roleId));
        assertNull(role.get("ManagedPolicyArns"), "no AWSLambdaBasicExecutionRole or other managed policy");
        assertNull(role.get("Policies"));
        long policiesOnRole = synth.resources("AWS::IAM::Policy").values().stream()
                .filter(p -> String.valueOf(Synthesized.properties(p).get("Roles")).contains(roleId))
                .count();
        assertEquals(1, policiesOnRole);
        String everything = template.toJSON().toString();
        assertFalse(everything.contains("dynamodb:Scan"));
        assertFalse(everything.contains("dynamodb:BatchWriteItem"));
        assertFalse(everything.contains("dynamodb:*"));
        assertFalse(everything.contains("/index/*"), "no wildcard over the table's indexes");
    }

    // --- API ------------------------------------------------------------------------------

    @Test
    void apiHasOnePostMethodOnTheRootAndTheConsolesPreflight() {
        template.resourceCountIs("AWS::ApiGateway::Method", 2); // POST, and OPTIONS for the console (RegistryConsoleTest)
        template.resourceCountIs("AWS::ApiGateway::Resource", 0);
        String apiId = synth.only("AWS::ApiGateway::RestApi").getKey();
        template.hasResourceProperties("AWS::ApiGateway::Method", Map.of(
                "HttpMethod", "POST",
                "ResourceId", Map.of("Fn::GetAtt", List.of(apiId, "RootResourceId"))));
    }

    @Test
    void everyRequestBodyReachesTheFunctionAsTheBytesSentInEitherMode() {
        // */* makes every body binary: the Lambda proxy event carries it base64-encoded, untouched.
        for (Synthesized variant : List.of(synth, Synthesized.awsIam())) {
            variant.template().hasResourceProperties("AWS::ApiGateway::RestApi", Map.of("BinaryMediaTypes", List.of("*/*")));
        }
    }

    @Test
    void apiIsRegionalByDefaultWithoutResourcePolicy() {
        template.hasResourceProperties("AWS::ApiGateway::RestApi", Map.of(
                "EndpointConfiguration", Match.objectEquals(Map.of("Types", List.of("REGIONAL")))));
        Map<String, Object> api = Synthesized.properties(synth.only("AWS::ApiGateway::RestApi").getValue());
        assertNull(api.get("Policy"));
    }

    @Test
    void stageV1IsThrottledAndLogsErrors() {
        template.hasResourceProperties("AWS::ApiGateway::Stage", Map.of(
                "StageName", "v1",
                "MethodSettings", List.of(Map.of(
                        "HttpMethod", "*",
                        "ResourcePath", "/*",
                        "ThrottlingRateLimit", 100,
                        "ThrottlingBurstLimit", 200,
                        "LoggingLevel", "ERROR",
                        "DataTraceEnabled", false))));
    }

    @Test
    void stageWritesJsonAccessLogsToItsLogGroup() throws Exception {
        Capture destination = new Capture();
        Capture format = new Capture();
        template.hasResourceProperties("AWS::ApiGateway::Stage", Map.of(
                "AccessLogSetting", Map.of(
                        "DestinationArn", Map.of("Fn::GetAtt", List.of(destination, "Arn")),
                        "Format", format)));
        Map<String, Object> group = synth.template().findResources("AWS::Logs::LogGroup").get(destination.asString());
        assertEquals(30, ((Number) Synthesized.properties(group).get("RetentionInDays")).intValue());
        assertTrue(!destination.asString().equals(functionLogGroupId()), "access logs have their own group");
        // Each line is a JSON object once API Gateway substitutes the $context variables.
        String sample = format.asString().replaceAll("\\$context\\.[A-Za-z.]+", "-");
        JsonNode line = new ObjectMapper().readTree(sample);
        for (String field : List.of("requestId", "userArn", "status", "httpMethod", "errorMessage")) {
            assertTrue(line.has(field), "access log has " + field);
        }
        assertTrue(format.asString().contains("$context.identity.userArn"));
    }

    @Test
    void theRegionsApiGatewayLogsRoleIsLeftAloneByDefault() {
        template.resourceCountIs("AWS::ApiGateway::Account", 0);
    }

    @Test
    void whenAskedTheStackSetsTheRegionsApiGatewayLogsRoleAndRetainsIt() {
        Synthesized withRole = Synthesized.withAccountLogsRole();
        Template template = withRole.template();
        template.resourceCountIs("AWS::ApiGateway::Account", 1);
        Map.Entry<String, Map<String, Object>> account = withRole.only("AWS::ApiGateway::Account");
        String roleId = ((List<?>) ((Map<?, ?>) Synthesized.properties(account.getValue()).get("CloudWatchRoleArn"))
                .get("Fn::GetAtt")).get(0).toString();
        template.hasResource("AWS::IAM::Role", Map.of(
                "DeletionPolicy", "Retain",
                "Properties", Map.of("AssumeRolePolicyDocument", Map.of("Statement", List.of(Map.of(
                        "Action", "sts:AssumeRole",
                        "Effect", "Allow",
                        "Principal", Map.of("Service", "apigateway.amazonaws.com"))))))
        );
        assertTrue(withRole.template().findResources("AWS::IAM::Role").containsKey(roleId));
    }

    @Test
    void theStageExecutionLogGroupIsTheStacksWithRetention() {
        String apiId = synth.only("AWS::ApiGateway::RestApi").getKey();
        template.hasResource("AWS::Logs::LogGroup", Map.of(
                "DeletionPolicy", "Retain",
                "Properties", Map.of(
                        "LogGroupName", Map.of("Fn::Join", List.of("", List.of("API-Gateway-Execution-Logs_", Map.of("Ref", apiId), "/v1"))),
                        "RetentionInDays", 30)));
        // Created before the stage, so that API Gateway never creates it first (without retention).
        String logGroupId = synth.resources("AWS::Logs::LogGroup").entrySet().stream()
                .filter(e -> String.valueOf(Synthesized.properties(e.getValue()).get("LogGroupName")).contains("API-Gateway-Execution-Logs_"))
                .findFirst().orElseThrow().getKey();
        Map<String, Object> stage = synth.only("AWS::ApiGateway::Stage").getValue();
        assertTrue(String.valueOf(stage.get("DependsOn")).contains(logGroupId), String.valueOf(stage.get("DependsOn")));
    }

    // --- Partners in other accounts, custom domain -----------------------------------------

    @Test
    void byDefaultTheApiHasNoResourcePolicySoOnlyThisAccountsPrincipalsGetIn() {
        assertNull(Synthesized.properties(synth.only("AWS::ApiGateway::RestApi").getValue()).get("Policy"));
    }

    @Test
    void partnerAccountsAreAdmittedByTheResourcePolicyAsCrossAccountIamRequires() {
        Synthesized facing = Synthesized.partnerFacing();
        facing.template().hasResourceProperties("AWS::ApiGateway::RestApi", Map.of(
                "Policy", Map.of("Statement", List.of(Map.of(
                        "Sid", "AllowPartnerAccounts",
                        "Effect", "Allow",
                        "Principal", Map.of("AWS", List.of(
                                Map.of("Fn::Join", List.of("", List.of("arn:", Map.of("Ref", "AWS::Partition"), ":iam::111122223333:root"))),
                                Map.of("Fn::Join", List.of("", List.of("arn:", Map.of("Ref", "AWS::Partition"), ":iam::444455556666:root"))))),
                        "Action", "execute-api:Invoke",
                        "Resource", "execute-api:/*")))));
        facing.template().hasResourceProperties("AWS::ApiGateway::Method", Map.of("AuthorizationType", "AWS_IAM"));
    }

    @Test
    void aCustomDomainServesTheStageAtItsRootWithTls12() {
        Synthesized facing = Synthesized.partnerFacing();
        facing.template().hasResourceProperties("AWS::ApiGateway::DomainName", Map.of(
                "DomainName", Synthesized.DOMAIN_NAME,
                "RegionalCertificateArn", Synthesized.CERTIFICATE_ARN,
                "EndpointConfiguration", Map.of("Types", List.of("REGIONAL")),
                "SecurityPolicy", "TLS_1_2"));
        String apiId = facing.only("AWS::ApiGateway::RestApi").getKey();
        String stageId = facing.only("AWS::ApiGateway::Stage").getKey();
        facing.template().hasResourceProperties("AWS::ApiGateway::BasePathMapping", Map.of(
                "RestApiId", Map.of("Ref", apiId),
                "Stage", Map.of("Ref", stageId)));
        facing.template().hasOutput("CustomDomainEndpoint", Map.of("Value", "https://" + Synthesized.DOMAIN_NAME + "/"));
        facing.template().hasOutput("CustomDomainTarget", Match.anyValue());
    }

    // --- Alarms ---------------------------------------------------------------------------

    @Test
    void alarmsCoverFunctionErrorsAndThrottlesApi5xxAndTableSystemErrors() {
        // Six of the API's, the expiry sweep's three (ExpirySweepTest) and delivery's four (EventDeliveryTest).
        template.resourceCountIs("AWS::CloudWatch::Alarm", 13);
        String functionId = synth.functionId();
        String tableId = synth.only("AWS::DynamoDB::Table").getKey();
        for (String metric : List.of("Errors", "Throttles")) {
            template.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of(
                    "Namespace", "AWS/Lambda",
                    "MetricName", metric,
                    "Dimensions", List.of(Map.of("Name", "FunctionName", "Value", Map.of("Ref", functionId))),
                    "Statistic", "Sum",
                    "Period", 300,
                    "Threshold", 1,
                    "ComparisonOperator", "GreaterThanOrEqualToThreshold",
                    "TreatMissingData", "notBreaching"));
        }
        template.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of(
                "Namespace", "AWS/ApiGateway",
                "MetricName", "5XXError",
                "Dimensions", Match.arrayWith(List.of(Map.of("Name", "Stage", "Value", Match.anyValue()))),
                "Statistic", "Sum",
                "Threshold", 1));
        Map<String, Object> systemErrors = alarmNamed("Partner Registry table: DynamoDB SystemErrors");
        assertEquals("FILL(e0, 0) + FILL(e1, 0) + FILL(e2, 0) + FILL(e3, 0)",
                ((Map<?, ?>) ((List<?>) systemErrors.get("Metrics")).get(0)).get("Expression"),
                "each operation's SystemErrors counts as 0 where it has no datapoint, so the sum has one whenever any has");
        for (String operation : List.of("TransactWriteItems", "TransactGetItems", "GetItem", "Query")) {
            template.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of(
                    "Threshold", 1,
                    "Metrics", Match.arrayWith(List.of(Match.objectLike(Map.of("MetricStat", Map.of(
                            "Metric", Map.of(
                                    "Namespace", "AWS/DynamoDB",
                                    "MetricName", "SystemErrors",
                                    "Dimensions", Match.arrayWith(List.of(
                                            Map.of("Name", "Operation", "Value", operation),
                                            Map.of("Name", "TableName", "Value", Map.of("Ref", tableId))))),
                            "Stat", "Sum",
                            "Period", 300)))))));
        }
        // No topic configured: the alarms show in the console and notify nobody.
        synth.resources("AWS::CloudWatch::Alarm").values().forEach(a ->
                assertNull(Synthesized.properties(a).get("AlarmActions")));
    }

    @Test
    void anyInternalExceptionAnswerRaisesTheFaultsAlarmOnTheServiceWideMetric() {
        Map<String, Object> alarm = alarmNamed("Partner Registry answered InternalException");
        assertEquals("PartnerRegistry", alarm.get("Namespace"));
        assertEquals("Faults", alarm.get("MetricName"));
        assertNull(alarm.get("Dimensions"), "no dimension: one series, present whenever any operation ran");
        assertEquals("Sum", alarm.get("Statistic"));
        assertEquals(300, ((Number) alarm.get("Period")).intValue());
        assertEquals(1, ((Number) alarm.get("Threshold")).intValue());
        assertEquals("GreaterThanOrEqualToThreshold", alarm.get("ComparisonOperator"));
    }

    @Test
    void aSlowCreateP99ForFifteenMinutesRaisesTheLatencyAlarm() {
        template.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of(
                "Namespace", "PartnerRegistry",
                "MetricName", "Latency",
                "Dimensions", List.of(Map.of("Name", "Operation", "Value", "CreatePartnerEventSource")),
                "ExtendedStatistic", "p99",
                "Period", 300,
                "EvaluationPeriods", 3,
                "DatapointsToAlarm", 3,
                "Threshold", 3000,
                "ComparisonOperator", "GreaterThanThreshold"));
    }

    private Map<String, Object> alarmNamed(String descriptionStart) {
        return synth.resources("AWS::CloudWatch::Alarm").values().stream()
                .map(Synthesized::properties)
                .filter(p -> String.valueOf(p.get("AlarmDescription")).startsWith(descriptionStart))
                .findFirst().orElseThrow(() -> new AssertionError("no alarm " + descriptionStart));
    }

    // --- Dashboard ------------------------------------------------------------------------

    @Test
    void oneDashboardShowsRequestsOutcomesLatencyAndFaultsFromTheRequestMetrics() {
        template.resourceCountIs("AWS::CloudWatch::Dashboard", 1);
        String body = synth.only("AWS::CloudWatch::Dashboard").getValue().toString();
        for (String shown : List.of("Requests by operation", "Outcomes: Success or error code", "Latency p99 by operation",
                "Faults (InternalException answers)", "SEARCH('{PartnerRegistry,Operation,Outcome} MetricName=\\\"Requests\\\"'",
                "filter Errors = 1")) {
            assertTrue(body.contains(shown), () -> "dashboard lacks " + shown + ": " + body);
        }
    }

    // --- Outputs and synth hygiene --------------------------------------------------------

    @Test
    void outputsNameWhatCallersAndOperatorsNeed() {
        Map<String, Map<String, Object>> outputs = template.findOutputs("*");
        assertEquals(List.of("AccessKeysKmsKeyArn", "ApiEndpoint", "ApiId", "ConsoleUrl", "CustomerBusPolicyPrincipal", "DeadLetterQueueUrl",
                        "DeliveryQueueUrl", "EventForwarderFunctionName", "ExpirySweepFunctionName", "FunctionAliasArn",
                        "FunctionName", "IssueFirstKeyCommand", "TableName"),
                outputs.keySet().stream().sorted().toList());
    }

    @Test
    void stackIsEnvironmentAgnostic() {
        assertTrue(software.amazon.awscdk.Token.isUnresolved(synth.stack().getAccount()));
        assertTrue(software.amazon.awscdk.Token.isUnresolved(synth.stack().getRegion()));
        assertFalse(template.toJSON().toString().contains("123456789012"), "no account baked into the template");
    }

    @Test
    void noUnacknowledgedCdkWarnings() {
        assertEquals(List.of(), synth.annotations().findWarning("*", Match.anyValue()).stream()
                .map(m -> (String) (m.getId() + ": " + m.getEntry().getData())).toList());
    }

    private String functionLogGroupId() {
        Map<String, Object> function = Synthesized.properties(synth.resource(synth.functionId()));
        return ((Map<?, ?>) ((Map<?, ?>) function.get("LoggingConfig")).get("LogGroup")).get("Ref").toString();
    }

    private String roleOfFunction() {
        return synth.roleOf(synth.functionId());
    }

    /** The named properties of a resource, for an exact comparison of those alone. */
    static Map<String, Object> pick(Map<String, Object> properties, String... names) {
        Map<String, Object> picked = new java.util.LinkedHashMap<>();
        for (String name : names) {
            if (properties.containsKey(name)) {
                picked.put(name, properties.get(name));
            }
        }
        return picked;
    }
}
