package dev.partnerregistry.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * AWS's own SigV4 test suite (src/test/resources/sigv4-test-suite, see its SOURCE.md): for each
 * request, the canonical request, the string to sign and the signature must be AWS's to the byte.
 */
class SigV4TestSuiteTest {

    private static final String SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

    static Stream<String> cases() {
        return Stream.of(
                "get-header-key-duplicate", "get-header-value-multiline", "get-header-value-order", "get-header-value-trim",
                "get-unreserved", "get-utf8", "get-vanilla", "get-vanilla-empty-query-key", "get-vanilla-query",
                "get-vanilla-query-order-key", "get-vanilla-query-order-key-case", "get-vanilla-query-order-value",
                "get-vanilla-query-unreserved", "get-vanilla-utf8-query", "get-relative", "get-relative-relative", "get-slash",
                "get-slash-dot-slash", "get-slash-pointless-dot", "get-slashes", "get-space", "post-header-key-case",
                "post-header-key-sort", "post-header-value-case", "post-sts-header-after", "post-sts-header-before",
                "post-vanilla", "post-vanilla-empty-query-value", "post-vanilla-query");
    }

    @ParameterizedTest
    @MethodSource("cases")
    void canonicalRequestStringToSignAndSignatureAreAwss(String name) throws IOException {
        SignedRequest request = parse(read(name, "req"));
        String authz = read(name, "authz");
        List<String> signedHeaders = List.of(parameter(authz, "SignedHeaders").split(";"));
        String payloadHash = SigV4.hex(SigV4.sha256(request.body()));

        String canonicalRequest = SigV4.canonicalRequest(request, signedHeaders, payloadHash);
        assertEquals(read(name, "creq"), canonicalRequest, "canonical request");
        String stringToSign = SigV4.stringToSign(request.header("x-amz-date"), "20150830/us-east-1/service/aws4_request", canonicalRequest);
        assertEquals(read(name, "sts"), stringToSign, "string to sign");
        assertEquals(parameter(authz, "Signature"),
                SigV4.signature(SigV4.signingKey(SECRET, "20150830", "us-east-1", "service"), stringToSign), "signature");
    }

    /** The suite's .req: request line, headers (a line starting with a space continues the previous one), blank line, body. */
    static SignedRequest parse(String raw) {
        String[] lines = raw.split("\n", -1);
        String[] requestLine = lines[0].split(" ");
        String target = lines[0].substring(requestLine[0].length() + 1, lines[0].lastIndexOf(" HTTP/"));
        int question = target.indexOf('?');
        String path = question < 0 ? target : target.substring(0, question);
        Map<String, List<String>> query = new LinkedHashMap<>();
        if (question >= 0) {
            for (String pair : target.substring(question + 1).split("&")) {
                int equals = pair.indexOf('=');
                String key = SigV4.decode(equals < 0 ? pair : pair.substring(0, equals));
                query.computeIfAbsent(key, k -> new ArrayList<>()).add(equals < 0 ? "" : SigV4.decode(pair.substring(equals + 1)));
            }
        }
        Map<String, List<String>> headers = new LinkedHashMap<>();
        String last = null;
        int i = 1;
        for (; i < lines.length && !lines[i].isEmpty(); i++) {
            if (lines[i].startsWith(" ") && last != null) {
                headers.get(last).add(lines[i]);
                continue;
            }
            int colon = lines[i].indexOf(':');
            last = lines[i].substring(0, colon).toLowerCase();
            headers.computeIfAbsent(last, k -> new ArrayList<>()).add(lines[i].substring(colon + 1));
        }
        StringBuilder body = new StringBuilder();
        for (int b = i + 1; b < lines.length; b++) {
            body.append(b == i + 1 ? "" : "\n").append(lines[b]);
        }
        return new SignedRequest(requestLine[0], path, query, headers, body.toString().getBytes(StandardCharsets.UTF_8),
                "example.amazonaws.com");
    }

    private static String parameter(String authorization, String name) {
        int start = authorization.indexOf(name + "=");
        assertTrue(start >= 0, name + " in " + authorization);
        int end = authorization.indexOf(',', start);
        return authorization.substring(start + name.length() + 1, end < 0 ? authorization.length() : end).trim();
    }

    private static String read(String name, String extension) throws IOException {
        try (InputStream in = SigV4TestSuiteTest.class.getResourceAsStream("/sigv4-test-suite/" + name + "/" + name + "." + extension)) {
            assertTrue(in != null, name + "." + extension);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
