package dev.partnerregistry.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.partnerregistry.admin.CustomerGrants;
import dev.partnerregistry.domain.Caller;
import dev.partnerregistry.domain.CustomerEventSources;
import dev.partnerregistry.domain.PartnerEventSource;
import dev.partnerregistry.domain.PartnerEventSource.SourceState;
import dev.partnerregistry.domain.PartnerRegistry;
import dev.partnerregistry.domain.RegistryException;
import dev.partnerregistry.testing.DynamoDbEngine;
import dev.partnerregistry.testing.MovableClock;
import dev.partnerregistry.testing.RegistryFixture;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The source lifecycle on the engine, both sides: a source is PENDING at creation with an
 * expiration, ACTIVE once its customer creates the matching bus, PENDING again on deactivation or
 * bus deletion, DELETED when its partner deletes it while the bus exists; an expired source is gone
 * for every reader and the sweep frees its slot. Each customer sees only its own account's sources.
 */
@ExtendWith(DynamoDbEngine.class)
class CustomerLifecycleTest {

    static final String ACCOUNT = RegistryFixture.ACCOUNT;
    static final Caller CUSTOMER = new Caller("arn:aws:iam::" + ACCOUNT + ":role/Subscriber");
    static final Caller STRANGER = new Caller("arn:aws:iam::999988887777:role/Stranger");
    static final Duration EXPIRY = Duration.ofDays(7);

    private static final MovableClock clock = new MovableClock();
    private static RegistryFixture fixture;
    private static PartnerRegistry partners;
    private static CustomerEventSources customers;
    private static ExpiredSourceSweep sweep;
    private static Caller partner;
    private static final ExecutorService pool = Executors.newFixedThreadPool(8);

    @BeforeAll
    static void start(DynamoDbEngine.EngineTable table) {
        fixture = new RegistryFixture(table, 100);
        partner = fixture.registerPartner("lifecycle.example", 50);
        DynamoDbPartnerSourceStore store = new DynamoDbPartnerSourceStore(table.registryClient(), table.tableName());
        DynamoDbPageTokenKey key = new DynamoDbPageTokenKey(table.registryClient(), table.tableName());
        partners = new PartnerRegistry(store, key, DynamoDbEngine.REGION, 100, EXPIRY, clock);
        customers = new CustomerEventSources(store, key, DynamoDbEngine.REGION, EXPIRY, clock);
        sweep = new ExpiredSourceSweep(table.registryClient(), table.tableName());
        CustomerGrants grants = new CustomerGrants(table.client(), table.tableName());
        grants.grant(ACCOUNT, List.of(CUSTOMER.principalArn()));
        grants.grant("999988887777", List.of(STRANGER.principalArn()));
    }

    @AfterAll
    static void stop() {
        pool.shutdownNow();
    }

    private static String created(String partnerName, Caller by) {
        String name = "aws.partner/" + partnerName + "/" + UUID.randomUUID().toString().substring(0, 8) + "/orders";
        partners.createPartnerEventSource(name, ACCOUNT, by);
        return name;
    }

    private static String created() {
        return created("lifecycle.example", partner);
    }

    @Test
    void aNewSourceIsPendingForItsCustomerWithAnExpirationSevenDaysOn() {
        String name = created();

        PartnerEventSource seen = customers.describeEventSource(name, CUSTOMER);
        assertEquals(SourceState.PENDING, seen.state());
        assertEquals(seen.creationTime().plus(EXPIRY), seen.expirationTime());
        assertEquals("lifecycle.example", seen.partner());
        assertEquals(SourceState.PENDING, partners.listPartnerEventSourceAccounts(name, null, null, partner).state());
    }

    @Test
    void aCustomerOfAnotherAccountDoesNotSeeTheSourceAtAll() {
        String name = created();

        assertThrows(RegistryException.ResourceNotFound.class, () -> customers.describeEventSource(name, STRANGER));
        assertThrows(RegistryException.ResourceNotFound.class, () -> customers.createEventBus(name, name, null, STRANGER));
        assertThrows(RegistryException.ResourceNotFound.class, () -> customers.activateEventSource(name, STRANGER));
        customers.deleteEventBus(name, STRANGER);
        assertTrue(customers.listEventSources(name, null, null, STRANGER).sources().isEmpty());
        assertEquals(SourceState.PENDING, customers.describeEventSource(name, CUSTOMER).state(), "and nothing changed");
    }

