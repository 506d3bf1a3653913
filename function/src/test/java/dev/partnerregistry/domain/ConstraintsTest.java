package dev.partnerregistry.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.partnerregistry.api.AwsJsonProtocol;
import org.junit.jupiter.api.Test;

/** Validation messages, to the character, as EventBridge words them. */
class ConstraintsTest {

    private static String failure(Runnable check) {
        RegistryException.Validation e = assertThrows(RegistryException.Validation.class, check::run);
        assertEquals("ValidationException", e.errorCode());
        assertEquals(400, AwsJsonProtocol.statusOf(e));
        return e.getMessage();
    }

    @Test
    void aNameWithoutSegmentsFailsThePattern() {
        assertEquals("1 validation error detected: Value 'aws.partner.TestBus' at 'name' failed to satisfy constraint: "
                        + "Member must satisfy regular expression pattern: aws\\.partner(/[\\.\\-_A-Za-z0-9]+){2,}",
                failure(() -> Constraints.check().name("name", "aws.partner.TestBus").account("account", "123456789012").orThrow()));
    }

    @Test
    void aNameWithOnlyThePartnerSegmentFailsThePattern() {
        assertEquals("1 validation error detected: Value 'aws.partner/example.com' at 'name' failed to satisfy constraint: "
                        + "Member must satisfy regular expression pattern: aws\\.partner(/[\\.\\-_A-Za-z0-9]+){2,}",
                failure(() -> Constraints.check().name("name", "aws.partner/example.com").orThrow()));
    }

    @Test
    void aNameWithTwoSegmentsAfterThePrefixIsValid() {
        Constraints.check().name("name", "aws.partner/example.com/orders").orThrow();
        Constraints.check().name("name", "aws.partner/example.com/orders/shop-42_A.b").orThrow();
    }

    @Test
    void missingMembersAreNullAndEveryFailureIsReportedInMemberOrder() {
        assertEquals("2 validation errors detected: Value null at 'name' failed to satisfy constraint: Member must not be null; "
                        + "Value null at 'account' failed to satisfy constraint: Member must not be null",
                failure(() -> Constraints.check().name("name", null).account("account", null).orThrow()));
    }

    @Test
    void anEmptyNameFailsLengthAndPattern() {
        assertEquals("2 validation errors detected: Value '' at 'name' failed to satisfy constraint: "
                        + "Member must have length greater than or equal to 1; Value '' at 'name' failed to satisfy constraint: "
                        + "Member must satisfy regular expression pattern: aws\\.partner(/[\\.\\-_A-Za-z0-9]+){2,}",
                failure(() -> Constraints.check().name("name", "").orThrow()));
    }

    @Test
    void aNameOf257CharactersFailsTheMaximumLength() {
        String name = "aws.partner/example.com/" + "a".repeat(233);
        assertEquals(257, name.length());
        assertEquals("1 validation error detected: Value '" + name + "' at 'name' failed to satisfy constraint: "
                        + "Member must have length less than or equal to 256",
                failure(() -> Constraints.check().name("name", name).orThrow()));
    }

    @Test
    void aNameOf256CharactersIsValid() {
        Constraints.check().name("name", "aws.partner/example.com/" + "a".repeat(232)).orThrow();
    }

    @Test
    void anElevenDigitAccountFailsTheFixedLength() {
        assertEquals("2 validation errors detected: Value '12345678901' at 'account' failed to satisfy constraint: "
                        + "Member must have length greater than or equal to 12; Value '12345678901' at 'account' failed to "
                        + "satisfy constraint: Member must satisfy regular expression pattern: \\d{12}",
                failure(() -> Constraints.check().account("account", "12345678901").orThrow()));
    }

    @Test
    void aTwelveCharacterAccountWithLettersFailsThePattern() {
        assertEquals("1 validation error detected: Value '12345678901a' at 'account' failed to satisfy constraint: "
                        + "Member must satisfy regular expression pattern: \\d{12}",
                failure(() -> Constraints.check().account("account", "12345678901a").orThrow()));
    }

    @Test
    void aThirteenDigitAccountFailsLengthAndPattern() {
        assertEquals("2 validation errors detected: Value '1234567890123' at 'account' failed to satisfy constraint: "
                        + "Member must have length less than or equal to 12; Value '1234567890123' at 'account' failed to "
                        + "satisfy constraint: Member must satisfy regular expression pattern: \\d{12}",
                failure(() -> Constraints.check().account("account", "1234567890123").orThrow()));
    }

    @Test
    void aLimitAboveOneHundredOrBelowOneIsOutOfRange() {
        assertEquals("1 validation error detected: Value '101' at 'limit' failed to satisfy constraint: "
                + "Member must have value less than or equal to 100", failure(() -> Constraints.check().limit("limit", 101).orThrow()));
        assertEquals("1 validation error detected: Value '0' at 'limit' failed to satisfy constraint: "
                + "Member must have value greater than or equal to 1", failure(() -> Constraints.check().limit("limit", 0).orThrow()));
    }

    @Test
    void aNamePrefixMustNameThePartnerAndEndTheSegment() {
        assertEquals("1 validation error detected: Value 'aws.partner/example.com' at 'namePrefix' failed to satisfy constraint: "
                        + "Member must satisfy regular expression pattern: aws\\.partner/[\\.\\-_A-Za-z0-9]+/[/\\.\\-_A-Za-z0-9]*",
                failure(() -> Constraints.check().namePrefix("namePrefix", "aws.partner/example.com").orThrow()));
        Constraints.check().namePrefix("namePrefix", "aws.partner/example.com/").orThrow();
    }

    @Test
    void anEmptyNextTokenIsTooShort() {
        assertEquals("1 validation error detected: Value '' at 'nextToken' failed to satisfy constraint: "
                + "Member must have length greater than or equal to 1", failure(() -> Constraints.check().nextToken("nextToken", "").orThrow()));
    }

    @Test
    void thePartnerIsTheFirstSegmentAfterTheNamespace() {
        assertEquals("example.com", Constraints.partnerOf("aws.partner/example.com/orders/shop-42"));
        assertEquals("example.com", Constraints.partnerOf("aws.partner/example.com/"));
    }

    @Test
    void aRoleSessionMayActAsItsRole() {
        assertEquals(java.util.List.of("arn:aws:sts::123456789012:assumed-role/Writer/s1", "arn:aws:iam::123456789012:role/Writer"),
                new Caller("arn:aws:sts::123456789012:assumed-role/Writer/s1").registrationCandidates());
        assertEquals(java.util.List.of("arn:aws:iam::123456789012:user/u"), new Caller("arn:aws:iam::123456789012:user/u").registrationCandidates());
        assertEquals(java.util.List.of(), Caller.anonymous().registrationCandidates());
    }
}
