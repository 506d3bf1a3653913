package dev.partnerregistry.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.partnerregistry.admin.TableAudit.Check;
import dev.partnerregistry.admin.TableAudit.Outcome;
import dev.partnerregistry.admin.TableAudit.Report;
import dev.partnerregistry.admin.TableAudit.Result;
import dev.partnerregistry.store.RegistryTable;
import dev.partnerregistry.testing.DynamoDbEngine;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndexUpdate;

/**
 * The operator's audit on a real engine: tables broken on purpose by writing items directly, each
 * finding reported by its name, repaired by --repair so that a second audit is clean, and a dry
 * run that writes nothing. Every test has a table of its own: an audit reads the whole table.
 */
class AuditCommandTest {

    private static final String ACCOUNT = "123456789012";
    private static final String OTHER_ACCOUNT = "210987654321";
    private static final Duration EXPIRATION = Duration.ofDays(7);
    private static final String PARTNER = "audited.example";
    private static final String PRINCIPAL = "arn:aws:iam::123456789012:role/audited";

    private DynamoDbEngine.EngineTable table;
    private DynamoDbClient client;
    private DynamoDbRegistryAdmin admin;

    @BeforeEach
    void freshTable() {
        table = DynamoDbEngine.newTable("Audit");
        client = table.client();
        admin = new DynamoDbRegistryAdmin(client, table.tableName());
        admin.registerPrincipals(PARTNER, List.of(PRINCIPAL));
    }

    // ---- a clean table, the dry run, the command ----

    @Test
    void aTableThatKeepsEveryInvariantAuditsClean() {
        cleanTable();

        Report report = audit(null, false);

        assertTrue(report.clean(), report.render());
        assertEquals(0, report.exitCode());
        assertTrue(report.render().endsWith("clean: no findings\n"), report.render());
    }

    @Test
    void aDryRunReportsEveryFindingAndWritesNothing() {
        cleanTable();
        brokenInEveryRepairableWay();
        List<Map<String, AttributeValue>> before = everyItem();

        Report report = audit(null, false);

        assertEquals(before, everyItem(), "not one item written");
        assertEquals(1, report.exitCode());
        assertTrue(report.results().stream().allMatch(r -> r.outcome() == Outcome.REPAIRABLE), report.render());
        for (Check check : List.of(Check.COUNTER_MISMATCH, Check.PENDING_WITHOUT_EXPIRY, Check.EXPIRY_WHEN_NOT_PENDING,
                Check.ACTIVE_WITHOUT_BUS, Check.DELETED_WITHOUT_BUS, Check.EXPIRED_PENDING_SOURCE, Check.KEY_NOT_IN_PRINCIPAL_LIST,
                Check.PRINCIPAL_LIST_NAMES_OTHER_KEY)) {
            assertEquals(1, report.of(check).size(), check + " in\n" + report.render());
            assertTrue(report.render().contains(check.label() + "  "), report.render());
        }
    }

    @Test
    void theCommandExitsOneOnFindingsThenZeroOnceRepairedThenZeroClean() {
        cleanTable();
        brokenInEveryRepairableWay();

        Run dryRun = command("audit");
        Run repair = command("audit", "--repair");
        Run again = command("audit");

        assertEquals(1, dryRun.exit(), dryRun.out());
        assertTrue(dryRun.out().startsWith("audit of table " + table.tableName() + ", dry run (nothing written; --repair fixes what it can)\n"),
                dryRun.out());
        assertTrue(dryRun.out().contains("\nfindings: 8 (active-without-bus 1, counter-mismatch 1, deleted-without-bus 1, "
                + "expired-pending-source 1, expiry-when-not-pending 1, key-not-in-principal-list 1, pending-without-expiry 1, "
                + "principal-list-names-other-key 1)\n--repair would fix: 8; report only: 0 (for a person)\n"), dryRun.out());
        assertEquals(0, repair.exit(), repair.out());
        assertTrue(repair.out().contains("\nrepaired: 8; not repaired: 0 (audit again); report only: 0 (for a person)\n"), repair.out());
        assertEquals(0, again.exit(), again.out());
        assertTrue(again.out().endsWith("clean: no findings\n"), again.out());
    }

    @Test
    void theCommandSaysThatAnIndexMismatchIsLookedAtAgainBeforeItIsReported() {
        Run run = command("audit");

        assertTrue(run.out().contains("byAccount: DynamoDB's indexes are eventually consistent (moto's are not), so a mismatch is "
                + "reported only if it is still there when looked at again 2000 ms later\n"), run.out());
    }

    @Test
    void aPartnerNamedOnTheCommandIsAuditedAloneAndItsRepairsExitZero() {
        admin.registerPrincipals("neighbour.example", List.of(PRINCIPAL));
        source("neighbour.example", "n", ACCOUNT, "PENDING", Map.of());
        counter("neighbour.example", 9);
        source(PARTNER, "mine", ACCOUNT, "PENDING", Map.of());
        counter(PARTNER, 4);

        Report report = audit(PARTNER, true);

        assertEquals(1, report.results().size(), report.render());
        assertEquals(RegistryTable.COUNTER_PARTITION_PREFIX + PARTNER + " COUNT", report.of(Check.COUNTER_MISMATCH).get(0).finding().where());
        assertEquals(0, report.exitCode());
        assertEquals(9L, counterOf("neighbour.example"), "the other partner untouched");
        assertTrue(report.render().contains("(access keys are audited only without --partner)"), report.render());
    }

    @Test
    void anUnknownPartnerNameOnTheCommandIsAUsageError() {
        assertEquals(2, command("audit", "--partner", "not a partner!").exit());
    }

