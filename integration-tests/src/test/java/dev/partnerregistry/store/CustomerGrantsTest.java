package dev.partnerregistry.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.partnerregistry.admin.CustomerGrants;
import dev.partnerregistry.domain.Caller;
import dev.partnerregistry.domain.CustomerAccess;
import dev.partnerregistry.domain.CustomerEventSources;
import dev.partnerregistry.domain.PartnerEventSource;
import dev.partnerregistry.domain.PartnerEventSource.SourceState;
import dev.partnerregistry.domain.PartnerRegistry;
import dev.partnerregistry.domain.RegistryException;
import dev.partnerregistry.domain.RegistryOperation;
import dev.partnerregistry.testing.DynamoDbEngine;
import dev.partnerregistry.testing.MovableClock;
import dev.partnerregistry.testing.RegistryFixture;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Customer rights are granted, never implied, on the engine: a principal acts as the customer of
 * its account only once the operator granted it (register-customer). Until then every customer
 * operation answers as for a source that does not exist (ResourceNotFoundException; an empty list;
 * DeleteEventBus, idempotent, a 200 that changes nothing), so the answers reveal nothing. A
 * partner's principal in the customer's account is no exception: that was the audit's finding.
 */
class CustomerGrantsTest {

    static final String ACCOUNT = RegistryFixture.ACCOUNT;
    static final Caller CUSTOMER = new Caller("arn:aws:iam::" + ACCOUNT + ":role/Subscriber");
    static final Duration EXPIRY = Duration.ofDays(7);

    private final MovableClock clock = new MovableClock();
    private DynamoDbEngine.EngineTable table;
    private CustomerGrants grants;
    private PartnerRegistry partners;
    private CustomerEventSources customers;
    /** A partner's principal in the customer's own account (RegistryFixture's example.com partner, account 123456789012). */
    private final Caller partnerInTheAccount = RegistryFixture.PARTNER_CALLER;
    private DynamoDbPartnerSourceStore store;

    @BeforeEach
    void freshTable() {
        table = DynamoDbEngine.newTable("CustomerGrants");
        new RegistryFixture(table, 100);
        store = new DynamoDbPartnerSourceStore(table.registryClient(), table.tableName());
        DynamoDbPageTokenKey key = new DynamoDbPageTokenKey(table.registryClient(), table.tableName());
        partners = new PartnerRegistry(store, key, DynamoDbEngine.REGION, 100, EXPIRY, clock);
        customers = new CustomerEventSources(store, key, DynamoDbEngine.REGION, EXPIRY, clock);
        grants = new CustomerGrants(table.client(), table.tableName());
        grants.grant(ACCOUNT, List.of(CUSTOMER.principalArn()));
    }

    /** A source of the other partner (other.example), offered to the account. */
    private String offeredByTheOtherPartner() {
        String name = "aws.partner/other.example/" + UUID.randomUUID().toString().substring(0, 8) + "/orders";
        partners.createPartnerEventSource(name, ACCOUNT, RegistryFixture.OTHER_CALLER);
        return name;
    }

    @Test
    void aPartnersPrincipalInTheCustomersAccountFindsNoSourceForAnyCustomerOperation() {
        String pending = offeredByTheOtherPartner();
        String accepted = offeredByTheOtherPartner();
        customers.createEventBus(accepted, accepted, null, CUSTOMER);

        for (String name : List.of(pending, accepted)) {
            assertEquals("Event source " + name + " does not exist.", assertThrows(RegistryException.ResourceNotFound.class,
                    () -> customers.describeEventSource(name, partnerInTheAccount)).getMessage());
            assertThrows(RegistryException.ResourceNotFound.class, () -> customers.createEventBus(name, name, null, partnerInTheAccount));
            assertThrows(RegistryException.ResourceNotFound.class, () -> customers.activateEventSource(name, partnerInTheAccount));
            assertThrows(RegistryException.ResourceNotFound.class, () -> customers.deactivateEventSource(name, partnerInTheAccount));
            assertThrows(RegistryException.ResourceNotFound.class, () -> customers.describeEventBus(name, partnerInTheAccount));
        }
        assertTrue(customers.listEventSources("aws.partner/other.example/", null, null, partnerInTheAccount).sources().isEmpty());
    }

    @Test
    void theAnswersAreThoseForASourceThatDoesNotExist() {
        String offered = offeredByTheOtherPartner();
        String missing = "aws.partner/other.example/" + UUID.randomUUID().toString().substring(0, 8) + "/never";

        for (String name : List.of(offered, missing)) {
            RegistryException refused = assertThrows(RegistryException.class, () -> customers.describeEventSource(name, partnerInTheAccount));
            assertEquals("ResourceNotFoundException", refused.errorCode());
            assertEquals("Event source " + name + " does not exist.", refused.getMessage());
        }
    }

