package dev.partnerregistry.store;

import static dev.partnerregistry.testing.RegistryFixture.ACCOUNT;
import static dev.partnerregistry.testing.RegistryFixture.OTHER_CALLER;
import static dev.partnerregistry.testing.RegistryFixture.PARTNER;
import static dev.partnerregistry.testing.RegistryFixture.PARTNER_CALLER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.partnerregistry.api.AwsJsonProtocol;
import dev.partnerregistry.domain.Caller;
import dev.partnerregistry.domain.PartnerEventSource;
import dev.partnerregistry.domain.PartnerRegistry;
import dev.partnerregistry.domain.PartnerSourceStore;
import dev.partnerregistry.domain.RegistryException;
import dev.partnerregistry.domain.RegistryOperation;
import dev.partnerregistry.testing.DynamoDbEngine;
import dev.partnerregistry.testing.RegistryFixture;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.function.Executable;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Describe, list, list accounts and delete on a real engine, and that no partner reaches another's sources. */
@ExtendWith(DynamoDbEngine.class)
class PartnerApiOperationsTest {

    private final RegistryFixture fixture;
    private final PartnerRegistry registry;

    PartnerApiOperationsTest(DynamoDbEngine.EngineTable table) {
        this.fixture = new RegistryFixture(table, 300);
        this.registry = fixture.registry;
    }

    private static String name(String suffix) {
        return "aws.partner/" + PARTNER + "/ops/" + suffix;
    }

    @Test
    void describeAnswersTheArnAndName() {
        registry.createPartnerEventSource(name("described"), ACCOUNT, PARTNER_CALLER);
        PartnerEventSource source = registry.describePartnerEventSource(name("described"), PARTNER_CALLER);
        assertEquals(name("described"), source.name());
        assertEquals("arn:aws:events:us-east-1::event-source/aws.partner/example.com/ops/described", registry.arnOf(source.name()));
    }

    @Test
    void describeOfAnAbsentSourceIsResourceNotFound() {
        RegistryException e = assertThrows(RegistryException.ResourceNotFound.class,
                () -> registry.describePartnerEventSource(name("absent"), PARTNER_CALLER));
        assertEquals("ResourceNotFoundException", e.errorCode());
        assertEquals("Event source aws.partner/example.com/ops/absent does not exist.", e.getMessage());
    }

    @Test
    void listAccountsAnswersTheOneAccountPendingWithItsCreationTime() {
        Instant before = Instant.now().minusSeconds(1);
        registry.createPartnerEventSource(name("accounts"), "111122223333", PARTNER_CALLER);
        PartnerEventSource source = registry.listPartnerEventSourceAccounts(name("accounts"), null, null, PARTNER_CALLER);
        assertEquals("111122223333", source.account());
        assertEquals(PartnerEventSource.SourceState.PENDING, source.state());
        assertTrue(!source.creationTime().isBefore(before) && source.creationTime().isBefore(Instant.now().plusSeconds(1)));
    }

    @Test
    void listAccountsOfAnAbsentSourceIsResourceNotFound() {
        assertThrows(RegistryException.ResourceNotFound.class,
                () -> registry.listPartnerEventSourceAccounts(name("no-accounts"), null, null, PARTNER_CALLER));
    }

    @Test
    void listAnswersOnlyNamesWithThePrefixInNameOrder() {
        for (String suffix : List.of("b", "a", "c")) {
            registry.createPartnerEventSource("aws.partner/example.com/sorted/" + suffix, ACCOUNT, PARTNER_CALLER);
        }
        registry.createPartnerEventSource("aws.partner/example.com/sortedness/x", ACCOUNT, PARTNER_CALLER);
        PartnerRegistry.SourcePage page = registry.listPartnerEventSources("aws.partner/example.com/sorted/", null, null, PARTNER_CALLER);
        assertEquals(List.of("aws.partner/example.com/sorted/a", "aws.partner/example.com/sorted/b", "aws.partner/example.com/sorted/c"),
                page.sources().stream().map(PartnerEventSource::name).toList());
        assertNull(page.nextToken());
    }

