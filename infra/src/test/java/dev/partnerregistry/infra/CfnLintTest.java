package dev.partnerregistry.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * cfn-lint (from PATH) on each synthesized template, written under target/cfn-lint. A missing
 * cfn-lint fails the build rather than skipping: a lint that silently did not run is no lint.
 *
 * <p>W3005 is ignored: the CDK's Lambda Function always adds an explicit DependsOn on its role
 * (so the role's policy exists before the function is created) next to the GetAtt of the role's
 * ARN, and cfn-lint reports the redundant half. Everything else, warnings included, fails.
 */
class CfnLintTest {

    static Stream<Synthesized> variants() {
        // samLocal is what `make localstack-deploy` deploys.
        return Stream.of(Synthesized.regional(), Synthesized.awsIam(), Synthesized.privateEndpoint(), Synthesized.partnerFacing(),
                Synthesized.privateWithPartner(), Synthesized.samLocal(), Synthesized.accountIndexOnly());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("variants")
    void templatePassesCfnLint(Synthesized synth) throws Exception {
        Path template = synth.writeTemplate(Path.of("target", "cfn-lint").toAbsolutePath());
        List<String> command = List.of("cfn-lint", "--format", "parseable", "--ignore-checks", "W3005",
                "--", template.toString());
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException notFound) {
            fail("cfn-lint is not on PATH (pip install cfn-lint); this test must run, not skip: " + notFound.getMessage());
            return;
        }
        // Drain the output before waiting, so a long report cannot fill the pipe and stall cfn-lint.
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(5, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            fail("cfn-lint did not finish within 5 minutes");
        }
        assertEquals(0, process.exitValue(), "cfn-lint " + template + " found:\n" + output);
    }
}
