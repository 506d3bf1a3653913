package dev.partnerregistry.infra;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the function's shaded jar is: {@value #RELATIVE_PATH} under the repository root, found
 * from whatever directory the app runs in (the repo root for {@code npx aws-cdk synth},
 * {@code infra/} for Maven's tests). The {@code functionJar} context key or the
 * {@code partnerregistry.functionJar} system property names another jar.
 */
public final class FunctionArtifact {

    public static final String RELATIVE_PATH = "function/target/partner-registry-function.jar";
    public static final String HANDLER = "dev.partnerregistry.api.PartnerRegistryHandler::handleRequest";

    private FunctionArtifact() {
    }

    /** The repository root: the nearest directory, from {@code start} up, holding function/ and infra/ poms. */
    public static Path repoRoot(Path start) {
        String configured = System.getProperty("project.root");
        if (configured != null && isRoot(Path.of(configured))) {
            return Path.of(configured).toAbsolutePath().normalize();
        }
        for (Path dir = start.toAbsolutePath().normalize(); dir != null; dir = dir.getParent()) {
            if (isRoot(dir)) {
                return dir;
            }
        }
        throw new IllegalStateException("No Partner Registry repository (function/pom.xml and infra/pom.xml) at or above " + start);
    }

    public static Path repoRoot() {
        return repoRoot(Path.of(System.getProperty("user.dir")));
    }

    /** The jar to deploy; it must exist, since synth hashes and stages it. */
    public static Path jar(String override) {
        String chosen = override != null ? override : System.getProperty("partnerregistry.functionJar");
        Path jar = chosen != null ? repoRoot().resolve(chosen) : repoRoot().resolve(RELATIVE_PATH);
        jar = jar.toAbsolutePath().normalize();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("The function jar " + jar + " does not exist: run `mvn -B package` "
                    + "(or `mvn -B -pl function -am package -DskipTests`) from the repository root first");
        }
        return jar;
    }

    private static boolean isRoot(Path dir) {
        return Files.isRegularFile(dir.resolve("function/pom.xml")) && Files.isRegularFile(dir.resolve("infra/pom.xml"));
    }
}
