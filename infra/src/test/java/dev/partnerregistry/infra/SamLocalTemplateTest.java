package dev.partnerregistry.infra;

import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;

/**
 * SAM's --env-vars only overrides variables the template declares, so the SAM flavour declares
 * DYNAMODB_ENDPOINT (blank, which the function reads as unset); the deployed flavour must not.
 */
class SamLocalTemplateTest {

    @Test
    void samFlavourDeclaresTheEndpointVariableBlank() {
        Synthesized.samLocal().template().hasResourceProperties("AWS::Lambda::Function", Map.of(
                "Environment", Map.of("Variables", Match.objectLike(Map.of(
                        "DYNAMODB_ENDPOINT", "",
                        "TABLE_NAME", Match.anyValue(),
                        "PARTNER_SOURCE_LIMIT", "100")))));
    }

    @Test
    void samFlavourRunsOnX86SoThatSamAndLocalStackNeedNoArmEmulation() {
        Synthesized.samLocal().template().hasResourceProperties("AWS::Lambda::Function", Map.of("Architectures", List.of("x86_64")));
        Synthesized.regional().template().hasResourceProperties("AWS::Lambda::Function", Map.of("Architectures", List.of("arm64")));
    }

    @Test
    void deployedFlavourLeavesItUnset() {
        Map<String, Object> function = Synthesized.properties(Synthesized.regional().only("AWS::Lambda::Function").getValue());
        assertFalse(String.valueOf(function.get("Environment")).contains("DYNAMODB_ENDPOINT"));
    }
}
