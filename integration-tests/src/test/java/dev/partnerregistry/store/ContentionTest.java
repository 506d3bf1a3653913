package dev.partnerregistry.store;

import static dev.partnerregistry.testing.RegistryFixture.ACCOUNT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.partnerregistry.RegistryAssembly;
import dev.partnerregistry.admin.CustomerGrants;
import dev.partnerregistry.RegistrySettings;
import dev.partnerregistry.domain.Caller;
import dev.partnerregistry.domain.CustomerEventSources;
import dev.partnerregistry.domain.PartnerRegistry;
import dev.partnerregistry.domain.RegistryException;
import dev.partnerregistry.testing.DynamoDbEngine;
import dev.partnerregistry.testing.FaultInjectingProxy;
import dev.partnerregistry.testing.MovableClock;
import dev.partnerregistry.testing.RegistryFixture;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Real DynamoDB cancels one of two transactions that touch an item at once ({@code TransactionConflict});
 * moto serializes them and never does, so the proxy cancels transactions as DynamoDB would, and every
 * write must absorb them within its budget.
 */
@ExtendWith(DynamoDbEngine.class)
class ContentionTest {

    private static final int WORKERS = 16;
    private static final double CONFLICT_RATE = 0.3;

    private final RegistryFixture fixture;
    private final FaultInjectingProxy proxy;
    private final DynamoDbClient throughProxy;
    private final PartnerRegistry registry;

    /**
     * The budget counts wall time, attempts included. DynamoDB answers a transaction in milliseconds;
     * moto behind the (one-threaded) proxy, on a shared machine, with sixteen workers queued, may take
     * a second, which would spend the production budget on queueing, not on conflicts. So the races
     * here run with time to spare, and how the budget ends the retries is tested on a virtual clock
     * ({@link #conflictsThatOutlastTheBudgetAreConcurrentModificationAfterWaitsThatFitInIt}).
     */
    private static final Duration ENGINE_TIME = Duration.ofSeconds(60);

    ContentionTest(DynamoDbEngine.EngineTable table) throws IOException {
        this.fixture = new RegistryFixture(table, 1000);
        this.proxy = new FaultInjectingProxy(table.endpoint(), WORKERS);
        this.throughProxy = DynamoDbClients.lean(RegistrySettings.builder().tableName(table.tableName()).region(DynamoDbEngine.REGION)
                .dynamoDbEndpoint(proxy.endpoint()).build(), StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")),
                ENGINE_TIME);
        this.registry = new PartnerRegistry(new DynamoDbPartnerSourceStore(throughProxy, table.tableName(),
                new ConflictBackoff(throughProxy, ENGINE_TIME)), new DynamoDbPageTokenKey(throughProxy, table.tableName()),
                DynamoDbEngine.REGION, 1000, Clock.systemUTC());
    }

    @AfterEach
    void closeProxy() {
        proxy.close();
    }

    @Test
    void sixteenWorkersCreatingForOnePartnerUnderThirtyPercentConflictsAllSucceedAndTheCounterIsExact() throws Exception {
        Caller caller = fixture.registerPartner("contended.example", null);
        proxy.injectConflicts(CONFLICT_RATE, 16);
        Map<String, Integer> outcomes = inParallel(WORKERS * 10, i -> {
            registry.createPartnerEventSource("aws.partner/contended.example/orders/" + i, ACCOUNT, caller);
            return "created";
        });
        assertEquals(Map.of("created", WORKERS * 10), outcomes);
        assertTrue(proxy.conflictsInjected() >= 20, "the proxy cancelled " + proxy.conflictsInjected() + " transactions");
        assertEquals(WORKERS * 10, fixture.storedSources("contended.example"));
        assertEquals(WORKERS * 10, fixture.sourceCount("contended.example"));
    }

    @Test
    void underConflictsALimitStillAdmitsExactlyItsNumberAndRefusesTheRestWithLimitExceeded() throws Exception {
        Caller caller = fixture.registerPartner("contended-limit.example", 40);
        proxy.injectConflicts(CONFLICT_RATE, 40);
        Map<String, Integer> outcomes = inParallel(WORKERS * 4, i -> {
            registry.createPartnerEventSource("aws.partner/contended-limit.example/orders/" + i, ACCOUNT, caller);
            return "created";
        });
        assertEquals(Map.of("created", 40, "LimitExceededException", WORKERS * 4 - 40), outcomes);
        assertEquals(40, fixture.storedSources("contended-limit.example"));
        assertEquals(40, fixture.sourceCount("contended-limit.example"));
    }

    @Test
    void createsOfOneNameUnderConflictsSucceedOnceAndTheRestAreDuplicates() throws Exception {
        Caller caller = fixture.registerPartner("contended-name.example", null);
        proxy.injectConflicts(CONFLICT_RATE, 1);
        Map<String, Integer> outcomes = inParallel(WORKERS, i -> {
            registry.createPartnerEventSource("aws.partner/contended-name.example/orders/same", ACCOUNT, caller);
            return "created";
        });
        assertEquals(Map.of("created", 1, "ResourceAlreadyExistsException", WORKERS - 1), outcomes);
        assertEquals(1, fixture.sourceCount("contended-name.example"));
    }

