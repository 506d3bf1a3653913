package dev.partnerregistry.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.partnerregistry.api.ConsoleCors;
import dev.partnerregistry.local.ConsoleFiles;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/**
 * The web console as deployed: a private bucket that only the distribution reads (origin access control), a
 * distribution serving HTTPS only with security headers, the files and config.json copied in at deploy time, and
 * the API admitting the distribution's origin alone by CORS, with exactly the headers the console's SDK signs.
 */
class RegistryConsoleTest {

    private final Synthesized synth = Synthesized.regional();
    private final Template template = synth.template();

    private String filesBucket() {
        return synth.logicalId(synth.stack().console().bucket());
    }

    private String distribution() {
        return synth.logicalId(synth.stack().console().distribution());
    }

    /** {@code https://} + the distribution's domain, as the template writes it. */
    private Map<String, Object> consoleOrigin() {
        return Map.of("Fn::Join", List.of("", List.of("https://", Map.of("Fn::GetAtt", List.of(distribution(), "DomainName")))));
    }

    @Test
    void theFilesBucketIsPrivateEncryptedTlsOnlyAndLogged() {
        template.hasResourceProperties("AWS::S3::Bucket", Match.objectLike(Map.of(
                "PublicAccessBlockConfiguration", Map.of("BlockPublicAcls", true, "BlockPublicPolicy", true,
                        "IgnorePublicAcls", true, "RestrictPublicBuckets", true),
                "BucketEncryption", Map.of("ServerSideEncryptionConfiguration",
                        List.of(Map.of("ServerSideEncryptionByDefault", Map.of("SSEAlgorithm", "AES256")))),
                "LoggingConfiguration", Match.objectLike(Map.of("LogFilePrefix", "console-bucket/")))));
        assertEquals(filesBucket(), template.findResources("AWS::S3::Bucket", Match.objectLike(Map.of("Properties",
                Match.objectLike(Map.of("LoggingConfiguration", Match.anyValue()))))).keySet().iterator().next());
    }

    @Test
    void onlyTheDistributionMayReadTheFilesAndOnlyOverTls() {
        template.hasResourceProperties("AWS::S3::BucketPolicy", Match.objectLike(Map.of(
                "Bucket", Map.of("Ref", filesBucket()),
                "PolicyDocument", Match.objectLike(Map.of("Statement", Match.arrayWith(List.of(
                        Match.objectLike(Map.of("Effect", "Deny", "Action", "s3:*",
                                "Condition", Map.of("Bool", Map.of("aws:SecureTransport", "false")))),
                        Match.objectLike(Map.of("Effect", "Allow", "Action", "s3:GetObject",
                                "Principal", Map.of("Service", "cloudfront.amazonaws.com"),
                                "Condition", Match.objectLike(Map.of("StringEquals", Match.objectLike(Map.of(
                                        "AWS:SourceArn", Match.anyValue())))))))))))));
        template.hasResourceProperties("AWS::CloudFront::OriginAccessControl", Map.of("OriginAccessControlConfig",
                Match.objectLike(Map.of("OriginAccessControlOriginType", "s3", "SigningBehavior", "always", "SigningProtocol", "sigv4"))));
    }

    @Test
    void theDistributionServesHttpsOnlyFromTheBucketThroughTheAccessControlWithSecurityHeaders() {
        template.resourceCountIs("AWS::CloudFront::Distribution", 1);
        String headers = synth.logicalId(synth.stack().console().securityHeaders());
        template.hasResourceProperties("AWS::CloudFront::Distribution", Map.of("DistributionConfig", Match.objectLike(Map.of(
                "DefaultRootObject", "index.html",
                "DefaultCacheBehavior", Match.objectLike(Map.of(
                        "ViewerProtocolPolicy", "https-only",
                        "AllowedMethods", List.of("GET", "HEAD"),
                        "ResponseHeadersPolicyId", Map.of("Ref", headers))),
                "Origins", List.of(Match.objectLike(Map.of(
                        "OriginAccessControlId", Match.anyValue(),
                        "S3OriginConfig", Map.of("OriginAccessIdentity", ""))))))));
    }

    @Test
    void everyAnswerCarriesAStrictContentSecurityPolicyHstsAndNoFraming() {
        template.hasResourceProperties("AWS::CloudFront::ResponseHeadersPolicy", Map.of("ResponseHeadersPolicyConfig", Match.objectLike(Map.of(
                "SecurityHeadersConfig", Map.of(
                        "ContentSecurityPolicy", Map.of("Override", true, "ContentSecurityPolicy", Map.of("Fn::Join", List.of("", List.of(
                                "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self' https://*.execute-api.",
                                Map.of("Ref", "AWS::Region"), ".", Map.of("Ref", "AWS::URLSuffix"),
                                "; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")))),
                        "StrictTransportSecurity", Map.of("Override", true, "AccessControlMaxAgeSec", 63072000, "IncludeSubdomains", true),
                        "ContentTypeOptions", Map.of("Override", true),
                        "FrameOptions", Map.of("Override", true, "FrameOption", "DENY"),
                        "ReferrerPolicy", Map.of("Override", true, "ReferrerPolicy", "no-referrer"))))));
    }

