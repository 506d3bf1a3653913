package dev.partnerregistry.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.partnerregistry.domain.Access;
import dev.partnerregistry.domain.Caller;
import dev.partnerregistry.domain.RegistryException;
import dev.partnerregistry.domain.RegistryOperation;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The access rule's two forms: the condition DynamoDB evaluates on writes, and the same rule on read items. */
class AccessConditionsTest {

    private static final String ROLE = "arn:aws:iam::123456789012:role/Writer";
    private static final Caller SESSION = new Caller("arn:aws:sts::123456789012:assumed-role/Writer/s-1");

    private static Access access(Caller caller) {
        return new Access("us-east-1", RegistryOperation.CREATE_PARTNER_EVENT_SOURCE, "example.com", caller,
                "arn:aws:events:us-east-1::event-source/aws.partner/example.com/a/b");
    }

    private static Map<String, AttributeValue> partnerNaming(String... principals) {
        return Map.of(RegistryTable.PRINCIPALS, AttributeValue.fromSs(java.util.List.of(principals)));
    }

    @Test
    void theWriteConditionOffersEveryNameTheCallerMayBeRegisteredUnder() {
        assertEquals("(attribute_type(principals, :stringSet) AND (contains(principals, :principal0) OR contains(principals, :principal1)))",
                AccessConditions.callerRegistered(access(SESSION)));
        assertEquals(Map.of(":principal0", AttributeValue.fromS(SESSION.principalArn()), ":principal1", AttributeValue.fromS(ROLE),
                        ":stringSet", AttributeValue.fromS("SS")),
                AccessConditions.callerValues(access(SESSION)));
    }

    @Test
    void aCallerWithoutIdentityIsOfferedANameNoRegistrationHolds() {
        assertEquals("(attribute_type(principals, :stringSet) AND (contains(principals, :principal0)))",
                AccessConditions.callerRegistered(access(Caller.anonymous())));
        assertEquals(Map.of(":principal0", AttributeValue.fromS("anonymous"), ":stringSet", AttributeValue.fromS("SS")),
                AccessConditions.callerValues(access(Caller.anonymous())));
    }

    @Test
    void theReadSideAcceptsTheSameNamesAsTheWriteCondition() {
        assertTrue(AccessConditions.callerRegistered(partnerNaming(ROLE), access(SESSION)));
        assertFalse(AccessConditions.callerRegistered(partnerNaming("arn:aws:iam::123456789012:role/Other"), access(SESSION)));
        assertFalse(AccessConditions.callerRegistered(null, access(SESSION)), "no partner item: nobody is registered");
        assertFalse(AccessConditions.callerRegistered(Map.of(), access(SESSION)), "a partner item without principals");
    }

    @Test
    void aDisabledOperationWinsOverAnUnregisteredCaller() {
        Map<String, AttributeValue> region = Map.of(RegistryTable.DISABLED_OPERATIONS,
                AttributeValue.fromSs(java.util.List.of("CreatePartnerEventSource")));
        assertThrows(RegistryException.OperationDisabled.class, () -> AccessConditions.enforce(region, null, access(SESSION)));
        assertThrows(RegistryException.AccessDenied.class, () -> AccessConditions.enforce(null, null, access(SESSION)));
        AccessConditions.enforce(Map.of(RegistryTable.DISABLED_OPERATIONS, AttributeValue.fromSs(java.util.List.of("ListPartnerEventSources"))),
                partnerNaming(ROLE), access(SESSION));
    }
}
