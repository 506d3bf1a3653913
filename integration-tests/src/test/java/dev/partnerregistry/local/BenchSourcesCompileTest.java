package dev.partnerregistry.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The benchmarks the README's Performance section runs (bench/*.java, compiled by their scripts at run time, not by
 * the build) still compile against the code: a change of a constructor or a setting would otherwise be found only by
 * whoever next runs {@code make bench-warm} or {@code make soak}.
 */
class BenchSourcesCompileTest {

    @Test
    void everyBenchmarkCompilesAgainstTheRegistryAsItIs(@TempDir Path out) throws IOException {
        Path root = Path.of("..").toAbsolutePath().normalize();
        List<String> args = new ArrayList<>(List.of("--release", "17", "-nowarn", "-proc:none", "-d", out.toString(),
                "-cp", System.getProperty("java.class.path")));
        try (Stream<Path> bench = Files.list(root.resolve("bench"))) {
            bench.filter(file -> file.toString().endsWith(".java")).sorted().forEach(file -> args.add(file.toString()));
        }
        assertTrue(args.stream().anyMatch(arg -> arg.endsWith("WarmBench.java")), "the benchmarks are where the README says");
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        ByteArrayOutputStream errors = new ByteArrayOutputStream();

        int status = javac.run(null, errors, errors, args.toArray(String[]::new));

        assertEquals(0, status, errors.toString(StandardCharsets.UTF_8));
    }
}