    // ---- 1: the counter ----

    @Test
    void aCounterThatIsNotTheSourcesNotDeletedIsRecounted() {
        source(PARTNER, "a", ACCOUNT, "PENDING", Map.of());
        source(PARTNER, "b", ACCOUNT, "ACTIVE", Map.of());
        source(PARTNER, "c", ACCOUNT, "DELETED", Map.of());
        counter(PARTNER, 3);

        Result found = only(audit(null, false), Check.COUNTER_MISMATCH);
        assertTrue(found.line().contains("sourceCount is 3, but the partner holds 2 sources not DELETED"), found.line());
        Result repaired = only(audit(null, true), Check.COUNTER_MISMATCH);

        assertEquals(Outcome.REPAIRED, repaired.outcome(), repaired.line());
        assertEquals(2L, counterOf(PARTNER));
        assertTrue(audit(null, false).clean());
    }

    @Test
    void aMissingCounterOfAPartnerWithSourcesIsRecounted() {
        source(PARTNER, "a", ACCOUNT, "PENDING", Map.of());

        assertEquals(Outcome.REPAIRED, only(audit(null, true), Check.COUNTER_MISMATCH).outcome());
        assertEquals(1L, counterOf(PARTNER));
    }

    @Test
    void aCounterIsRecountedAfterTheSweepSoThatBothRepairsAgree() {
        source(PARTNER, "live", ACCOUNT, "PENDING", Map.of());
        source(PARTNER, "expired", ACCOUNT, "PENDING", Map.of(RegistryTable.EXPIRES_AT, millis(Instant.now().minusSeconds(60))));
        counter(PARTNER, 7);

        Report report = audit(null, true);

        assertEquals(0, report.exitCode(), report.render());
        assertEquals(1L, counterOf(PARTNER));
        assertTrue(audit(null, false).clean());
    }

    // ---- 2: the index ----

    @Test
    void aSourceMissingFromTheIndexIsReportedOnceTheSecondLookStillMissesIt() {
        source(PARTNER, "unlisted", ACCOUNT, "PENDING", Map.of());
        counter(PARTNER, 1);
        String sk = RegistryTable.sourceSortKey(name(PARTNER, "unlisted"));
        Distorted index = new Distorted(entries -> entries.stream().filter(e -> !e.get(RegistryTable.SORT_KEY).s().equals(sk)).toList());

        Result found = only(auditWith(index, false), Check.INDEX_ENTRY_MISSING);

        assertEquals(Outcome.REPORT_ONLY, found.outcome());
        assertTrue(found.line().contains("not in byAccount under its account " + ACCOUNT + " (still so when looked at again 20 ms later)"),
                found.line());
        assertTrue(found.line().contains("report only: nothing to repair by hand"), found.line());
    }

    @Test
    void anIndexEntryWithAnotherStateThanItsItemIsReported() {
        source(PARTNER, "moved-on", ACCOUNT, "ACTIVE", Map.of());
        counter(PARTNER, 1);
        Distorted index = new Distorted(entries -> entries.stream().map(e -> with(e, RegistryTable.STATE, AttributeValue.fromS("PENDING"))).toList());

        Result found = only(auditWith(index, false), Check.INDEX_ENTRY_STALE);

        assertTrue(found.line().contains("byAccount lists it as account " + ACCOUNT + " state PENDING, the item has account " + ACCOUNT
                + " state ACTIVE"), found.line());
    }

    @Test
    void anIndexEntryWhoseItemIsGoneIsReported() {
        String ghost = RegistryTable.sourceSortKey(name(PARTNER, "ghost"));
        Distorted index = new Distorted(entries -> {
            List<Map<String, AttributeValue>> more = new ArrayList<>(entries);
            more.add(Map.of(RegistryTable.PARTITION_KEY, AttributeValue.fromS(RegistryTable.sourcePartition(PARTNER)),
                    RegistryTable.SORT_KEY, AttributeValue.fromS(ghost), RegistryTable.ACCOUNT, AttributeValue.fromS(ACCOUNT),
                    RegistryTable.STATE, AttributeValue.fromS("PENDING")));
            return more;
        });

        Result found = only(auditWith(index, false), Check.INDEX_ENTRY_ORPHANED);

        assertEquals(RegistryTable.sourcePartition(PARTNER) + " " + ghost, found.finding().where());
        assertTrue(found.line().contains("byAccount lists it under account " + ACCOUNT + ", but the item is gone"), found.line());
    }

    @Test
    void anIndexThatCatchesUpBeforeTheSecondLookIsNotReported() {
        source(PARTNER, "just-written", ACCOUNT, "PENDING", Map.of());
        counter(PARTNER, 1);
        String sk = RegistryTable.sourceSortKey(name(PARTNER, "just-written"));
        Distorted index = new Distorted(entries -> entries.stream().filter(e -> !e.get(RegistryTable.SORT_KEY).s().equals(sk)).toList());
        index.healsAtSecondLook = true;

        Report report = auditWith(index, false);

        assertTrue(report.clean(), report.render());
        assertTrue(index.secondLooks > 0, "it was looked at again");
    }

