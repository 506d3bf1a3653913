package dev.partnerregistry.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The names a partner registration may give a caller. */
class CallerTest {

    @Test
    void aUserIsRegisteredUnderItsOwnArn() {
        assertEquals(List.of("arn:aws:iam::123456789012:user/partner"),
                new Caller("arn:aws:iam::123456789012:user/partner").registrationCandidates());
    }

    @Test
    void aRoleSessionAlsoMatchesItsRoleInTheSamePartition() {
        assertEquals(List.of("arn:aws-cn:sts::123456789012:assumed-role/Writer/build-42", "arn:aws-cn:iam::123456789012:role/Writer"),
                new Caller("arn:aws-cn:sts::123456789012:assumed-role/Writer/build-42").registrationCandidates());
    }

    @Test
    void aMalformedSessionArnMatchesOnlyItself() {
        assertEquals(List.of("arn:aws:sts::123456789012:assumed-role/NoSession"),
                new Caller("arn:aws:sts::123456789012:assumed-role/NoSession").registrationCandidates());
    }

    @Test
    void aCallerWithoutIdentityMatchesNothing() {
        assertEquals(List.of(), Caller.anonymous().registrationCandidates());
        assertEquals(List.of(), new Caller("").registrationCandidates());
    }
}