    @Test
    void creatingTheMatchingBusMakesTheSourceActiveOnBothSides() {
        String name = created();

        String busArn = customers.createEventBus(name, name, "orders from the shop", CUSTOMER);

        assertEquals("arn:aws:events:us-east-1:" + ACCOUNT + ":event-bus/" + name, busArn);
        PartnerEventSource seen = customers.describeEventSource(name, CUSTOMER);
        assertEquals(SourceState.ACTIVE, seen.state());
        assertNull(seen.expirationTime(), "an ACTIVE source does not expire");
        assertEquals(SourceState.ACTIVE, partners.listPartnerEventSourceAccounts(name, null, null, partner).state());
        assertEquals(busArn, customers.describeEventBus(name, CUSTOMER).arn());
    }

    @Test
    void theBusKeepsItsDescriptionUntilItIsDeleted() {
        String name = created();
        customers.createEventBus(name, name, "orders from the shop", CUSTOMER);

        assertEquals("orders from the shop", customers.describeEventBus(name, CUSTOMER).description());
        customers.deactivateEventSource(name, CUSTOMER);
        assertEquals("orders from the shop", customers.describeEventBus(name, CUSTOMER).description(), "the bus stays, described");
        customers.deleteEventBus(name, CUSTOMER);
        customers.createEventBus(name, name, null, CUSTOMER);
        assertNull(customers.describeEventBus(name, CUSTOMER).description(), "a new bus has only its own description");
    }

    @Test
    void aSecondMatchingBusIsResourceAlreadyExists() {
        String name = created();
        customers.createEventBus(name, name, null, CUSTOMER);

        RegistryException e = assertThrows(RegistryException.ResourceAlreadyExists.class, () -> customers.createEventBus(name, name, null, CUSTOMER));
        assertEquals("Event bus " + name + " already exists.", e.getMessage());
    }

    @Test
    void aBusWhoseNameIsNotItsSourcesIsValidationException() {
        String name = created();

        RegistryException e = assertThrows(RegistryException.Validation.class, () -> customers.createEventBus(name + "-bus", name, null, CUSTOMER));
        assertEquals("The name of a partner event bus must match the name of its event source.", e.getMessage());
        assertEquals("EventBus name starting with 'aws.' is not valid.",
                assertThrows(RegistryException.Validation.class, () -> customers.createEventBus(name, null, null, CUSTOMER)).getMessage());
    }

    @Test
    void deactivatingMakesItPendingWithANewExpiryAndActivatingActiveAgain() {
        String name = created();
        customers.createEventBus(name, name, null, CUSTOMER);

        customers.deactivateEventSource(name, CUSTOMER);
        PartnerEventSource deactivated = customers.describeEventSource(name, CUSTOMER);
        assertEquals(SourceState.PENDING, deactivated.state());
        assertNotNull(deactivated.expirationTime());

        customers.activateEventSource(name, CUSTOMER);
        assertEquals(SourceState.ACTIVE, customers.describeEventSource(name, CUSTOMER).state());
    }

    @Test
    void aChangeToTheStateItIsInAlreadyIsInvalidState() {
        String name = created();
        customers.createEventBus(name, name, null, CUSTOMER);

        assertEquals("Event source " + name + " is ACTIVE.",
                assertThrows(RegistryException.InvalidState.class, () -> customers.activateEventSource(name, CUSTOMER)).getMessage());
        customers.deactivateEventSource(name, CUSTOMER);
        assertThrows(RegistryException.InvalidState.class, () -> customers.deactivateEventSource(name, CUSTOMER));
    }

    @Test
    void activatingASourceWithoutItsBusIsResourceNotFoundInEventBridgesWords() {
        String name = created();

        RegistryException e = assertThrows(RegistryException.ResourceNotFound.class, () -> customers.activateEventSource(name, CUSTOMER));
        assertEquals("Event source " + name + " or event bus " + name + " does not exist.", e.getMessage());
    }

