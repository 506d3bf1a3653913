package dev.partnerregistry.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/**
 * What {@code authMode=registry-keys} (the default) provisions: the KMS key that access-key
 * secrets are encrypted under, and a function that may decrypt them (only them) and note a
 * key's last use (only that).
 */
class RegistryKeysTest {

    private final Synthesized synth = Synthesized.regional();
    private final Template template = synth.template();

    // --- The KMS key ----------------------------------------------------------------------

    @Test
    void oneSymmetricKeyWithYearlyRotationEncryptsTheSecrets() {
        template.resourceCountIs("AWS::KMS::Key", 1);
        template.hasResourceProperties("AWS::KMS::Key", Map.of(
                "KeySpec", "SYMMETRIC_DEFAULT",
                "KeyUsage", "ENCRYPT_DECRYPT",
                "EnableKeyRotation", true));
    }

    @Test
    void theKeyOutlivesTheStackLikeTheTableWhoseSecretsItDecrypts() {
        template.hasResource("AWS::KMS::Key", Map.of(
                "DeletionPolicy", "Retain",
                "UpdateReplacePolicy", "Retain"));
        template.hasResource("AWS::DynamoDB::Table", Map.of("DeletionPolicy", "Retain"));
    }

    @Test
    void theKeyPolicyLeavesTheKeysUseToIamPolicies() {
        // The account may do anything with the key, so IAM policies (the function's role, the
        // operator's credentials) decide who uses it; no principal is granted anything here.
        template.hasResourceProperties("AWS::KMS::Key", Map.of(
                "KeyPolicy", Map.of("Statement", Match.exact(List.of(Map.of(
                        "Action", "kms:*",
                        "Effect", "Allow",
                        "Principal", Map.of("AWS", Map.of("Fn::Join", List.of("", List.of(
                                "arn:", Map.of("Ref", "AWS::Partition"), ":iam::", Map.of("Ref", "AWS::AccountId"), ":root")))),
                        "Resource", "*"))))));
    }

    // --- What the function may do with it -------------------------------------------------

    @Test
    void theFunctionMayDecryptOnlyUnderAnAccessKeyEncryptionContext() {
        String keyId = synth.only("AWS::KMS::Key").getKey();
        assertEquals(Map.of(
                "Sid", "DecryptAccessKeySecrets",
                "Effect", "Allow",
                "Action", "kms:Decrypt",
                "Resource", Map.of("Fn::GetAtt", List.of(keyId, "Arn")),
                "Condition", Map.of(
                        // every context key is accessKeyId ...
                        "ForAllValues:StringEquals", Map.of("kms:EncryptionContextKeys", List.of("accessKeyId")),
                        // ... and there is one: ForAllValues alone holds for a request without any
                        "Null", Map.of("kms:EncryptionContextKeys", "false"))),
                synth.functionRoleStatement("DecryptAccessKeySecrets"));
    }

    @Test
    void theFunctionMayNeverEncryptWithTheKey() {
        List<String> kmsActions = synth.functionRoleStatements().stream()
                .flatMap(s -> actions(s).stream())
                .filter(a -> a.startsWith("kms:"))
                .toList();
        assertEquals(List.of("kms:Decrypt"), kmsActions, "no Encrypt, ReEncrypt*, GenerateDataKey* or GenerateRandom");
        // No other role in the stack (the sweep's, its schedule's) may use the key at all.
        String functionRole = synth.roleOf(synth.functionId());
        synth.resources("AWS::IAM::Policy").values().stream()
                .map(Synthesized::properties)
                .filter(p -> !p.get("Roles").equals(List.of(Map.of("Ref", functionRole))))
                .forEach(p -> assertFalse(p.toString().contains("kms:"), "only the function's role uses the key: " + p));
    }

    @Test
    void theFunctionMayNoteAKeysLastUseAndWriteNothingElseOfIt() {
        String tableId = synth.only("AWS::DynamoDB::Table").getKey();
        assertEquals(Map.of(
                "Sid", "NoteAccessKeyUse",
                "Effect", "Allow",
                "Action", "dynamodb:UpdateItem",
                "Resource", Map.of("Fn::GetAtt", List.of(tableId, "Arn")),
                "Condition", Map.of(
                        "ForAllValues:StringLike", Map.of("dynamodb:LeadingKeys", List.of("ACCESSKEY#*")),
                        "ForAllValues:StringEquals", Map.of("dynamodb:Attributes", List.of("pk", "sk", "lastUsedAt")),
                        "StringEqualsIfExists", Map.of("dynamodb:ReturnValues", "NONE"),
                        "Null", Map.of("dynamodb:LeadingKeys", "false"))),
                synth.functionRoleStatement("NoteAccessKeyUse"));
    }