    @Test
    void aTableWithoutTheAccountIndexSaysSoAndStillChecksTheRest() {
        DynamoDbEngine.EngineTable bare = DynamoDbEngine.newTable("AuditBare");
        // A table from before the lifecycle: created without byAccount.
        bare.client().updateTable(r -> r.tableName(bare.tableName())
                .globalSecondaryIndexUpdates(GlobalSecondaryIndexUpdate.builder().delete(d -> d.indexName(RegistryTable.ACCOUNT_INDEX)).build()));
        new DynamoDbRegistryAdmin(bare.client(), bare.tableName()).registerPrincipals(PARTNER, List.of(PRINCIPAL));
        bare.client().updateItem(r -> r.tableName(bare.tableName()).key(RegistryTable.counterKey(PARTNER))
                .updateExpression("SET " + RegistryTable.SOURCE_COUNT + " = :n").expressionAttributeValues(Map.of(":n", AttributeValue.fromN("2"))));

        Report report = new TableAudit(bare.client(), bare.tableName(), EXPIRATION, Clock.systemUTC(), null, Duration.ZERO).run(null, false);

        assertEquals(1, report.of(Check.ACCOUNT_INDEX_MISSING).size(), report.render());
        assertEquals(Outcome.REPORT_ONLY, report.of(Check.ACCOUNT_INDEX_MISSING).get(0).outcome());
        assertEquals(1, report.of(Check.COUNTER_MISMATCH).size(), report.render());
    }

    // ---- 3: lifecycle attributes ----

    @Test
    void aPendingSourceWithoutExpiryGetsAFreshOne() {
        source(PARTNER, "no-expiry", ACCOUNT, "PENDING", removed(RegistryTable.EXPIRES_AT, RegistryTable.EXPIRY_QUEUE));
        counter(PARTNER, 1);

        assertEquals(1, audit(null, false).of(Check.PENDING_WITHOUT_EXPIRY).size());
        Instant before = Instant.now();
        assertEquals(Outcome.REPAIRED, only(audit(null, true), Check.PENDING_WITHOUT_EXPIRY).outcome());

        Map<String, AttributeValue> item = sourceItem(PARTNER, "no-expiry");
        assertEquals("PENDING", item.get(RegistryTable.EXPIRY_QUEUE).s());
        long expiresAt = Long.parseLong(item.get(RegistryTable.EXPIRES_AT).n());
        assertTrue(expiresAt >= before.plus(EXPIRATION).toEpochMilli() && expiresAt <= Instant.now().plus(EXPIRATION).toEpochMilli());
        assertTrue(audit(null, false).clean());
    }

    @Test
    void aPendingSourceWithoutItsQueueKeepsItsExpiryAndGetsTheQueue() {
        AttributeValue expiresAt = millis(Instant.now().plus(Duration.ofDays(3)));
        source(PARTNER, "no-queue", ACCOUNT, "PENDING", merged(removed(RegistryTable.EXPIRY_QUEUE), Map.of(RegistryTable.EXPIRES_AT, expiresAt)));
        counter(PARTNER, 1);

        assertEquals(Outcome.REPAIRED, only(audit(null, true), Check.PENDING_WITHOUT_EXPIRY).outcome());

        assertEquals(expiresAt, sourceItem(PARTNER, "no-queue").get(RegistryTable.EXPIRES_AT));
        assertEquals("PENDING", sourceItem(PARTNER, "no-queue").get(RegistryTable.EXPIRY_QUEUE).s());
        assertTrue(audit(null, false).clean());
    }

    @Test
    void anActiveSourceWithAnExpiryLosesIt() {
        source(PARTNER, "active-expiring", ACCOUNT, "ACTIVE", Map.of(RegistryTable.EXPIRES_AT, millis(Instant.now().plusSeconds(60)),
                RegistryTable.EXPIRY_QUEUE, AttributeValue.fromS("PENDING")));
        counter(PARTNER, 1);

        assertEquals(Outcome.REPAIRED, only(audit(null, true), Check.EXPIRY_WHEN_NOT_PENDING).outcome());

        Map<String, AttributeValue> item = sourceItem(PARTNER, "active-expiring");
        assertNull(item.get(RegistryTable.EXPIRES_AT));
        assertNull(item.get(RegistryTable.EXPIRY_QUEUE));
        assertEquals("ACTIVE", item.get(RegistryTable.STATE).s());
        assertTrue(audit(null, false).clean());
    }

    @Test
    void anActiveSourceWithoutItsBusIsPendingAgainWithAFreshExpiry() {
        source(PARTNER, "busless", ACCOUNT, "ACTIVE", removed(RegistryTable.BUS_ACCOUNT, RegistryTable.BUS_CREATED_AT));
        counter(PARTNER, 1);

        Result found = only(audit(null, false), Check.ACTIVE_WITHOUT_BUS);
        assertTrue(found.line().contains("ACTIVE, but no customer bus (no busAccount); --repair: PENDING again, expiring 7 days from the repair"),
                found.line());
        assertEquals(Outcome.REPAIRED, only(audit(null, true), Check.ACTIVE_WITHOUT_BUS).outcome());

        Map<String, AttributeValue> item = sourceItem(PARTNER, "busless");
        assertEquals("PENDING", item.get(RegistryTable.STATE).s());
        assertEquals("PENDING", item.get(RegistryTable.EXPIRY_QUEUE).s());
        assertTrue(Long.parseLong(item.get(RegistryTable.EXPIRES_AT).n()) > Instant.now().plus(EXPIRATION).minusSeconds(60).toEpochMilli());
        assertEquals(1L, counterOf(PARTNER), "ACTIVE and PENDING both count");
        assertTrue(audit(null, false).clean());
    }

