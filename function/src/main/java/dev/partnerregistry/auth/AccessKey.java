package dev.partnerregistry.auth;

/**
 * A registry-issued access key as the verifier needs it: whose it is, whether it may sign, and
 * its secret (decrypted, held only in memory).
 */
public record AccessKey(String accessKeyId, String principalArn, boolean active, String secretAccessKey) {

    @Override
    public String toString() {
        // Never the secret, whoever prints this.
        return "AccessKey[" + accessKeyId + ", " + principalArn + (active ? ", active]" : ", inactive]");
    }
}
