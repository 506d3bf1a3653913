package dev.partnerregistry.wire;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The real AWS CLI ({@code aws} on PATH), run with only the credentials given: no profile, config
 * or metadata lookups, no pager, and the retry settings the caller chooses. Without the CLI the
 * tests that use it fail: they are the proof that the CLI works unchanged.
 */
final class AwsCli {

    private static final Pattern VERSION = Pattern.compile("aws-cli/(\\d+)\\.");

    record Result(int exitCode, String stdout, String stderr) {
    }

    private final Path aws;
    private final Path home;
    /** The CLI's exit code for a service error: 255 for v1, 254 for v2. */
    final int serviceErrorExitCode;

    AwsCli(Path home) throws Exception {
        this.aws = findOnPath("aws");
        this.home = home;
        Result version = run(List.of("--version"), "unused", "unused", 1);
        Matcher major = VERSION.matcher(version.stdout() + version.stderr());
        assertTrue(major.find(), "`aws --version` names the CLI version: " + version);
        this.serviceErrorExitCode = major.group(1).equals("1") ? 255 : 254;
    }

    /** @param maxAttempts the CLI's standard retry mode's attempts (1: no retry) */
    Result run(List<String> args, String accessKeyId, String secretAccessKey, int maxAttempts) throws Exception {
        return run(args, accessKeyId, secretAccessKey, maxAttempts, Map.of());
    }

    /** @param extraEnv more of the CLI's environment, e.g. AWS_SESSION_TOKEN */
    Result run(List<String> args, String accessKeyId, String secretAccessKey, int maxAttempts, Map<String, String> extraEnv) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(aws.toString());
        command.addAll(args);
        ProcessBuilder process = new ProcessBuilder(command);
        Map<String, String> env = process.environment();
        env.keySet().removeIf(name -> name.startsWith("AWS_"));
        Path config = Files.writeString(home.resolve("config"), "");
        Path credentials = Files.writeString(home.resolve("credentials"), "");
        env.put("AWS_ACCESS_KEY_ID", accessKeyId);
        env.put("AWS_SECRET_ACCESS_KEY", secretAccessKey);
        env.put("AWS_DEFAULT_REGION", WireFixture.REGION);
        env.put("AWS_CONFIG_FILE", config.toString());
        env.put("AWS_SHARED_CREDENTIALS_FILE", credentials.toString());
        env.put("AWS_PAGER", "");
        env.put("AWS_RETRY_MODE", "standard");
        env.put("AWS_MAX_ATTEMPTS", Integer.toString(maxAttempts));
        env.put("AWS_EC2_METADATA_DISABLED", "true");
        env.putAll(extraEnv);
        Path stdout = Files.createTempFile(home, "stdout", ".txt");
        Path stderr = Files.createTempFile(home, "stderr", ".txt");
        Process cli = process.redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
        if (!cli.waitFor(90, TimeUnit.SECONDS)) {
            cli.destroyForcibly();
            fail("`aws " + String.join(" ", args) + "` did not finish within 90 s");
        }
        return new Result(cli.exitValue(), Files.readString(stdout, StandardCharsets.UTF_8), Files.readString(stderr, StandardCharsets.UTF_8));
    }

    private static Path findOnPath(String program) throws IOException {
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(File.pathSeparator)) {
                Path candidate = Path.of(dir.isEmpty() ? "." : dir, program);
                if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                    return candidate;
                }
            }
        }
        fail("The AWS CLI (`" + program + "`) is not on PATH. These tests prove the real CLI works against the local endpoint; "
                + "install it (`pip install awscli`, or AWS CLI v2) and run again.");
        throw new IOException("unreachable");
    }
}