    @Test
    void theDeployedPolicyIsTheOneMakeRunServes() {
        assertEquals(ConsoleFiles.contentSecurityPolicy("https://api.example.com"),
                RegistryConsole.contentSecurityPolicy("https://api.example.com"));
    }

    @Test
    void theBuiltFilesAndAConfigNamingTheApiAreCopiedInAndTheDistributionInvalidated() {
        template.hasResourceProperties("Custom::CDKBucketDeployment", Match.objectLike(Map.of(
                "DestinationBucketName", Map.of("Ref", filesBucket()),
                "DistributionId", Map.of("Ref", distribution()),
                "DistributionPaths", List.of("/*"),
                "Prune", true,
                "SourceMarkers", List.of(Map.of(), Map.of(
                        "<<marker:0xbaba:0>>", Map.of("Fn::Join", List.of("", List.of("\"", Map.of("Ref", "AWS::Region"), "\""))),
                        "<<marker:0xbaba:1>>", Map.of("Fn::Join", List.of("", List.of("\"https://",
                                Map.of("Ref", synth.logicalId(synth.stack().api().api())), ".execute-api.", Map.of("Ref", "AWS::Region"), ".",
                                Map.of("Ref", "AWS::URLSuffix"), "/", Map.of("Ref", synth.logicalId(synth.stack().api().api().getDeploymentStage())),
                                "/\""))))))));
    }

    @Test
    void theApiAnswersThePreflightForTheConsolesOriginAloneWithExactlyTheSignedHeaders() {
        template.hasResourceProperties("AWS::ApiGateway::Method", Map.of(
                "HttpMethod", "OPTIONS",
                "AuthorizationType", "NONE",
                "ResourceId", Match.anyValue(),
                "RestApiId", Match.anyValue(),
                "Integration", Match.objectLike(Map.of(
                        "Type", "MOCK",
                        "IntegrationResponses", List.of(Match.objectLike(Map.of(
                                "StatusCode", "204",
                                "ResponseParameters", Map.of(
                                        "method.response.header.Access-Control-Allow-Origin",
                                        Map.of("Fn::Join", List.of("", List.of("'https://",
                                                Map.of("Fn::GetAtt", List.of(distribution(), "DomainName")), "'"))),
                                        "method.response.header.Vary", "'Origin'",
                                        "method.response.header.Access-Control-Allow-Headers",
                                        "'amz-sdk-invocation-id,amz-sdk-request,authorization,content-type,x-amz-content-sha256,"
                                                + "x-amz-date,x-amz-target,x-amz-user-agent'",
                                        "method.response.header.Access-Control-Allow-Methods", "'POST'",
                                        "method.response.header.Access-Control-Max-Age", "'3600'"))))))));
    }

    @Test
    void apiGatewaysOwnErrorsNameTheConsolesOriginSoTheConsoleCanReadThem() {
        for (String type : List.of("DEFAULT_4XX", "DEFAULT_5XX")) {
            template.hasResourceProperties("AWS::ApiGateway::GatewayResponse", Match.objectLike(Map.of(
                    "ResponseType", type,
                    "ResponseParameters", Match.objectLike(Map.of("gatewayresponse.header.Access-Control-Allow-Origin",
                            Map.of("Fn::Join", List.of("", List.of("'https://",
                                    Map.of("Fn::GetAtt", List.of(distribution(), "DomainName")), "'"))))))));
        }
    }

    @Test
    void theFunctionNamesTheConsolesOriginInItsAnswers() {
        assertEquals(consoleOrigin(), synth.functionEnvironment().get(ConsoleCors.ORIGIN_VARIABLE));
    }

    @Test
    void theConsoleUrlIsAnOutput() {
        template.hasOutput("ConsoleUrl", Match.objectLike(Map.of("Value",
                Map.of("Fn::Join", List.of("", List.of("https://", Map.of("Fn::GetAtt", List.of(distribution(), "DomainName")), "/"))))));
    }

    @Test
    void theStacksCorsSettingsAreTheFunctionsAndTheLocalServers() {
        assertEquals(ConsoleCors.ALLOWED_HEADERS, RegistryApi.CONSOLE_ALLOWED_HEADERS);
        assertEquals(ConsoleCors.MAX_AGE_SECONDS, RegistryApi.CONSOLE_PREFLIGHT_MAX_AGE_SECONDS);
        assertEquals(ConsoleCors.ORIGIN_VARIABLE, RegistryConsole.ORIGIN_VARIABLE);
    }

    @Test
    void withAwsIamThereIsNoConsoleNoPreflightAndNoOrigin() {
        Synthesized awsIam = Synthesized.awsIam();
        assertNull(awsIam.stack().console());
        awsIam.template().resourceCountIs("AWS::CloudFront::Distribution", 0);
        awsIam.template().resourceCountIs("AWS::ApiGateway::Method", 1);
        assertTrue(!awsIam.functionEnvironment().containsKey(ConsoleCors.ORIGIN_VARIABLE));
    }

    @Test
    void theConsoleCannotBeAskedForWithAwsIam() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> StackSettings.builder().authMode(AuthMode.AWS_IAM).console(true).build());
        assertTrue(refused.getMessage().startsWith("console applies only to authMode=registry-keys"), refused.getMessage());
    }
}
