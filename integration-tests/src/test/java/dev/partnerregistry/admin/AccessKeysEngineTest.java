package dev.partnerregistry.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.partnerregistry.RegistrySettings;
import dev.partnerregistry.admin.IssuedAccessKeys.IssuedKey;
import dev.partnerregistry.auth.AccessKey;
import dev.partnerregistry.domain.RegistryException;
import dev.partnerregistry.store.DynamoDbAccessKeys;
import dev.partnerregistry.store.KmsDecrypt;
import dev.partnerregistry.store.RegistryTable;
import dev.partnerregistry.testing.DynamoDbEngine;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Registry-issued access keys on the engine, with its KMS: what the operator command writes, what
 * the function reads back, and the rules between them (two active keys per principal, secrets
 * only as ciphertext bound to their key id).
 */
@ExtendWith(DynamoDbEngine.class)
class AccessKeysEngineTest {

    private static DynamoDbEngine.EngineTable table;
    private static IssuedAccessKeys keys;
    private static DynamoDbAccessKeys functionView;

    @BeforeAll
    static void start(DynamoDbEngine.EngineTable engineTable) {
        table = engineTable;
        keys = table.accessKeys();
        // Keys are issued only to principals with rights: these are all customers of their account.
        new CustomerGrants(table.client(), table.tableName()).grant("111111111111", java.util.stream.Stream.of("Attacker", "Commanded", "Gone",
                "Leaving", "Paused", "Reader", "Rotating", "Unused", "Used", "Victim").map(role -> "arn:aws:iam::111111111111:role/" + role).toList());
        RegistrySettings settings = table.keySettings(100);
        functionView = new DynamoDbAccessKeys(table.registryClient(), table.tableName(), new KmsDecrypt(
                ToolCredentials.forEndpoint(table.endpoint()), settings.region(), settings.accessKeys().kmsEndpoint(),
                settings.accessKeys().kmsKeyArn()));
    }

    @Test
    void theFunctionReadsAnIssuedKeyWithItsSecretWhichTheTableHoldsOnlyEncrypted() {
        IssuedKey issued = keys.issue("arn:aws:iam::111111111111:role/Reader");

        AccessKey read = functionView.find(issued.accessKeyId()).orElseThrow();
        assertEquals(issued.secretAccessKey(), read.secretAccessKey());
        assertEquals("arn:aws:iam::111111111111:role/Reader", read.principalArn());
        assertTrue(read.active());
        byte[] stored = item(issued.accessKeyId()).get(RegistryTable.ENCRYPTED_SECRET).b().asByteArray();
        assertFalse(new String(stored, StandardCharsets.ISO_8859_1).contains(issued.secretAccessKey()), "no plaintext in the table");
    }

    @Test
    void aPrincipalHoldsAtMostTwoActiveKeys() {
        String principal = "arn:aws:iam::111111111111:role/Rotating";
        IssuedKey first = keys.issue(principal);
        keys.issue(principal);

        IllegalStateException third = assertThrows(IllegalStateException.class, () -> keys.issue(principal));
        assertEquals("the principal already has 2 active keys: deactivate one first", third.getMessage());

        keys.deactivate(first.accessKeyId());
        IssuedKey replacement = keys.issue(principal);
        assertThrows(IllegalStateException.class, () -> keys.activate(first.accessKeyId()), "two are active again");
        assertEquals(List.of("Active", "Active", "Inactive"), keys.list(principal).stream().map(IssuedKey::status).sorted().toList());
        assertNotNull(replacement.accessKeyId());
    }

    @Test
    void anInactiveKeyIsReadInactiveAndItsSecretIsNotDecrypted() {
        IssuedKey issued = keys.issue("arn:aws:iam::111111111111:role/Paused");
        keys.deactivate(issued.accessKeyId());

        AccessKey read = functionView.find(issued.accessKeyId()).orElseThrow();
        assertFalse(read.active());
        assertNull(read.secretAccessKey());

        keys.activate(issued.accessKeyId());
        assertTrue(functionView.find(issued.accessKeyId()).orElseThrow().active());
    }

    @Test
    void aDeletedKeyIsGoneForTheFunctionAndFromItsPrincipalsList() {
        String principal = "arn:aws:iam::111111111111:role/Leaving";
        IssuedKey issued = keys.issue(principal);
        keys.delete(issued.accessKeyId());

        assertTrue(functionView.find(issued.accessKeyId()).isEmpty());
        assertEquals(List.of(), keys.list(principal));
        keys.issue(principal);
        keys.issue(principal);   // the deleted key no longer counts as active
    }

    @Test
    void aSecretCopiedOntoAnotherKeysItemDoesNotDecrypt() {
        IssuedKey victim = keys.issue("arn:aws:iam::111111111111:role/Victim");
        IssuedKey attacker = keys.issue("arn:aws:iam::111111111111:role/Attacker");
        Map<String, AttributeValue> forged = new HashMap<>(item(attacker.accessKeyId()));
        forged.put(RegistryTable.ENCRYPTED_SECRET, item(victim.accessKeyId()).get(RegistryTable.ENCRYPTED_SECRET));
        table.client().putItem(r -> r.tableName(table.tableName()).item(forged));

        assertThrows(RegistryException.Internal.class, () -> functionView.find(attacker.accessKeyId()),
                "the encryption context binds each ciphertext to its own key id");
    }

