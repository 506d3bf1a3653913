package dev.partnerregistry.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What an instance read of each key, trusted for a bounded time: a request signed with a key read
 * less than {@code ttl} ago costs no table read and no KMS call. The same bound is how long a
 * deactivated or deleted key may still be accepted (the documented revocation latency), and how
 * long a key issued after someone tried its id stays unknown. Bounded by time first: when full, the
 * entries older than the TTL (of no more use) go; only a flood of fresh ids beyond
 * {@value #MAX_ENTRIES} (a bound by memory: an entry with its derived signer is about 1 KB, so 50 MB
 * at most) drops the least recently used, so no stream of made-up key ids can grow it. There is no
 * miss-rate cliff below that: 10,000 keys in round-robin use all stay cached (it once held 1,000,
 * and 1,001 keys in turn missed every time).
 * A key's use is noted at most once per {@code ttl} per instance, and not at all by an instance that
 * read it noted within the last {@code ttl}: last-used times are approximate, as IAM's are.
 */
public final class CachedAccessKeys implements AccessKeys {

    static final int MAX_ENTRIES = 50_000;

    private record Entry(Optional<AccessKey> key, Instant readAt, boolean useRecorded) {
    }

    private final AccessKeys source;
    private final Duration ttl;
    private final Clock clock;
    /** When entries past their TTL were last swept out; a full map sweeps at most once a TTL, else drops its eldest. */
    private Instant swept = Instant.MIN;
    private final Map<String, Entry> entries = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
            if (size() <= MAX_ENTRIES) {
                return false;
            }
            Instant now = clock.instant();
            if (!now.isBefore(swept.plus(ttl))) {
                swept = now;
                Instant stale = now.minus(ttl);
                values().removeIf(entry -> !entry.readAt().isAfter(stale));
            }
            if (size() > MAX_ENTRIES) {
                remove(eldest.getKey());
            }
            return false;
        }
    };

    public CachedAccessKeys(AccessKeys source, Duration ttl, Clock clock) {
        this.source = source;
        this.ttl = ttl;
        this.clock = clock;
    }

    @Override
    public Optional<AccessKey> find(String accessKeyId) {
        Instant now = clock.instant();
        synchronized (entries) {
            Entry entry = entries.get(accessKeyId);
            if (entry != null && now.isBefore(entry.readAt().plus(ttl))) {
                return entry.key();
            }
        }
        // Read outside the lock: one slow read must not hold up requests signed with other keys.
        Optional<AccessKey> key = source.find(accessKeyId);
        // A use noted within the period (by another instance, or this one before a restore) is not noted again: a cold
        // start of a key in steady use then costs no write.
        Instant noted = key.map(AccessKey::lastUsedAt).orElse(null);
        boolean recent = noted != null && noted.isAfter(now.minus(ttl)) && !noted.isAfter(now.plus(ttl));
        synchronized (entries) {
            entries.put(accessKeyId, new Entry(key, now, recent));
        }
        return key;
    }

    @Override
    public void recordUse(String accessKeyId, Instant at) {
        synchronized (entries) {
            Entry entry = entries.get(accessKeyId);
            if (entry == null || entry.useRecorded()) {
                return;
            }
            entries.put(accessKeyId, new Entry(entry.key(), entry.readAt(), true));
        }
        source.recordUse(accessKeyId, at);
    }

    /** Forgets everything read: what a restored SnapStart snapshot must not trust. */
    public void clear() {
        synchronized (entries) {
            entries.clear();
        }
    }
}
