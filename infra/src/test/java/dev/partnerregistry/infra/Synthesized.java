package dev.partnerregistry.infra;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awscdk.App;
import software.amazon.awscdk.CfnElement;
import software.amazon.awscdk.assertions.Annotations;
import software.amazon.awscdk.assertions.Template;
import software.constructs.IConstruct;

/**
 * The stack exactly as {@link PartnerRegistryApp} builds it (cdk-nag pack included, the real
 * function jar as code), synthesized once per variant and shared by every test class in the
 * JVM: each synth starts jsii work and stages the jar, so doing it per test would cost minutes.
 */
record Synthesized(String name, PartnerRegistryStack stack, Template template, Annotations annotations, Path outdir) {

    static final String VPC_ENDPOINT_ID = "vpce-0123456789abcdef0";
    static final int ACCESS_KEY_CACHE_SECONDS = 300;

    private static final Map<String, Synthesized> CACHE = new ConcurrentHashMap<>();

    /** Defaults: registry-issued keys, REGIONAL endpoint, stage v1, limit 100, 1024 MB. */
    static Synthesized regional() {
        return CACHE.computeIfAbsent("regional", name -> synth(name, Map.of()));
    }

    /** The defaults but for API Gateway's AWS_IAM authorization. */
    static Synthesized awsIam() {
        return CACHE.computeIfAbsent("aws-iam", name -> synth(name, Map.of("authMode", "aws-iam")));
    }

    static final int SOURCE_EXPIRATION_DAYS = 30;
    static final int SWEEP_INTERVAL_MINUTES = 15;
    static final int DELIVERY_MAX_CONCURRENCY = 25;

    /**
     * PRIVATE endpoint behind {@link #VPC_ENDPOINT_ID} with registry-issued keys (cached for
     * {@link #ACCESS_KEY_CACHE_SECONDS}), sources expiring after {@link #SOURCE_EXPIRATION_DAYS}
     * and swept every {@link #SWEEP_INTERVAL_MINUTES}, {@link #DELIVERY_MAX_CONCURRENCY} forwarders at once, plus an
     * alarm topic, all from context.
     */
    static Synthesized privateEndpoint() {
        return CACHE.computeIfAbsent("private", name -> synth(name, Map.of(
                "endpointType", "PRIVATE",
                "vpcEndpointId", VPC_ENDPOINT_ID,
                "accessKeyCacheSeconds", String.valueOf(ACCESS_KEY_CACHE_SECONDS),
                "sourceExpirationDays", String.valueOf(SOURCE_EXPIRATION_DAYS),
                "sweepIntervalMinutes", String.valueOf(SWEEP_INTERVAL_MINUTES),
                "deliveryMaxConcurrency", String.valueOf(DELIVERY_MAX_CONCURRENCY),
                "alarmTopicArn", "arn:aws:sns:eu-west-1:123456789012:partner-registry-alarms",
                "apiGatewayCloudWatchRole", "false")));
    }

    static final String DOMAIN_NAME = "events.partners.example.com";
    static final String CERTIFICATE_ARN = "arn:aws:acm:eu-west-1:123456789012:certificate/0f6e7d8c-1234-4abc-9def-0123456789ab";

    /** REGIONAL with AWS_IAM authorization, admitting two partner accounts, behind a custom domain. */
    static Synthesized partnerFacing() {
        return CACHE.computeIfAbsent("partner-facing", name -> synth(name, Map.of(
                "authMode", "aws-iam",
                "partnerAccounts", "111122223333, 444455556666",
                "domainName", DOMAIN_NAME,
                "certificateArn", CERTIFICATE_ARN)));
    }

    /** PRIVATE with AWS_IAM authorization, admitting a partner account through the VPC endpoint too. */
    static Synthesized privateWithPartner() {
        return CACHE.computeIfAbsent("private-partner", name -> synth(name, Map.of(
                "authMode", "aws-iam",
                "endpointType", "PRIVATE",
                "vpcEndpointId", VPC_ENDPOINT_ID,
                "partnerAccounts", "111122223333")));
    }

    /** A deployment into an account and region that has no API Gateway CloudWatch Logs role yet. */
    static Synthesized withAccountLogsRole() {
        return CACHE.computeIfAbsent("account-logs-role", name -> synth(name, Map.of("apiGatewayCloudWatchRole", "true")));
    }

