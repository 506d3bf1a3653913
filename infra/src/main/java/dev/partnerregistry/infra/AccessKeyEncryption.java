package dev.partnerregistry.infra;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.iam.Effect;
import software.amazon.awscdk.services.iam.IGrantable;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.kms.IKey;
import software.amazon.awscdk.services.kms.Key;
import software.amazon.awscdk.services.kms.KeySpec;
import software.amazon.awscdk.services.kms.KeyUsage;
import software.constructs.Construct;

/**
 * The KMS key that registry-issued access keys' secrets are encrypted under. The operator command
 * encrypts each new secret with it ({@code kms:Encrypt}, under the operator's own credentials),
 * binding the ciphertext to its access key id by the encryption context
 * {@code {"accessKeyId": "<id>"}}; the table stores only that ciphertext. The function may only
 * decrypt, and only under that context.
 *
 * <p>Symmetric (AES-256-GCM: the encryption context is authenticated, so a ciphertext copied to
 * another key's item does not decrypt), rotated yearly by KMS (old ciphertexts stay decryptable),
 * and retained with the stack: the table is retained too, and its secrets are worthless without
 * this key. Named by CloudFormation, no alias: the {@code AccessKeysKmsKeyArn} output names it.
 * The key policy is CDK's default, which gives the account the key and so lets IAM policies
 * (the function's role, the operator's own) decide who may use it.
 */
public final class AccessKeyEncryption extends Construct {

    /** All the function may do with the key: read a secret back. Encrypting is the operator's. */
    public static final List<String> FUNCTION_ACTIONS = List.of("kms:Decrypt");
    /** The encryption context keys a secret is encrypted under (their values: the access key id). */
    public static final List<String> ENCRYPTION_CONTEXT_KEYS = List.of("accessKeyId");

    private final Key key;

    public AccessKeyEncryption(Construct scope, String id) {
        super(scope, id);
        this.key = Key.Builder.create(this, "Key")
                .description(Stack.of(this).getStackName()
                        + ": encrypts the secrets of registry-issued access keys (Partner Registry, encryption context accessKeyId)")
                .keySpec(KeySpec.SYMMETRIC_DEFAULT)
                .keyUsage(KeyUsage.ENCRYPT_DECRYPT)
                .enableKeyRotation(true)
                .removalPolicy(RemovalPolicy.RETAIN)
                .build();
    }

    public IKey key() {
        return key;
    }

    /**
     * Lets {@code grantee} decrypt access-key secrets and nothing else. Not {@code key.grantDecrypt}:
     * that grants any decryption. Here the request must carry an encryption context (the Null
     * test: ForAllValues alone holds for a request with none) whose only key is
     * {@code accessKeyId}, so even a ciphertext of something else under this key does not
     * decrypt through this permission.
     */
    public void grantSecretDecryption(IGrantable grantee) {
        Map<String, Object> conditions = new LinkedHashMap<>();
        conditions.put("ForAllValues:StringEquals", Map.of("kms:EncryptionContextKeys", ENCRYPTION_CONTEXT_KEYS));
        conditions.put("Null", Map.of("kms:EncryptionContextKeys", "false"));
        grantee.getGrantPrincipal().addToPrincipalPolicy(PolicyStatement.Builder.create()
                .sid("DecryptAccessKeySecrets")
                .effect(Effect.ALLOW)
                .actions(FUNCTION_ACTIONS)
                .resources(List.of(key.getKeyArn()))
                .conditions(conditions)
                .build());
    }
}
