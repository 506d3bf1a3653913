package dev.partnerregistry.domain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** NextToken: signed, bound to its prefix, valid for a day, and its key fetched once, on first use. */
class PageTokenTest {

    private static final String PREFIX = "aws.partner/example.com/";
    private static final Instant NOW = Instant.parse("2026-11-27T10:00:00Z");
    private static final byte[] KEY = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8);

    private final PageToken tokens = new PageToken(() -> KEY.clone());

    private void assertInvalid(String token, String prefix, Instant at) {
        RegistryException.Validation e = assertThrows(RegistryException.Validation.class, () -> tokens.lastNameOf(token, prefix, at));
        assertEquals("The NextToken is invalid or has expired.", e.getMessage());
    }

    @Test
    void aTokenGivesBackTheLastNameItWasIssuedWith() {
        String token = tokens.issue(PREFIX, "aws.partner/example.com/b", NOW);
        assertEquals("aws.partner/example.com/b", tokens.lastNameOf(token, PREFIX, NOW.plusSeconds(60)));
    }

    @Test
    void aTokenIsValidForTwentyFourHoursAndNoLonger() {
        String token = tokens.issue(PREFIX, "n", NOW);
        assertEquals("n", tokens.lastNameOf(token, PREFIX, NOW.plus(Duration.ofHours(24))));
        assertInvalid(token, PREFIX, NOW.plus(Duration.ofHours(24)).plusSeconds(1));
    }

    @Test
    void aChangedPayloadFailsTheSignature() {
        String token = tokens.issue(PREFIX, "aws.partner/example.com/b", NOW);
        String payload = new String(Base64.getUrlDecoder().decode(token.substring(0, token.indexOf('.'))), StandardCharsets.UTF_8);
        String forged = Base64.getUrlEncoder().withoutPadding().encodeToString(
                payload.replace("/b", "/z").getBytes(StandardCharsets.UTF_8)) + token.substring(token.indexOf('.'));
        assertInvalid(forged, PREFIX, NOW);
    }

    @Test
    void aSignatureChangedOnlyInTheUnusedBitsOfItsLastCharacterIsInvalid() {
        // 32 MAC bytes are 43 base64 characters; the last one carries 2 bits the decoder ignores.
        String token = tokens.issue(PREFIX, "n", NOW);
        char last = token.charAt(token.length() - 1);
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        char sameBits = alphabet.charAt(alphabet.indexOf(last) ^ 1);
        String malleated = token.substring(0, token.length() - 1) + sameBits;
        assertArrayEquals(Base64.getUrlDecoder().decode(token.substring(token.indexOf('.') + 1)),
                Base64.getUrlDecoder().decode(malleated.substring(malleated.indexOf('.') + 1)), "the same signature bytes");
        assertInvalid(malleated, PREFIX, NOW);
    }

    @Test
    void aTokenSignedWithAnotherKeyIsInvalid() {
        String foreign = new PageToken(() -> "another-key-another-key-another!!".getBytes(StandardCharsets.UTF_8)).issue(PREFIX, "n", NOW);
        assertInvalid(foreign, PREFIX, NOW);
    }

    @Test
    void aTokenIsBoundToItsPrefix() {
        assertInvalid(tokens.issue(PREFIX, "n", NOW), "aws.partner/example.com/orders/", NOW);
    }

    @Test
    void garbageIsInvalidNotAnError() {
        for (String garbage : new String[] {"x", ".", "a.b", "!!!.???", "abc.", ".abc"}) {
            assertInvalid(garbage, PREFIX, NOW);
        }
    }

    @Test
    void theKeyIsFetchedOnceAndOnlyWhenATokenIsFirstUsed() {
        AtomicInteger fetches = new AtomicInteger();
        PageToken lazy = new PageToken(() -> {
            fetches.incrementAndGet();
            return KEY.clone();
        });
        assertEquals(0, fetches.get());
        String token = lazy.issue(PREFIX, "n", NOW);
        lazy.lastNameOf(token, PREFIX, NOW);
        assertEquals(1, fetches.get());
    }
}
