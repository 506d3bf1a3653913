package dev.partnerregistry.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/**
 * The customer side over the store port, without an engine: a caller the account has not granted
 * gets the answers for a source that does not exist, whatever the source; granted, it acts. (The
 * DynamoDB store's own enforcement is CustomerGrantsTest, on the engine.)
 */
class CustomerGrantsContractTest {

    private static final String ACCOUNT = "123456789012";
    private static final Caller PARTNER = new Caller("arn:aws:iam::" + ACCOUNT + ":user/example-partner");
    private static final Caller CUSTOMER = new Caller("arn:aws:iam::" + ACCOUNT + ":user/example-customer");
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-27T10:15:30Z"), ZoneOffset.UTC);
    private static final String NAME = "aws.partner/example.com/unit/orders";

    private final InMemoryPartnerSourceStore store = new InMemoryPartnerSourceStore();
    private final CustomerEventSources customers = new CustomerEventSources(store, store, "us-east-1", Duration.ofDays(7), CLOCK);

    CustomerGrantsContractTest() {
        store.register("example.com", PARTNER);
        new PartnerRegistry(store, store, "us-east-1", 100, CLOCK).createPartnerEventSource(NAME, ACCOUNT, PARTNER);
        store.grant(ACCOUNT, CUSTOMER);
    }

    @Test
    void thePartnersOwnPrincipalInTheAccountIsNoCustomerOfItsSource() {
        assertEquals("Event source " + NAME + " does not exist.",
                assertThrows(RegistryException.ResourceNotFound.class, () -> customers.describeEventSource(NAME, PARTNER)).getMessage());
        assertThrows(RegistryException.ResourceNotFound.class, () -> customers.createEventBus(NAME, NAME, null, PARTNER));
        assertTrue(customers.listEventSources(null, null, null, PARTNER).sources().isEmpty());
    }

    @Test
    void theGrantedCustomerAcceptsTheSource() {
        customers.createEventBus(NAME, NAME, null, CUSTOMER);

        assertEquals(PartnerEventSource.SourceState.ACTIVE, customers.describeEventSource(NAME, CUSTOMER).state());
    }
}
