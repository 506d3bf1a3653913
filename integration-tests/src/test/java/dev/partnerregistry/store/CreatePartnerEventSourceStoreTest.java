package dev.partnerregistry.store;

import static dev.partnerregistry.testing.RegistryFixture.ACCOUNT;
import static dev.partnerregistry.testing.RegistryFixture.OTHER_CALLER;
import static dev.partnerregistry.testing.RegistryFixture.PARTNER;
import static dev.partnerregistry.testing.RegistryFixture.PARTNER_CALLER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.partnerregistry.api.AwsJsonProtocol;
import dev.partnerregistry.domain.Caller;
import dev.partnerregistry.domain.PartnerRegistry;
import dev.partnerregistry.domain.RegistryException;
import dev.partnerregistry.domain.RegistryOperation;
import dev.partnerregistry.testing.DynamoDbEngine;
import dev.partnerregistry.testing.RegistryFixture;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * CreatePartnerEventSource against a real engine: one transaction, and what each failure answers.
 * The shared partner's limit is far above what the class creates; every limit test has a partner
 * of its own, so no test frees slots for another.
 */
@ExtendWith(DynamoDbEngine.class)
class CreatePartnerEventSourceStoreTest {

    private final RegistryFixture fixture;

    CreatePartnerEventSourceStoreTest(DynamoDbEngine.EngineTable table) {
        this.fixture = new RegistryFixture(table, 100);
    }

    private String create(String name) {
        return fixture.registry.createPartnerEventSource(name, ACCOUNT, PARTNER_CALLER);
    }

    private static String name(String suffix) {
        return "aws.partner/" + PARTNER + "/create/" + suffix;
    }

    @Test
    void createReturnsTheEventSourceArnWithAnEmptyAccountField() {
        assertEquals("arn:aws:events:us-east-1::event-source/aws.partner/example.com/create/arn",
                fixture.registry.createPartnerEventSource(name("arn"), ACCOUNT, PARTNER_CALLER));
    }

    @Test
    void createStoresTheSourceAndCountsItInOneTransaction() {
        int before = fixture.sourceCount(PARTNER);
        create(name("stored"));
        Map<String, AttributeValue> item = fixture.table.client().getItem(r -> r.tableName(fixture.table.tableName())
                .key(RegistryTable.sourceKey(PARTNER, name("stored")))).item();
        assertEquals(name("stored"), item.get(RegistryTable.SOURCE_NAME).s());
        assertEquals(ACCOUNT, item.get(RegistryTable.ACCOUNT).s());
        assertEquals("PENDING", item.get(RegistryTable.STATE).s());
        assertEquals(before + 1, fixture.sourceCount(PARTNER));
    }

    @Test
    void aSecondCreateOfTheSameNameIsResourceAlreadyExistsWhateverTheAccount() {
        create(name("twice"));
        int count = fixture.sourceCount(PARTNER);
        RegistryException.ResourceAlreadyExists e = assertThrows(RegistryException.ResourceAlreadyExists.class,
                () -> fixture.registry.createPartnerEventSource(name("twice"), "999999999999", PARTNER_CALLER));
        assertEquals("ResourceAlreadyExistsException", e.errorCode());
        assertEquals(400, AwsJsonProtocol.statusOf(e));
        assertEquals(count, fixture.sourceCount(PARTNER), "a failed create must not count");
    }

    @Test
    void aRetryOfACallWhoseFirstAttemptCommittedAnswersItsArnAndCountsOnce() {
        String arn = fixture.registry.createPartnerEventSource(name("retried"), ACCOUNT, PARTNER_CALLER, "call-a");
        int count = fixture.sourceCount(PARTNER);
        assertEquals(arn, fixture.registry.createPartnerEventSource(name("retried"), ACCOUNT, PARTNER_CALLER, "call-a"));
        assertEquals(count, fixture.sourceCount(PARTNER), "the retry wrote nothing");
    }

    @Test
    void anotherCallForAnExistingNameIsStillResourceAlreadyExists() {
        fixture.registry.createPartnerEventSource(name("owned"), ACCOUNT, PARTNER_CALLER, "call-first");
        assertThrows(RegistryException.ResourceAlreadyExists.class,
                () -> fixture.registry.createPartnerEventSource(name("owned"), ACCOUNT, PARTNER_CALLER, "call-second"));
        assertThrows(RegistryException.ResourceAlreadyExists.class,
                () -> fixture.registry.createPartnerEventSource(name("owned"), ACCOUNT, PARTNER_CALLER));
        assertThrows(RegistryException.ResourceAlreadyExists.class,
                () -> fixture.registry.createPartnerEventSource(name("owned"), "999999999999", PARTNER_CALLER, "call-first"),
                "the same call id for another account is another request");
    }

    @Test
    void aRetryThatTookThePartnersLastSlotIsNotLimitExceeded() {
        String partner = "last-slot.example";
        Caller caller = fixture.registerPartner(partner, 1);
        String name = "aws.partner/" + partner + "/s/only";
        String arn = fixture.registry.createPartnerEventSource(name, ACCOUNT, caller, "call-last");
        assertEquals(arn, fixture.registry.createPartnerEventSource(name, ACCOUNT, caller, "call-last"));
        assertThrows(RegistryException.ResourceAlreadyExists.class,
                () -> fixture.registry.createPartnerEventSource(name, ACCOUNT, caller, "call-other"));
        assertEquals(1, fixture.sourceCount(partner));
    }