    @Test
    void readingAKeysItemNeedsNoNewPermission() {
        // GetItem on the table already covers ACCESSKEY# items; no statement names them for reading.
        Map<String, Object> read = synth.functionRoleStatement("ReadTheRegistry");
        assertNotNull(read);
        assertNull(read.get("Condition"), "the read statement reads any item");
        assertTrue(actions(read).contains("dynamodb:GetItem"));
    }

    // --- The API -------------------------------------------------------------------------

    @Test
    void theMethodHasNoAuthorizationBecauseTheFunctionVerifiesEverySignature() {
        template.hasResourceProperties("AWS::ApiGateway::Method", Map.of("AuthorizationType", "NONE"));
        template.resourceCountIs("AWS::ApiGateway::Authorizer", 0);
    }

    @Test
    void theUnauthorizedMethodsNagFindingsAreSuppressedOnTheMethodWithTheReason() {
        Map<String, String> reasons = nagReasons(synth.resource(synth.logicalId(synth.stack().api().method())));
        for (String rule : List.of("AwsSolutions-APIG4", "AwsSolutions-COG4")) {
            String reason = reasons.get(rule);
            assertNotNull(reason, rule + " is suppressed on the method: " + reasons.keySet());
            assertTrue(reason.contains("registry-issued"), reason);
            assertTrue(reason.contains("docs/deploy.md"), reason);
        }
        assertFalse(reasons.get("AwsSolutions-APIG3").contains("AWS_IAM"), "no reason claims API Gateway checks signatures");
    }

    @Test
    void theApiSaysWhatCallersSignFor() {
        template.hasResourceProperties("AWS::ApiGateway::RestApi", Map.of(
                "Description", Match.stringLikeRegexp(".*SigV4 for events with registry-issued keys.*")));
    }

    // --- What the function is told --------------------------------------------------------

    @Test
    void theFunctionIsToldTheModeTheKeyAndHowLongToTrustAKey() {
        String keyId = synth.only("AWS::KMS::Key").getKey();
        Map<String, Object> environment = synth.functionEnvironment();
        assertEquals("registry-keys", environment.get("AUTH_MODE"));
        assertEquals(Map.of("Fn::GetAtt", List.of(keyId, "Arn")), environment.get("ACCESS_KEYS_KMS_KEY_ARN"));
        assertEquals("60", environment.get("ACCESS_KEY_CACHE_SECONDS"));
        assertFalse(environment.containsKey("KMS_ENDPOINT"), "a local KMS only: never set by the stack");
    }

    @Test
    void theAccessKeyCacheSettingReachesTheFunction() {
        assertEquals(String.valueOf(Synthesized.ACCESS_KEY_CACHE_SECONDS),
                Synthesized.privateEndpoint().functionEnvironment().get("ACCESS_KEY_CACHE_SECONDS"));
    }

    /** cdk-nag's suppressions in a resource's metadata: rule id to reason. */
    @SuppressWarnings("unchecked")
    static Map<String, String> nagReasons(Map<String, Object> resource) {
        Map<String, Object> metadata = (Map<String, Object>) resource.get("Metadata");
        List<Map<String, Object>> rules = metadata == null || metadata.get("cdk_nag") == null ? List.of()
                : (List<Map<String, Object>>) ((Map<String, Object>) metadata.get("cdk_nag")).get("rules_to_suppress");
        Map<String, String> reasons = new java.util.TreeMap<>();
        rules.forEach(rule -> reasons.put((String) rule.get("id"), (String) rule.get("reason")));
        return reasons;
    }

    // --- What the operator is told --------------------------------------------------------

    @Test
    void theKeysArnIsAnOutputBesideTheTableName() {
        String keyId = synth.only("AWS::KMS::Key").getKey();
        template.hasOutput("AccessKeysKmsKeyArn", Map.of("Value", Map.of("Fn::GetAtt", List.of(keyId, "Arn"))));
        template.hasOutput("TableName", Map.of("Value", Map.of("Ref", synth.only("AWS::DynamoDB::Table").getKey())));
    }

