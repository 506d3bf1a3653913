package dev.partnerregistry.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The cache's bound is the revocation latency: what changes in the store shows within one TTL, never later. */
class CachedAccessKeysTest {

    private static final Duration TTL = Duration.ofSeconds(60);

    private final Map<String, AccessKey> stored = new HashMap<>();
    private final List<String> reads = new ArrayList<>();
    private final List<String> uses = new ArrayList<>();
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-27T10:00:00Z"));
    private final CachedAccessKeys cache = new CachedAccessKeys(new AccessKeys() {
        @Override
        public Optional<AccessKey> find(String accessKeyId) {
            reads.add(accessKeyId);
            return Optional.ofNullable(stored.get(accessKeyId));
        }

        @Override
        public void recordUse(String accessKeyId, Instant at) {
            uses.add(accessKeyId);
        }
    }, TTL, clock);

    @Test
    void aKeyReadWithinTheTtlCostsNoRead() {
        stored.put("K1", new AccessKey("K1", "arn", true, "s"));
        cache.find("K1");
        clock.advance(TTL.minusSeconds(1));
        assertTrue(cache.find("K1").get().active());
        assertEquals(List.of("K1"), reads);
    }

    @Test
    void aDeactivatedKeyIsRefusedOnceTheTtlHasPassed() {
        stored.put("K1", new AccessKey("K1", "arn", true, "s"));
        cache.find("K1");
        stored.put("K1", new AccessKey("K1", "arn", false, null));
        assertTrue(cache.find("K1").get().active(), "still trusted within the TTL: the documented latency");
        clock.advance(TTL);
        assertFalse(cache.find("K1").get().active());
    }

    @Test
    void anUnknownKeyIsRememberedAsUnknownForTheTtlOnly() {
        assertTrue(cache.find("K2").isEmpty());
        stored.put("K2", new AccessKey("K2", "arn", true, "s"));
        assertTrue(cache.find("K2").isEmpty());
        clock.advance(TTL);
        assertTrue(cache.find("K2").isPresent());
    }

    @Test
    void aUseNotedWithinTheTtlIsNotNotedAgain() {
        stored.put("K1", new AccessKey("K1", "arn", true, "s", clock.instant().minus(TTL).plusSeconds(1)));
        cache.find("K1");
        cache.recordUse("K1", clock.instant());
        assertEquals(List.of(), uses);
    }

    @Test
    void aUseNotedLongerAgoOrNeverOrInTheFutureIsNotedOnce() {
        stored.put("K1", new AccessKey("K1", "arn", true, "s", clock.instant().minus(TTL)));
        stored.put("K2", new AccessKey("K2", "arn", true, "s", null));
        stored.put("K3", new AccessKey("K3", "arn", true, "s", clock.instant().plus(TTL).plusSeconds(1)));
        for (String key : List.of("K1", "K2", "K3")) {
            cache.find(key);
            cache.recordUse(key, clock.instant());
            cache.recordUse(key, clock.instant());
        }
        assertEquals(List.of("K1", "K2", "K3"), uses);
    }

    @Test
    void aUseIsRecordedOncePerRead() {
        stored.put("K1", new AccessKey("K1", "arn", true, "s"));
        cache.find("K1");
        cache.recordUse("K1", clock.instant());
        cache.recordUse("K1", clock.instant());
        clock.advance(TTL);
        cache.find("K1");
        cache.recordUse("K1", clock.instant());
        assertEquals(List.of("K1", "K1"), uses);
    }

    @Test
    void noStreamOfMadeUpIdsGrowsItBeyondItsBound() {
        for (int i = 0; i < CachedAccessKeys.MAX_ENTRIES * 3; i++) {
            cache.find("MADEUP" + i);
        }
        reads.clear();
        cache.find("MADEUP0");
        assertEquals(List.of("MADEUP0"), reads, "the oldest entries were dropped");
    }

    @Test
    void tenThousandKeysInRoundRobinUseAreEachReadOnceWithinTheirTtl() {
        for (int i = 0; i < 10_000; i++) {
            stored.put("K" + i, new AccessKey("K" + i, "arn", true, "s"));
        }
        for (int pass = 0; pass < 3; pass++) {
            for (int i = 0; i < 10_000; i++) {
                cache.find("K" + i);
            }
        }
        assertEquals(10_000, reads.size(), "one read per key, then none: no miss-rate cliff");
    }

    @Test
    void whenFullTheEntriesPastTheirTtlGoBeforeAnyFreshOne() {
        for (int i = 0; i < CachedAccessKeys.MAX_ENTRIES; i++) {
            cache.find("OLD" + i);
        }
        clock.advance(TTL);
        cache.find("FRESH0");
        cache.find("FRESH1");
        reads.clear();
        cache.find("FRESH0");
        assertEquals(List.of(), reads, "a fresh entry stays while stale ones make room");
    }

    private static final class MutableClock extends Clock {
        private Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