    @Test
    void aPartnerAtItsDefaultLimitGetsLimitExceededAndNothingIsWritten() {
        String partner = "limited.example";
        Caller caller = fixture.registerPartner(partner, null);
        PartnerRegistry defaultLimitThree = fixture.table.registry(3);
        for (int i = 0; i < 3; i++) {
            defaultLimitThree.createPartnerEventSource("aws.partner/" + partner + "/s/" + i, ACCOUNT, caller);
        }
        RegistryException e = assertThrows(RegistryException.LimitExceeded.class,
                () -> defaultLimitThree.createPartnerEventSource("aws.partner/" + partner + "/s/3", ACCOUNT, caller));
        assertEquals("LimitExceededException", e.errorCode());
        assertEquals(3, fixture.sourceCount(partner));
        assertEquals(3, fixture.storedSources(partner));
    }

    @Test
    void aPartnersOwnLimitOverridesTheDefault() {
        String partner = "override.example";
        Caller caller = fixture.registerPartner(partner, 5);
        PartnerRegistry defaultLimitThree = fixture.table.registry(3);
        for (int i = 0; i < 5; i++) {
            defaultLimitThree.createPartnerEventSource("aws.partner/" + partner + "/s/" + i, ACCOUNT, caller);
        }
        assertThrows(RegistryException.LimitExceeded.class,
                () -> defaultLimitThree.createPartnerEventSource("aws.partner/" + partner + "/s/5", ACCOUNT, caller));
        assertEquals(5, fixture.storedSources(partner));
    }

    @Test
    void aPartnerLimitOfZeroAllowsNoSourceAtAll() {
        String partner = "zero.example";
        Caller caller = fixture.registerPartner(partner, 0);
        assertThrows(RegistryException.LimitExceeded.class,
                () -> fixture.registry.createPartnerEventSource("aws.partner/" + partner + "/s/0", ACCOUNT, caller));
        assertEquals(0, fixture.storedSources(partner));
    }

    @Test
    void anExistingNameWinsOverTheLimit() {
        String partner = "full.example";
        Caller caller = fixture.registerPartner(partner, 1);
        fixture.registry.createPartnerEventSource("aws.partner/" + partner + "/s/only", ACCOUNT, caller);
        assertThrows(RegistryException.ResourceAlreadyExists.class,
                () -> fixture.registry.createPartnerEventSource("aws.partner/" + partner + "/s/only", ACCOUNT, caller));
    }

    @Test
    void aDisabledOperationIsOperationDisabledAndWinsOverEverythingElse() {
        String region = DynamoDbEngine.REGION;
        create(name("before-disable"));
        fixture.admin.disable(region, RegistryOperation.CREATE_PARTNER_EVENT_SOURCE);
        try {
            RegistryException e = assertThrows(RegistryException.OperationDisabled.class, () -> create(name("before-disable")));
            assertEquals("OperationDisabledException", e.errorCode());
            assertEquals("The operation you are attempting is not available in this region.", e.getMessage());
            assertThrows(RegistryException.OperationDisabled.class,
                    () -> fixture.registry.createPartnerEventSource(name("x"), ACCOUNT, OTHER_CALLER));
        } finally {
            fixture.admin.enable(region, RegistryOperation.CREATE_PARTNER_EVENT_SOURCE);
        }
        create(name("after-enable"));
    }

    @Test
    void disablingAnotherOperationLeavesCreateEnabled() {
        fixture.admin.disable(DynamoDbEngine.REGION, RegistryOperation.LIST_PARTNER_EVENT_SOURCES);
        try {
            create(name("still-enabled"));
        } finally {
            fixture.admin.enable(DynamoDbEngine.REGION, RegistryOperation.LIST_PARTNER_EVENT_SOURCES);
        }
    }

    @Test
    void aCallerNotRegisteredForThePartnerIsAccessDeniedEvenWhenTheNameExists() {
        create(name("taken"));
        RegistryException e = assertThrows(RegistryException.AccessDenied.class,
                () -> fixture.registry.createPartnerEventSource(name("taken"), ACCOUNT, OTHER_CALLER));
        assertEquals("AccessDeniedException", e.errorCode());
        assertEquals("User: arn:aws:iam::210987654321:user/other-partner is not authorized to perform: "
                + "events:CreatePartnerEventSource on resource: "
                + "arn:aws:events:us-east-1::event-source/aws.partner/example.com/create/taken", e.getMessage());
    }

    @Test
    void anUnregisteredPartnerIsAccessDeniedAndNothingIsWritten() {
        assertThrows(RegistryException.AccessDenied.class, () -> fixture.registry.createPartnerEventSource(
                "aws.partner/unregistered.example/a/b", ACCOUNT, PARTNER_CALLER));
        assertEquals(0, fixture.storedSources("unregistered.example"));
        assertEquals(Map.of(), fixture.admin.partner("unregistered.example"));
    }

    @Test
    void aCallerWithoutIdentityIsAccessDenied() {
        assertThrows(RegistryException.AccessDenied.class,
                () -> fixture.registry.createPartnerEventSource(name("anonymous"), ACCOUNT, Caller.anonymous()));
    }

    @Test
    void aRoleSessionActsForThePartnerThatRegisteredTheRole() {
        String partner = "role.example";
        fixture.admin.registerPrincipals(partner, List.of("arn:aws:iam::123456789012:role/PartnerWriter"));
        Caller session = new Caller("arn:aws:sts::123456789012:assumed-role/PartnerWriter/build-42");
        assertEquals("arn:aws:events:us-east-1::event-source/aws.partner/role.example/a/b",
                fixture.registry.createPartnerEventSource("aws.partner/role.example/a/b", ACCOUNT, session));
    }
}
