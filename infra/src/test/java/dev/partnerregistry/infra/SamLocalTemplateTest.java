package dev.partnerregistry.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;

/**
 * SAM's --env-vars only overrides variables the template declares, so the SAM flavour declares
 * DYNAMODB_ENDPOINT (blank, which the function reads as unset); the deployed flavour must not.
 * The env files in infra/sam run the function in aws-iam mode: the events in events/ carry the
 * caller API Gateway's AWS_IAM authorization would have verified, and no signature a
 * registry-keys function could check. The sweep and the forwarder declare DYNAMODB_ENDPOINT too.
 */
class SamLocalTemplateTest {

    private static final List<String> ENV_FILES = List.of("infra/sam/env-localstack.json", "infra/sam/env-dynamodb-local.json");

    @Test
    void samFlavourDeclaresTheEndpointVariableBlank() {
        Synthesized.samLocal().template().hasResourceProperties("AWS::Lambda::Function", Map.of(
                "Environment", Map.of("Variables", Match.objectLike(Map.of(
                        "DYNAMODB_ENDPOINT", "",
                        "TABLE_NAME", Match.anyValue(),
                        "PARTNER_SOURCE_LIMIT", "100")))));
    }

    @Test
    void theSweepDeclaresTheEndpointVariableBlankTooSoTheSameEnvFilesPointItAtTheLocalTable() throws Exception {
        Map<String, Object> environment = Synthesized.samLocal().sweepEnvironment();
        assertEquals("", environment.get("DYNAMODB_ENDPOINT"));
        for (String file : ENV_FILES) {
            // SAM applies a file's variables to every function that declares them: the sweep gets these two.
            Set<String> applied = new java.util.TreeSet<>(parameters(file).keySet());
            applied.retainAll(environment.keySet());
            assertEquals(Set.of("DYNAMODB_ENDPOINT", "TABLE_NAME"), applied, file);
        }
    }

    @Test
    void theForwarderDeclaresTheEndpointVariableBlankTooSoTheEnvFilesPointItsPutEventsAtTheLocalEngine() throws Exception {
        // The forwarder's EventBridge endpoint falls back to DYNAMODB_ENDPOINT: LocalStack serves both on one port.
        Map<String, Object> environment = Synthesized.samLocal().forwarderEnvironment();
        assertEquals("", environment.get("DYNAMODB_ENDPOINT"));
        for (String file : ENV_FILES) {
            Set<String> applied = new java.util.TreeSet<>(parameters(file).keySet());
            applied.retainAll(environment.keySet());
            assertEquals(Set.of("DYNAMODB_ENDPOINT", "TABLE_NAME"), applied, file);
        }
    }

    @Test
    void theEnvFilesBlankTheQueueUrlWhoseRefMeansNothingToSam() throws Exception {
        assertTrue(Synthesized.samLocal().functionEnvironment().containsKey("EVENT_QUEUE_URL"), "declared, so a file may set it");
        for (String file : ENV_FILES) {
            // Read as unset: PutPartnerEvents then fails an ACTIVE source's entries with InternalFailure, as with no queue.
            assertEquals("", parameters(file).get("EVENT_QUEUE_URL"), file);
        }
    }

    @Test
    void samFlavourRunsOnX86SoThatSamAndLocalStackNeedNoArmEmulation() {
        for (Map<String, Object> function : Synthesized.samLocal().resources("AWS::Lambda::Function").values()) {
            assertEquals(List.of("x86_64"), Synthesized.properties(function).get("Architectures"));
        }
        for (Map<String, Object> function : Synthesized.regional().resources("AWS::Lambda::Function").values()) {
            // The registry's own functions; CDK's BucketDeployment (the console's, deployed only) picks its own.
            if (String.valueOf(Synthesized.properties(function).get("Handler")).startsWith("dev.partnerregistry.")) {
                assertEquals(List.of("arm64"), Synthesized.properties(function).get("Architectures"));
            }
        }
    }

    @Test
    void samFlavourDeclaresHowCallersAreAuthenticatedLikeTheDeployedOne() {
        Map<String, Object> environment = Synthesized.samLocal().functionEnvironment();
        assertEquals("registry-keys", environment.get("AUTH_MODE"));
        assertEquals("60", environment.get("ACCESS_KEY_CACHE_SECONDS"));
        assertTrue(environment.containsKey("ACCESS_KEYS_KMS_KEY_ARN"));
    }

    @Test
    void everyVariableTheEnvFilesSetIsOneTheSamTemplateDeclaresSoSamAppliesIt() throws Exception {
        Set<String> declared = Synthesized.samLocal().functionEnvironment().keySet();
        for (String file : ENV_FILES) {
            Set<String> set = parameters(file).keySet();
            assertTrue(declared.containsAll(set), file + " sets " + set + ", the template declares " + declared);
        }
    }

    @Test
    void theEnvFilesRunTheFunctionInAwsIamModeAsTheEventFilesAssume() throws Exception {
        for (String file : ENV_FILES) {
            Map<String, String> parameters = parameters(file);
            assertEquals("aws-iam", parameters.get("AUTH_MODE"), file);
            // Blank, read as unset: the template's GetAtt means nothing to SAM.
            assertEquals("", parameters.get("ACCESS_KEYS_KMS_KEY_ARN"), file);
        }
    }

    @Test
    void deployedFlavourLeavesItUnset() {
        for (Map<String, Object> function : Synthesized.regional().resources("AWS::Lambda::Function").values()) {
            assertFalse(String.valueOf(Synthesized.properties(function).get("Environment")).contains("DYNAMODB_ENDPOINT"));
        }
    }

    /** The Parameters of an --env-vars file: variables for every function. */
    private static Map<String, String> parameters(String file) throws Exception {
        Map<String, Map<String, String>> content = new ObjectMapper().readValue(
                FunctionArtifact.repoRoot().resolve(file).toFile(), new TypeReference<>() { });
        return content.get("Parameters");
    }
}
