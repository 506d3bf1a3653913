package dev.partnerregistry.infra;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Fn;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.constructs.Construct;

/**
 * The whole registry in one stack, one construct per concern: the table, the KMS key of
 * registry-issued access keys (with {@link AuthMode#REGISTRY_KEYS} only), the function (with
 * its alias, role and log group), the delivery of partner events (queue, dead-letter queue, forwarder), the API, the expiry sweep (with its schedule; not in the first
 * deploy of an index upgrade, {@link StackSettings#accountIndexOnly()}), the alarms and the dashboard. The stack is environment-agnostic:
 * synth needs no credentials, and the account and region come from the deploying profile.
 */
public final class PartnerRegistryStack extends Stack {

    public static final String DEFAULT_ID = "PartnerRegistryStack";
    /** The operator command as the README and docs/deploy.md run it, from the repository root. */
    public static final String ADMIN_COMMAND = "java -cp admin/target/partner-registry-admin.jar dev.partnerregistry.admin.AdminCommand";

    private final PartnerSourceTable table;
    private final AccessKeyEncryption accessKeyEncryption;
    private final EventDelivery delivery;
    private final RegistryFunction function;
    private final RegistryApi api;
    private final ExpirySweep sweep;
    private final RegistryAlarms alarms;
    private final RegistryDashboard dashboard;
    private final RegistryConsole console;

