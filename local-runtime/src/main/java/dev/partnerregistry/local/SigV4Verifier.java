package dev.partnerregistry.local;

import dev.partnerregistry.local.LocalConfig.LocalPrincipal;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * What API Gateway's AWS_IAM authorization does before the function runs: find the caller from the
 * access key in a Signature Version 4 {@code Authorization} header, and, when the local credentials
 * file gives that key's secret, recompute the signature and reject a mismatch or a stale request.
 * Any signing service is accepted in the credential scope: {@code events} from the CLI and SDKs
 * pointed at the endpoint, {@code execute-api} from clients configured for the deployed API.
 */
final class SigV4Verifier {

    static final String ALGORITHM = "AWS4-HMAC-SHA256";
    static final Duration MAX_SKEW = Duration.ofMinutes(15);
    private static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    private static final HexFormat HEX = HexFormat.of();

    /** The request as it arrived: raw (still percent-encoded) path and query, headers by lower-case name. */
    record SignedRequest(String method, String rawPath, String rawQuery, Map<String, List<String>> headers, byte[] body) {

        SignedRequest {
            Map<String, List<String>> lower = new LinkedHashMap<>();
            headers.forEach((name, values) -> lower.computeIfAbsent(name.toLowerCase(Locale.ROOT), k -> new ArrayList<>()).addAll(values));
            headers = lower;
        }

        Optional<String> header(String name) {
            List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
            return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
        }
    }

    /** Who signed: the access key and the principal the credentials file maps it to. */
    record Authenticated(String accessKeyId, LocalPrincipal principal) {
    }

    /** A request API Gateway would turn away before the function, with the error it would answer. */
    static final class Rejected extends Exception {
        private final String errorCode;

        Rejected(String errorCode, String message) {
            super(message, null, false, false);
            this.errorCode = errorCode;
        }

        String errorCode() {
            return errorCode;
        }
    }

    private final LocalConfig config;
    private final String region;

    SigV4Verifier(LocalConfig config, String region) {
        this.config = config;
        this.region = region;
    }

