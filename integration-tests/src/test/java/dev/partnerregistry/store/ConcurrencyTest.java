package dev.partnerregistry.store;

import static dev.partnerregistry.testing.RegistryFixture.ACCOUNT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.partnerregistry.domain.Caller;
import dev.partnerregistry.testing.DynamoDbEngine;
import dev.partnerregistry.testing.RegistryFixture;
import java.util.Map;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Races decided by the engine's transactions, not by luck: outcomes are counted, and the counter audited. */
@ExtendWith(DynamoDbEngine.class)
class ConcurrencyTest {

    private final RegistryFixture fixture;

    ConcurrencyTest(DynamoDbEngine.EngineTable table) {
        this.fixture = new RegistryFixture(table, 1000);
    }


    @Test
    void fiftyParallelCreatesOfOneNameSucceedExactlyOnce() throws Exception {
        Caller caller = fixture.registerPartner("race-one.example", null);
        String name = "aws.partner/race-one.example/orders/same";
        Map<String, Integer> outcomes = race(50, i -> () -> {
            fixture.registry.createPartnerEventSource(name, ACCOUNT, caller);
            return "created";
        });
        assertEquals(1, outcomes.getOrDefault("created", 0), outcomes.toString());
        assertEquals(49, outcomes.getOrDefault("ResourceAlreadyExistsException", 0)
                + outcomes.getOrDefault("ConcurrentModificationException", 0), outcomes.toString());
        assertEquals(1, fixture.sourceCount("race-one.example"));
        assertEquals(1, fixture.storedSources("race-one.example"));
    }

    @Test
    void aHundredParallelCreatesUnderALimitOfTwentySucceedExactlyTwentyTimes() throws Exception {
        Caller caller = fixture.registerPartner("race-limit.example", 20);
        Map<String, Integer> outcomes = race(100, i -> () -> {
            fixture.registry.createPartnerEventSource("aws.partner/race-limit.example/orders/" + i, ACCOUNT, caller);
            return "created";
        });
        assertEquals(20, outcomes.getOrDefault("created", 0), outcomes.toString());
        assertEquals(80, outcomes.getOrDefault("LimitExceededException", 0)
                + outcomes.getOrDefault("ConcurrentModificationException", 0), outcomes.toString());
        assertEquals(20, fixture.sourceCount("race-limit.example"));
        assertEquals(20, fixture.storedSources("race-limit.example"));
    }

    @Test
    void concurrentDeletesAndCreatesKeepTheCounterEqualToTheSources() throws Exception {
        String partner = "churn.example";
        Caller caller = fixture.registerPartner(partner, 30);
        for (int i = 0; i < 20; i++) {
            fixture.registry.createPartnerEventSource("aws.partner/churn.example/old/" + i, ACCOUNT, caller);
        }
        // Each old source deleted twice (the second delete finds nothing), and 40 creates racing for the slots.
        Map<String, Integer> outcomes = race(80, i -> () -> {
            if (i < 40) {
                fixture.registry.deletePartnerEventSource("aws.partner/churn.example/old/" + (i % 20), ACCOUNT, caller);
                return "deleted";
            }
            fixture.registry.createPartnerEventSource("aws.partner/churn.example/new/" + i, ACCOUNT, caller);
            return "created";
        });
        int deleted = outcomes.getOrDefault("deleted", 0);
        int created = outcomes.getOrDefault("created", 0);
        int conflicts = outcomes.getOrDefault("ConcurrentModificationException", 0);
        assertEquals(80, deleted + created + conflicts + outcomes.getOrDefault("LimitExceededException", 0),
                "every call answered success, LimitExceeded or ConcurrentModification: " + outcomes);
        // The invariant, whatever the interleaving: the counter equals the sources, never above the limit.
        assertEquals(fixture.storedSources(partner), fixture.sourceCount(partner));
        assertTrue(fixture.storedSources(partner) <= 30, outcomes.toString());
        if (conflicts == 0) {
            // An engine that serializes transactions (moto here) lands every delete; the 10 free slots go first.
            assertEquals(40, deleted, outcomes.toString());
            assertTrue(created >= 10 && created <= 30, outcomes.toString());
            assertEquals(created, fixture.storedSources(partner));
        }
    }

    /** Runs {@code count} calls released at once, each on its own thread; returns how many ended in each outcome or error code. */
    private static Map<String, Integer> race(int count, java.util.function.IntFunction<Callable<String>> call) throws Exception {
        return ParallelCalls.outcomes(count, count, call);
    }
}
