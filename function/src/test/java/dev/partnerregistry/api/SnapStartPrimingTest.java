package dev.partnerregistry.api;

import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The SnapStart priming requests pass validation and reach the store (whose path they warm). */
class SnapStartPrimingTest {

    @Test
    void primingReachesTheStore() {
        PartnerRegistryHandler handler = new PartnerRegistryHandler(UnreachableStore.protocol());
        assertThrows(AssertionError.class, () -> SnapStartPriming.prime(handler));
    }
}
