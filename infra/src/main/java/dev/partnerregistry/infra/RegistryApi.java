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
import software.amazon.awscdk.services.apigateway.CorsOptions;
import software.amazon.awscdk.services.apigateway.GatewayResponseOptions;
import software.amazon.awscdk.services.apigateway.ResponseType;
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
import software.amazon.awscdk.services.iam.StarPrincipal;
import software.amazon.awscdk.services.lambda.IFunction;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.Fn;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.constructs.Construct;

/**
 * The REST API: one method, {@code POST /}, as the AWS JSON 1.1 protocol uses, proxied to the
 * function's alias. Who checks the caller depends on the {@link AuthMode}:
 * <ul>
 *   <li>{@code registry-keys}: nobody at API Gateway. Callers sign with SigV4 for {@code events}
 *       (the stock AWS CLI and SDKs) with registry-issued keys, which API Gateway cannot verify,
 *       so the method has no authorization and the function verifies every signature before it
 *       does anything else. Every request reaches the function, so the stage throttling is what
 *       bounds the cost of unauthenticated traffic.</li>
 *   <li>{@code aws-iam}: the method requires {@code AWS_IAM}; callers sign for {@code execute-api},
 *       and API Gateway hands the verified caller ARN to the function in the request context.</li>
 * </ul>
 * The stage throttles, writes JSON access logs to its own log group and error execution logs.
 *
 * <p>REGIONAL by default. PRIVATE makes the API reachable only through an execute-api interface
 * VPC endpoint; its resource policy then denies every request that arrives any other way and
 * admits, through that endpoint, this account's (and partner accounts') principals with
 * {@code aws-iam}, or anyone with {@code registry-keys} (API Gateway sees those callers as
 * anonymous; the function authenticates them).
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
                .description(props.authMode() == AuthMode.REGISTRY_KEYS
                        ? "Partner Registry: EventBridge partner event source API (AWS JSON 1.1, SigV4 for events with registry-issued keys, verified by the function)"
                        : "Partner Registry: EventBridge partner event source API (AWS JSON 1.1, SigV4 for execute-api)")
                // Every body reaches the function as the exact bytes the caller sent. With a Lambda
                // proxy integration, API Gateway passes a request whose Content-Type matches
                // binaryMediaTypes to the function base64-encoded (isBase64Encoded: true), untouched,
                // and */* matches every type (AWS docs: "Binary media types for REST APIs", "Content
                // type conversions"); otherwise it hands the body over as a UTF-8 string, which
                // would alter bytes that are not valid UTF-8. A registry-keys signature covers the
                // body's SHA-256, so the function must hash what was sent. (A request with no
                // Content-Type at all may still arrive as text; the SDKs and CLI always send one, and
                // an altered body fails verification: a refusal, never a false accept.) Responses are
                // unaffected: the function answers isBase64Encoded false, and API Gateway then passes
                // its JSON through as text. Harmless with aws-iam too, where the function decodes
                // the same way.
                .binaryMediaTypes(List.of("*/*"))
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
            api.policy(privatePolicy(props.vpcEndpointId(), props.authMode(), props.partnerAccounts()));
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
                // No test-invoke permission: with AWS_IAM the console's "Test" button would bypass
                // the authorization, and neither mode needs a way to the function around the stage.
                LambdaIntegration.Builder.create(props.handler()).proxy(true).allowTestInvoke(false).build(),
                MethodOptions.builder()
                        .authorizationType(props.authMode() == AuthMode.REGISTRY_KEYS ? AuthorizationType.NONE : AuthorizationType.IAM)
                        .build());
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

    /** What the AWS SDK for JavaScript v3 sends and signs from a browser, and the browser may therefore send (ConsoleCors). */
    public static final List<String> CONSOLE_ALLOWED_HEADERS = List.of("amz-sdk-invocation-id", "amz-sdk-request", "authorization",
            "content-type", "x-amz-content-sha256", "x-amz-date", "x-amz-target", "x-amz-user-agent");
    /** How long a browser may reuse a preflight's answer (ConsoleCors.MAX_AGE_SECONDS). */
    public static final int CONSOLE_PREFLIGHT_MAX_AGE_SECONDS = 3600;

    /**
     * Admits the web console at {@code origin} by CORS: {@code OPTIONS /} answers the browser's preflight (a mock
     * integration: it reaches nothing) for that origin alone, allowing POST with exactly the headers the console's
     * SDK signs; API Gateway's own 4XX and 5XX answers (throttling, a payload too large) name the origin too, so the
     * console can read them. The function names it in its own answers (CONSOLE_ORIGIN).
     */
    public Method admitConsole(String origin) {
        Method preflight = api.getRoot().addCorsPreflight(CorsOptions.builder()
                .allowOrigins(List.of(origin))
                .allowMethods(List.of("POST"))
                .allowHeaders(CONSOLE_ALLOWED_HEADERS)
                .maxAge(software.amazon.awscdk.Duration.seconds(CONSOLE_PREFLIGHT_MAX_AGE_SECONDS))
                .build());
        for (ResponseType type : List.of(ResponseType.DEFAULT_4_XX, ResponseType.DEFAULT_5_XX)) {
            api.addGatewayResponse(type == ResponseType.DEFAULT_4_XX ? "ConsoleDefault4xx" : "ConsoleDefault5xx",
                    GatewayResponseOptions.builder()
                            .type(type)
                            .responseHeaders(Map.of("Access-Control-Allow-Origin", "'" + origin + "'", "Vary", "'Origin'"))
                            .build());
        }
        NagSuppressions.addResourceSuppressions(preflight, List.of(
                NagPackSuppression.builder()
                        .id("AwsSolutions-APIG4")
                        .reason("The CORS preflight: browsers send OPTIONS without credentials by design (Fetch standard), "
                                + "and its mock integration answers the allowed origin, method and headers and reaches nothing.")
                        .build(),
                NagPackSuppression.builder()
                        .id("AwsSolutions-COG4")
                        .reason("The CORS preflight carries no credentials by design; a Cognito authorizer would make the "
                                + "browser refuse every call of the console.")
                        .build()), true);
        return preflight;
    }

    /** The custom domain, if the settings name one: partners call {@code https://<domainName>/}. */
    public DomainName domainName() {
        return domainName;
    }

    /** Each AwsSolutions finding this API raises on purpose, with the reason it is right here. */
    private void suppressNagFindings(Props props) {
        boolean registryKeys = props.authMode() == AuthMode.REGISTRY_KEYS;
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
                .reason(registryKeys
                        ? "The function refuses every request whose SigV4 signature does not verify against a "
                                + "registry-issued key before it parses or acts on it, and the stage is throttled. A WAF "
                                + "web ACL adds a per-request cost and no rule that applies to signed AWS JSON calls; "
                                + "attach one per account if policy requires."
                        : "Every request must carry a valid SigV4 signature (AWS_IAM) before it reaches the "
                                + "function, and the stage is throttled. A WAF web ACL adds a per-request cost and no "
                                + "rule that applies to signed AWS JSON calls; attach one per account if policy requires.")
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

        // The method's own findings: how it authenticates, which depends on the mode.
        List<NagPackSuppression> methodSuppressions = new ArrayList<>();
        if (registryKeys) {
            methodSuppressions.add(NagPackSuppression.builder()
                    .id("AwsSolutions-APIG4")
                    .reason("The function authenticates every request itself: it verifies the SigV4 signature "
                            + "(service events, as the AWS CLI and SDKs sign) against the registry-issued access "
                            + "key it names, whose secret is kept encrypted under the stack's KMS key, and answers "
                            + "anything else with an error before acting. API Gateway cannot verify these signatures (its "
                            + "AWS_IAM authorization accepts only execute-api signatures by IAM credentials), so "
                            + "the method has none of its own. See docs/deploy.md, Authentication modes.")
                    .build());
            methodSuppressions.add(NagPackSuppression.builder()
                    .id("AwsSolutions-COG4")
                    .reason("Partners are machines calling with the AWS CLI and SDKs, which sign requests with "
                            + "SigV4 and cannot present a Cognito token; the function verifies those signatures "
                            + "against registry-issued access keys (docs/deploy.md, Authentication modes).")
                    .build());
        } else {
            methodSuppressions.add(NagPackSuppression.builder()
                    .id("AwsSolutions-COG4")
                    .reason("The method uses AWS_IAM authorization, as EventBridge's own API does: SDK clients sign "
                            + "with SigV4 and the function reads the verified caller ARN from the request context. "
                            + "A Cognito user pool authorizer would not authenticate AWS principals.")
                    .build());
        }
        NagSuppressions.addResourceSuppressions(method, methodSuppressions, true);
    }

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

    /**
     * Deny every request that does not come through the VPC endpoint; through it, allow:
     * <ul>
     *   <li>with {@code aws-iam}, this account's principals and the partner accounts' (each still
     *       needs its own execute-api:Invoke permission, since the method is IAM-authorized);</li>
     *   <li>with {@code registry-keys}, anyone ({@code "Principal": "*"}): the method has no
     *       authorization, so API Gateway evaluates every caller as anonymous, and a statement
     *       naming accounts would match nobody ("User: anonymous is not authorized"). Who the caller
     *       is, the function decides from the registry-issued key that signed the request.</li>
     * </ul>
     */
    static PolicyDocument privatePolicy(String vpcEndpointId, AuthMode authMode, List<String> partnerAccounts) {
        PolicyStatement.Builder allow = PolicyStatement.Builder.create()
                .effect(Effect.ALLOW)
                .actions(List.of("execute-api:Invoke"))
                .resources(List.of("execute-api:/*"))
                .conditions(Map.of("StringEquals", Map.of("aws:SourceVpce", vpcEndpointId)));
        if (authMode == AuthMode.REGISTRY_KEYS) {
            // The literal "*" of API Gateway's own examples for methods without authorization.
            allow.sid("AllowAnyCallerThroughVpcEndpoint").principals(List.of(new StarPrincipal()));
        } else {
            List<IPrincipal> admitted = new ArrayList<>();
            admitted.add(new AccountRootPrincipal());
            partnerAccounts.forEach(a -> admitted.add(new AccountPrincipal(a)));
            allow.sid("AllowAccountThroughVpcEndpoint").principals(admitted);
        }
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
                        allow.build()))
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
                        boolean manageCloudWatchRole, List<String> partnerAccounts, String domainName, String certificateArn,
                        AuthMode authMode) {

        public Props {
            Objects.requireNonNull(handler, "handler");
            Objects.requireNonNull(stageName, "stageName");
            Objects.requireNonNull(endpointType, "endpointType");
            Objects.requireNonNull(logRetention, "logRetention");
            Objects.requireNonNull(authMode, "authMode");
            if (endpointType == EndpointType.PRIVATE && vpcEndpointId == null) {
                throw new IllegalArgumentException("a PRIVATE API needs a vpcEndpointId");
            }
            partnerAccounts = partnerAccounts == null ? List.of() : List.copyOf(partnerAccounts);
            if (!partnerAccounts.isEmpty() && authMode != AuthMode.AWS_IAM) {
                throw new IllegalArgumentException("partnerAccounts are admitted by a resource policy for AWS_IAM callers: authMode aws-iam only");
            }
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
            private AuthMode authMode = StackSettings.DEFAULT_AUTH_MODE;

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

            public Builder authMode(AuthMode v) { this.authMode = v; return this; }

            public Props build() {
                return new Props(handler, stageName, throttlingRateLimit, throttlingBurstLimit, endpointType,
                        vpcEndpointId, logRetention, manageCloudWatchRole, partnerAccounts, domainName, certificateArn,
                        authMode);
            }
        }
    }
}
