package dev.partnerregistry.auth;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signature Version 4's arithmetic, as AWS documents it ("Create a signed AWS API request"): the
 * canonical request, the string to sign, the signing key and the signature. Nothing here decides
 * whether a request is acceptable; {@link SignatureVerifier} does. Checked against AWS's SigV4
 * test suite.
 */
public final class SigV4 {

    public static final String ALGORITHM = "AWS4-HMAC-SHA256";
    private static final HexFormat HEX = HexFormat.of();
    private static final HexFormat UPPER_HEX = HexFormat.of().withUpperCase();

    private SigV4() {
    }

    /**
     * @param signedHeaders the SignedHeaders parameter's names, lower case, in the order given
     * @param payloadHash   hex SHA-256 of the body
     */
    public static String canonicalRequest(SignedRequest request, List<String> signedHeaders, String payloadHash) {
        return request.method() + '\n'
                + canonicalUri(request.path()) + '\n'
                + canonicalQuery(request.query()) + '\n'
                + canonicalHeaders(request, signedHeaders) + '\n'
                + String.join(";", signedHeaders) + '\n'
                + payloadHash;
    }

    public static String stringToSign(String amzDate, String credentialScope, String canonicalRequest) {
        return ALGORITHM + '\n' + amzDate + '\n' + credentialScope + '\n' + hex(sha256(canonicalRequest.getBytes(StandardCharsets.UTF_8)));
    }

    public static byte[] signingKey(String secretAccessKey, String date, String region, String service) {
        byte[] key = hmac(("AWS4" + secretAccessKey).getBytes(StandardCharsets.UTF_8), date);
        key = hmac(key, region);
        key = hmac(key, service);
        return hmac(key, "aws4_request");
    }

    /** The signature, as lower-case hex. */
    public static String signature(byte[] signingKey, String stringToSign) {
        return hex(hmac(signingKey, stringToSign));
    }

    /** The path with dot segments removed and each segment encoded once more (the rule for every service but S3). */
    static String canonicalUri(String rawPath) {
        if (rawPath == null || rawPath.isEmpty()) {
            return "/";
        }
        Deque<String> segments = new ArrayDeque<>();
        String[] parts = rawPath.split("/", -1);
        for (int i = 1; i < parts.length; i++) {
            String segment = parts[i];
            if (segment.equals("..")) {
                segments.pollLast();
            } else if (!segment.equals(".") && !(segment.isEmpty() && i < parts.length - 1)) {
                segments.addLast(segment);
            }
        }
        StringBuilder path = new StringBuilder();
        for (String segment : segments) {
            path.append('/').append(encode(segment));
        }
        return path.length() == 0 ? "/" : path.toString();
    }

    /** Decoded parameters, encoded the AWS way and sorted by name, then by value. */
    static String canonicalQuery(Map<String, List<String>> query) {
        List<String[]> pairs = new ArrayList<>();
        query.forEach((name, values) -> {
            for (String value : values) {
                pairs.add(new String[] {encode(name), encode(value == null ? "" : value)});
            }
        });
        pairs.sort((a, b) -> a[0].equals(b[0]) ? a[1].compareTo(b[1]) : a[0].compareTo(b[0]));
        StringBuilder canonical = new StringBuilder();
        for (String[] pair : pairs) {
            canonical.append(canonical.length() == 0 ? "" : "&").append(pair[0]).append('=').append(pair[1]);
        }
        return canonical.toString();
    }

    /** Each signed header as {@code name:values}, values trimmed, inner runs of spaces folded, repeats joined by commas. */
    static String canonicalHeaders(SignedRequest request, List<String> signedHeaders) {
        StringBuilder canonical = new StringBuilder();
        for (String name : signedHeaders) {
            canonical.append(name).append(':');
            List<String> values = request.headers().getOrDefault(name, List.of());
            for (int i = 0; i < values.size(); i++) {
                canonical.append(i == 0 ? "" : ",").append(foldSpaces(values.get(i)));
            }
            canonical.append('\n');
        }
        return canonical.toString();
    }

    private static String foldSpaces(String value) {
        String trimmed = value.trim();
        StringBuilder folded = new StringBuilder(trimmed.length());
        for (int i = 0; i < trimmed.length(); i++) {
            char c = trimmed.charAt(i);
            if (c != ' ' || folded.charAt(folded.length() - 1) != ' ') {
                folded.append(c);
            }
        }
        return folded.toString();
    }

    /** RFC 3986 unreserved characters stay; every other UTF-8 byte becomes %XX, upper-case hex. */
    static String encode(String value) {
        StringBuilder encoded = new StringBuilder(value.length());
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' || c == '~') {
                encoded.append(c);
            } else {
                encoded.append('%').append(UPPER_HEX.toHexDigits(b));
            }
        }
        return encoded.toString();
    }

    /** Percent-decoding only: a '+' stays a '+', as SigV4 clients encode a space as %20. */
    public static String decode(String value) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int i = 0;
        while (i < value.length()) {
            if (value.charAt(i) == '%' && i + 2 < value.length()
                    && Character.digit(value.charAt(i + 1), 16) >= 0 && Character.digit(value.charAt(i + 2), 16) >= 0) {
                bytes.write(HexFormat.fromHexDigits(value, i + 1, i + 3));
                i += 3;
            } else {
                int codePoint = value.codePointAt(i);
                bytes.writeBytes(new String(Character.toChars(codePoint)).getBytes(StandardCharsets.UTF_8));
                i += Character.charCount(codePoint);
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    public static String hex(byte[] bytes) {
        return HEX.formatHex(bytes);
    }

    public static byte[] sha256(byte[] bytes) {
        // digest() resets it: the thread's one instance serves every hash it makes, with no provider lookup.
        return SHA_256.get().digest(bytes);
    }

    static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = HMAC_SHA_256.get();
            mac.init(new SecretKeySpec(key, HMAC));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A Mac keyed with {@code signingKey}, to sign with by {@link #signature(Mac, String)}: kept with
     * the key it was derived for, so that a request's signature costs one HMAC on a copy of it rather
     * than the four of the key's derivation, a provider lookup and a key schedule.
     */
    public static Mac signer(byte[] signingKey) {
        try {
            Mac mac = Mac.getInstance(HMAC);
            mac.init(new SecretKeySpec(signingKey, HMAC));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The signature with a {@link #signer}, which is left as it was (each call signs with a clone), as lower-case hex. */
    public static String signature(Mac signer, String stringToSign) {
        Mac mac;
        try {
            mac = (Mac) signer.clone();
        } catch (CloneNotSupportedException notCloneable) {
            // The JDK's HmacSHA256 clones; only a foreign provider would not, and none is installed.
            throw new IllegalStateException("HmacSHA256 Macs cannot be cloned here", notCloneable);
        }
        return hex(mac.doFinal(stringToSign.getBytes(StandardCharsets.UTF_8)));
    }

    private static final String HMAC = "HmacSHA256";
    /** Thread-confined instances: a Lambda instance serves one request at a time, the local server one per thread. */
    private static final ThreadLocal<MessageDigest> SHA_256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    });
    private static final ThreadLocal<Mac> HMAC_SHA_256 = ThreadLocal.withInitial(() -> {
        try {
            return Mac.getInstance(HMAC);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    });
}
