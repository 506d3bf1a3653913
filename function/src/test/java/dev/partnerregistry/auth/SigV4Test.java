package dev.partnerregistry.auth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The byte-writing paths against the rules they shortcut (AWS's suite, SigV4TestSuiteTest, checks the rules). */
class SigV4Test {

    @Test
    void aPathTakenAsItsOwnCanonicalFormIsOne() {
        for (String path : List.of("/", "/v1/", "/v1", "/a/b-c_d.e~f/", "/..a/", "/.a", "/a..")) {
            assertTrue(SigV4.isCanonicalPath(path), path);
            assertEquals(SigV4.canonicalUri(path), path, path);
        }
        for (String path : List.of("", "v1/", "//", "/a//b", "/./", "/a/.", "/a/..", "/../a", "/a b", "/%41", "/é", "/a?b")) {
            assertFalse(SigV4.isCanonicalPath(path), path);
        }
    }

    @Test
    void anyPathTakenAsCanonicalIsWhatTheGeneralRuleMakesOfIt() {
        String alphabet = "/./a-~%é";
        for (int i = 0; i < 20_000; i++) {
            SplittableRandom random = new SplittableRandom(i);
            StringBuilder path = new StringBuilder(random.nextBoolean() ? "/" : "");
            for (int n = random.nextInt(8); n > 0; n--) {
                path.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            String text = path.toString();
            if (SigV4.isCanonicalPath(text)) {
                assertEquals(SigV4.canonicalUri(text), text, text);
            }
        }
    }

    @Test
    void aThreadKeepsNoLargeBufferAfterAHeaderSignedAThousandTimes() {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        headers.put("a", List.of("x".repeat(6_000)));
        List<String> signed = new java.util.ArrayList<>(java.util.Collections.nCopies(1_000, "a"));
        SigV4.canonicalRequestHash(new SignedRequest("POST", "/", Map.of(), headers, new byte[0], null), signed, new byte[32]);
        assertTrue(SigV4.scratchCapacity() > 6_000_000, "the hostile request's text was written whole");

        SigV4.canonicalRequestHash(new SignedRequest("POST", "/", Map.of(), Map.of(), new byte[0], null), List.of(), new byte[32]);
        assertTrue(SigV4.scratchCapacity() <= 64 * 1024, "and let go by the next request: " + SigV4.scratchCapacity());
    }

    @Test
    void headerValuesAreTrimmedFoldedAndWrittenAsUtf8() {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        headers.put("X-Text", List.of("  a   b\tc  é \uD83D\uDE00  ", "\u20AC  x", "lone \uD800 surrogate"));
        SignedRequest request = new SignedRequest("POST", "/", Map.of(), headers, new byte[0], null);
        String payloadHash = SigV4.hex(SigV4.sha256(new byte[0]));
        String canonical = SigV4.canonicalRequest(request, List.of("x-text"), payloadHash);
        assertEquals("POST\n/\n\nx-text:a b\tc é \uD83D\uDE00,\u20AC x,lone ? surrogate\n\nx-text\n" + payloadHash, canonical);
        assertArrayEquals(SigV4.sha256(canonical.getBytes(StandardCharsets.UTF_8)),
                SigV4.canonicalRequestHash(request, List.of("x-text"), SigV4.sha256(new byte[0])));
    }

    @Test
    void theHashOfTheCanonicalRequestIsTheHashOfItsText() {
        Map<String, List<String>> query = new LinkedHashMap<>();
        query.put("b", List.of("2", "1"));
        query.put("a b", List.of("ü"));
        Map<String, List<String>> headers = Map.of("Host", List.of("example.com"), "X-Amz-Date", List.of("20150830T123600Z"));
        SignedRequest request = new SignedRequest("GET", "/a/../b c/./d", query, headers, new byte[0], "example.com");
        List<String> signed = List.of("host", "x-amz-date");
        byte[] payloadHash = SigV4.sha256("body".getBytes(StandardCharsets.UTF_8));
        String canonical = SigV4.canonicalRequest(request, signed, SigV4.hex(payloadHash));
        assertEquals("GET\n/b%20c/d\na%20b=%C3%BC&b=1&b=2\nhost:example.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n"
                + SigV4.hex(payloadHash), canonical);
        assertArrayEquals(SigV4.sha256(canonical.getBytes(StandardCharsets.UTF_8)), SigV4.canonicalRequestHash(request, signed, payloadHash));
    }

    @Test
    void theSignatureFromBytesIsTheSignatureOfTheStringToSign() {
        byte[] signingKey = SigV4.signingKey("secret", "20150830", "us-east-1", "events");
        byte[] canonicalHash = SigV4.sha256("canonical".getBytes(StandardCharsets.UTF_8));
        String stringToSign = SigV4.ALGORITHM + "\n20150830T123600Z\n20150830/us-east-1/events/aws4_request\n" + SigV4.hex(canonicalHash);
        assertEquals(SigV4.signature(signingKey, stringToSign), SigV4.hex(SigV4.signature(SigV4.signer(signingKey), "20150830T123600Z",
                "20150830/us-east-1/events/aws4_request", canonicalHash)));
    }

    @Test
    void hexIsReadOnlyAsExactlyTheBytesAskedForInAsciiDigitsOfEitherCase() {
        assertArrayEquals(new byte[] {0x01, (byte) 0xab, (byte) 0xCD}, SigV4.fromHex("01abCD", 3));
        assertNull(SigV4.fromHex("01abc", 3));
        assertNull(SigV4.fromHex("01abcdef", 3));
        assertNull(SigV4.fromHex("01abcg", 3));
        assertNull(SigV4.fromHex("01abc\u0661", 3), "an Arabic-Indic one is a digit to Character.digit, not hex");
        assertEquals("01abcd", SigV4.hex(new byte[] {0x01, (byte) 0xab, (byte) 0xcd}));
        assertTrue(SigV4.isHexOf("01abcd", new byte[] {0x01, (byte) 0xab, (byte) 0xcd}));
        assertFalse(SigV4.isHexOf("01ABCD", new byte[] {0x01, (byte) 0xab, (byte) 0xcd}));
        assertFalse(SigV4.isHexOf("01abc", new byte[] {0x01, (byte) 0xab, (byte) 0xcd}));
    }
}
