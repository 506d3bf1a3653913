package dev.partnerregistry.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.partnerregistry.domain.Access;
import dev.partnerregistry.domain.PartnerEventSource;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The SnapStart priming requests pass validation and reach the store (whose path they warm), under SnapStart only. */
class SnapStartPrimingTest {

    @Test
    void primingReachesTheStoreForACreateADescribeAndPartnerEvents() {
        List<String> reached = new ArrayList<>();
        UnreachableStore store = new UnreachableStore() {
            @Override
            public void create(PartnerEventSource source, int defaultLimit, Access access, String callId, java.time.Instant now) {
                reached.add("create " + source.name());
                throw access.denied();
            }

            @Override
            public Optional<PartnerEventSource> find(String name, Access access) {
                reached.add("find " + name);
                throw access.denied();
            }

            @Override
            public EventSources eventSources(java.util.Collection<String> names, dev.partnerregistry.domain.Caller caller, String region) {
                reached.add("events " + names);
                return new EventSources(java.util.Set.of(), Map.of());
            }
        };
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        SnapStartPriming.prime(new PartnerRegistryHandler(UnreachableStore.protocol(store, new PrintStream(log))));
        assertEquals(List.of("create " + SnapStartPriming.PRIMING_SOURCE, "find " + SnapStartPriming.PRIMING_SOURCE,
                "events [" + SnapStartPriming.PRIMING_SOURCE + "]"), reached);
        assertEquals(0, log.size(), "priming is not traffic: no request log line, no metric");
    }

    @Test
    void theHookIsForSnapStartEnvironmentsOnly() {
        assertTrue(SnapStartPriming.isSnapStart(Map.of("AWS_LAMBDA_INITIALIZATION_TYPE", "snap-start")));
        assertFalse(SnapStartPriming.isSnapStart(Map.of("AWS_LAMBDA_INITIALIZATION_TYPE", "on-demand")));
        assertFalse(SnapStartPriming.isSnapStart(Map.of("AWS_LAMBDA_INITIALIZATION_TYPE", "provisioned-concurrency")));
        assertFalse(SnapStartPriming.isSnapStart(Map.of()));
    }
}