    @Test
    void pagingThroughTwoHundredFiftySourcesWithLimitSevenReturnsEachExactlyOnce() {
        String prefix = "aws.partner/example.com/paged/";
        Set<String> created = new HashSet<>();
        for (int i = 0; i < 250; i++) {
            String name = prefix + String.format("%03d", i);
            registry.createPartnerEventSource(name, ACCOUNT, PARTNER_CALLER);
            created.add(name);
        }
        List<String> seen = new ArrayList<>();
        String token = null;
        int pages = 0;
        do {
            PartnerRegistry.SourcePage page = registry.listPartnerEventSources(prefix, token, 7, PARTNER_CALLER);
            assertTrue(page.sources().size() <= 7);
            page.sources().forEach(s -> seen.add(s.name()));
            token = page.nextToken();
            pages++;
        } while (token != null);
        assertEquals(36, pages, "250 sources in pages of 7 is 35 full pages and one of 5");
        assertEquals(250, seen.size());
        assertEquals(created, new HashSet<>(seen));
        List<String> sorted = new ArrayList<>(seen);
        sorted.sort(null);
        assertEquals(sorted, seen, "pages come in name order");
    }

    @Test
    void aNextTokenIsRejectedForAnotherPrefix() {
        for (int i = 0; i < 3; i++) {
            registry.createPartnerEventSource("aws.partner/example.com/bound/" + i, ACCOUNT, PARTNER_CALLER);
        }
        String token = registry.listPartnerEventSources("aws.partner/example.com/bound/", null, 1, PARTNER_CALLER).nextToken();
        RegistryException e = assertThrows(RegistryException.Validation.class,
                () -> registry.listPartnerEventSources("aws.partner/example.com/", token, 1, PARTNER_CALLER));
        assertEquals("ValidationException", e.errorCode());
        assertEquals("The NextToken is invalid or has expired.", e.getMessage());
    }

    @Test
    void anAlteredNextTokenIsRejected() {
        for (int i = 0; i < 3; i++) {
            registry.createPartnerEventSource("aws.partner/example.com/tamper/" + i, ACCOUNT, PARTNER_CALLER);
        }
        String prefix = "aws.partner/example.com/tamper/";
        String token = registry.listPartnerEventSources(prefix, null, 1, PARTNER_CALLER).nextToken();
        String payload = token.substring(0, token.indexOf('.'));
        String decoded = new String(Base64.getUrlDecoder().decode(payload), StandardCharsets.UTF_8);
        String forged = Base64.getUrlEncoder().withoutPadding().encodeToString(
                decoded.replace("tamper/0", "tamper/1").getBytes(StandardCharsets.UTF_8)) + token.substring(token.indexOf('.'));
        assertThrows(RegistryException.Validation.class, () -> registry.listPartnerEventSources(prefix, forged, 1, PARTNER_CALLER));
        String flipped = token.substring(0, token.length() - 1) + (token.endsWith("A") ? "B" : "A");
        assertThrows(RegistryException.Validation.class, () -> registry.listPartnerEventSources(prefix, flipped, 1, PARTNER_CALLER));
        assertThrows(RegistryException.Validation.class, () -> registry.listPartnerEventSources(prefix, "not-a-token", 1, PARTNER_CALLER));
    }

    @Test
    void aTokenSignedByAnotherDeploymentIsRejected() {
        registry.createPartnerEventSource("aws.partner/example.com/foreign/0", ACCOUNT, PARTNER_CALLER);
        String foreign = new dev.partnerregistry.domain.PageToken(() -> new byte[32])
                .issue("aws.partner/example.com/foreign/", new PartnerSourceStore.Resume("aws.partner/example.com/foreign/0", 1000), Instant.now());
        assertThrows(RegistryException.Validation.class,
                () -> registry.listPartnerEventSources("aws.partner/example.com/foreign/", foreign, 1, PARTNER_CALLER));
    }

