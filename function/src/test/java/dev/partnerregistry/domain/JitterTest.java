package dev.partnerregistry.domain;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Retry waits: within their bounds, and spread rather than repeated. */
class JitterTest {

    @Test
    void drawsStayWithinTheirBounds() {
        for (int i = 0; i < 10_000; i++) {
            long below = Jitter.below(7);
            assertTrue(below >= 0 && below < 7, Long.toString(below));
            long between = Jitter.between(5, 9);
            assertTrue(between >= 5 && between < 9, Long.toString(between));
        }
    }

    @Test
    void successiveDrawsDiffer() {
        Set<Long> seen = new HashSet<>();
        for (int i = 0; i < 1_000; i++) {
            seen.add(Jitter.below(1_000_000_000L));
        }
        assertTrue(seen.size() > 990, seen.size() + " distinct of 1,000");
    }
}
