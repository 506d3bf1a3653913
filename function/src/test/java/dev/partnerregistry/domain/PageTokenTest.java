package dev.partnerregistry.domain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** NextToken: signed, bound to its prefix, valid for a day, and its key fetched once, on first use. */
class PageTokenTest {

    private static final String PREFIX = "aws.partner/example.com/";
    private static final Instant NOW = Instant.parse("2026-11-27T10:00:00Z");
    private static final byte[] KEY = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8);

    private final PageToken tokens = new PageToken(() -> KEY.clone());

    private void assertInvalid(String token, String prefix, Instant at) {
        RegistryException.Validation e = assertThrows(RegistryException.Validation.class, () -> tokens.resumeOf(token, prefix, at));
        assertEquals("The NextToken is invalid or has expired.", e.getMessage());
    }

    @Test
    void aTokenGivesBackTheLastNameItWasIssuedWith() {
        String token = tokens.issue(PREFIX, at("aws.partner/example.com/b"), NOW);
        assertEquals("aws.partner/example.com/b", tokens.resumeOf(token, PREFIX, NOW.plusSeconds(60)).afterName());
    }

    @Test
    void aTokenIsValidForTwentyFourHoursAndNoLonger() {
        String token = tokens.issue(PREFIX, at("n"), NOW);
        assertEquals("n", tokens.resumeOf(token, PREFIX, NOW.plus(Duration.ofHours(24))).afterName());
        assertInvalid(token, PREFIX, NOW.plus(Duration.ofHours(24)).plusSeconds(1));
    }

    @Test
    void aChangedPayloadFailsTheSignature() {
        String token = tokens.issue(PREFIX, at("aws.partner/example.com/b"), NOW);
        String payload = new String(Base64.getUrlDecoder().decode(token.substring(0, token.indexOf('.'))), StandardCharsets.UTF_8);
        String forged = Base64.getUrlEncoder().withoutPadding().encodeToString(
                payload.replace("/b", "/z").getBytes(StandardCharsets.UTF_8)) + token.substring(token.indexOf('.'));
        assertInvalid(forged, PREFIX, NOW);
    }

    @Test
    void aSignatureChangedOnlyInTheUnusedBitsOfItsLastCharacterIsInvalid() {
        // 32 MAC bytes are 43 base64 characters; the last one carries 2 bits the decoder ignores.
        String token = tokens.issue(PREFIX, at("n"), NOW);
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
        String foreign = new PageToken(() -> "another-key-another-key-another!!".getBytes(StandardCharsets.UTF_8)).issue(PREFIX, at("n"), NOW);
        assertInvalid(foreign, PREFIX, NOW);
    }

    @Test
    void aTokenIsBoundToItsPrefix() {
        assertInvalid(tokens.issue(PREFIX, at("n"), NOW), "aws.partner/example.com/orders/", NOW);
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
        String token = lazy.issue(PREFIX, at("n"), NOW);
        lazy.resumeOf(token, PREFIX, NOW);
        assertEquals(1, fetches.get());
    }

    @Test
    void aTokenCarriesTheWindowTheStoreAskedTheNextPageToRead() {
        String token = tokens.issue(PREFIX, new PartnerSourceStore.Resume("n", 182), NOW);
        assertEquals(new PartnerSourceStore.Resume("n", 182), tokens.resumeOf(token, PREFIX, NOW));
    }

    @Test
    void aVersionOneTokenIssuedBeforeTheWindowWasCarriedStillResumesWithTheDefaultWindow() {
        byte[] payload = String.join("\n", "1", Long.toString(NOW.getEpochSecond()), PREFIX, "n").getBytes(StandardCharsets.UTF_8);
        String token = B64.encodeToString(payload) + "." + B64.encodeToString(hmac(payload));
        assertEquals(new PartnerSourceStore.Resume("n", PartnerSourceStore.Resume.DEFAULT_WINDOW), tokens.resumeOf(token, PREFIX, NOW));
    }

    @Test
    void aVersionOneLayoutUnderTheCurrentVersionIsInvalid() {
        byte[] payload = String.join("\n", "2", Long.toString(NOW.getEpochSecond()), PREFIX, "n").getBytes(StandardCharsets.UTF_8);
        assertInvalid(B64.encodeToString(payload) + "." + B64.encodeToString(hmac(payload)), PREFIX, NOW);
    }

    @Test
    void aSignedWindowThatIsNotANumberIsInvalidNotAnError() {
        byte[] payload = String.join("\n", "2", Long.toString(NOW.getEpochSecond()), PREFIX, "n", "x").getBytes(StandardCharsets.UTF_8);
        assertInvalid(B64.encodeToString(payload) + "." + B64.encodeToString(hmac(payload)), PREFIX, NOW);
    }

    @Test
    void aVersionTwoLayoutUnderTheOldVersionIsInvalid() {
        assertInvalid(signed("1", "n", "90"), PREFIX, NOW);
    }

    @Test
    void aSignedNegativeWindowIsTheDefaultAndOneTooLargeForANumberIsInvalid() {
        assertEquals(PartnerSourceStore.Resume.DEFAULT_WINDOW, tokens.resumeOf(signed("2", "n", "-5"), PREFIX, NOW).window());
        assertInvalid(signed("2", "n", "99999999999"), PREFIX, NOW);
    }

    /** A token as the registry would sign it, with the given version and fields after the prefix. */
    private static String signed(String version, String... fields) {
        List<String> all = new java.util.ArrayList<>(List.of(version, Long.toString(NOW.getEpochSecond()), PREFIX));
        all.addAll(List.of(fields));
        byte[] payload = String.join("\n", all).getBytes(StandardCharsets.UTF_8);
        return B64.encodeToString(payload) + "." + B64.encodeToString(hmac(payload));
    }

    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private static PartnerSourceStore.Resume at(String name) {
        return new PartnerSourceStore.Resume(name, PartnerSourceStore.Resume.DEFAULT_WINDOW);
    }

    /** The MAC as the registry computes it, independently: HMAC-SHA256 of the payload under the key. */
    private static byte[] hmac(byte[] payload) {
        try {
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(new javax.crypto.spec.SecretKeySpec(KEY, "HmacSHA256"));
            return mac.doFinal(payload);
        } catch (java.security.GeneralSecurityException e) {
            throw new AssertionError(e);
        }
    }
}
