package dev.partnerregistry.auth;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
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

    private SigV4() {
    }

    /**
     * @param signedHeaders the SignedHeaders parameter's names, lower case, in the order given
     * @param payloadHash   hex SHA-256 of the body
     */
    public static String canonicalRequest(SignedRequest request, List<String> signedHeaders, String payloadHash) {
        Scratch scratch = SCRATCH.get();
        scratch.start();
        writeCanonicalRequest(scratch, request, signedHeaders);
        scratch.text(payloadHash, 0, payloadHash.length());
        return new String(scratch.bytes, 0, scratch.length, StandardCharsets.UTF_8);
    }

    /**
     * SHA-256 of the canonical request, written as UTF-8 into the thread's scratch bytes and hashed from
     * there: no String of it is made, nor encoded.
     *
     * @param payloadHash SHA-256 of the body
     */
    static byte[] canonicalRequestHash(SignedRequest request, List<String> signedHeaders, byte[] payloadHash) {
        Scratch scratch = SCRATCH.get();
        scratch.start();
        writeCanonicalRequest(scratch, request, signedHeaders);
        scratch.hex(payloadHash);
        scratch.digest.update(scratch.bytes, 0, scratch.length);
        return scratch.digest.digest();
    }

    /** All of the canonical request but the payload hash, which ends it. */
    private static void writeCanonicalRequest(Scratch scratch, SignedRequest request, List<String> signedHeaders) {
        String method = request.method();
        scratch.text(method, 0, method.length());
        scratch.ascii('\n');
        String path = request.path();
        if (isCanonicalPath(path)) {
            // The usual "/" or "/v1/": nothing to remove or encode.
            scratch.text(path, 0, path.length());
        } else {
            String canonical = canonicalUri(path);
            scratch.text(canonical, 0, canonical.length());
        }
        scratch.ascii('\n');
        if (!request.query().isEmpty()) {
            String query = canonicalQuery(request.query());
            scratch.text(query, 0, query.length());
        }
        scratch.ascii('\n');
        RequestHeaders headers = request.table();
        for (String name : signedHeaders) {
            scratch.text(name, 0, name.length());
            scratch.ascii(':');
            int count = headers.valueCount(name);
            for (int i = 0; i < count; i++) {
                if (i > 0) {
                    scratch.ascii(',');
                }
                scratch.headerValue(headers.value(name, i));
            }
            scratch.ascii('\n');
        }
        scratch.ascii('\n');
        for (int i = 0; i < signedHeaders.size(); i++) {
            if (i > 0) {
                scratch.ascii(';');
            }
            String name = signedHeaders.get(i);
            scratch.text(name, 0, name.length());
        }
        scratch.ascii('\n');
    }

    public static String stringToSign(String amzDate, String credentialScope, String canonicalRequest) {
        return ALGORITHM + '\n' + amzDate + '\n' + credentialScope + '\n' + hex(sha256(canonicalRequest.getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * The signature with a {@link #signer}, as its 32 bytes: the string to sign written into the thread's
     * scratch bytes and MACed from there (the signer itself is left as it was).
     */
    static byte[] signature(Mac signer, String amzDate, String credentialScope, byte[] canonicalRequestHash) {
        Scratch scratch = SCRATCH.get();
        scratch.start();
        scratch.text(ALGORITHM, 0, ALGORITHM.length());
        scratch.ascii('\n');
        scratch.text(amzDate, 0, amzDate.length());
        scratch.ascii('\n');
        scratch.text(credentialScope, 0, credentialScope.length());
        scratch.ascii('\n');
        scratch.hex(canonicalRequestHash);
        Mac mac = copy(signer);
        mac.update(scratch.bytes, 0, scratch.length);
        return mac.doFinal();
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

    /**
     * Whether {@code rawPath} is its own canonical form: it starts with '/', has no empty, "." or ".."
     * segment but perhaps a last empty one, and only unreserved characters.
     */
    static boolean isCanonicalPath(String rawPath) {
        if (rawPath == null || rawPath.isEmpty() || rawPath.charAt(0) != '/') {
            return false;
        }
        int segmentStart = 1;
        int length = rawPath.length();
        for (int i = 1; i <= length; i++) {
            char c = i < length ? rawPath.charAt(i) : '/';
            if (c == '/') {
                int segment = i - segmentStart;
                if ((segment == 0 && i < length)
                        || (segment == 1 && rawPath.charAt(segmentStart) == '.')
                        || (segment == 2 && rawPath.charAt(segmentStart) == '.' && rawPath.charAt(segmentStart + 1) == '.')) {
                    return false;
                }
                segmentStart = i + 1;
            } else if (!isUnreserved(c)) {
                return false;
            }
        }
        return true;
    }

    /** The first index in {@code [from, to)} past what String.trim would remove there, or {@code to}. */
    static int trimStart(String text, int from, int to) {
        while (from < to && text.charAt(from) <= ' ') {
            from++;
        }
        return from;
    }

    /** The end of {@code [from, to)} without what String.trim would remove there. */
    static int trimEnd(String text, int from, int to) {
        while (to > from && text.charAt(to - 1) <= ' ') {
            to--;
        }
        return to;
    }

    private static boolean isUnreserved(int c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' || c == '~';
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

    /** RFC 3986 unreserved characters stay; every other UTF-8 byte becomes %XX, upper-case hex. */
    static String encode(String value) {
        StringBuilder encoded = new StringBuilder(value.length());
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (isUnreserved(c)) {
                encoded.append((char) c);
            } else {
                encoded.append('%').append(UPPER_HEX_DIGITS[c >> 4]).append(UPPER_HEX_DIGITS[c & 0xf]);
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

    /** Lower-case hex. */
    public static String hex(byte[] bytes) {
        byte[] text = new byte[bytes.length * 2];
        for (int i = 0; i < bytes.length; i++) {
            text[2 * i] = HEX_DIGITS[(bytes[i] >> 4) & 0xf];
            text[2 * i + 1] = HEX_DIGITS[bytes[i] & 0xf];
        }
        return new String(text, StandardCharsets.ISO_8859_1);
    }

    /** Whether {@code text} is {@code bytes} in lower-case hex. */
    static boolean isHexOf(String text, byte[] bytes) {
        if (text.length() != bytes.length * 2) {
            return false;
        }
        for (int i = 0; i < bytes.length; i++) {
            if (text.charAt(2 * i) != HEX_DIGITS[(bytes[i] >> 4) & 0xf] || text.charAt(2 * i + 1) != HEX_DIGITS[bytes[i] & 0xf]) {
                return false;
            }
        }
        return true;
    }

    /** {@code text} read as exactly {@code length} bytes of hex, either case, or null if it is anything else. */
    static byte[] fromHex(String text, int length) {
        if (text.length() != length * 2) {
            return null;
        }
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            int high = hexDigit(text.charAt(2 * i));
            int low = hexDigit(text.charAt(2 * i + 1));
            if ((high | low) < 0) {
                return null;
            }
            bytes[i] = (byte) ((high << 4) | low);
        }
        return bytes;
    }

    /** An ASCII hex digit's value, or -1 (Character.digit would take other scripts' digits too). */
    private static int hexDigit(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }

    public static byte[] sha256(byte[] bytes) {
        // digest() resets it: the thread's one instance serves every hash it makes, with no provider lookup.
        return SCRATCH.get().digest.digest(bytes);
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
        return hex(copy(signer).doFinal(stringToSign.getBytes(StandardCharsets.UTF_8)));
    }

    private static Mac copy(Mac signer) {
        try {
            return (Mac) signer.clone();
        } catch (CloneNotSupportedException notCloneable) {
            // The JDK's HmacSHA256 clones; only a foreign provider would not, and none is installed.
            throw new IllegalStateException("HmacSHA256 Macs cannot be cloned here", notCloneable);
        }
    }

    private static final String HMAC = "HmacSHA256";
    private static final byte[] HEX_DIGITS = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final char[] UPPER_HEX_DIGITS = "0123456789ABCDEF".toCharArray();
    /** Thread-confined instances: a Lambda instance serves one request at a time, the local server one per thread. */
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private static final ThreadLocal<Mac> HMAC_SHA_256 = ThreadLocal.withInitial(() -> {
        try {
            return Mac.getInstance(HMAC);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    });

    /** How many bytes this thread's scratch holds (tests: what a hostile request leaves behind). */
    static int scratchCapacity() {
        return SCRATCH.get().bytes.length;
    }

    /**
     * A thread's SHA-256 and the bytes the canonical request, then the string to sign, are written into
     * as UTF-8 (String.getBytes's, a lone surrogate as '?'), to hash or MAC from there.
     */
    private static final class Scratch {
        static final int KEPT_BYTES = 64 * 1024;
        final MessageDigest digest;
        byte[] bytes = new byte[1024];
        int length;

        Scratch() {
            try {
                digest = MessageDigest.getInstance("SHA-256");
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }

        /**
         * Empty, to write a new text: a buffer a hostile request grew past {@value #KEPT_BYTES} bytes (a header signed a
         * thousand times) is let go, so a thread keeps no more than that between requests.
         */
        void start() {
            if (bytes.length > KEPT_BYTES) {
                bytes = new byte[1024];
            }
            length = 0;
        }

        private void room(int more) {
            if (bytes.length - length < more) {
                bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + more));
            }
        }

        void ascii(char c) {
            room(1);
            bytes[length++] = (byte) c;
        }

        void hex(byte[] value) {
            room(value.length * 2);
            for (byte b : value) {
                bytes[length++] = HEX_DIGITS[(b >> 4) & 0xf];
                bytes[length++] = HEX_DIGITS[b & 0xf];
            }
        }

        void text(String text, int from, int to) {
            room((to - from) * 3);
            for (int i = from; i < to; i++) {
                char c = text.charAt(i);
                if (c < 0x80) {
                    bytes[length++] = (byte) c;
                } else {
                    i = nonAscii(text, i, to);
                }
            }
        }

        /** A header's value trimmed, each inner run of spaces folded to one. */
        void headerValue(String value) {
            int start = trimStart(value, 0, value.length());
            int end = trimEnd(value, start, value.length());
            room((end - start) * 3);
            char previous = 0;
            for (int i = start; i < end; i++) {
                char c = value.charAt(i);
                if (c == ' ' && previous == ' ') {
                    continue;
                }
                previous = c;
                if (c < 0x80) {
                    bytes[length++] = (byte) c;
                } else {
                    i = nonAscii(value, i, end);
                }
            }
        }

        /** Writes the character at {@code i} (with its low surrogate if it has one) and answers the last index it read. */
        private int nonAscii(String text, int i, int to) {
            char c = text.charAt(i);
            if (c < 0x800) {
                bytes[length++] = (byte) (0xc0 | (c >> 6));
                bytes[length++] = (byte) (0x80 | (c & 0x3f));
            } else if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < to && Character.isLowSurrogate(text.charAt(i + 1))) {
                    int codePoint = Character.toCodePoint(c, text.charAt(i + 1));
                    bytes[length++] = (byte) (0xf0 | (codePoint >> 18));
                    bytes[length++] = (byte) (0x80 | ((codePoint >> 12) & 0x3f));
                    bytes[length++] = (byte) (0x80 | ((codePoint >> 6) & 0x3f));
                    bytes[length++] = (byte) (0x80 | (codePoint & 0x3f));
                    return i + 1;
                }
                bytes[length++] = '?';
            } else {
                bytes[length++] = (byte) (0xe0 | (c >> 12));
                bytes[length++] = (byte) (0x80 | ((c >> 6) & 0x3f));
                bytes[length++] = (byte) (0x80 | (c & 0x3f));
            }
            return i;
        }
    }
}
