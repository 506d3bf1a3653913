package dev.partnerregistry.infra;

import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.apigateway.AccessLogField;
import software.amazon.awscdk.services.apigateway.AccessLogFormat;
import software.amazon.awscdk.services.apigateway.AuthorizationType;
import software.amazon.awscdk.services.apigateway.EndpointConfiguration;
import software.amazon.awscdk.services.apigateway.EndpointType;
import software.amazon.awscdk.services.apigateway.LambdaIntegration;
import software.amazon.awscdk.services.iam.IPrincipal;
import software.amazon.awscdk.services.iam.AccountPrincipal;
import software.amazon.awscdk.services.certificatemanager.Certificate;
import software.amazon.awscdk.services.apigateway.SecurityPolicy;
import software.amazon.awscdk.services.apigateway.DomainNameOptions;
import software.amazon.awscdk.services.apigateway.DomainName;
import software.amazon.awscdk.services.apigateway.LogGroupLogDestination;
import software.amazon.awscdk.services.apigateway.Method;
import software.amazon.awscdk.services.apigateway.MethodLoggingLevel;
import software.amazon.awscdk.services.apigateway.MethodOptions;
import software.amazon.awscdk.services.apigateway.RestApi;
import software.amazon.awscdk.services.apigateway.StageOptions;
import software.amazon.awscdk.services.ec2.IVpcEndpoint;
import software.amazon.awscdk.services.ec2.InterfaceVpcEndpoint;
import software.amazon.awscdk.services.ec2.InterfaceVpcEndpointAttributes;
import software.amazon.awscdk.services.iam.AccountRootPrincipal;
import software.amazon.awscdk.services.iam.AnyPrincipal;
import software.amazon.awscdk.services.iam.Effect;
import software.amazon.awscdk.services.iam.PolicyDocument;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.lambda.IFunction;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.Fn;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.constructs.Construct;

/**
 * The REST API: one method, {@code POST /}, as the AWS JSON 1.1 protocol uses, proxied to the
 * function's alias. The method requires {@code AWS_IAM} authorization: callers sign with SigV4
 * for {@code execute-api}, and API Gateway hands the verified caller ARN to the function in the
 * request context. The stage throttles, writes JSON access logs to its own log group and error
 * execution logs.
 *
 * <p>REGIONAL by default. PRIVATE makes the API reachable only through an execute-api interface
 * VPC endpoint; its resource policy then admits this account's principals through that endpoint
 * alone and denies every request that arrives any other way.
 */
public final class RegistryApi extends Construct {

    /** One JSON object per request; the fields operators look at when a caller reports an error. */
    static final Map<String, String> ACCESS_LOG_FIELDS = accessLogFields();

    private final RestApi api;
    private final Method method;
    private final LogGroup accessLogs;
    private final LogGroup executionLogs;
    private final DomainName domainName;