    @Test
    void anActiveSourceWhoseBusIsAnotherAccountsIsPendingAgainWithoutThatBus() {
        source(PARTNER, "foreign-bus", ACCOUNT, "ACTIVE", Map.of(RegistryTable.BUS_ACCOUNT, AttributeValue.fromS(OTHER_ACCOUNT)));
        counter(PARTNER, 1);

        Result found = only(audit(null, true), Check.ACTIVE_WITHOUT_BUS);

        assertTrue(found.line().contains("busAccount " + OTHER_ACCOUNT + " is not the source's account " + ACCOUNT), found.line());
        Map<String, AttributeValue> item = sourceItem(PARTNER, "foreign-bus");
        assertEquals("PENDING", item.get(RegistryTable.STATE).s());
        assertNull(item.get(RegistryTable.BUS_ACCOUNT));
        assertNull(item.get(RegistryTable.BUS_CREATED_AT));
        assertTrue(audit(null, false).clean());
    }

    @Test
    void aDeletedSourceWithoutABusIsDeletedAndTheCounterStays() {
        source(PARTNER, "kept", ACCOUNT, "PENDING", Map.of());
        source(PARTNER, "nothing-to-wait-for", ACCOUNT, "DELETED", removed(RegistryTable.BUS_ACCOUNT, RegistryTable.BUS_CREATED_AT));
        counter(PARTNER, 1);

        assertEquals(Outcome.REPAIRED, only(audit(null, true), Check.DELETED_WITHOUT_BUS).outcome());

        assertNull(sourceItem(PARTNER, "nothing-to-wait-for"));
        assertEquals(1L, counterOf(PARTNER));
        assertTrue(audit(null, false).clean());
    }

    @Test
    void aDeletedSourceWhoseBusIsAnotherAccountsHasNoneAndIsDeleted() {
        source(PARTNER, "foreign-bus", ACCOUNT, "DELETED", Map.of(RegistryTable.BUS_ACCOUNT, AttributeValue.fromS(OTHER_ACCOUNT)));

        Result found = only(audit(null, true), Check.DELETED_WITHOUT_BUS);

        assertTrue(found.line().contains("(busAccount " + OTHER_ACCOUNT + " is not the source's account " + ACCOUNT + ")"), found.line());
        assertNull(sourceItem(PARTNER, "foreign-bus"));
        assertTrue(audit(null, false).clean());
    }

    @Test
    void aTrialExpirationOfAFractionOfADayIsGivenInSeconds() {
        source(PARTNER, "busless", ACCOUNT, "ACTIVE", removed(RegistryTable.BUS_ACCOUNT, RegistryTable.BUS_CREATED_AT));
        counter(PARTNER, 1);

        Report report = new TableAudit(client, table.tableName(), Duration.ofSeconds(86), Clock.systemUTC(), null, Duration.ZERO).run(null, false);

        assertTrue(only(report, Check.ACTIVE_WITHOUT_BUS).line().contains("--repair: PENDING again, expiring 86 seconds from the repair"),
                report.render());
    }

    @Test
    void aRepairLosesToAConcurrentChangeOfTheItemAndWritesNothing() {
        source(PARTNER, "racing", ACCOUNT, "ACTIVE", removed(RegistryTable.BUS_ACCOUNT, RegistryTable.BUS_CREATED_AT));
        counter(PARTNER, 1);
        Result found = only(audit(null, false), Check.ACTIVE_WITHOUT_BUS);
        // Meanwhile the customer creates the bus: the source is right now, and the repair must not undo it.
        client.updateItem(r -> r.tableName(table.tableName()).key(RegistryTable.sourceKey(PARTNER, name(PARTNER, "racing")))
                .updateExpression("SET " + RegistryTable.BUS_ACCOUNT + " = :a, " + RegistryTable.BUS_CREATED_AT + " = :t")
                .expressionAttributeValues(Map.of(":a", AttributeValue.fromS(ACCOUNT), ":t", millis(Instant.now()))));
        Map<String, AttributeValue> before = sourceItem(PARTNER, "racing");

        assertThrows(TableAudit.Lost.class, () -> found.finding().repair().apply());

        assertEquals(before, sourceItem(PARTNER, "racing"));
        assertTrue(audit(null, false).clean());
    }

    @Test
    void aSourceTheLifecycleCannotReadIsReportedOnly() {
        source(PARTNER, "stateless", ACCOUNT, "PENDING", removed(RegistryTable.STATE));
        counter(PARTNER, 1);

        Report report = audit(null, true);

        Result found = only(report, Check.SOURCE_MALFORMED);
        assertEquals(Outcome.REPORT_ONLY, found.outcome());
        assertTrue(found.line().contains("state missing, not one of [ACTIVE, DELETED, PENDING]"), found.line());
        assertEquals(1, report.exitCode(), "a finding is left for a person");
    }

    // ---- 4: orphans ----

    @Test
    void sourcesAndACounterWhosePartnerIsGoneAreReportedAndLeftAlone() {
        String gone = "gone.example";
        source(gone, "left-behind", ACCOUNT, "ACTIVE", removed(RegistryTable.BUS_ACCOUNT, RegistryTable.BUS_CREATED_AT));
        counter(gone, 1);
        List<Map<String, AttributeValue>> before = everyItem();

        Report report = audit(null, true);

        assertEquals(before, everyItem(), "--repair writes nothing there");
        assertEquals(Outcome.REPORT_ONLY, only(report, Check.ORPHANED_SOURCES).outcome());
        assertEquals(Outcome.REPORT_ONLY, only(report, Check.ORPHANED_COUNTER).outcome());
        Result lifecycle = only(report, Check.ACTIVE_WITHOUT_BUS);
        assertEquals(Outcome.REPORT_ONLY, lifecycle.outcome());
        assertTrue(lifecycle.line().contains("its partner gone.example is not registered (orphaned-sources): a person decides"), lifecycle.line());
        assertTrue(report.render().contains("orphaned-sources  SOURCES#gone.example  1 source, but no partner item PARTNER#gone.example; "
                + "report only: a person decides"), report.render());
        assertEquals(1, report.exitCode());
    }