    public PartnerRegistryStack(Construct scope, String id, Props props) {
        super(scope, id, StackProps.builder()
                .description("Partner Registry: EventBridge partner event source API on API Gateway, Lambda and DynamoDB")
                .build());
        StackSettings settings = props.settings();

        this.table = new PartnerSourceTable(this, "PartnerSources", PartnerSourceTable.Props.builder()
                .accountIndexOnly(settings.accountIndexOnly())
                .build());
        // Only where the function verifies signatures itself: with aws-iam there are no secrets to keep.
        this.accessKeyEncryption = settings.authMode() == AuthMode.REGISTRY_KEYS
                ? new AccessKeyEncryption(this, "AccessKeyEncryption")
                : null;
        // Before the function, which is told the queue and may send to it.
        this.delivery = new EventDelivery(this, "EventDelivery", EventDelivery.Props.builder()
                .tableName(table.table().getTableName())
                .jar(props.functionJar())
                .maxConcurrency(settings.deliveryMaxConcurrency())
                .logRetention(settings.logRetention())
                .declareLocalEndpoint(settings.samLocal())
                .build());

        this.function = new RegistryFunction(this, "Function", RegistryFunction.Props.builder()
                .table(table.table())
                .jar(props.functionJar())
                .partnerSourceLimit(settings.partnerSourceLimit())
                .memorySize(settings.memorySize())
                .logRetention(settings.logRetention())
                .declareLocalEndpoint(settings.samLocal())
                .authMode(settings.authMode())
                .accessKeyEncryption(accessKeyEncryption)
                .accessKeyCacheSeconds(settings.accessKeyCacheSeconds())
                .sourceExpirationDays(settings.sourceExpirationDays())
                .eventQueue(delivery.queue())
                .build());

        this.api = new RegistryApi(this, "Api", RegistryApi.Props.builder()
                .handler(function.alias())
                .stageName(settings.stageName())
                .throttlingRateLimit(settings.throttlingRateLimit())
                .throttlingBurstLimit(settings.throttlingBurstLimit())
                .endpointType(settings.endpointType())
                .vpcEndpointId(settings.vpcEndpointId())
                .logRetention(settings.logRetention())
                .manageCloudWatchRole(settings.apiGatewayCloudWatchRole())
                .authMode(settings.authMode())
                .partnerAccounts(settings.partnerAccounts())
                .customDomain(settings.domainName(), settings.certificateArn())
                .build());

        // The web console, whose origin the API and the function admit by CORS, and nothing else.
        if (props.consoleDir() != null && settings.consoleEnabled()) {
            this.console = new RegistryConsole(this, "Console", new RegistryConsole.Props(props.consoleDir(),
                    settings.domainName() != null ? "https://" + settings.domainName() + "/" : api.api().getUrl(),
                    settings.domainName() != null ? "https://" + settings.domainName()
                            : Fn.join("", List.of("https://*.execute-api.", getRegion(), ".", getUrlSuffix()))));
            api.admitConsole(console.origin());
            function.function().addEnvironment(RegistryConsole.ORIGIN_VARIABLE, console.origin());
        } else {
            this.console = null;
        }

        // The sweep queries the expiry index: where the table has none yet, there is nothing to run.
        this.sweep = table.hasExpiryIndex()
                ? new ExpirySweep(this, "ExpirySweep", ExpirySweep.Props.builder()
                        .table(table.table())
                        .jar(props.functionJar())
                        .intervalMinutes(settings.sweepIntervalMinutes())
                        .logRetention(settings.logRetention())
                        .declareLocalEndpoint(settings.samLocal())
                        .build())
                : null;

        this.alarms = new RegistryAlarms(this, "Alarms", RegistryAlarms.Props.builder()
                .function(function.function())
                .stage(api.api().getDeploymentStage())
                .table(table.table())
                .alarmTopicArn(settings.alarmTopicArn())
                .sweep(sweep)
                .delivery(delivery)
                .build());

        this.dashboard = new RegistryDashboard(this, "Dashboard", RegistryDashboard.Props.builder()
                .function(function.function())
                .logGroup(function.logGroup())
                .sweep(sweep)
                .delivery(delivery)
                .build());

        CfnOutput.Builder.create(this, "ApiEndpoint")
                .description(settings.authMode() == AuthMode.REGISTRY_KEYS
                        ? "--endpoint-url for the AWS CLI, endpointOverride for the SDKs: the stage URL, signed for events with registry-issued keys"
                        : "endpointOverride for the SDKs: the stage URL, signed for execute-api")
                .value(api.api().getUrl())
                .build();
        CfnOutput.Builder.create(this, "ApiId").value(api.api().getRestApiId()).build();
        if (api.domainName() != null) {
            CfnOutput.Builder.create(this, "CustomDomainEndpoint")
                    .description("endpointOverride for partners: stable across redeploys")
                    .value("https://" + settings.domainName() + "/")
                    .build();
            CfnOutput.Builder.create(this, "CustomDomainTarget")
                    .description("point a CNAME (or Route 53 alias) for the custom domain here")
                    .value(api.domainName().getDomainNameAliasDomainName())
                    .build();
        }
        CfnOutput.Builder.create(this, "TableName").value(table.table().getTableName()).build();
        if (accessKeyEncryption != null) {
            String keyArn = accessKeyEncryption.key().getKeyArn();
            CfnOutput.Builder.create(this, "AccessKeysKmsKeyArn")
                    .description("ACCESS_KEYS_KMS_KEY_ARN for the operator command: issue-key encrypts new secrets under this key")
                    .value(keyArn)
                    .build();
            // Ready to paste but for the principal, which must be replaced: left as <principal ARN>,
            // an unedited paste fails in the shell (a redirect from a missing file) instead of
            // issuing a key to a placeholder.
            CfnOutput.Builder.create(this, "IssueFirstKeyCommand")
                    .description("From the repository root, with the operator's AWS credentials, once the principal is registered "
                            + "for its partner (register-partner) or granted its account (register-customer): issues its access key "
                            + "(printed once)")
                    .value(Fn.join("", List.of(
                            "TABLE_NAME=", table.table().getTableName(),
                            " ACCESS_KEYS_KMS_KEY_ARN=", keyArn,
                            " AWS_REGION=", getRegion(),
                            " " + ADMIN_COMMAND + " issue-key --principal <principal ARN>")))
                    .build();
        }
        CfnOutput.Builder.create(this, "FunctionName").value(function.function().getFunctionName()).build();
        CfnOutput.Builder.create(this, "FunctionAliasArn").value(function.alias().getFunctionArn()).build();
        CfnOutput.Builder.create(this, "DeliveryQueueUrl")
                .description("The queue accepted partner events wait on for the forwarder")
                .value(delivery.queue().getQueueUrl())
                .build();
        CfnOutput.Builder.create(this, "DeadLetterQueueUrl")
                .description("Partner events the forwarder gave up on, each with its reason (admin dead-letters); "
                        + "redrive-dead-letters sends them back once the cause is fixed (docs/deploy.md)")
                .value(delivery.deadLetterQueue().getQueueUrl())
                .build();
        CfnOutput.Builder.create(this, "EventForwarderFunctionName")
                .description("The forwarder, whose log group has each batch's failure codes")
                .value(delivery.function().getFunctionName())
                .build();
        // The forwarder's role calls PutEvents as this account: what a customer's bus policy admits (README, docs/deploy.md).
        CfnOutput.Builder.create(this, "CustomerBusPolicyPrincipal")
                .description("The Principal a customer's bus policy names to let the registry deliver its partners' events")
                .value(Fn.join("", List.of("arn:", getPartition(), ":iam::", getAccount(), ":root")))
                .build();
        if (console != null) {
            CfnOutput.Builder.create(this, "ConsoleUrl")
                    .description("The web console: partners and customers sign in with their registry keys")
                    .value(Fn.join("", List.of(console.origin(), "/")))
                    .build();
        }
        if (sweep != null) {
            CfnOutput.Builder.create(this, "ExpirySweepFunctionName")
                    .description("The expiry sweep's function, to run it now or read its logs (docs/deploy.md, \"The expiry sweep\")")
                    .value(sweep.function().getFunctionName())
                    .build();
        }
    }