    @Test
    void aUseIsNotedOnTheKeyAndListedWithIt() {
        String principal = "arn:aws:iam::111111111111:role/Used";
        IssuedKey issued = keys.issue(principal);
        Instant at = Instant.parse("2026-11-27T10:00:00Z");

        functionView.recordUse(issued.accessKeyId(), at);

        assertEquals(at, keys.list(principal).get(0).lastUsedAt());
        assertEquals(at, functionView.find(issued.accessKeyId()).orElseThrow().lastUsedAt(), "read with the key, so a fresh instance need not note it again");
    }

    @Test
    void aKeyNeverUsedIsReadWithNoLastUse() {
        IssuedKey issued = keys.issue("arn:aws:iam::111111111111:role/Unused");

        assertNull(functionView.find(issued.accessKeyId()).orElseThrow().lastUsedAt());
    }

    @Test
    void noteOfAUseNeverRecreatesADeletedKey() {
        IssuedKey issued = keys.issue("arn:aws:iam::111111111111:role/Gone");
        keys.delete(issued.accessKeyId());

        functionView.recordUse(issued.accessKeyId(), Instant.now());

        assertTrue(item(issued.accessKeyId()).isEmpty());
    }

    @Test
    void theCommandPrintsTheSecretOnceWhenIssuingAndNeverWhenListing() {
        String principal = "arn:aws:iam::111111111111:role/Commanded";
        Map<String, String> env = Map.of("TABLE_NAME", table.tableName(), "AWS_REGION", DynamoDbEngine.REGION,
                "DYNAMODB_ENDPOINT", table.endpoint().toString(),
                "ACCESS_KEYS_KMS_KEY_ARN", table.keySettings(100).accessKeys().kmsKeyArn());

        String issued = run(env, "issue-key", "--principal", principal);
        assertTrue(issued.matches("\\{\"AccessKey\": \\{\"Principal\": \"" + principal.replace("/", "\\/")
                + "\", \"AccessKeyId\": \"PRKA[A-Z2-7]{16}\", \"Status\": \"Active\", \"SecretAccessKey\": \"[A-Za-z0-9+/]{40}\", "
                + "\"CreateDate\": \"[^\"]+\"}}\\s*"), issued);
        String listed = run(env, "list-keys", "--principal", principal);
        assertTrue(listed.startsWith("{\"AccessKeyMetadata\": [{\"Principal\": \"" + principal + "\", \"AccessKeyId\": \"PRKA"), listed);
        assertTrue(listed.contains(", \"MayActAs\": [\"customer of 111111111111\"]}]}"), "what the key may do: " + listed);
        assertFalse(listed.contains("SecretAccessKey"), listed);
    }

    @Test
    void aKeyForAPrincipalWithNoRightsIsRefusedNamingTheCommandsToRunFirst() {
        String principal = "arn:aws:iam::111111111111:user/nobody";

        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> keys.issue(principal));

        assertEquals(principal + " is registered for no partner and granted no account: run register-partner --partner P --principal "
                + principal + " (a partner's key) or register-customer --account 111111111111 --principal " + principal
                + " (a customer's key) first", refused.getMessage());
        assertTrue(keys.list(principal).isEmpty(), "nothing was written");
    }

    @Test
    void aKeyForAnAccountRootIsRefused() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> keys.issue("arn:aws:iam::444444444444:root"));

        assertEquals("'arn:aws:iam::444444444444:root' is an account root: name the IAM user or role that acts instead", refused.getMessage());
    }

    @Test
    void aPartnersPrincipalGetsAKeyAndListKeysSaysItActsForThePartnerOnly() {
        String principal = "arn:aws:iam::222222222222:role/PartnerWriter";
        new DynamoDbRegistryAdmin(table.client(), table.tableName()).registerPrincipals("rights.example", List.of(principal));
        Map<String, String> env = Map.of("TABLE_NAME", table.tableName(), "AWS_REGION", DynamoDbEngine.REGION,
                "DYNAMODB_ENDPOINT", table.endpoint().toString(),
                "ACCESS_KEYS_KMS_KEY_ARN", table.keySettings(100).accessKeys().kmsKeyArn());

        run(env, "issue-key", "--principal", principal);

        assertTrue(run(env, "list-keys", "--principal", principal).contains("\"MayActAs\": [\"partner rights.example\"]"));
    }

    @Test
    void issuingWithoutTheKmsKeySaysWhichSettingIsMissing() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = AdminCommand.run(new String[] {"issue-key", "--principal", "arn:aws:iam::111111111111:role/X"},
                Map.of("TABLE_NAME", table.tableName(), "DYNAMODB_ENDPOINT", table.endpoint().toString()),
                new PrintStream(new ByteArrayOutputStream()), new PrintStream(err));
        assertEquals(2, exit);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("issue-key needs ACCESS_KEYS_KMS_KEY_ARN"), err.toString(StandardCharsets.UTF_8));
    }

    private static String run(Map<String, String> env, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = AdminCommand.run(args, env, new PrintStream(out), new PrintStream(err));
        assertEquals(0, exit, err.toString(StandardCharsets.UTF_8));
        return out.toString(StandardCharsets.UTF_8);
    }

    private static Map<String, AttributeValue> item(String accessKeyId) {
        return table.client().getItem(r -> r.tableName(table.tableName()).key(RegistryTable.accessKeyKey(accessKeyId)).consistentRead(true))
                .item();
    }
}