    @Test
    void aSourceInAnotherPartnersPartitionIsReportedOnly() {
        source(PARTNER, "mine", ACCOUNT, "PENDING", Map.of());
        Map<String, AttributeValue> stray = sourceItemOf(PARTNER, name("elsewhere.example", "strayed"), ACCOUNT, "PENDING", Map.of());
        client.putItem(r -> r.tableName(table.tableName()).item(stray));
        counter(PARTNER, 2);

        Result found = only(audit(null, true), Check.SOURCE_IN_WRONG_PARTITION);

        assertEquals(Outcome.REPORT_ONLY, found.outcome());
        assertTrue(found.line().contains("the name belongs to partner elsewhere.example, the partition to " + PARTNER), found.line());
    }

    @Test
    void aKeyItsPrincipalsListForgotIsAddedBack() {
        keyItem("PRKAAAAAAAAAAAAAAAA1", PRINCIPAL, "Active");
        principalList(PRINCIPAL, List.of(), List.of());

        Result found = only(audit(null, false), Check.KEY_NOT_IN_PRINCIPAL_LIST);
        assertTrue(found.line().contains("does not name it in accessKeys and activeKeys"), found.line());
        assertEquals(Outcome.REPAIRED, only(audit(null, true), Check.KEY_NOT_IN_PRINCIPAL_LIST).outcome());

        Map<String, AttributeValue> list = item(RegistryTable.principalKeysKey(PRINCIPAL));
        assertEquals(List.of("PRKAAAAAAAAAAAAAAAA1"), list.get(RegistryTable.ACCESS_KEYS).ss());
        assertEquals(List.of("PRKAAAAAAAAAAAAAAAA1"), list.get(RegistryTable.ACTIVE_KEYS).ss());
        assertTrue(audit(null, false).clean());
    }

    @Test
    void aPrincipalsListThatNamesAGoneKeyForgetsIt() {
        keyItem("PRKAAAAAAAAAAAAAAAA1", PRINCIPAL, "Active");
        principalList(PRINCIPAL, List.of("PRKAAAAAAAAAAAAAAAA1", "PRKAAAAAAAAAAAAAGONE"), List.of("PRKAAAAAAAAAAAAAAAA1", "PRKAAAAAAAAAAAAAGONE"));

        Result found = only(audit(null, true), Check.PRINCIPAL_LIST_NAMES_OTHER_KEY);

        assertEquals(Outcome.REPAIRED, found.outcome(), found.line());
        Map<String, AttributeValue> list = item(RegistryTable.principalKeysKey(PRINCIPAL));
        assertEquals(List.of("PRKAAAAAAAAAAAAAAAA1"), list.get(RegistryTable.ACCESS_KEYS).ss());
        assertEquals(List.of("PRKAAAAAAAAAAAAAAAA1"), list.get(RegistryTable.ACTIVE_KEYS).ss());
        assertTrue(audit(null, false).clean());
    }

    @Test
    void aPrincipalsListThatCountsAnInactiveKeyAsActiveStopsCountingIt() {
        keyItem("PRKAAAAAAAAAAAAAAAA1", PRINCIPAL, "Inactive");
        principalList(PRINCIPAL, List.of("PRKAAAAAAAAAAAAAAAA1"), List.of("PRKAAAAAAAAAAAAAAAA1"));

        assertEquals(Outcome.REPAIRED, only(audit(null, true), Check.PRINCIPAL_LIST_NAMES_OTHER_KEY).outcome());

        Map<String, AttributeValue> list = item(RegistryTable.principalKeysKey(PRINCIPAL));
        assertEquals(List.of("PRKAAAAAAAAAAAAAAAA1"), list.get(RegistryTable.ACCESS_KEYS).ss());
        assertNull(list.get(RegistryTable.ACTIVE_KEYS), "the last one removed removes the set");
        assertTrue(audit(null, false).clean());
    }

    // ---- 6: rights ----

    @Test
    void aKeyWhosePrincipalHasNoRightsIsReportedOnly() {
        cleanTable();
        String nobody = "arn:aws:iam::444444444444:user/nobody";
        keyItem("PRKAAAAAAAAAAAAAAAA4", nobody, "Active");
        principalList(nobody, List.of("PRKAAAAAAAAAAAAAAAA4"), List.of("PRKAAAAAAAAAAAAAAAA4"));

        Result found = only(audit(null, true), Check.KEY_WITHOUT_RIGHTS);

        assertEquals(Outcome.REPORT_ONLY, found.outcome());
        assertEquals("key-without-rights  PRINCIPAL#" + nobody + " KEYS  holds access keys, but is registered for no partner and granted "
                + "no account; report only: register-partner or register-customer for it, or delete its keys", found.line());
    }

    @Test
    void aGrantWhosePrincipalHoldsNoKeyIsReportedOnly() {
        cleanTable();
        String subscriber = "arn:aws:iam::" + ACCOUNT + ":role/Subscriber";
        new CustomerGrants(client, table.tableName()).grant(ACCOUNT, List.of(subscriber));

        Result found = only(audit(null, false), Check.GRANT_WITHOUT_KEY);

        assertEquals(Outcome.REPORT_ONLY, found.outcome());
        assertEquals("grant-without-key  CUSTOMER#" + ACCOUNT + " CUSTOMER  grants " + subscriber + ", which holds no access key; "
                + "report only: issue-key --principal " + subscriber + " if it is to call, else deregister-customer", found.line());
    }