    @Test
    void theAuditsReproductionFailsThePartnerKeyCannotDeactivateNorDeleteAnotherPartnersCustomerBus() {
        String name = offeredByTheOtherPartner();
        customers.createEventBus(name, name, null, CUSTOMER);

        assertThrows(RegistryException.ResourceNotFound.class, () -> customers.deactivateEventSource(name, partnerInTheAccount));
        customers.deleteEventBus(name, partnerInTheAccount);   // idempotent: 200, as for a bus that does not exist

        PartnerEventSource after = customers.describeEventSource(name, CUSTOMER);
        assertEquals(SourceState.ACTIVE, after.state(), "neither call changed the source");
        assertTrue(after.hasBus(), "the customer's bus is still there");
        assertEquals(null, after.expirationTime(), "no fresh expiry: the source is not on its way to expiring");
    }

    @Test
    void onceGrantedThePrincipalActsAsTheCustomer() {
        String name = offeredByTheOtherPartner();
        grants.grant(ACCOUNT, List.of(partnerInTheAccount.principalArn()));

        assertEquals(SourceState.PENDING, customers.describeEventSource(name, partnerInTheAccount).state());
        customers.createEventBus(name, name, null, partnerInTheAccount);
        customers.deactivateEventSource(name, partnerInTheAccount);
        customers.activateEventSource(name, partnerInTheAccount);
        assertEquals(List.of(name), customers.listEventSources(name, null, null, partnerInTheAccount).sources().stream()
                .map(PartnerEventSource::name).toList());
    }

    @Test
    void aRevokedGrantHoldsFromTheNextRequest() {
        String name = offeredByTheOtherPartner();
        customers.createEventBus(name, name, null, CUSTOMER);
        grants.revoke(ACCOUNT, List.of(CUSTOMER.principalArn()));

        assertThrows(RegistryException.ResourceNotFound.class, () -> customers.describeEventSource(name, CUSTOMER));
        assertThrows(RegistryException.ResourceNotFound.class, () -> customers.deactivateEventSource(name, CUSTOMER));
    }

    @Test
    void aChangeWhoseGrantWasRevokedAfterItsReadWritesNothing() {
        String name = offeredByTheOtherPartner();
        PartnerEventSource read = customers.describeEventSource(name, CUSTOMER);
        grants.revoke(ACCOUNT, List.of(CUSTOMER.principalArn()));

        CustomerAccess access = new CustomerAccess(DynamoDbEngine.REGION, RegistryOperation.CREATE_EVENT_BUS, ACCOUNT, CUSTOMER);
        assertFalse(store.change(read, read.withBus(clock.instant(), null, null).in(SourceState.ACTIVE, null), access),
                "the grant is a condition of the write itself");
        grants.grant(ACCOUNT, List.of(CUSTOMER.principalArn()));
        assertEquals(SourceState.PENDING, customers.describeEventSource(name, CUSTOMER).state());
    }

    @Test
    void aRoleSessionActsByItsRolesGrant() {
        String name = offeredByTheOtherPartner();
        Caller session = new Caller("arn:aws:sts::" + ACCOUNT + ":assumed-role/Subscriber/session-1");

        assertEquals(SourceState.PENDING, customers.describeEventSource(name, session).state());
    }

    @Test
    void aDisabledOperationIsStillOperationDisabledForACallerNotGranted() {
        String name = offeredByTheOtherPartner();
        new dev.partnerregistry.admin.DynamoDbRegistryAdmin(table.client(), table.tableName())
                .disable(DynamoDbEngine.REGION, RegistryOperation.DESCRIBE_EVENT_SOURCE);

        for (Caller caller : List.of(CUSTOMER, partnerInTheAccount)) {
            assertThrows(RegistryException.OperationDisabled.class, () -> customers.describeEventSource(name, caller));
        }
    }

    @Test
    void aCallerNotGrantedIsStillToldItsNextTokenIsBad() {
        Consumer<Caller> listWithForeignToken = caller -> customers.listEventSources(null, "not-a-token", null, caller);
        RegistryException granted = assertThrows(RegistryException.class, () -> listWithForeignToken.accept(CUSTOMER));
        RegistryException notGranted = assertThrows(RegistryException.class, () -> listWithForeignToken.accept(partnerInTheAccount));
        assertEquals(granted.errorCode(), notGranted.errorCode());
        assertEquals(granted.getMessage(), notGranted.getMessage());
    }
}