    Authenticated verify(SignedRequest request, Instant now) throws Rejected {
        String authorization = request.header("Authorization").orElse(null);
        if (authorization == null || authorization.isBlank()) {
            throw new Rejected("MissingAuthenticationTokenException", "Missing Authentication Token");
        }
        Map<String, String> parameters = parameters(authorization);
        String credential = parameters.get("Credential");
        String signedHeaders = parameters.get("SignedHeaders");
        String signature = parameters.get("Signature");
        Optional<String> amzDate = request.header("X-Amz-Date");
        Optional<String> httpDate = request.header("Date");

        StringBuilder incomplete = new StringBuilder();
        if (!authorization.startsWith(ALGORITHM + " ")) {
            incomplete.append("Authorization header requires '" + ALGORITHM + "' as its algorithm. ");
        }
        if (credential == null) {
            incomplete.append("Authorization header requires 'Credential' parameter. ");
        }
        if (signature == null) {
            incomplete.append("Authorization header requires 'Signature' parameter. ");
        }
        if (signedHeaders == null) {
            incomplete.append("Authorization header requires 'SignedHeaders' parameter. ");
        }
        if (amzDate.isEmpty() && httpDate.isEmpty()) {
            incomplete.append("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. ");
        }
        if (incomplete.length() > 0) {
            throw new Rejected("IncompleteSignatureException", incomplete + "Authorization=" + authorization);
        }
        String[] scope = credential.split("/", -1);
        if (scope.length != 5 || !scope[4].equals("aws4_request") || scope[0].isEmpty()) {
            throw new Rejected("IncompleteSignatureException", "Credential should be scoped to correct service. Authorization=" + authorization);
        }
        List<String> signedHeaderNames = List.of(signedHeaders.split(";", -1));
        if (!signedHeaderNames.contains("host")) {
            throw new Rejected("IncompleteSignatureException", "'Host' must be a 'SignedHeader' in the AWS Authorization.");
        }

        String accessKeyId = scope[0];
        LocalPrincipal principal = config.principal(accessKeyId)
                .orElseThrow(() -> new Rejected("UnrecognizedClientException", "The security token included in the request is invalid."));

        String requestTime = amzDate.orElse(null);
        Instant signedAt;
        try {
            signedAt = requestTime != null
                    ? Instant.from(AMZ_DATE.parse(requestTime))
                    : ZonedDateTime.parse(httpDate.get(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            throw new Rejected("IncompleteSignatureException", "Date must be in ISO-8601 'basic format'. Got '"
                    + amzDate.orElse(httpDate.orElse("")) + "'. See http://en.wikipedia.org/wiki/ISO_8601");
        }
        if (requestTime == null) {
            requestTime = AMZ_DATE.format(signedAt);
        }
        if (signedAt.isBefore(now.minus(MAX_SKEW))) {
            throw new Rejected("InvalidSignatureException", "Signature expired: " + requestTime + " is now earlier than "
                    + AMZ_DATE.format(now.minus(MAX_SKEW)) + " (" + AMZ_DATE.format(now) + " - 15 min.)");
        }
        if (signedAt.isAfter(now.plus(MAX_SKEW))) {
            throw new Rejected("InvalidSignatureException", "Signature not yet current: " + requestTime + " is still later than "
                    + AMZ_DATE.format(now.plus(MAX_SKEW)) + " (" + AMZ_DATE.format(now) + " + 15 min.)");
        }
        if (!scope[1].equals(requestTime.substring(0, 8))) {
            throw new Rejected("InvalidSignatureException", "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '"
                    + scope[1] + "' != '" + requestTime.substring(0, 8) + "', from '" + requestTime + "'.");
        }
        if (!scope[2].equals(region)) {
            throw new Rejected("InvalidSignatureException", "Credential should be scoped to a valid region. ");
        }
        if (principal.secret().isEmpty()) {
            // The credentials file names the caller but holds no secret: nothing to verify against.
            return new Authenticated(accessKeyId, principal);
        }

        String bodyHash = hex(sha256(request.body()));
        Optional<String> declaredHash = request.header("X-Amz-Content-Sha256");
        if (declaredHash.isPresent() && !declaredHash.get().equals(bodyHash)) {
            throw signatureMismatch();
        }
        String canonicalRequest = String.join("\n",
                request.method(),
                canonicalUri(request.rawPath()),
                canonicalQuery(request.rawQuery()),
                canonicalHeaders(request, signedHeaderNames),
                signedHeaders,
                bodyHash);
        String credentialScope = String.join("/", scope[1], scope[2], scope[3], scope[4]);
        String stringToSign = String.join("\n", ALGORITHM, requestTime, credentialScope,
                hex(sha256(canonicalRequest.getBytes(StandardCharsets.UTF_8))));
        byte[] key = hmac(("AWS4" + principal.secretAccessKey()).getBytes(StandardCharsets.UTF_8), scope[1]);
        key = hmac(key, scope[2]);
        key = hmac(key, scope[3]);
        key = hmac(key, scope[4]);
        byte[] expected = HEX.formatHex(hmac(key, stringToSign)).getBytes(StandardCharsets.US_ASCII);
        if (!MessageDigest.isEqual(expected, signature.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII))) {
            throw signatureMismatch();
        }
        return new Authenticated(accessKeyId, principal);
    }

    private static Rejected signatureMismatch() {
        return new Rejected("InvalidSignatureException", "The request signature we calculated does not match the signature "
                + "you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.");
    }

    /** {@code Credential=..., SignedHeaders=..., Signature=...} after the algorithm, by name. */
    private static Map<String, String> parameters(String authorization) {
        Map<String, String> parameters = new LinkedHashMap<>();
        int space = authorization.indexOf(' ');
        String rest = space < 0 ? "" : authorization.substring(space + 1);
        for (String part : rest.split(",")) {
            int equals = part.indexOf('=');
            if (equals > 0) {
                parameters.putIfAbsent(part.substring(0, equals).trim(), part.substring(equals + 1).trim());
            }
        }
        return parameters;
    }

    /** The path with dot segments removed, each segment encoded once more (the non-S3 rule). */
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

    /** Parameters decoded, then encoded the AWS way and sorted by name, then value. */
    static String canonicalQuery(String rawQuery) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return "";
        }
        List<String[]> pairs = new ArrayList<>();
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int equals = pair.indexOf('=');
            String name = equals < 0 ? pair : pair.substring(0, equals);
            String value = equals < 0 ? "" : pair.substring(equals + 1);
            pairs.add(new String[] {encode(decode(name)), encode(decode(value))});
        }
        pairs.sort((a, b) -> a[0].equals(b[0]) ? a[1].compareTo(b[1]) : a[0].compareTo(b[0]));
        StringBuilder query = new StringBuilder();
        for (String[] pair : pairs) {
            query.append(query.length() == 0 ? "" : "&").append(pair[0]).append('=').append(pair[1]);
        }
        return query.toString();
    }

    private static String canonicalHeaders(SignedRequest request, List<String> signedHeaderNames) {
        StringBuilder headers = new StringBuilder();
        for (String name : signedHeaderNames) {
            List<String> values = request.headers().getOrDefault(name, List.of());
            List<String> normalized = new ArrayList<>();
            for (String value : values) {
                normalized.add(value.trim().replaceAll(" +", " "));
            }
            headers.append(name).append(':').append(String.join(",", normalized)).append('\n');
        }
        return headers.toString();
    }

    /** RFC 3986 unreserved characters stay; every other byte becomes %XX (upper-case hex). */
    static String encode(String value) {
        StringBuilder encoded = new StringBuilder();
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' || c == '~') {
                encoded.append(c);
            } else {
                encoded.append('%').append(HexFormat.of().withUpperCase().toHexDigits(b));
            }
        }
        return encoded.toString();
    }

    /** Percent-decoding only: a '+' stays a '+', as SigV4 clients encode a space as %20. */
    static String decode(String value) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int i = 0;
        while (i < value.length()) {
            if (value.charAt(i) == '%' && i + 2 < value.length() && isHex(value.charAt(i + 1)) && isHex(value.charAt(i + 2))) {
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

    private static boolean isHex(char c) {
        return Character.digit(c, 16) >= 0;
    }

    private static String hex(byte[] bytes) {
        return HEX.formatHex(bytes);
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
