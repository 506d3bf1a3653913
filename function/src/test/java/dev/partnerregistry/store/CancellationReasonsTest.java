package dev.partnerregistry.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.partnerregistry.domain.Access;
import dev.partnerregistry.domain.Caller;
import dev.partnerregistry.domain.RegistryException;
import dev.partnerregistry.domain.RegistryOperation;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;

/** Cancellation reasons (region, partner, counter, source) read into the documented precedence. */
class CancellationReasonsTest {

    private static final Caller CALLER = new Caller("arn:aws:iam::123456789012:user/p");
    private static final Access ACCESS = new Access("us-east-1", RegistryOperation.CREATE_PARTNER_EVENT_SOURCE, "example.com",
            CALLER, "arn:aws:events:us-east-1::event-source/aws.partner/example.com/a/b");
    private static final CancellationReason NONE = CancellationReason.builder().code("None").build();
    private static final CancellationReason FAILED = CancellationReason.builder().code("ConditionalCheckFailed").build();

    private static CancellationReason failedWithOld(String... principals) {
        return CancellationReason.builder().code("ConditionalCheckFailed")
                .item(Map.of(RegistryTable.PRINCIPALS, AttributeValue.fromSs(List.of(principals)))).build();
    }

    private static CancellationReasons reasons(CancellationReason region, CancellationReason partner, CancellationReason counter,
                                               CancellationReason source) {
        return new CancellationReasons(List.of(region, partner, counter, source));
    }

    @Test
    void aFailedRegionSwitchIsOperationDisabledWhateverElseFailed() {
        assertThrows(RegistryException.OperationDisabled.class, () -> reasons(FAILED, FAILED, FAILED, FAILED).throwIfAccessFailed(ACCESS));
    }

    @Test
    void aFailedPartnerConditionForACallerTheOldItemDoesNotNameIsAccessDenied() {
        assertThrows(RegistryException.AccessDenied.class,
                () -> reasons(NONE, failedWithOld("arn:aws:iam::123456789012:user/other"), FAILED, FAILED).throwIfAccessFailed(ACCESS));
        assertThrows(RegistryException.AccessDenied.class, () -> reasons(NONE, FAILED, NONE, NONE).throwIfAccessFailed(ACCESS),
                "no old item: the partner is not registered at all");
    }

    @Test
    void aFailedPartnerConditionForARegisteredCallerIsAStaleLimitNotAccess() {
        CancellationReasons stale = reasons(NONE, failedWithOld(CALLER.principalArn()), NONE, NONE);
        stale.throwIfAccessFailed(ACCESS);
        assertTrue(stale.partnerFailed());
        assertEquals(Map.of(RegistryTable.PRINCIPALS, AttributeValue.fromSs(List.of(CALLER.principalArn()))), stale.partnerItem());
        assertFalse(stale.sourceFailed());
    }

    @Test
    void aFailedCounterIsTheLimitAndAFailedSourceTheName() {
        CancellationReasons limit = reasons(NONE, NONE, FAILED, NONE);
        limit.throwIfAccessFailed(ACCESS);
        assertTrue(limit.counterFailed());
        assertFalse(limit.sourceFailed());
        CancellationReasons exists = reasons(NONE, NONE, FAILED, FAILED);
        assertTrue(exists.sourceFailed());
    }

    @Test
    void aConflictOrThrottleIsReportedOnlyOnceNoConditionDecided() {
        assertInstanceOf(RegistryException.ConcurrentModification.class,
                reasons(NONE, CancellationReason.builder().code("TransactionConflict").build(), NONE, NONE).engineFailure());
        assertInstanceOf(RegistryException.Throttling.class,
                reasons(NONE, NONE, NONE, CancellationReason.builder().code("ThrottlingError").build()).engineFailure());
        RegistryException unknown = reasons(NONE, NONE, NONE, CancellationReason.builder().code("ValidationError").build()).engineFailure();
        assertInstanceOf(RegistryException.Internal.class, unknown);
        assertInstanceOf(IllegalStateException.class, unknown.getCause(), "the cause travels to the request log");
    }

    @Test
    void reasonsForAnotherShapeOfTransactionAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new CancellationReasons(List.of(NONE, NONE, NONE)));
    }
}
