package dev.partnerregistry.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The partner operations over the store port, without an engine: what the domain itself decides. */
class PartnerRegistryTest {

    private static final Caller PARTNER = new Caller("arn:aws:iam::123456789012:user/example-partner");
    private static final Caller STRANGER = new Caller("arn:aws:iam::210987654321:user/stranger");
    private static final String ACCOUNT = "123456789012";
    private static final Instant NOW = Instant.parse("2026-11-27T10:15:30.123Z");

    private final InMemoryPartnerSourceStore store = new InMemoryPartnerSourceStore();
    private final PartnerRegistry registry = registryIn("us-east-1");

    PartnerRegistryTest() {
        store.register("example.com", PARTNER);
    }

    private PartnerRegistry registryIn(String region) {
        return new PartnerRegistry(store, store, region, 100, Clock.fixed(NOW, ZoneOffset.UTC));
    }

    private static String name(String suffix) {
        return "aws.partner/example.com/unit/" + suffix;
    }

    @Test
    void createAnswersTheArnWithAnEmptyAccountFieldInTheRegionsPartition() {
        assertEquals("arn:aws:events:us-east-1::event-source/aws.partner/example.com/unit/a",
                registry.createPartnerEventSource(name("a"), ACCOUNT, PARTNER));
        assertEquals("arn:aws-cn:events:cn-north-1::event-source/aws.partner/example.com/unit/b",
                registryIn("cn-north-1").createPartnerEventSource(name("b"), ACCOUNT, PARTNER));
        assertEquals("arn:aws-us-gov:events:us-gov-west-1::event-source/aws.partner/example.com/unit/c",
                registryIn("us-gov-west-1").createPartnerEventSource(name("c"), ACCOUNT, PARTNER));
    }

    @Test
    void aNewSourceIsPendingAndCreatedNow() {
        registry.createPartnerEventSource(name("pending"), ACCOUNT, PARTNER);
        PartnerEventSource source = registry.describePartnerEventSource(name("pending"), PARTNER);
        assertEquals(PartnerEventSource.SourceState.PENDING, source.state());
        assertEquals(NOW, source.creationTime());
        assertEquals(ACCOUNT, source.account());
    }

    @Test
    void theAccessCheckIsForThePartnerNamedInTheSourceName() {
        RegistryException e = assertThrows(RegistryException.AccessDenied.class,
                () -> registry.createPartnerEventSource(name("x"), ACCOUNT, STRANGER));
        assertEquals("User: arn:aws:iam::210987654321:user/stranger is not authorized to perform: events:CreatePartnerEventSource "
                + "on resource: arn:aws:events:us-east-1::event-source/aws.partner/example.com/unit/x", e.getMessage());
    }

    @Test
    void listIsDeniedOnThePrefixArnWithAWildcard() {
        RegistryException e = assertThrows(RegistryException.AccessDenied.class,
                () -> registry.listPartnerEventSources("aws.partner/example.com/", null, null, STRANGER));
        assertEquals("User: arn:aws:iam::210987654321:user/stranger is not authorized to perform: events:ListPartnerEventSources "
                + "on resource: arn:aws:events:us-east-1::event-source/aws.partner/example.com/*", e.getMessage());
    }

    @Test
    void describeOfAnAbsentSourceIsResourceNotFound() {
        RegistryException e = assertThrows(RegistryException.ResourceNotFound.class,
                () -> registry.describePartnerEventSource(name("absent"), PARTNER));
        assertEquals("Event source aws.partner/example.com/unit/absent does not exist.", e.getMessage());
    }

    @Test
    void pagesHoldLimitSourcesInNameOrderAndTheLastHasNoToken() {
        for (int i = 0; i < 15; i++) {
            registry.createPartnerEventSource(name(String.format("%02d", i)), ACCOUNT, PARTNER);
        }
        List<String> seen = new ArrayList<>();
        List<Integer> sizes = new ArrayList<>();
        String token = null;
        do {
            PartnerRegistry.SourcePage page = registry.listPartnerEventSources("aws.partner/example.com/unit/", token, 5, PARTNER);
            page.sources().forEach(s -> seen.add(s.name()));
            sizes.add(page.sources().size());
            token = page.nextToken();
        } while (token != null);
        assertEquals(List.of(5, 5, 5), sizes, "15 in pages of 5: no empty fourth page behind a token");
        assertEquals(15, seen.size());
        assertEquals(name("00"), seen.get(0));
        assertEquals(name("14"), seen.get(14));
    }

