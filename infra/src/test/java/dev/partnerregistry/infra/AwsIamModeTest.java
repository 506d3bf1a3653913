package dev.partnerregistry.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/**
 * What {@code authMode=aws-iam} provisions differently: API Gateway authenticates callers, so
 * there are no registry-issued keys, no KMS key and no permission to read or note one.
 */
class AwsIamModeTest {

    private final Synthesized synth = Synthesized.awsIam();
    private final Template template = synth.template();

    @Test
    void thereIsNoKmsKey() {
        template.resourceCountIs("AWS::KMS::Key", 0);
        assertFalse(template.toJSON().toString().contains("kms:"), "no KMS permission anywhere");
    }

    @Test
    void theFunctionRoleReadsTheTableWritesOnlySourcesAndCountersAndQueuesEvents() {
        assertEquals(List.of("ReadTheRegistry", "ListCustomerSources", "WriteSources", "CountSources", "QueueAcceptedEvents"),
                synth.functionRoleStatements().stream().map(s -> s.get("Sid")).filter(sid -> sid != null).toList());
        assertFalse(template.toJSON().toString().contains("ACCESSKEY#"), "no access-key item is ever written");
    }

    @Test
    void theMethodRequiresIamAuthorization() {
        template.hasResourceProperties("AWS::ApiGateway::Method", Map.of("AuthorizationType", "AWS_IAM"));
    }

    @Test
    void theMethodsNagFindingsAreSuppressedForAwsIamReasons() {
        Map<String, String> reasons = RegistryKeysTest.nagReasons(synth.only("AWS::ApiGateway::Method").getValue());
        assertFalse(reasons.containsKey("AwsSolutions-APIG4"), "an IAM-authorized method raises no APIG4");
        assertTrue(reasons.get("AwsSolutions-COG4").contains("AWS_IAM"), reasons.toString());
        assertTrue(reasons.get("AwsSolutions-APIG3").contains("AWS_IAM"), reasons.toString());
    }

    @Test
    void theApiSaysWhatCallersSignFor() {
        template.hasResourceProperties("AWS::ApiGateway::RestApi", Map.of(
                "Description", Match.stringLikeRegexp(".*SigV4 for execute-api.*")));
    }

    @Test
    void theOutputsHaveNoKeyToIssue() {
        assertEquals(List.of("ApiEndpoint", "ApiId", "CustomerBusPolicyPrincipal", "DeadLetterQueueUrl", "DeliveryQueueUrl",
                        "EventForwarderFunctionName", "ExpirySweepFunctionName", "FunctionAliasArn", "FunctionName", "TableName"),
                template.findOutputs("*").keySet().stream().sorted().toList());
        template.hasOutput("ApiEndpoint", Map.of("Description", Match.stringLikeRegexp(".*signed for execute-api")));
    }

    @Test
    void theFunctionIsToldToTrustApiGatewaysCallerAndNothingAboutKeys() {
        Map<String, Object> environment = synth.functionEnvironment();
        assertEquals("aws-iam", environment.get("AUTH_MODE"));
        assertEquals(List.of("AUTH_MODE", "EVENT_QUEUE_URL", "METRICS_NAMESPACE", "PARTNER_SOURCE_LIMIT", "SOURCE_EXPIRATION_DAYS",
                        "TABLE_NAME"),
                environment.keySet().stream().sorted().toList());
    }
}