    @Test
    void anOutputIsTheCommandThatIssuesAPartnersFirstKey() {
        String tableId = synth.only("AWS::DynamoDB::Table").getKey();
        String keyId = synth.only("AWS::KMS::Key").getKey();
        template.hasOutput("IssueFirstKeyCommand", Map.of("Value", Map.of("Fn::Join", List.of("", List.of(
                "TABLE_NAME=", Map.of("Ref", tableId),
                " ACCESS_KEYS_KMS_KEY_ARN=", Map.of("Fn::GetAtt", List.of(keyId, "Arn")),
                " AWS_REGION=", Map.of("Ref", "AWS::Region"),
                " java -cp admin/target/partner-registry-admin.jar dev.partnerregistry.admin.AdminCommand"
                        + " issue-key --principal <principal ARN>")))));
    }

    @Test
    void theIssueKeyCommandSetsTheVariablesTheOperatorCommandReadsAndRunsItsJar() throws Exception {
        // The variables, as the shell would see them once CloudFormation resolved the output.
        Map<String, String> environment = new java.util.HashMap<>();
        environment.put("TABLE_NAME", "PartnerRegistryStack-PartnerSourcesTable-1A2B3C");
        environment.put("ACCESS_KEYS_KMS_KEY_ARN", "arn:aws:kms:eu-west-1:123456789012:key/0f6e7d8c-1234-4abc-9def-0123456789ab");
        environment.put("AWS_REGION", "eu-west-1");
        String output = resolve(template.findOutputs("IssueFirstKeyCommand").get("IssueFirstKeyCommand").get("Value"), Map.of(
                synth.only("AWS::DynamoDB::Table").getKey(), environment.get("TABLE_NAME"),
                synth.only("AWS::KMS::Key").getKey(), environment.get("ACCESS_KEYS_KMS_KEY_ARN"),
                "AWS::Region", environment.get("AWS_REGION")));
        // The admin command reads its settings as the function does (RegistrySettings.fromEnvironment).
        Map<String, String> assigned = new java.util.LinkedHashMap<>();
        String rest = output;
        while (rest.matches("[A-Z_]+=\\S+ .*")) {
            int eq = rest.indexOf('='), space = rest.indexOf(' ');
            assigned.put(rest.substring(0, eq), rest.substring(eq + 1, space));
            rest = rest.substring(space + 1);
        }
        dev.partnerregistry.RegistrySettings settings = dev.partnerregistry.RegistrySettings.fromEnvironment(assigned);
        assertEquals(environment.get("TABLE_NAME"), settings.tableName());
        assertEquals(environment.get("AWS_REGION"), settings.region());
        assertEquals(environment.get("ACCESS_KEYS_KMS_KEY_ARN"), settings.accessKeys().kmsKeyArn());
        assertEquals(environment.keySet(), assigned.keySet(), output);
        // What follows runs the operator command's main class from the jar the build makes.
        assertEquals(PartnerRegistryStack.ADMIN_COMMAND + " issue-key --principal <principal ARN>", rest);
        assertTrue(PartnerRegistryStack.ADMIN_COMMAND.endsWith(" " + dev.partnerregistry.admin.AdminCommand.class.getName()));
        String jar = PartnerRegistryStack.ADMIN_COMMAND.split(" ")[2];
        assertTrue(java.nio.file.Files.isRegularFile(FunctionArtifact.repoRoot().resolve(jar)), jar + " is what the admin module builds");
    }

    /** An output value with Ref and Fn::GetAtt ... Arn replaced by the given values, Fn::Join applied. */
    @SuppressWarnings("unchecked")
    private static String resolve(Object value, Map<String, String> resolved) {
        if (value instanceof String text) {
            return text;
        }
        Map<String, Object> intrinsic = (Map<String, Object>) value;
        if (intrinsic.containsKey("Ref")) {
            return java.util.Objects.requireNonNull(resolved.get((String) intrinsic.get("Ref")), intrinsic.toString());
        }
        if (intrinsic.containsKey("Fn::GetAtt")) {
            return java.util.Objects.requireNonNull(resolved.get((String) ((List<Object>) intrinsic.get("Fn::GetAtt")).get(0)), intrinsic.toString());
        }
        List<Object> join = (List<Object>) intrinsic.get("Fn::Join");
        return String.join((String) join.get(0), ((List<Object>) join.get(1)).stream().map(part -> resolve(part, resolved)).toList());
    }

    @SuppressWarnings("unchecked")
    private static List<String> actions(Map<String, Object> statement) {
        Object action = statement.get("Action");
        return action instanceof List<?> list ? (List<String>) list : List.of((String) action);
    }
}
