package dev.partnerregistry.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.partnerregistry.domain.Caller;
import dev.partnerregistry.domain.CustomerEventSources;
import dev.partnerregistry.domain.PartnerEventSource.SourceState;
import dev.partnerregistry.domain.PartnerRegistry;
import dev.partnerregistry.store.DynamoDbPageTokenKey;
import dev.partnerregistry.store.DynamoDbPartnerSourceStore;
import dev.partnerregistry.store.ExpiredSourceSweep;
import dev.partnerregistry.testing.DynamoDbEngine;
import dev.partnerregistry.testing.MovableClock;
import dev.partnerregistry.testing.RegistryFixture;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The audit against the lifecycle as the function writes it: every path a source can take, by the
 * partner's and the customer's own operations, leaves a table the audit finds clean, so that what
 * it reports on a real table is never the function's normal work. Each test has a table of its own.
 */
class AuditOfTheLifecycleTest {

    private static final Duration EXPIRY = Duration.ofDays(7);
    private static final String ACCOUNT = RegistryFixture.ACCOUNT;
    private static final String NAMES = "aws.partner/life.example/orders/";
    private static final Caller CUSTOMER = new Caller("arn:aws:iam::" + ACCOUNT + ":role/Subscriber");

    private final MovableClock clock = new MovableClock();
    private DynamoDbEngine.EngineTable table;
    private RegistryFixture fixture;
    private Caller partner;
    private PartnerRegistry partners;
    private CustomerEventSources customers;

    @BeforeEach
    void freshTable() {
        table = DynamoDbEngine.newTable("AuditLifecycle");
        fixture = new RegistryFixture(table, 100);
        partner = fixture.registerPartner("life.example", 50);
        DynamoDbPartnerSourceStore store = new DynamoDbPartnerSourceStore(table.registryClient(), table.tableName());
        DynamoDbPageTokenKey key = new DynamoDbPageTokenKey(table.registryClient(), table.tableName());
        partners = new PartnerRegistry(store, key, DynamoDbEngine.REGION, 100, EXPIRY, clock);
        customers = new CustomerEventSources(store, key, DynamoDbEngine.REGION, EXPIRY, clock);
        new CustomerGrants(table.client(), table.tableName()).grant(ACCOUNT, java.util.List.of(CUSTOMER.principalArn()));
    }

    @Test
    void everyPathASourceTakesLeavesATableTheAuditFindsClean() {
        created("pending");
        withBus(created("active"));
        customers.deactivateEventSource(withBus(created("deactivated")), CUSTOMER);
        partnerDeletes(withBus(created("deleted")));
        customers.deleteEventBus(partnerDeletes(withBus(created("gone"))), CUSTOMER);
        partnerDeletes(created("deleted-without-bus"));
        partnerDeletes(withBus(created("recreated")));
        created("recreated");
        customers.deleteEventBus(withBus(created("bus-deleted")), CUSTOMER);

        TableAudit.Report report = audit(false);

        assertTrue(report.clean(), report.render());
    }

    @Test
    void sourcesPastTheirExpiryAreTheOnlyFindingUntilTheSweepRuns() {
        created("plain");
        customers.deactivateEventSource(withBus(created("deactivated")), CUSTOMER);
        withBus(created("active"));
        clock.advance(EXPIRY.plusDays(1));
        created("fresh");

        TableAudit.Report before = audit(false);
        new ExpiredSourceSweep(table.registryClient(), table.tableName()).sweep(clock.instant(), 100);
        TableAudit.Report after = audit(false);

        assertEquals(2, before.of(TableAudit.Check.EXPIRED_PENDING_SOURCE).size(), before.render());
        assertEquals(2, before.results().size(), before.render());
        assertTrue(after.clean(), after.render());
    }

    @Test
    void theAuditsRepairOfAnExpiredSourceIsTheSweeps() {
        created("plain");
        customers.deactivateEventSource(withBus(created("deactivated")), CUSTOMER);
        clock.advance(EXPIRY.plusDays(1));

        TableAudit.Report repaired = audit(true);

        assertEquals(0, repaired.exitCode(), repaired.render());
        assertTrue(audit(false).clean());
        assertEquals(0, fixture.sourceCount("life.example"));
        assertEquals(1, fixture.storedSources("life.example"), "the deactivated one kept");
        assertEquals(SourceState.DELETED, customers.describeEventSource(NAMES + "deactivated", CUSTOMER).state());
    }

    private String created(String suffix) {
        partners.createPartnerEventSource(NAMES + suffix, ACCOUNT, partner);
        return NAMES + suffix;
    }

    private String withBus(String name) {
        customers.createEventBus(name, name, null, CUSTOMER);
        return name;
    }

    private String partnerDeletes(String name) {
        partners.deletePartnerEventSource(name, ACCOUNT, partner);
        return name;
    }

    private TableAudit.Report audit(boolean repair) {
        return new TableAudit(table.client(), table.tableName(), EXPIRY, clock, null, Duration.ZERO).run(null, repair);
    }
}
