package dev.partnerregistry.infra;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
        Map<String, Object> function = Synthesized.properties(synth.resource(synth.functionId()));
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

    /**
     * What the function pom's shade filters leave out (the AWS event types no handler takes, the DynamoDB Streams
     * client, build metadata) is referred to by nothing left in: every class a class in the jar names from those
     * packages (its constant pool and descriptors spell the names out) is itself in the jar.
     */
    @Test
    void nothingInTheJarReferencesWhatTheShadeFiltersLeftOut() throws Exception {
        Pattern leftOut = Pattern.compile("(com/amazonaws/services/lambda/runtime/events/|software/amazon/awssdk/services/dynamodb/streams/)"
                + "[A-Za-z0-9_$/]+");
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            List<String> missing = new ArrayList<>();
            int classes = 0;
            for (ZipEntry entry : zip.stream().filter(e -> e.getName().endsWith(".class")).toList()) {
                classes++;
                String bytes = new String(zip.getInputStream(entry).readAllBytes(), StandardCharsets.ISO_8859_1);
                Matcher name = leftOut.matcher(bytes);
                while (name.find()) {
                    if (zip.getEntry(name.group() + ".class") == null && zip.getEntry(name.group() + "/") == null) {
                        missing.add(entry.getName() + " -> " + name.group());
                    }
                }
            }
            assertTrue(classes > 1000, "a shaded jar");
            assertEquals(List.of(), missing, "classes the jar refers to but left out");
            assertNull(zip.getEntry("com/amazonaws/services/lambda/runtime/events/KinesisEvent.class"), "unused event types left out");
            assertNull(zip.getEntry("software/amazon/awssdk/services/dynamodb/streams/DynamoDbStreamsClient.class"), "the Streams client left out");
            assertTrue(zip.stream().noneMatch(e -> e.getName().startsWith("META-INF/maven/")), "no build metadata");
        }
    }

    @Test
    void stagedCodeAssetIsTheBuiltJar() throws Exception {
        Path staged = stagedCode(synth.functionId());
        assertTrue(staged.toString().endsWith(".jar"), staged.toString());
        assertArrayEquals(sha256(jar), sha256(staged), "the asset is " + jar);
    }

    @Test
    void theSweepRunsFromTheSameStagedJar() {
        assertEquals(stagedCode(synth.functionId()), stagedCode(synth.sweepFunctionId()), "one asset, staged once");
        Map<String, Object> sweep = Synthesized.properties(synth.resource(synth.sweepFunctionId()));
        assertEquals(Synthesized.properties(synth.resource(synth.functionId())).get("Code"), sweep.get("Code"));
        assertEquals(ExpirySweep.HANDLER, sweep.get("Handler"));
    }

    /**
     * The sweep's handler is the function module's (written alongside this stack): until its class is
     * in the jar this reports as skipped, never as passed; from then on it must be a RequestHandler
     * the runtime can make with no arguments.
     */
    @Test
    void theSweepsHandlerIsARequestHandlerInTheBuiltJar() throws Exception {
        String className = ExpirySweep.HANDLER.substring(0, ExpirySweep.HANDLER.indexOf("::"));
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            org.junit.jupiter.api.Assumptions.assumeTrue(zip.getEntry(className.replace('.', '/') + ".class") != null,
                    className + " is not in " + jar + " yet");
        }
        Class<?> handler = Class.forName(className);
        assertTrue(com.amazonaws.services.lambda.runtime.RequestHandler.class.isAssignableFrom(handler), className);
        assertNotNull(handler.getConstructor(), className + " needs a public no-argument constructor");
        assertEquals("handleRequest", ExpirySweep.HANDLER.substring(ExpirySweep.HANDLER.indexOf("::") + 2));
    }

    @Test
    void theForwarderRunsFromTheSameStagedJar() {
        assertEquals(stagedCode(synth.functionId()), stagedCode(synth.forwarderFunctionId()), "one asset, staged once");
        Map<String, Object> forwarder = Synthesized.properties(synth.resource(synth.forwarderFunctionId()));
        assertEquals(Synthesized.properties(synth.resource(synth.functionId())).get("Code"), forwarder.get("Code"));
        assertEquals(EventDelivery.HANDLER, forwarder.get("Handler"));
    }

    /** The forwarder's handler: an SQS RequestHandler in the jar that the runtime can make with no arguments. */
    @Test
    void theForwardersHandlerIsARequestHandlerInTheBuiltJar() throws Exception {
        String className = EventDelivery.HANDLER.substring(0, EventDelivery.HANDLER.indexOf("::"));
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            assertNotNull(zip.getEntry(className.replace('.', '/') + ".class"), className + " in " + jar);
        }
        Class<?> handler = Class.forName(className);
        assertTrue(com.amazonaws.services.lambda.runtime.RequestHandler.class.isAssignableFrom(handler), className);
        assertNotNull(handler.getConstructor(), className + " needs a public no-argument constructor");
        assertEquals("handleRequest", EventDelivery.HANDLER.substring(EventDelivery.HANDLER.indexOf("::") + 2));
    }

    private Path stagedCode(String functionId) {
        Map<?, ?> metadata = (Map<?, ?>) synth.resource(functionId).get("Metadata");
        assertEquals("Code", metadata.get("aws:asset:property"));
        return synth.outdir().resolve((String) metadata.get("aws:asset:path"));
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