    /** The first of the two deploys that upgrade a table made without indexes: the account index alone. */
    static Synthesized accountIndexOnly() {
        return CACHE.computeIfAbsent("account-index-only", name -> synth(name, Map.of("accountIndexOnly", "true")));
    }

    /** What infra.mk synthesizes for SAM: DYNAMODB_ENDPOINT declared so --env-vars can set it. */
    static Synthesized samLocal() {
        return CACHE.computeIfAbsent("sam-local", name -> synth(name, Map.of("samLocal", "true")));
    }

    static final String CONSOLE_FIXTURE = "infra/src/test/resources/console-fixture";

    private static Synthesized synth(String name, Map<String, Object> settings) {
        Path outdir = Path.of("target", "cdk-test", name).toAbsolutePath();
        Map<String, Object> context = new HashMap<>(settings);
        // As the CDK CLI asks for it: lets the tests see which file was staged as the function's code.
        context.put("aws:cdk:enable-asset-metadata", true);
        // A stand-in for console/dist, which `make console` builds: the tests need its place, not its content.
        context.putIfAbsent("consoleDir", CONSOLE_FIXTURE);
        App app = App.Builder.create().outdir(outdir.toString()).context(context).build();
        PartnerRegistryStack stack = PartnerRegistryApp.build(app);
        Template template = Template.fromStack(stack);
        return new Synthesized(name, stack, template, Annotations.fromStack(stack), outdir);
    }

    @SuppressWarnings("unchecked")
    Map<String, Map<String, Object>> resources(String type) {
        Map<String, Map<String, Object>> found = new LinkedHashMap<>();
        ((Map<String, Object>) template.toJSON().get("Resources")).forEach((id, resource) -> {
            Map<String, Object> r = (Map<String, Object>) resource;
            if (type.equals(r.get("Type"))) {
                found.put(id, r);
            }
        });
        return found;
    }