    @Test
    void deletingTheBusMakesTheSourcePendingAgainWithAFreshExpiry() {
        String name = created();
        customers.createEventBus(name, name, null, CUSTOMER);

        customers.deleteEventBus(name, CUSTOMER);

        PartnerEventSource seen = customers.describeEventSource(name, CUSTOMER);
        assertEquals(SourceState.PENDING, seen.state());
        assertNotNull(seen.expirationTime());
        assertThrows(RegistryException.ResourceNotFound.class, () -> customers.describeEventBus(name, CUSTOMER));
    }

    @Test
    void aPartnersDeleteOfAnActiveSourceLeavesItDeletedForTheCustomerAndFreesTheSlot() {
        Caller deleter = fixture.registerPartner("deleting.example", 10);
        String name = created("deleting.example", deleter);
        partners.createPartnerEventSource(name.replace("/orders", "/other"), ACCOUNT, deleter);
        int before = fixture.sourceCount("deleting.example");
        customers.createEventBus(name, name, null, CUSTOMER);

        partners.deletePartnerEventSource(name, ACCOUNT, deleter);

        assertEquals(SourceState.DELETED, customers.describeEventSource(name, CUSTOMER).state());
        assertThrows(RegistryException.ResourceNotFound.class, () -> partners.describePartnerEventSource(name, deleter));
        assertEquals(before - 1, fixture.sourceCount("deleting.example"));
        assertThrows(RegistryException.InvalidState.class, () -> customers.activateEventSource(name, CUSTOMER));
        partners.deletePartnerEventSource(name, ACCOUNT, deleter);
        assertEquals(before - 1, fixture.sourceCount("deleting.example"), "a second delete frees nothing more");

        customers.deleteEventBus(name, CUSTOMER);
        assertThrows(RegistryException.ResourceNotFound.class, () -> customers.describeEventSource(name, CUSTOMER), "bus gone: so is the source");
    }

    @Test
    void aPartnerReCreatesADeletedNameAndItIsPendingAgainWithTheBusStillThere() {
        String name = created();
        customers.createEventBus(name, name, null, CUSTOMER);
        partners.deletePartnerEventSource(name, ACCOUNT, partner);

        partners.createPartnerEventSource(name, ACCOUNT, partner);

        assertEquals(SourceState.PENDING, customers.describeEventSource(name, CUSTOMER).state());
        customers.activateEventSource(name, CUSTOMER);
        assertEquals(SourceState.ACTIVE, customers.describeEventSource(name, CUSTOMER).state(), "the bus was kept: no second CreateEventBus");
    }

    @Test
    void anExpiredSourceIsGoneForEveryReaderAndTheSweepFreesItsSlot() {
        Caller expiring = fixture.registerPartner("expiring.example", 1);
        String name = "aws.partner/expiring.example/orders/" + UUID.randomUUID().toString().substring(0, 8);
        partners.createPartnerEventSource(name, ACCOUNT, expiring);

        clock.advance(EXPIRY.plusSeconds(1));
        try {
            assertThrows(RegistryException.ResourceNotFound.class, () -> customers.describeEventSource(name, CUSTOMER));
            assertThrows(RegistryException.ResourceNotFound.class, () -> partners.describePartnerEventSource(name, expiring));
            assertTrue(customers.listEventSources(name, null, null, CUSTOMER).sources().isEmpty());
            assertEquals(1, fixture.sourceCount("expiring.example"), "counted until swept");

            sweepUntilDone();

            assertEquals(0, fixture.sourceCount("expiring.example"));
            assertEquals(0, fixture.storedSources("expiring.example"));
            partners.createPartnerEventSource(name + "-2", ACCOUNT, expiring);
        } finally {
            clock.advance(Duration.ZERO);
        }
    }

    @Test
    void aCreateOverAnExpiredSourceTakesItsPlaceWithoutAnotherSlot() {
        Caller replacing = fixture.registerPartner("replacing.example", 1);
        String name = "aws.partner/replacing.example/orders/" + UUID.randomUUID().toString().substring(0, 8);
        partners.createPartnerEventSource(name, ACCOUNT, replacing);
        clock.advance(EXPIRY.plusSeconds(1));

        partners.createPartnerEventSource(name, ACCOUNT, replacing);

        assertEquals(1, fixture.sourceCount("replacing.example"));
        assertEquals(SourceState.PENDING, partners.describePartnerEventSource(name, replacing).state());
    }

