package dev.partnerregistry.api;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The SnapStart priming requests pass validation and reach the store (whose path they warm), under SnapStart only. */
class SnapStartPrimingTest {

    @Test
    void primingReachesTheStore() {
        PartnerRegistryHandler handler = new PartnerRegistryHandler(UnreachableStore.protocol());
        assertThrows(AssertionError.class, () -> SnapStartPriming.prime(handler));
    }

    @Test
    void theHookIsForSnapStartEnvironmentsOnly() {
        assertTrue(SnapStartPriming.isSnapStart(Map.of("AWS_LAMBDA_INITIALIZATION_TYPE", "snap-start")));
        assertFalse(SnapStartPriming.isSnapStart(Map.of("AWS_LAMBDA_INITIALIZATION_TYPE", "on-demand")));
        assertFalse(SnapStartPriming.isSnapStart(Map.of("AWS_LAMBDA_INITIALIZATION_TYPE", "provisioned-concurrency")));
        assertFalse(SnapStartPriming.isSnapStart(Map.of()));
    }
}