    @Test
    void deleteRemovesTheSourceAndFreesItsSlot() {
        String partner = "delete.example";
        Caller caller = fixture.registerPartner(partner, 2);
        registry.createPartnerEventSource("aws.partner/delete.example/a/1", ACCOUNT, caller);
        registry.createPartnerEventSource("aws.partner/delete.example/a/2", ACCOUNT, caller);
        assertThrows(RegistryException.LimitExceeded.class,
                () -> registry.createPartnerEventSource("aws.partner/delete.example/a/3", ACCOUNT, caller));

        registry.deletePartnerEventSource("aws.partner/delete.example/a/1", ACCOUNT, caller);

        assertThrows(RegistryException.ResourceNotFound.class,
                () -> registry.describePartnerEventSource("aws.partner/delete.example/a/1", caller));
        assertEquals(1, fixture.sourceCount(partner));
        registry.createPartnerEventSource("aws.partner/delete.example/a/1", ACCOUNT, caller);
        assertEquals(2, fixture.sourceCount(partner));
        assertThrows(RegistryException.LimitExceeded.class,
                () -> registry.createPartnerEventSource("aws.partner/delete.example/a/3", ACCOUNT, caller));
    }

    @Test
    void deletingAnAbsentSourceSucceedsAndChangesNothing() {
        int before = fixture.sourceCount(PARTNER);
        registry.deletePartnerEventSource(name("never-created"), ACCOUNT, PARTNER_CALLER);
        assertEquals(before, fixture.sourceCount(PARTNER));
    }

    @Test
    void deletingWithAnotherAccountSucceedsAndLeavesTheSource() {
        registry.createPartnerEventSource(name("kept"), ACCOUNT, PARTNER_CALLER);
        int before = fixture.sourceCount(PARTNER);
        registry.deletePartnerEventSource(name("kept"), "999999999999", PARTNER_CALLER);
        assertEquals(name("kept"), registry.describePartnerEventSource(name("kept"), PARTNER_CALLER).name());
        assertEquals(before, fixture.sourceCount(PARTNER));
    }

    @Test
    void aDeleteAfterThePartnersCounterWasLostSucceedsAndLeavesTheCounterAtZero() {
        Caller caller = fixture.registerPartner("lost-count.example", null);
        String name = "aws.partner/lost-count.example/a/1";
        registry.createPartnerEventSource(name, ACCOUNT, caller);
        fixture.table.client().updateItem(r -> r.tableName(fixture.table.tableName())
                .key(RegistryTable.counterKey("lost-count.example"))
                .updateExpression("REMOVE " + RegistryTable.SOURCE_COUNT));
        registry.deletePartnerEventSource(name, ACCOUNT, caller);
        assertEquals(0, fixture.storedSources("lost-count.example"));
        assertEquals(0, fixture.sourceCount("lost-count.example"));
    }

    @Test
    void principalsHandEditedIntoAnotherTypeGrantNothingToWritesOrReads() {
        String partner = "typed.example";
        Caller caller = new Caller("arn:aws:iam::123456789012:role/typed");
        // A String attribute: DynamoDB's contains() would match it as a substring, the Java check never.
        fixture.table.client().putItem(r -> r.tableName(fixture.table.tableName()).item(Map.of(
                RegistryTable.PARTITION_KEY, RegistryTable.partnerKey(partner).get(RegistryTable.PARTITION_KEY),
                RegistryTable.SORT_KEY, RegistryTable.partnerKey(partner).get(RegistryTable.SORT_KEY),
                RegistryTable.PARTNER, AttributeValue.fromS(partner),
                RegistryTable.PRINCIPALS, AttributeValue.fromS(caller.principalArn() + "-and-more"))));
        String name = "aws.partner/" + partner + "/a/b";
        assertDeniedTo(caller, () -> registry.createPartnerEventSource(name, ACCOUNT, caller));
        assertDeniedTo(caller, () -> registry.describePartnerEventSource(name, caller));
        assertEquals(0, fixture.storedSources(partner));
    }