    @Test
    void aDeactivatedSourceLeftPastItsExpiryIsDeletedAndKeptDeletedForItsBus() {
        Caller leaving = fixture.registerPartner("leaving.example", 5);
        String name = created("leaving.example", leaving);
        int before = fixture.sourceCount("leaving.example");
        customers.createEventBus(name, name, null, CUSTOMER);
        customers.deactivateEventSource(name, CUSTOMER);
        clock.advance(EXPIRY.plusSeconds(1));

        sweepUntilDone();

        assertEquals(before - 1, fixture.sourceCount("leaving.example"));
        assertEquals(SourceState.DELETED, customers.describeEventSource(name, CUSTOMER).state());
    }

    @Test
    void listingPagesThroughTheCustomersSourcesOnly() {
        String prefix = "aws.partner/lifecycle.example/paged-" + UUID.randomUUID().toString().substring(0, 8) + "/";
        for (int i = 0; i < 5; i++) {
            partners.createPartnerEventSource(prefix + i, ACCOUNT, partner);
        }
        partners.createPartnerEventSource(prefix + "elsewhere", "999988887777", partner);

        List<String> names = new ArrayList<>();
        String token = null;
        do {
            PartnerRegistry.SourcePage page = customers.listEventSources(prefix, token, 2, CUSTOMER);
            page.sources().forEach(source -> names.add(source.name()));
            token = page.nextToken();
        } while (token != null);

        assertEquals(List.of(prefix + 0, prefix + 1, prefix + 2, prefix + 3, prefix + 4), names);
        String issued = customers.listEventSources(prefix, null, 2, CUSTOMER).nextToken();
        assertThrows(RegistryException.Validation.class, () -> customers.listEventSources(prefix, issued, 2, STRANGER),
                "a token pages only the account it was issued to");
    }

    @Test
    void anActivateRacingThePartnersDeleteEndsConsistent() throws Exception {
        for (int round = 0; round < 5; round++) {
            String name = created();
            customers.createEventBus(name, name, null, CUSTOMER);
            customers.deactivateEventSource(name, CUSTOMER);
            int before = fixture.sourceCount("lifecycle.example");

            List<Future<Object>> raced = List.of(
                    pool.submit(() -> tolerate(() -> { customers.activateEventSource(name, CUSTOMER); return null; })),
                    pool.submit(() -> tolerate(() -> { partners.deletePartnerEventSource(name, ACCOUNT, partner); return null; })));
            for (Future<Object> future : raced) {
                future.get();
            }

            assertEquals(SourceState.DELETED, customers.describeEventSource(name, CUSTOMER).state(), "the delete always lands");
            assertEquals(before - 1, fixture.sourceCount("lifecycle.example"), "freed exactly once");
        }
    }

    @Test
    void theSweepRacingACreateOfTheSameNameLeavesOneSourceCountedOnce() throws Exception {
        Caller racing = fixture.registerPartner("racing.example", 3);
        for (int round = 0; round < 5; round++) {
            String name = "aws.partner/racing.example/orders/" + UUID.randomUUID().toString().substring(0, 8);
            partners.createPartnerEventSource(name, ACCOUNT, racing);
            clock.advance(EXPIRY.plusSeconds(1));

            List<Future<Object>> raced = List.of(
                    pool.submit(() -> tolerate(() -> sweep.sweep(clock.instant(), 1000))),
                    pool.submit(() -> tolerate(() -> partners.createPartnerEventSource(name, ACCOUNT, racing))));
            for (Future<Object> future : raced) {
                future.get();
            }
            sweepUntilDone();

            assertEquals(SourceState.PENDING, partners.describePartnerEventSource(name, racing).state(), "the create always lands");
            assertEquals(fixture.storedSources("racing.example"), fixture.sourceCount("racing.example"), "counter equals sources");
            partners.deletePartnerEventSource(name, ACCOUNT, racing);
            assertEquals(0, fixture.sourceCount("racing.example"));
        }
    }

    /** Runs {@code call}; a ConcurrentModification (a race lost three times) is an allowed answer, anything else fails. */
    private static Object tolerate(Callable<Object> call) throws Exception {
        try {
            return call.call();
        } catch (RegistryException.ConcurrentModification | RegistryException.InvalidState lost) {
            return lost;
        }
    }

    private static void sweepUntilDone() {
        while (sweep.sweep(clock.instant(), 1000).expired() > 0) {
            // again: a page may end before the last expired source
        }
    }
}