    public RegistryApi(Construct scope, String id, Props props) {
        super(scope, id);

        this.accessLogs = LogGroup.Builder.create(this, "AccessLogs")
                .retention(props.logRetention())
                .removalPolicy(RemovalPolicy.RETAIN)
                .build();

        RestApi.Builder api = RestApi.Builder.create(this, "RestApi")
                .restApiName(Stack.of(this).getStackName())
                .description("Partner Registry: EventBridge partner event source API (AWS JSON 1.1, SigV4 for execute-api)")
                .cloudWatchRole(props.manageCloudWatchRole())
                .deployOptions(StageOptions.builder()
                        .stageName(props.stageName())
                        .throttlingRateLimit(props.throttlingRateLimit())
                        .throttlingBurstLimit(props.throttlingBurstLimit())
                        .accessLogDestination(new LogGroupLogDestination(accessLogs))
                        .accessLogFormat(AccessLogFormat.custom(toJson(ACCESS_LOG_FIELDS)))
                        // Execution logs for failures only: INFO would log every request twice.
                        .loggingLevel(MethodLoggingLevel.ERROR)
                        .dataTraceEnabled(false)
                        .build());
        if (props.manageCloudWatchRole()) {
            api.cloudWatchRoleRemovalPolicy(RemovalPolicy.RETAIN);
        }

        if (props.endpointType() == EndpointType.PRIVATE) {
            IVpcEndpoint endpoint = InterfaceVpcEndpoint.fromInterfaceVpcEndpointAttributes(this, "VpcEndpoint",
                    InterfaceVpcEndpointAttributes.builder().vpcEndpointId(props.vpcEndpointId()).port(443).build());
            api.endpointConfiguration(EndpointConfiguration.builder()
                    .types(List.of(EndpointType.PRIVATE))
                    .vpcEndpoints(List.of(endpoint))
                    .build());
            api.policy(privatePolicy(props.vpcEndpointId(), props.partnerAccounts()));
        } else {
            api.endpointConfiguration(EndpointConfiguration.builder().types(List.of(EndpointType.REGIONAL)).build());
            if (!props.partnerAccounts().isEmpty()) {
                api.policy(partnerAccountsPolicy(props.partnerAccounts()));
            }
        }

        this.api = api.build();
        // API Gateway writes execution logs to a group it names after the API and stage, creating it
        // (without retention, outside the stack) on first use unless it exists: the stack owns it.
        this.executionLogs = LogGroup.Builder.create(this, "ExecutionLogs")
                .logGroupName(Fn.join("", List.of("API-Gateway-Execution-Logs_", this.api.getRestApiId(), "/", props.stageName())))
                .retention(props.logRetention())
                .removalPolicy(RemovalPolicy.RETAIN)
                .build();
        this.api.getDeploymentStage().getNode().addDependency(executionLogs);
        // The stack exports the stage URL under a clearer name (ApiEndpoint); drop CDK's duplicate.
        this.api.getNode().tryRemoveChild("Endpoint");
        this.method = this.api.getRoot().addMethod("POST",
                // No test-invoke permission: the console's "Test" button would bypass AWS_IAM authorization.
                LambdaIntegration.Builder.create(props.handler()).proxy(true).allowTestInvoke(false).build(),
                MethodOptions.builder().authorizationType(AuthorizationType.IAM).build());
        if (props.domainName() != null) {
            this.domainName = this.api.addDomainName("Domain", DomainNameOptions.builder()
                    .domainName(props.domainName())
                    .certificate(Certificate.fromCertificateArn(this, "Certificate", props.certificateArn()))
                    .endpointType(EndpointType.REGIONAL)
                    .securityPolicy(SecurityPolicy.TLS_1_2)
                    .build());
        } else {
            this.domainName = null;
        }
        suppressNagFindings(props);
    }

    /** The custom domain, if the settings name one: partners call {@code https://<domainName>/}. */
    public DomainName domainName() {
        return domainName;
    }

    /** Each AwsSolutions finding this API raises on purpose, with the reason it is right here. */
    private void suppressNagFindings(Props props) {
        List<NagPackSuppression> apiSuppressions = new ArrayList<>();
        apiSuppressions.add(NagPackSuppression.builder()
                .id("AwsSolutions-APIG2")
                .reason("Request validation is the function's job: the API must answer malformed requests "
                        + "with AWS JSON 1.1 errors (SerializationException, ValidationException with "
                        + "EventBridge's message format) that the AWS SDKs map to typed exceptions. An API "
                        + "Gateway request validator would answer in its own format and break them.")
                .build());
        apiSuppressions.add(NagPackSuppression.builder()
                .id("AwsSolutions-APIG3")
                .reason("Every request must carry a valid SigV4 signature (AWS_IAM) before it reaches the "
                        + "function, and the stage is throttled. A WAF web ACL adds a per-request cost and no "
                        + "rule that applies to signed AWS JSON calls; attach one per account if policy requires.")
                .build());
        apiSuppressions.add(NagPackSuppression.builder()
                .id("AwsSolutions-COG4")
                .reason("The method uses AWS_IAM authorization, as EventBridge's own API does: SDK clients sign "
                        + "with SigV4 and the function reads the verified caller ARN from the request context. "
                        + "A Cognito user pool authorizer would not authenticate AWS principals.")
                .build());
        if (props.manageCloudWatchRole()) {
            apiSuppressions.add(NagPackSuppression.builder()
                    .id("AwsSolutions-IAM4")
                    .appliesTo(List.of("Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs"))
                    .reason("The account-level role API Gateway assumes to write access and execution logs. "
                            + "AWS documents this managed policy for exactly that role; only the "
                            + "apigateway.amazonaws.com service can assume it, and it grants no data access.")
                    .build());
        }
        NagSuppressions.addResourceSuppressions(api, apiSuppressions, true);
    }