    @Test
    void aGrantedCustomerWithAKeyIsNoFinding() {
        cleanTable();
        String subscriber = "arn:aws:iam::" + ACCOUNT + ":role/Subscriber";
        new CustomerGrants(client, table.tableName()).grant(ACCOUNT, List.of(subscriber));
        keyItem("PRKAAAAAAAAAAAAAAAA5", subscriber, "Active");
        principalList(subscriber, List.of("PRKAAAAAAAAAAAAAAAA5"), List.of("PRKAAAAAAAAAAAAAAAA5"));

        assertTrue(audit(null, false).clean(), audit(null, false).render());
    }

    @Test
    void grantsAreNotCheckedForKeysWhereTheTableHoldsNoneAsUnderAwsIam() {
        source(PARTNER, "pending", ACCOUNT, "PENDING", Map.of());
        counter(PARTNER, 1);
        new CustomerGrants(client, table.tableName()).grant(ACCOUNT, List.of("arn:aws:iam::" + ACCOUNT + ":role/Subscriber"));

        assertTrue(audit(null, false).clean(), audit(null, false).render());
    }

    // ---- 5: expiry ----

    @Test
    void anExpiredPendingSourceIsDeletedAndCountedOutInOneTransaction() {
        source(PARTNER, "expired", ACCOUNT, "PENDING", Map.of(RegistryTable.EXPIRES_AT, millis(Instant.now().minusSeconds(1))));
        source(PARTNER, "fresh", ACCOUNT, "PENDING", Map.of());
        counter(PARTNER, 2);
        long changes = countChanges(PARTNER);

        Result found = only(audit(null, false), Check.EXPIRED_PENDING_SOURCE);
        assertTrue(found.line().contains("PENDING, expired at "), found.line());
        assertEquals(Outcome.REPAIRED, only(audit(null, true), Check.EXPIRED_PENDING_SOURCE).outcome());

        assertNull(sourceItem(PARTNER, "expired"));
        assertNotNull(sourceItem(PARTNER, "fresh"));
        assertEquals(1L, counterOf(PARTNER));
        assertEquals(changes + 1, countChanges(PARTNER), "a recount racing the sweep sees it");
        assertTrue(audit(null, false).clean());
    }

    @Test
    void anExpiredSourceWhoseCustomerKeptItsBusBecomesDeletedAndIsCountedOut() {
        // Deactivated by its customer: PENDING again with a new expiry, the bus kept.
        source(PARTNER, "deactivated", ACCOUNT, "PENDING", Map.of(RegistryTable.EXPIRES_AT, millis(Instant.now().minusSeconds(1)),
                RegistryTable.BUS_ACCOUNT, AttributeValue.fromS(ACCOUNT), RegistryTable.BUS_CREATED_AT, millis(Instant.now().minusSeconds(86_400))));
        counter(PARTNER, 1);

        Result found = only(audit(null, true), Check.EXPIRED_PENDING_SOURCE);

        assertEquals("DELETED (its bus remains), and counted out of COUNT#" + PARTNER, found.detail());
        Map<String, AttributeValue> item = sourceItem(PARTNER, "deactivated");
        assertEquals("DELETED", item.get(RegistryTable.STATE).s());
        assertEquals(ACCOUNT, item.get(RegistryTable.BUS_ACCOUNT).s());
        assertNull(item.get(RegistryTable.EXPIRES_AT));
        assertNull(item.get(RegistryTable.EXPIRY_QUEUE));
        assertEquals(0L, counterOf(PARTNER));
        assertTrue(audit(null, false).clean());
    }

    @Test
    void anExpiredSourceThatTheSweepCannotFindIsSweptAllTheSame() {
        source(PARTNER, "unqueued", ACCOUNT, "PENDING", merged(removed(RegistryTable.EXPIRY_QUEUE),
                Map.of(RegistryTable.EXPIRES_AT, millis(Instant.now().minusSeconds(1)))));
        counter(PARTNER, 1);

        Report report = audit(null, true);

        Result found = only(report, Check.EXPIRED_PENDING_SOURCE);
        assertTrue(found.line().contains("not swept yet (nor can the sweep find it: no expiryQueue)"), found.line());
        assertEquals(Outcome.REPAIRED, found.outcome(), found.line());
        assertEquals(1, report.results().size(), "one finding, one repair: " + report.render());
        assertNull(sourceItem(PARTNER, "unqueued"));
        assertEquals(0L, counterOf(PARTNER));
    }

    @Test
    void theSweepLosesToACustomerWhoActivatedTheSourceMeanwhile() {
        source(PARTNER, "saved", ACCOUNT, "PENDING", Map.of(RegistryTable.EXPIRES_AT, millis(Instant.now().minusSeconds(1))));
        counter(PARTNER, 1);
        Result found = only(audit(null, false), Check.EXPIRED_PENDING_SOURCE);
        client.putItem(r -> r.tableName(table.tableName()).item(sourceItemOf(PARTNER, name(PARTNER, "saved"), ACCOUNT, "ACTIVE", Map.of())));

        assertThrows(TableAudit.Lost.class, () -> found.finding().repair().apply());

        assertEquals("ACTIVE", sourceItem(PARTNER, "saved").get(RegistryTable.STATE).s());
        assertEquals(1L, counterOf(PARTNER), "not counted out");
    }

    // ---- the table, broken on purpose ----