    public PartnerSourceTable table() {
        return table;
    }

    /** The KMS key of access-key secrets, or null with {@link AuthMode#AWS_IAM}. */
    public AccessKeyEncryption accessKeyEncryption() {
        return accessKeyEncryption;
    }

    public RegistryFunction function() {
        return function;
    }

    /** The delivery queue, its dead-letter queue and the forwarder. */
    public EventDelivery delivery() {
        return delivery;
    }

    public RegistryApi api() {
        return api;
    }

    /** The expiry sweep, or null in the first deploy of an index upgrade ({@link StackSettings#accountIndexOnly()}). */
    public ExpirySweep sweep() {
        return sweep;
    }

    public RegistryAlarms alarms() {
        return alarms;
    }

    public RegistryDashboard dashboard() {
        return dashboard;
    }

    /** The web console, or null where {@link StackSettings#consoleEnabled()} is false or no console was built. */
    public RegistryConsole console() {
        return console;
    }

    /**
     * @param settings    deployment choices (see {@link StackSettings})
     * @param functionJar the function's shaded jar, staged as the Lambda code asset
     * @param consoleDir  the built web console (console/dist), staged into its bucket; needed when the settings enable it
     */
    public record Props(StackSettings settings, Path functionJar, Path consoleDir) {

        public Props {
            Objects.requireNonNull(settings, "settings");
            Objects.requireNonNull(functionJar, "functionJar");
            if (settings.consoleEnabled() && consoleDir == null) {
                throw new IllegalArgumentException("the console is enabled but no consoleDir was given (or set console=false)");
            }
        }

        public static Builder builder() {
            return new Builder();
        }

        public static final class Builder {
            private StackSettings settings = StackSettings.defaults();
            private Path functionJar;
            private Path consoleDir;

            public Builder settings(StackSettings v) { this.settings = v; return this; }
            public Builder functionJar(Path v) { this.functionJar = v; return this; }
            public Builder consoleDir(Path v) { this.consoleDir = v; return this; }

            public Props build() {
                return new Props(settings, functionJar, consoleDir);
            }
        }
    }
}