    /**
     * Allow this account's principals (each still needs its own execute-api:Invoke permission,
     * since the method is IAM-authorized) only through the VPC endpoint; deny everything else.
     */
    /**
     * With AWS_IAM authorization a caller from another account is admitted only if the API's
     * resource policy allows it too (its own IAM policy must also allow execute-api:Invoke); callers
     * in this account need only their IAM policy. So: each partner account's principals, nobody else.
     */
    static PolicyDocument partnerAccountsPolicy(List<String> partnerAccounts) {
        return PolicyDocument.Builder.create()
                .statements(List.of(PolicyStatement.Builder.create()
                        .sid("AllowPartnerAccounts")
                        .effect(Effect.ALLOW)
                        .principals(partnerAccounts.stream().map(a -> (IPrincipal) new AccountPrincipal(a)).toList())
                        .actions(List.of("execute-api:Invoke"))
                        .resources(List.of("execute-api:/*"))
                        .build()))
                .build();
    }

    static PolicyDocument privatePolicy(String vpcEndpointId) {
        return privatePolicy(vpcEndpointId, List.of());
    }

    static PolicyDocument privatePolicy(String vpcEndpointId, List<String> partnerAccounts) {
        List<IPrincipal> admitted = new ArrayList<>();
        admitted.add(new AccountRootPrincipal());
        partnerAccounts.forEach(a -> admitted.add(new AccountPrincipal(a)));
        return PolicyDocument.Builder.create()
                .statements(List.of(
                        PolicyStatement.Builder.create()
                                .sid("DenyOutsideVpcEndpoint")
                                .effect(Effect.DENY)
                                .principals(List.of(new AnyPrincipal()))
                                .actions(List.of("execute-api:Invoke"))
                                .resources(List.of("execute-api:/*"))
                                .conditions(Map.of("StringNotEquals", Map.of("aws:SourceVpce", vpcEndpointId)))
                                .build(),
                        PolicyStatement.Builder.create()
                                .sid("AllowAccountThroughVpcEndpoint")
                                .effect(Effect.ALLOW)
                                .principals(admitted)
                                .actions(List.of("execute-api:Invoke"))
                                .resources(List.of("execute-api:/*"))
                                .conditions(Map.of("StringEquals", Map.of("aws:SourceVpce", vpcEndpointId)))
                                .build()))
                .build();
    }

    private static Map<String, String> accessLogFields() {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("requestId", AccessLogField.contextRequestId());
        fields.put("extendedRequestId", AccessLogField.contextExtendedRequestId());
        fields.put("requestTime", AccessLogField.contextRequestTime());
        fields.put("sourceIp", AccessLogField.contextIdentitySourceIp());
        fields.put("userArn", AccessLogField.contextIdentityUserArn());
        fields.put("callerAccountId", AccessLogField.contextIdentityAccountId());
        fields.put("userAgent", AccessLogField.contextIdentityUserAgent());
        fields.put("httpMethod", AccessLogField.contextHttpMethod());
        fields.put("resourcePath", AccessLogField.contextResourcePath());
        fields.put("protocol", AccessLogField.contextProtocol());
        fields.put("status", AccessLogField.contextStatus());
        fields.put("responseLength", AccessLogField.contextResponseLength());
        fields.put("responseLatency", AccessLogField.contextResponseLatency());
        fields.put("integrationStatus", AccessLogField.contextIntegrationStatus());
        fields.put("integrationLatency", AccessLogField.contextIntegrationLatency());
        fields.put("errorMessage", AccessLogField.contextErrorMessageString());
        fields.put("errorResponseType", AccessLogField.contextErrorResponseType());
        return fields;
    }