    @Test
    void deletesAndCreatesUnderConflictsAllSucceedAndTheCounterIsExact() throws Exception {
        Caller caller = fixture.registerPartner("contended-churn.example", null);
        for (int i = 0; i < 40; i++) {
            fixture.registry.createPartnerEventSource("aws.partner/contended-churn.example/old/" + i, ACCOUNT, caller);
        }
        proxy.injectConflicts(CONFLICT_RATE, 7);
        Map<String, Integer> outcomes = inParallel(80, i -> {
            if (i < 40) {
                registry.deletePartnerEventSource("aws.partner/contended-churn.example/old/" + i, ACCOUNT, caller);
                return "deleted";
            }
            registry.createPartnerEventSource("aws.partner/contended-churn.example/new/" + i, ACCOUNT, caller);
            return "created";
        });
        assertEquals(Map.of("deleted", 40, "created", 40), outcomes);
        assertEquals(40, fixture.storedSources("contended-churn.example"));
        assertEquals(40, fixture.sourceCount("contended-churn.example"));
    }

    @Test
    void aCustomersActivationAbsorbsAConflict() {
        Caller caller = fixture.registerPartner("contended-customer.example", null);
        String name = "aws.partner/contended-customer.example/orders/one";
        fixture.registry.createPartnerEventSource(name, ACCOUNT, caller);
        Caller customer = new Caller("arn:aws:iam::" + ACCOUNT + ":role/Subscriber");
        CustomerEventSources customers = new CustomerEventSources(new DynamoDbPartnerSourceStore(throughProxy, fixture.table.tableName(),
                new ConflictBackoff(throughProxy, ENGINE_TIME)),
                new DynamoDbPageTokenKey(throughProxy, fixture.table.tableName()), DynamoDbEngine.REGION, Duration.ofDays(7),
                Clock.systemUTC());
        new CustomerGrants(fixture.table.client(), fixture.table.tableName()).grant(ACCOUNT, List.of(customer.principalArn()));
        // The change is three items: the region's switches, the customer's grant, the source (the conflict).
        proxy.injectOnce(FaultInjectingProxy.transactionConflict(3, 2));
        customers.createEventBus(name, name, null, customer);
        assertEquals("ACTIVE", customers.describeEventSource(name, customer).state().name());
        assertEquals(2, proxy.received("TransactWriteItems").size(), "the cancelled change, then its retry");
    }

    @Test
    void theSweepAbsorbsAConflictOnThePartnersCounter() {
        Caller caller = fixture.registerPartner("contended-sweep.example", null);
        MovableClock clock = new MovableClock();
        PartnerRegistry partners = RegistryAssembly.registry(fixture.table.registryClient(), RegistrySettings.builder()
                .tableName(fixture.table.tableName()).region(DynamoDbEngine.REGION).sourceExpiration(Duration.ofMinutes(1)).build(), clock);
        partners.createPartnerEventSource("aws.partner/contended-sweep.example/orders/one", ACCOUNT, caller);
        clock.advance(Duration.ofMinutes(2));
        proxy.injectOnce(FaultInjectingProxy.transactionConflict(2, 0));
        assertEquals(new ExpiredSourceSweep.Result(1, 0), new ExpiredSourceSweep(throughProxy, fixture.table.tableName(), ENGINE_TIME)
                .sweep(clock.instant(), 1000));
        assertEquals(0, fixture.storedSources("contended-sweep.example"));
        assertEquals(0, fixture.sourceCount("contended-sweep.example"));
    }

    @Test
    void conflictsThatOutlastTheBudgetAreConcurrentModificationAfterWaitsThatFitInIt() {
        Caller caller = fixture.registerPartner("contended-budget.example", null);
        AtomicLong now = new AtomicLong();
        List<Long> waits = new ArrayList<>();
        Duration budget = Duration.ofMillis(1000);
        ConflictBackoff backoff = new ConflictBackoff(throughProxy, budget, now::get, wait -> {
            waits.add(wait);
            now.addAndGet(wait);
        });
        proxy.inject(FaultInjectingProxy.transactionConflict(4, 2));
        DynamoDbPartnerSourceStore store = new DynamoDbPartnerSourceStore(throughProxy, fixture.table.tableName(), backoff);
        PartnerRegistry partners = new PartnerRegistry(store, new DynamoDbPageTokenKey(throughProxy, fixture.table.tableName()),
                DynamoDbEngine.REGION, 100, Clock.systemUTC());
        assertThrows(RegistryException.ConcurrentModification.class,
                () -> partners.createPartnerEventSource("aws.partner/contended-budget.example/orders/one", ACCOUNT, caller));
        assertTrue(now.get() <= budget.toNanos(), "waited " + now.get() + " ns within a budget of " + budget);
        assertEquals(waits.size() + 1, proxy.received("TransactWriteItems").size(), "one attempt, then one per wait");
        for (int retry = 0; retry < waits.size(); retry++) {
            long cap = Math.min(800, 50L << Math.min(retry, 16)) * 1_000_000L;
            assertTrue(waits.get(retry) >= 0 && waits.get(retry) <= cap, "wait " + retry + " was " + waits.get(retry));
        }
        assertEquals(0, fixture.storedSources("contended-budget.example"));
    }

    /** Runs {@code count} calls on {@value #WORKERS} workers; how many ended in each outcome or error code. */
    private static Map<String, Integer> inParallel(int count, IntFunction<String> call) throws Exception {
        return ParallelCalls.outcomes(WORKERS, count, i -> () -> call.apply(i));
    }
}
