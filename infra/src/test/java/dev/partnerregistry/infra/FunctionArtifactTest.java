package dev.partnerregistry.infra;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;

/**
 * The template deploys the real function: its Handler names a class inside
 * function/target/partner-registry-function.jar (the reactor packages the function module
 * before these tests, through infra's test-scoped dependency on it), and the file staged as
 * the Lambda code asset is that jar, byte for byte.
 */
class FunctionArtifactTest {

    private final Synthesized synth = Synthesized.regional();
    private final Path jar = FunctionArtifact.repoRoot().resolve("function/target/partner-registry-function.jar");

    @Test
    void handlerNamesAClassInTheBuiltJar() throws Exception {
        Map<String, Object> function = Synthesized.properties(synth.only("AWS::Lambda::Function").getValue());
        String handler = (String) function.get("Handler");
        assertEquals("dev.partnerregistry.api.PartnerRegistryHandler::handleRequest", handler);
        String className = handler.substring(0, handler.indexOf("::"));
        assertTrue(Files.isRegularFile(jar), jar + " must exist: run the build from the root (mvn -B verify)");
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            assertNotNull(zip.getEntry(className.replace('.', '/') + ".class"), className + " in " + jar);
            // Shaded: the Lambda runtime interfaces and the DynamoDB client travel inside the jar.
            assertNotNull(zip.getEntry("com/amazonaws/services/lambda/runtime/RequestHandler.class"));
            assertNotNull(zip.getEntry("software/amazon/awssdk/services/dynamodb/DynamoDbClient.class"));
        }
    }

    @Test
    void theLambdaJarHoldsOnlyWhatRunsInLambda() throws Exception {
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            List<String> strays = zip.stream().map(ZipEntry::getName)
                    .filter(name -> name.startsWith("dev/partnerregistry/local/") || name.startsWith("dev/partnerregistry/admin/")
                            || name.startsWith("dev/partnerregistry/testing/") || name.endsWith("moto_engine.py")
                            || name.startsWith("software/amazon/awssdk/enhanced/") || name.startsWith("org/junit/")
                            || name.startsWith("org/testcontainers/") || name.startsWith("software/amazon/awssdk/http/apache")
                            || name.startsWith("software/amazon/awssdk/http/nio/netty"))
                    .toList();
            assertEquals(List.of(), strays, "local runtime, operator, test or unused client classes in the Lambda jar");
        }
    }

    @Test
    void stagedCodeAssetIsTheBuiltJar() throws Exception {
        Map<String, Object> resource = synth.only("AWS::Lambda::Function").getValue();
        Map<?, ?> metadata = (Map<?, ?>) resource.get("Metadata");
        assertEquals("Code", metadata.get("aws:asset:property"));
        Path staged = synth.outdir().resolve((String) metadata.get("aws:asset:path"));
        assertTrue(staged.toString().endsWith(".jar"), staged.toString());
        assertArrayEquals(sha256(jar), sha256(staged), "the asset is " + jar);
    }

    @Test
    void repoRootIsFoundFromTheInfraModuleAndFromTheRoot() {
        Path root = FunctionArtifact.repoRoot();
        assertTrue(Files.isRegularFile(root.resolve("function/pom.xml")));
        assertEquals(root, FunctionArtifact.repoRoot(root.resolve("infra/src/main")));
        assertEquals(root.resolve(FunctionArtifact.RELATIVE_PATH), FunctionArtifact.jar(null));
    }

    private static byte[] sha256(Path file) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file));
    }
}
