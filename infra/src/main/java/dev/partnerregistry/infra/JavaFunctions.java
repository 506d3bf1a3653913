package dev.partnerregistry.infra;

import java.nio.file.Path;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.lambda.ApplicationLogLevel;
import software.amazon.awscdk.services.lambda.Architecture;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.lambda.LoggingFormat;
import software.amazon.awscdk.services.lambda.Runtime;
import software.amazon.awscdk.services.lambda.SystemLogLevel;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.constructs.Construct;

/**
 * What every function of the stack (the registry, the expiry sweep, the forwarder) is built with,
 * written once: its own retained log group, its own role that may write there and nothing else
 * until its construct adds statements, and the function's common settings. Each construct adds its
 * memory, timeout, environment and what is particular to it.
 */
final class JavaFunctions {

    private JavaFunctions() {
    }

    /** The function's log group ({@code LogGroup} in {@code scope}), kept with its logs when the stack goes. */
    static LogGroup logGroup(Construct scope, RetentionDays retention) {
        return LogGroup.Builder.create(scope, "LogGroup")
                .retention(retention)
                .removalPolicy(RemovalPolicy.RETAIN)
                .build();
    }

    /** The function's role ({@code Role} in {@code scope}): Lambda may assume it, it may write to {@code logGroup}. */
    static Role role(Construct scope, String description, LogGroup logGroup) {
        Role role = Role.Builder.create(scope, "Role")
                .assumedBy(new ServicePrincipal("lambda.amazonaws.com"))
                .description(description)
                .build();
        logGroup.grantWrite(role);
        return role;
    }

    /**
     * The function ({@code Handler} in {@code scope}) as far as all three share it: java21; arm64,
     * which is cheaper per GB-second, except where SAM or LocalStack run it on an x86 host
     * ({@code localFlavour}: the jar is architecture-neutral, their arm64 emulation needs QEMU); the
     * one jar (CDK stages the file once); JSON logs at INFO, because the EMF lines that carry the
     * metrics are INFO lines and a stricter level would drop them; its log group and role.
     */
    static Function.Builder handler(Construct scope, String description, String handler, Path jar, boolean localFlavour,
                                    LogGroup logGroup, Role role) {
        return Function.Builder.create(scope, "Handler")
                .description(description)
                .runtime(Runtime.JAVA_21)
                .architecture(localFlavour ? Architecture.X86_64 : Architecture.ARM_64)
                .handler(handler)
                .code(Code.fromAsset(jar.toString()))
                .loggingFormat(LoggingFormat.JSON)
                .applicationLogLevelV2(ApplicationLogLevel.INFO)
                .systemLogLevelV2(SystemLogLevel.INFO)
                .logGroup(logGroup)
                .role(role);
    }
}