    @Test
    void aPageWithoutLimitHoldsAHundred() {
        store.limit("example.com", 101);
        for (int i = 0; i < 101; i++) {
            registry.createPartnerEventSource(name(String.format("%03d", i)), ACCOUNT, PARTNER);
        }
        PartnerRegistry.SourcePage page = registry.listPartnerEventSources("aws.partner/example.com/", null, null, PARTNER);
        assertEquals(100, page.sources().size());
        assertNotNull(page.nextToken());
    }

    @Test
    void aTokenIssuedForOnePrefixIsInvalidForAnother() {
        for (int i = 0; i < 3; i++) {
            registry.createPartnerEventSource(name("p" + i), ACCOUNT, PARTNER);
        }
        String token = registry.listPartnerEventSources("aws.partner/example.com/unit/", null, 1, PARTNER).nextToken();
        RegistryException e = assertThrows(RegistryException.Validation.class,
                () -> registry.listPartnerEventSources("aws.partner/example.com/", token, 1, PARTNER));
        assertEquals("The NextToken is invalid or has expired.", e.getMessage());
    }

    @Test
    void aListThatNeverPagesDoesNotReadTheTokenKey() {
        registry.createPartnerEventSource(name("one"), ACCOUNT, PARTNER);
        assertNull(registry.listPartnerEventSources("aws.partner/example.com/", null, 10, PARTNER).nextToken());
        assertEquals(0, store.secretReads);
    }

    @Test
    void listAccountsAnswersTheOneAccountAndRejectsAnyTokenSinceItNeverIssuesOne() {
        registry.createPartnerEventSource(name("acc"), "111122223333", PARTNER);
        assertEquals("111122223333", registry.listPartnerEventSourceAccounts(name("acc"), null, null, PARTNER).account());
        RegistryException e = assertThrows(RegistryException.Validation.class,
                () -> registry.listPartnerEventSourceAccounts(name("acc"), "anything", null, PARTNER));
        assertEquals("The NextToken is invalid or has expired.", e.getMessage());
    }

    @Test
    void deleteOfAnAbsentSourceOrAnotherAccountSucceedsAndChangesNothing() {
        registry.createPartnerEventSource(name("kept"), ACCOUNT, PARTNER);
        registry.deletePartnerEventSource(name("never"), ACCOUNT, PARTNER);
        registry.deletePartnerEventSource(name("kept"), "999999999999", PARTNER);
        assertEquals(ACCOUNT, registry.describePartnerEventSource(name("kept"), PARTNER).account());
    }

    @Test
    void invalidInputIsRejectedBeforeTheStoreIsAsked() {
        store.disable(RegistryOperation.CREATE_PARTNER_EVENT_SOURCE);
        RegistryException e = assertThrows(RegistryException.Validation.class,
                () -> registry.createPartnerEventSource("aws.partner/x", "12", STRANGER));
        assertTrue(e.getMessage().startsWith("3 validation errors detected: "), e.getMessage());
    }

    @Test
    void aBadNextTokenIsReportedOnlyAfterTheOperationIsEnabledAndTheCallerRegistered() {
        assertThrows(RegistryException.AccessDenied.class,
                () -> registry.listPartnerEventSources("aws.partner/example.com/", "forged.token", null, STRANGER));
        store.disable(RegistryOperation.LIST_PARTNER_EVENT_SOURCES);
        assertThrows(RegistryException.OperationDisabled.class,
                () -> registry.listPartnerEventSources("aws.partner/example.com/", "forged.token", null, PARTNER));
    }

    @Test
    void aRetryOfACreateWhoseFirstAttemptCommittedAnswersTheSameArn() {
        String arn = registry.createPartnerEventSource(name("retried"), ACCOUNT, PARTNER, "call-1");
        assertEquals(arn, registry.createPartnerEventSource(name("retried"), ACCOUNT, PARTNER, "call-1"));
        assertThrows(RegistryException.ResourceAlreadyExists.class,
                () -> registry.createPartnerEventSource(name("retried"), ACCOUNT, PARTNER, "call-2"));
        assertThrows(RegistryException.ResourceAlreadyExists.class,
                () -> registry.createPartnerEventSource(name("retried"), ACCOUNT, PARTNER));
    }

    @Test
    void aDisabledOperationIsReportedBeforeAccess() {
        store.disable(RegistryOperation.DESCRIBE_PARTNER_EVENT_SOURCE);
        assertThrows(RegistryException.OperationDisabled.class, () -> registry.describePartnerEventSource(name("a"), STRANGER));
    }
}