    /** Every kind of item, each as the layout wants it. */
    private void cleanTable() {
        source(PARTNER, "pending", ACCOUNT, "PENDING", Map.of());
        source(PARTNER, "active", ACCOUNT, "ACTIVE", Map.of());
        source(PARTNER, "deleted", ACCOUNT, "DELETED", Map.of());
        source(PARTNER, "other-customer", OTHER_ACCOUNT, "PENDING", Map.of());
        counter(PARTNER, 3);
        admin.registerPrincipals("empty.example", List.of(PRINCIPAL));
        keyItem("PRKAAAAAAAAAAAAAAAA1", PRINCIPAL, "Active");
        keyItem("PRKAAAAAAAAAAAAAAAA2", PRINCIPAL, "Inactive");
        principalList(PRINCIPAL, List.of("PRKAAAAAAAAAAAAAAAA1", "PRKAAAAAAAAAAAAAAAA2"), List.of("PRKAAAAAAAAAAAAAAAA1"));
    }

    /** One finding of each repairable kind, on top of {@link #cleanTable()}. */
    private void brokenInEveryRepairableWay() {
        counter(PARTNER, 40);
        source(PARTNER, "pending-without-expiry", ACCOUNT, "PENDING", removed(RegistryTable.EXPIRES_AT, RegistryTable.EXPIRY_QUEUE));
        source(PARTNER, "deleted-with-expiry", ACCOUNT, "DELETED", Map.of(RegistryTable.EXPIRES_AT, millis(Instant.now().plusSeconds(60)),
                RegistryTable.EXPIRY_QUEUE, AttributeValue.fromS("PENDING")));
        source(PARTNER, "active-without-bus", ACCOUNT, "ACTIVE", removed(RegistryTable.BUS_ACCOUNT, RegistryTable.BUS_CREATED_AT));
        source(PARTNER, "deleted-without-bus", ACCOUNT, "DELETED", removed(RegistryTable.BUS_ACCOUNT, RegistryTable.BUS_CREATED_AT));
        source(PARTNER, "expired", ACCOUNT, "PENDING", Map.of(RegistryTable.EXPIRES_AT, millis(Instant.now().minusSeconds(5))));
        keyItem("PRKAAAAAAAAAAAAAAAA3", "arn:aws:iam::123456789012:role/forgotten", "Inactive");
        admin.registerPrincipals("empty.example", List.of("arn:aws:iam::123456789012:role/forgotten"));
        principalList("arn:aws:iam::123456789012:role/remembers", List.of("PRKAAAAAAAAAAAAAGONE"), List.of());
    }

    private static String name(String partner, String suffix) {
        return "aws.partner/" + partner + "/orders/" + suffix;
    }

    /** A source as the lifecycle writes it in {@code state}, then {@code changes} applied (a null value removes the attribute). */
    private void source(String partner, String suffix, String account, String state, Map<String, AttributeValue> changes) {
        Map<String, AttributeValue> item = sourceItemOf(partner, name(partner, suffix), account, state, changes);
        client.putItem(r -> r.tableName(table.tableName()).item(item));
    }

    private static Map<String, AttributeValue> sourceItemOf(String partition, String name, String account, String state,
                                                            Map<String, AttributeValue> changes) {
        Map<String, AttributeValue> item = new HashMap<>(RegistryTable.sourceKey(partition, name));
        Instant created = Instant.now().minusSeconds(3600);
        item.put(RegistryTable.SOURCE_NAME, AttributeValue.fromS(name));
        item.put(RegistryTable.ACCOUNT, AttributeValue.fromS(account));
        item.put(RegistryTable.CREATED_AT, millis(created));
        item.put(RegistryTable.STATE, AttributeValue.fromS(state));
        item.put(RegistryTable.CALL_ID, AttributeValue.fromS("call-" + name.hashCode()));
        if (state.equals("PENDING")) {
            item.put(RegistryTable.EXPIRES_AT, millis(created.plus(EXPIRATION)));
            item.put(RegistryTable.EXPIRY_QUEUE, AttributeValue.fromS(RegistryTable.EXPIRY_QUEUE_VALUE));
        } else {
            item.put(RegistryTable.BUS_ACCOUNT, AttributeValue.fromS(account));
            item.put(RegistryTable.BUS_CREATED_AT, millis(created.plusSeconds(60)));
        }
        for (Map.Entry<String, AttributeValue> change : changes.entrySet()) {
            if (change.getValue() == null) {
                item.remove(change.getKey());
            } else {
                item.put(change.getKey(), change.getValue());
            }
        }
        return item;
    }

    private static Map<String, AttributeValue> removed(String... attributes) {
        Map<String, AttributeValue> changes = new HashMap<>();
        for (String attribute : attributes) {
            changes.put(attribute, null);
        }
        return changes;
    }

    private static Map<String, AttributeValue> merged(Map<String, AttributeValue> first, Map<String, AttributeValue> second) {
        Map<String, AttributeValue> both = new HashMap<>(first);
        both.putAll(second);
        return both;
    }

    private static Map<String, AttributeValue> with(Map<String, AttributeValue> item, String attribute, AttributeValue value) {
        Map<String, AttributeValue> changed = new HashMap<>(item);
        changed.put(attribute, value);
        return changed;
    }

    private void counter(String partner, long count) {
        client.updateItem(r -> r.tableName(table.tableName()).key(RegistryTable.counterKey(partner))
                .updateExpression("SET " + RegistryTable.SOURCE_COUNT + " = :n, " + RegistryTable.COUNT_CHANGES + " = if_not_exists("
                        + RegistryTable.COUNT_CHANGES + ", :zero) + :one")
                .expressionAttributeValues(Map.of(":n", AttributeValue.fromN(Long.toString(count)), ":zero", AttributeValue.fromN("0"),
                        ":one", AttributeValue.fromN("1"))));
    }

