package dev.partnerregistry.auth;

import java.time.Instant;
import java.util.Optional;

/** Where registry-issued access keys are found by id (the port; the DynamoDB and KMS adapter lives in the store). */
public interface AccessKeys {

    /** The key with this id, its secret decrypted; empty if no such key was issued (or it was deleted). */
    Optional<AccessKey> find(String accessKeyId);

    /** Notes that the key signed a request that was accepted, at about {@code at}. Best effort. */
    void recordUse(String accessKeyId, Instant at);
}
