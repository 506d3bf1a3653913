package dev.partnerregistry.infra;

import io.github.cdklabs.cdknag.AwsSolutionsChecks;
import io.github.cdklabs.cdknag.NagPackProps;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Aspects;

/**
 * The CDK app: {@code npx aws-cdk synth} from the repository root runs this (see cdk.json).
 * Settings come from context ({@code -c stageName=v2}, see {@link StackSettings}); the function
 * jar from {@code function/target} unless the {@code functionJar} context names another, the built web console
 * from {@code console/dist} unless the {@code consoleDir} context names another.
 * The cdk-nag AwsSolutions pack runs on every synth: an unsuppressed finding is an error
 * annotation, and the CLI fails the synth on it.
 */
public final class PartnerRegistryApp {

    private PartnerRegistryApp() {
    }

    public static void main(String[] args) {
        App app = new App();
        try {
            build(app);
        } catch (IllegalArgumentException | IllegalStateException e) {
            // A bad setting or a missing jar: say which, without a stack trace through jsii.
            System.err.println("PartnerRegistryApp: " + e.getMessage());
            System.exit(2);
        }
        app.synth();
    }

    /** The stack as the app makes it, for tests that want exactly what synth produces. */
    public static PartnerRegistryStack build(App app) {
        Object jarOverride = app.getNode().tryGetContext("functionJar");
        Object consoleOverride = app.getNode().tryGetContext("consoleDir");
        StackSettings settings = StackSettings.fromContext(app.getNode());
        PartnerRegistryStack stack = new PartnerRegistryStack(app, PartnerRegistryStack.DEFAULT_ID,
                PartnerRegistryStack.Props.builder()
                        .settings(settings)
                        .functionJar(FunctionArtifact.jar(jarOverride == null ? null : jarOverride.toString()))
                        .consoleDir(settings.consoleEnabled()
                                ? RegistryConsole.dir(consoleOverride == null ? null : consoleOverride.toString())
                                : null)
                        .build());
        Aspects.of(app).add(new AwsSolutionsChecks(NagPackProps.builder().verbose(true).build()));
        return stack;
    }
}
