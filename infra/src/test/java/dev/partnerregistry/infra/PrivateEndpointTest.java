package dev.partnerregistry.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/**
 * The PRIVATE variants, chosen through context as `cdk synth -c endpointType=PRIVATE ...` would:
 * with registry-issued keys (the default) and, admitting a partner account, with AWS_IAM.
 */
class PrivateEndpointTest {

    private final Synthesized synth = Synthesized.privateEndpoint();
    private final Template template = synth.template();

    @Test
    void apiIsPrivateAndBoundToTheVpcEndpoint() {
        template.hasResourceProperties("AWS::ApiGateway::RestApi", Map.of(
                "EndpointConfiguration", Match.objectEquals(Map.of(
                        "Types", List.of("PRIVATE"),
                        "VpcEndpointIds", List.of(Synthesized.VPC_ENDPOINT_ID)))));
    }

    private static final Map<String, Object> DENY_OUTSIDE_VPC_ENDPOINT = Map.of(
            "Sid", "DenyOutsideVpcEndpoint",
            "Effect", "Deny",
            "Principal", Map.of("AWS", "*"),
            "Action", "execute-api:Invoke",
            "Resource", "execute-api:/*",
            "Condition", Map.of("StringNotEquals", Map.of("aws:SourceVpce", Synthesized.VPC_ENDPOINT_ID)));

    @Test
    void withRegistryKeysTheResourcePolicyAdmitsAnyCallerButOnlyThroughTheVpcEndpoint() {
        // The method has no authorization, so API Gateway sees every caller as anonymous and only
        // Principal "*" can admit one; the function then authenticates it by its registry-issued key.
        template.hasResourceProperties("AWS::ApiGateway::RestApi", Map.of(
                "Policy", Map.of("Statement", Match.exact(List.of(
                        DENY_OUTSIDE_VPC_ENDPOINT,
                        Map.of("Sid", "AllowAnyCallerThroughVpcEndpoint",
                                "Effect", "Allow",
                                "Principal", "*",
                                "Action", "execute-api:Invoke",
                                "Resource", "execute-api:/*",
                                "Condition", Map.of("StringEquals", Map.of("aws:SourceVpce", Synthesized.VPC_ENDPOINT_ID))))))));
    }

    @Test
    void withRegistryKeysTheMethodLeavesAuthenticationToTheFunction() {
        template.hasResourceProperties("AWS::ApiGateway::Method", Map.of("AuthorizationType", "NONE"));
    }

    @Test
    void withAwsIamTheResourcePolicyAdmitsThisAccountAndPartnerAccountsOnlyThroughTheVpcEndpoint() {
        Template awsIam = Synthesized.privateWithPartner().template();
        awsIam.hasResourceProperties("AWS::ApiGateway::RestApi", Map.of(
                "Policy", Map.of("Statement", Match.exact(List.of(
                        DENY_OUTSIDE_VPC_ENDPOINT,
                        Map.of("Sid", "AllowAccountThroughVpcEndpoint",
                                "Effect", "Allow",
                                "Principal", Map.of("AWS", List.of(
                                        Map.of("Fn::Join", List.of("", List.of("arn:", Map.of("Ref", "AWS::Partition"), ":iam::",
                                                Map.of("Ref", "AWS::AccountId"), ":root"))),
                                        Map.of("Fn::Join", List.of("", List.of("arn:", Map.of("Ref", "AWS::Partition"), ":iam::111122223333:root"))))),
                                "Action", "execute-api:Invoke",
                                "Resource", "execute-api:/*",
                                "Condition", Map.of("StringEquals", Map.of("aws:SourceVpce", Synthesized.VPC_ENDPOINT_ID))))))));
        awsIam.hasResourceProperties("AWS::ApiGateway::Method", Map.of("AuthorizationType", "AWS_IAM"));
    }

    @Test
    void accountLogsRoleCanBeLeftToAnotherStack() {
        template.resourceCountIs("AWS::ApiGateway::Account", 0);
        synth.resources("AWS::IAM::Role").values().forEach(role -> assertFalse(
                String.valueOf(Synthesized.properties(role).get("AssumeRolePolicyDocument")).contains("apigateway.amazonaws.com"),
                "no role API Gateway could assume"));
    }

    @Test
    void alarmsNotifyTheConfiguredTopicOnAlarmAndRecovery() {
        String topic = "arn:aws:sns:eu-west-1:123456789012:partner-registry-alarms";
        template.resourceCountIs("AWS::SNS::Topic", 0);
        synth.resources("AWS::CloudWatch::Alarm").values().forEach(alarm -> {
            Map<String, Object> props = Synthesized.properties(alarm);
            assertEquals(List.of(topic), props.get("AlarmActions"));
            assertEquals(List.of(topic), props.get("OKActions"));
        });
    }
}
