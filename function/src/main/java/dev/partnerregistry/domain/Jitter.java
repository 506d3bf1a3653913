package dev.partnerregistry.domain;

import java.util.SplittableRandom;

/**
 * Random waits before retries. Each draw is seeded from the clock rather than from a generator kept in memory:
 * SnapStart restores every instance of a version from one snapshot, so a generator seeded at init (or
 * ThreadLocalRandom's state on the handler's thread) would give all of them the same waits, and instances that
 * conflicted once would retry in step. Jitter needs decorrelation, not secrecy.
 */
public final class Jitter {

    private Jitter() {
    }

    /** Uniform in [0, bound). */
    public static long below(long bound) {
        return draw().nextLong(bound);
    }

    /** Uniform in [origin, bound). */
    public static long between(long origin, long bound) {
        return draw().nextLong(origin, bound);
    }

    private static SplittableRandom draw() {
        return new SplittableRandom(System.nanoTime() ^ Thread.currentThread().getId() * 0x9E3779B97F4A7C15L);
    }
}