    /** The one resource of a type, failing when there are none or several. */
    Map.Entry<String, Map<String, Object>> only(String type) {
        Map<String, Map<String, Object>> found = resources(type);
        if (found.size() != 1) {
            throw new AssertionError("expected one " + type + ", found " + found.keySet());
        }
        return found.entrySet().iterator().next();
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> properties(Map<String, Object> resource) {
        return (Map<String, Object>) resource.get("Properties");
    }

    /** The template's logical id of a construct's CloudFormation resource (an L2's default child). */
    String logicalId(IConstruct construct) {
        IConstruct resource = construct instanceof CfnElement ? construct : construct.getNode().getDefaultChild();
        return stack.getLogicalId((CfnElement) resource);
    }

    /** A resource of the template by its logical id. */
    @SuppressWarnings("unchecked")
    Map<String, Object> resource(String logicalId) {
        Map<String, Object> resource = (Map<String, Object>) ((Map<String, Object>) template.toJSON().get("Resources")).get(logicalId);
        if (resource == null) {
            throw new AssertionError("no resource " + logicalId);
        }
        return resource;
    }

    /** The API's function, the one the {@code live} alias points at. */
    String functionId() {
        return logicalId(stack.function().function());
    }

    /** The expiry sweep's function; there is none in the first deploy of an index upgrade. */
    String sweepFunctionId() {
        if (stack.sweep() == null) {
            throw new AssertionError(name + " has no expiry sweep");
        }
        return logicalId(stack.sweep().function());
    }

    /** The forwarder: the function the delivery queue's event source mapping feeds. */
    String forwarderFunctionId() {
        return logicalId(stack.delivery().function());
    }

    /** The function's environment variables as the template writes them (values may be intrinsics). */
    Map<String, Object> functionEnvironment() {
        return environment(functionId());
    }

    Map<String, Object> sweepEnvironment() {
        return environment(sweepFunctionId());
    }

    Map<String, Object> forwarderEnvironment() {
        return environment(forwarderFunctionId());
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> environment(String functionId) {
        Map<String, Object> environment = (Map<String, Object>) properties(resource(functionId)).get("Environment");
        return (Map<String, Object>) environment.get("Variables");
    }

    /** The logical id of the role a function runs as. */
    String roleOf(String functionId) {
        return ((List<?>) ((Map<?, ?>) properties(resource(functionId)).get("Role")).get("Fn::GetAtt")).get(0).toString();
    }

    /** The statements of the one IAM policy attached to the function's role. */
    List<Map<String, Object>> functionRoleStatements() {
        return roleStatements(roleOf(functionId()));
    }

    /** The statements of the one IAM policy attached to the sweep's role. */
    List<Map<String, Object>> sweepRoleStatements() {
        return roleStatements(roleOf(sweepFunctionId()));
    }

    /** The statements of the one IAM policy attached to the forwarder's role. */
    List<Map<String, Object>> forwarderRoleStatements() {
        return roleStatements(roleOf(forwarderFunctionId()));
    }

    /** The statements of the one IAM policy attached to a role. */
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> roleStatements(String roleId) {
        List<Map<String, Object>> policies = resources("AWS::IAM::Policy").values().stream()
                .map(Synthesized::properties)
                .filter(p -> p.get("Roles").equals(List.of(Map.of("Ref", roleId))))
                .toList();
        if (policies.size() != 1) {
            throw new AssertionError("expected one policy on " + roleId + ", found " + policies.size());
        }
        return (List<Map<String, Object>>) ((Map<String, Object>) policies.get(0).get("PolicyDocument")).get("Statement");
    }

    /** The statement with this Sid in the function role's policy, or null. */
    Map<String, Object> functionRoleStatement(String sid) {
        return functionRoleStatements().stream().filter(s -> sid.equals(s.get("Sid"))).findFirst().orElse(null);
    }

    /** The statement with this Sid in the forwarder role's policy, or null. */
    Map<String, Object> forwarderRoleStatement(String sid) {
        return forwarderRoleStatements().stream().filter(s -> sid.equals(s.get("Sid"))).findFirst().orElse(null);
    }

    /** The statement with this Sid in the sweep role's policy, or null. */
    Map<String, Object> sweepRoleStatement(String sid) {
        return sweepRoleStatements().stream().filter(s -> sid.equals(s.get("Sid"))).findFirst().orElse(null);
    }

    /** The properties of the one alarm whose description starts so. */
    Map<String, Object> alarm(String descriptionStart) {
        List<Map<String, Object>> found = resources("AWS::CloudWatch::Alarm").values().stream()
                .map(Synthesized::properties)
                .filter(p -> String.valueOf(p.get("AlarmDescription")).startsWith(descriptionStart))
                .toList();
        if (found.size() != 1) {
            throw new AssertionError("expected one alarm starting " + descriptionStart + ", found " + found.size());
        }
        return found.get(0);
    }

    /** An alarm's properties but its description and actions, for an exact comparison. */
    static Map<String, Object> alarmFields(Map<String, Object> alarm) {
        Map<String, Object> fields = new HashMap<>(alarm);
        fields.keySet().removeAll(List.of("AlarmDescription", "AlarmActions", "OKActions"));
        return fields;
    }

    /** The properties of the dashboard widget with this title, references written as ${logicalId}. */
    @SuppressWarnings("unchecked")
    Map<?, ?> widget(String title) {
        Object body = properties(only("AWS::CloudWatch::Dashboard").getValue()).get("DashboardBody");
        List<Object> join = (List<Object>) ((Map<String, Object>) body).get("Fn::Join");
        StringBuilder json = new StringBuilder();
        for (Object part : (List<Object>) join.get(1)) {
            json.append(part instanceof String text ? text : reference((Map<String, Object>) part));
        }
        try {
            Map<String, Object> dashboard = new ObjectMapper().readValue(json.toString(), Map.class);
            return ((List<Map<String, Object>>) dashboard.get("widgets")).stream()
                    .map(w -> (Map<?, ?>) w.get("properties"))
                    .filter(p -> title.equals(p.get("title")))
                    .findFirst().orElseThrow(() -> new AssertionError("no widget " + title));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A Ref as ${logicalId}, a GetAtt as ${logicalId.Attribute}. */
    private static String reference(Map<String, Object> intrinsic) {
        if (intrinsic.containsKey("Ref")) {
            return "${" + intrinsic.get("Ref") + "}";
        }
        List<?> getAtt = (List<?>) intrinsic.get("Fn::GetAtt");
        return "${" + getAtt.get(0) + "." + getAtt.get(1) + "}";
    }

    /** Writes the template as JSON under target/, for tools that read files (cfn-lint). */
    Path writeTemplate(Path dir) {
        try {
            Files.createDirectories(dir);
            Path file = dir.resolve(name + ".template.json");
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), template.toJSON());
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