    private static void assertDeniedTo(Caller caller, Executable call) {
        RegistryException e = assertThrows(RegistryException.AccessDenied.class, call);
        assertTrue(e.getMessage().startsWith("User: " + caller.principalArn() + " is not authorized"), e.getMessage());
    }

    @Test
    void everyOperationOnAnotherPartnersSourceIsAccessDeniedWhetherOrNotItExists() {
        registry.createPartnerEventSource(name("private"), ACCOUNT, PARTNER_CALLER);
        for (String target : List.of(name("private"), name("does-not-exist"))) {
            assertDenied(() -> registry.createPartnerEventSource(target, ACCOUNT, OTHER_CALLER));
            assertDenied(() -> registry.describePartnerEventSource(target, OTHER_CALLER));
            assertDenied(() -> registry.listPartnerEventSourceAccounts(target, null, null, OTHER_CALLER));
            assertDenied(() -> registry.deletePartnerEventSource(target, ACCOUNT, OTHER_CALLER));
        }
        assertDenied(() -> registry.listPartnerEventSources("aws.partner/example.com/", null, null, OTHER_CALLER));
        assertEquals(name("private"), registry.describePartnerEventSource(name("private"), PARTNER_CALLER).name(),
                "the denied delete removed nothing");
    }

    @Test
    void aDisabledOperationIsOperationDisabledForEveryOperation() {
        registry.createPartnerEventSource(name("switched"), ACCOUNT, PARTNER_CALLER);
        for (RegistryOperation operation : RegistryOperation.values()) {
            fixture.admin.disable(DynamoDbEngine.REGION, operation);
        }
        try {
            assertDisabled(() -> registry.createPartnerEventSource(name("switched-2"), ACCOUNT, PARTNER_CALLER));
            assertDisabled(() -> registry.describePartnerEventSource(name("switched"), PARTNER_CALLER));
            assertDisabled(() -> registry.listPartnerEventSources("aws.partner/example.com/", null, null, PARTNER_CALLER));
            assertDisabled(() -> registry.listPartnerEventSourceAccounts(name("switched"), null, null, PARTNER_CALLER));
            assertDisabled(() -> registry.deletePartnerEventSource(name("switched"), ACCOUNT, PARTNER_CALLER));
            assertDisabled(() -> registry.describePartnerEventSource(name("switched"), OTHER_CALLER));
        } finally {
            for (RegistryOperation operation : RegistryOperation.values()) {
                fixture.admin.enable(DynamoDbEngine.REGION, operation);
            }
        }
        assertEquals(name("switched"), registry.describePartnerEventSource(name("switched"), PARTNER_CALLER).name());
    }

    @Test
    void aPageTokenStaysValidForADayOnly() {
        dev.partnerregistry.domain.PageToken tokens = new dev.partnerregistry.domain.PageToken(() -> new byte[32]);
        Instant issued = Instant.parse("2026-01-01T00:00:00Z");
        String token = tokens.issue("aws.partner/p/", new PartnerSourceStore.Resume("aws.partner/p/a", 1000), issued);
        assertEquals("aws.partner/p/a", tokens.resumeOf(token, "aws.partner/p/", issued.plus(Duration.ofHours(23))).afterName());
        assertThrows(RegistryException.Validation.class,
                () -> tokens.resumeOf(token, "aws.partner/p/", issued.plus(Duration.ofHours(25))));
    }

    private static void assertDenied(Executable call) {
        RegistryException e = assertThrows(RegistryException.AccessDenied.class, call);
        assertEquals("AccessDeniedException", e.errorCode());
        assertEquals(400, AwsJsonProtocol.statusOf(e));
        assertTrue(e.getMessage().startsWith("User: arn:aws:iam::210987654321:user/other-partner is not authorized to perform: events:"),
                e.getMessage());
    }

    private static void assertDisabled(Executable call) {
        assertEquals("OperationDisabledException", assertThrows(RegistryException.OperationDisabled.class, call).errorCode());
    }
}
