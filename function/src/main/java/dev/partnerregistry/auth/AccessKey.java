package dev.partnerregistry.auth;

import java.time.Instant;
import javax.crypto.Mac;

/**
 * A registry-issued access key as the verifier needs it: whose it is, whether it may sign, and
 * its secret (decrypted, held only in memory). It also keeps the last signing key derived from
 * the secret (one date, region and service: SigV4's four HMACs, paid once a day per key rather
 * than on every request), so that the derived key lives and goes with the key's cache entry.
 */
public final class AccessKey {

    private final String accessKeyId;
    private final String principalArn;
    private final boolean active;
    private final String secretAccessKey;
    /** When its use was last noted, as read with it; null if never, or not known. */
    private final Instant lastUsedAt;
    private volatile Derived derived;

    /** A signing key for one scope, as a keyed Mac to clone. */
    private record Derived(String date, String region, String service, Mac signer) {
    }

    public AccessKey(String accessKeyId, String principalArn, boolean active, String secretAccessKey) {
        this(accessKeyId, principalArn, active, secretAccessKey, null);
    }

    public AccessKey(String accessKeyId, String principalArn, boolean active, String secretAccessKey, Instant lastUsedAt) {
        this.accessKeyId = accessKeyId;
        this.principalArn = principalArn;
        this.active = active;
        this.secretAccessKey = secretAccessKey;
        this.lastUsedAt = lastUsedAt;
    }

    public String accessKeyId() {
        return accessKeyId;
    }

    public String principalArn() {
        return principalArn;
    }

    public boolean active() {
        return active;
    }

    public String secretAccessKey() {
        return secretAccessKey;
    }

    public Instant lastUsedAt() {
        return lastUsedAt;
    }

    /** The signer for this scope ({@link SigV4#signer}): derived on the first request of a date, then reused. */
    Mac signer(String date, String region, String service) {
        Derived last = derived;
        if (last == null || !last.date().equals(date) || !last.region().equals(region) || !last.service().equals(service)) {
            last = new Derived(date, region, service, SigV4.signer(SigV4.signingKey(secretAccessKey, date, region, service)));
            derived = last;
        }
        return last.signer();
    }

    @Override
    public String toString() {
        // Never the secret, whoever prints this.
        return "AccessKey[" + accessKeyId + ", " + principalArn + (active ? ", active]" : ", inactive]");
    }
}
