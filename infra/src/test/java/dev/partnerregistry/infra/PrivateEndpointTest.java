package dev.partnerregistry.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/** The PRIVATE variant, chosen through context as `cdk synth -c endpointType=PRIVATE ...` would. */
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

    @Test
    void resourcePolicyAdmitsOnlyRequestsThroughTheVpcEndpoint() {
        template.hasResourceProperties("AWS::ApiGateway::RestApi", Map.of(
                "Policy", Map.of("Statement", Match.exact(List.of(
                        Map.of("Sid", "DenyOutsideVpcEndpoint",
                                "Effect", "Deny",
                                "Principal", Map.of("AWS", "*"),
                                "Action", "execute-api:Invoke",
                                "Resource", "execute-api:/*",
                                "Condition", Map.of("StringNotEquals", Map.of("aws:SourceVpce", Synthesized.VPC_ENDPOINT_ID))),
                        Map.of("Sid", "AllowAccountThroughVpcEndpoint",
                                "Effect", "Allow",
                                "Principal", Map.of("AWS", Match.anyValue()),
                                "Action", "execute-api:Invoke",
                                "Resource", "execute-api:/*",
                                "Condition", Map.of("StringEquals", Map.of("aws:SourceVpce", Synthesized.VPC_ENDPOINT_ID))))))));
        // The Allow names this account (its root principal), not everyone.
        String policy = Synthesized.properties(synth.only("AWS::ApiGateway::RestApi").getValue()).get("Policy").toString();
        assertEquals(true, policy.contains(":root"), policy);
    }

    @Test
    void methodStillRequiresIamAuthorization() {
        template.hasResourceProperties("AWS::ApiGateway::Method", Map.of("AuthorizationType", "AWS_IAM"));
    }

    @Test
    void accountLogsRoleCanBeLeftToAnotherStack() {
        template.resourceCountIs("AWS::ApiGateway::Account", 0);
        template.resourceCountIs("AWS::IAM::Role", 1); // the function's own role only
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