    /**
     * Values are API Gateway variables ($context.x). All are quoted: a number such as
     * integrationLatency is "-" when no integration ran (an authorization failure), and an
     * unquoted "-" would make the line invalid JSON.
     */
    static String toJson(Map<String, String> fields) {
        return fields.entrySet().stream()
                .map(e -> "\"" + e.getKey() + "\":\"" + e.getValue() + "\"")
                .collect(Collectors.joining(",", "{", "}"));
    }

    public RestApi api() {
        return api;
    }

    public Method method() {
        return method;
    }

    public LogGroup accessLogs() {
        return accessLogs;
    }

    public LogGroup executionLogs() {
        return executionLogs;
    }

    public record Props(IFunction handler, String stageName, int throttlingRateLimit, int throttlingBurstLimit,
                        EndpointType endpointType, String vpcEndpointId, RetentionDays logRetention,
                        boolean manageCloudWatchRole, List<String> partnerAccounts, String domainName, String certificateArn) {

        public Props {
            Objects.requireNonNull(handler, "handler");
            Objects.requireNonNull(stageName, "stageName");
            Objects.requireNonNull(endpointType, "endpointType");
            Objects.requireNonNull(logRetention, "logRetention");
            if (endpointType == EndpointType.PRIVATE && vpcEndpointId == null) {
                throw new IllegalArgumentException("a PRIVATE API needs a vpcEndpointId");
            }
            partnerAccounts = partnerAccounts == null ? List.of() : List.copyOf(partnerAccounts);
        }

        public static Builder builder() {
            return new Builder();
        }

        public static final class Builder {
            private IFunction handler;
            private String stageName = StackSettings.DEFAULT_STAGE_NAME;
            private int throttlingRateLimit = StackSettings.DEFAULT_THROTTLING_RATE_LIMIT;
            private int throttlingBurstLimit = StackSettings.DEFAULT_THROTTLING_BURST_LIMIT;
            private EndpointType endpointType = EndpointType.REGIONAL;
            private String vpcEndpointId;
            private RetentionDays logRetention = RetentionDays.ONE_MONTH;
            private boolean manageCloudWatchRole = true;
            private List<String> partnerAccounts = List.of();
            private String domainName;
            private String certificateArn;

            public Builder handler(IFunction v) { this.handler = v; return this; }
            public Builder stageName(String v) { this.stageName = v; return this; }
            public Builder throttlingRateLimit(int v) { this.throttlingRateLimit = v; return this; }
            public Builder throttlingBurstLimit(int v) { this.throttlingBurstLimit = v; return this; }
            public Builder endpointType(EndpointType v) { this.endpointType = v; return this; }
            public Builder vpcEndpointId(String v) { this.vpcEndpointId = v; return this; }
            public Builder logRetention(RetentionDays v) { this.logRetention = v; return this; }
            public Builder manageCloudWatchRole(boolean v) { this.manageCloudWatchRole = v; return this; }
            public Builder partnerAccounts(List<String> v) { this.partnerAccounts = v; return this; }
            public Builder customDomain(String name, String certificateArn) {
                this.domainName = name;
                this.certificateArn = certificateArn;
                return this;
            }

            public Props build() {
                return new Props(handler, stageName, throttlingRateLimit, throttlingBurstLimit, endpointType,
                        vpcEndpointId, logRetention, manageCloudWatchRole, partnerAccounts, domainName, certificateArn);
            }
        }
    }
}
