package dev.partnerregistry.store;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;

/** Which cancellations are retried, and how long the waits between retries may be. */
class ConflictBackoffTest {

    private static List<CancellationReason> reasons(String... codes) {
        return Arrays.stream(codes).map(code -> CancellationReason.builder().code(code).build()).toList();
    }

    @Test
    void aCancellationForAConflictAloneIsRetried() {
        assertTrue(ConflictBackoff.conflictOnly(reasons("None", "None", "TransactionConflict", "None")));
    }

    @Test
    void aFailedConditionBesideAConflictIsTheCallersToRead() {
        assertFalse(ConflictBackoff.conflictOnly(reasons("None", "ConditionalCheckFailed", "TransactionConflict", "None")));
    }

    @Test
    void throttlingIsNotAConflict() {
        assertFalse(ConflictBackoff.conflictOnly(reasons("None", "ThrottlingError", "None", "None")));
        assertFalse(ConflictBackoff.conflictOnly(reasons("None", "None")));
    }

    @Test
    void eachWaitIsDrawnBetweenZeroAndACapThatDoublesFromFiftyMillisecondsToEightHundred() {
        long[] caps = {50, 100, 200, 400, 800, 800, 800};
        for (int retry = 0; retry < caps.length; retry++) {
            long capNanos = caps[retry] * 1_000_000L;
            long longest = 0;
            for (int draw = 0; draw < 2000; draw++) {
                long wait = ConflictBackoff.jitteredWaitNanos(retry);
                assertTrue(wait >= 0 && wait <= capNanos, "retry " + retry + " waited " + wait);
                longest = Math.max(longest, wait);
            }
            // Full jitter: the whole range is used, not just a band near the cap (2000 draws all below half: 2^-2000).
            assertTrue(longest > capNanos / 2, "retry " + retry + " never waited past half its cap");
        }
    }
}