    private void keyItem(String id, String principal, String status) {
        Map<String, AttributeValue> item = new HashMap<>(RegistryTable.accessKeyKey(id));
        item.put(RegistryTable.KEY_PRINCIPAL, AttributeValue.fromS(principal));
        item.put(RegistryTable.KEY_STATUS, AttributeValue.fromS(status));
        item.put(RegistryTable.ENCRYPTED_SECRET, AttributeValue.fromB(SdkBytes.fromUtf8String("not really ciphertext")));
        item.put(RegistryTable.CREATED_AT, millis(Instant.now()));
        client.putItem(r -> r.tableName(table.tableName()).item(item));
    }

    private void principalList(String principal, List<String> keys, List<String> active) {
        Map<String, AttributeValue> item = new HashMap<>(RegistryTable.principalKeysKey(principal));
        item.put(RegistryTable.KEY_PRINCIPAL, AttributeValue.fromS(principal));
        if (!keys.isEmpty()) {
            item.put(RegistryTable.ACCESS_KEYS, AttributeValue.fromSs(keys));
        }
        if (!active.isEmpty()) {
            item.put(RegistryTable.ACTIVE_KEYS, AttributeValue.fromSs(active));
        }
        client.putItem(r -> r.tableName(table.tableName()).item(item));
    }

    private static AttributeValue millis(Instant at) {
        return AttributeValue.fromN(Long.toString(at.toEpochMilli()));
    }

    // ---- reading back ----

    private Map<String, AttributeValue> item(Map<String, AttributeValue> key) {
        Map<String, AttributeValue> item = client.getItem(r -> r.tableName(table.tableName()).key(key).consistentRead(true)).item();
        return item == null || item.isEmpty() ? null : item;
    }

    private Map<String, AttributeValue> sourceItem(String partner, String suffix) {
        return item(RegistryTable.sourceKey(partner, name(partner, suffix)));
    }

    private long counterOf(String partner) {
        return Long.parseLong(item(RegistryTable.counterKey(partner)).get(RegistryTable.SOURCE_COUNT).n());
    }

    private long countChanges(String partner) {
        return Long.parseLong(item(RegistryTable.counterKey(partner)).get(RegistryTable.COUNT_CHANGES).n());
    }

    /** The whole table, in key order. */
    private List<Map<String, AttributeValue>> everyItem() {
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        client.scanPaginator(r -> r.tableName(table.tableName()).consistentRead(true)).items().forEach(items::add);
        items.sort(Comparator.comparing((Map<String, AttributeValue> i) -> i.get(RegistryTable.PARTITION_KEY).s())
                .thenComparing(i -> i.get(RegistryTable.SORT_KEY).s()));
        return items;
    }

    // ---- running it ----

    private Report audit(String partner, boolean repair) {
        return new TableAudit(client, table.tableName(), EXPIRATION, Clock.systemUTC(), null, Duration.ZERO).run(partner, repair);
    }

    private Report auditWith(TableAudit.AccountIndex index, boolean repair) {
        return new TableAudit(client, table.tableName(), EXPIRATION, Clock.systemUTC(), index, Duration.ofMillis(20)).run(null, repair);
    }

    private static Result only(Report report, Check check) {
        List<Result> found = report.of(check);
        assertEquals(1, found.size(), check.label() + " once in\n" + report.render());
        return found.get(0);
    }

    private record Run(int exit, String out) {
    }

    private Run command(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int exit = AdminCommand.run(args, Map.of("TABLE_NAME", table.tableName(), "DYNAMODB_ENDPOINT", table.endpoint().toString()),
                new PrintStream(out), new PrintStream(new ByteArrayOutputStream()));
        return new Run(exit, out.toString(StandardCharsets.UTF_8));
    }

    /**
     * The real byAccount, seen through a distortion: an index that lags its items, or is wrong. With
     * {@code healsAtSecondLook}, only the first look (the scans) is distorted, as an index that catches up.
     */
    private final class Distorted implements TableAudit.AccountIndex {

        private final TableAudit.AccountIndex real = new TableAudit.DynamoDbAccountIndex(client, table.tableName());
        private final UnaryOperator<List<Map<String, AttributeValue>>> distortion;
        boolean healsAtSecondLook;
        int secondLooks;

        Distorted(UnaryOperator<List<Map<String, AttributeValue>>> distortion) {
            this.distortion = distortion;
        }

        @Override
        public Iterable<Map<String, AttributeValue>> entries() {
            return distortion.apply(list(real.entries()));
        }

        @Override
        public Iterable<Map<String, AttributeValue>> entriesOf(String partition) {
            return distortion.apply(list(real.entriesOf(partition))).stream()
                    .filter(e -> e.get(RegistryTable.PARTITION_KEY).s().equals(partition)).toList();
        }

        @Override
        public List<Map<String, AttributeValue>> entriesAt(String account, String partition, String sortKey) {
            secondLooks++;
            List<Map<String, AttributeValue>> real = list(this.real.entriesOf(partition));
            List<Map<String, AttributeValue>> seen = healsAtSecondLook ? real : distortion.apply(real);
            return seen.stream().filter(e -> e.get(RegistryTable.ACCOUNT).s().equals(account)
                    && e.get(RegistryTable.SORT_KEY).s().equals(sortKey)).toList();
        }

        private List<Map<String, AttributeValue>> list(Iterable<Map<String, AttributeValue>> entries) {
            List<Map<String, AttributeValue>> all = new ArrayList<>();
            entries.forEach(all::add);
            return all;
        }
    }
}
