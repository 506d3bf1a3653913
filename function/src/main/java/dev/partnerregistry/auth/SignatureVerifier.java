package dev.partnerregistry.auth;

import dev.partnerregistry.domain.Caller;
import dev.partnerregistry.domain.RegistryException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.YearMonth;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Authenticates a request signed with Signature Version 4 by a registry-issued access key, the
 * way EventBridge authenticates its own callers: the credential scope must name service
 * {@value #SERVICE} and this registry's region; {@code host}, {@code x-amz-date},
 * {@code x-amz-target} and {@code content-type} must be signed (so a captured signature cannot be
 * replayed as another operation or to another endpoint); the request must be no more than 15
 * minutes from now either way; the signature is recomputed over what the client sent and compared
 * in constant time. Each failure answers AWS's own error code and message.
 */
public final class SignatureVerifier {

    public static final String SERVICE = "events";
    public static final Duration MAX_SKEW = Duration.ofMinutes(15);
    /** Headers a signature must cover, besides whatever else the client chose to sign. */
    static final List<String> REQUIRED_SIGNED_HEADERS = List.of("host", "x-amz-date", "x-amz-target", "content-type");
    static final int MAX_AUTHORIZATION_LENGTH = 8192;
    private static final String MISMATCH = "The request signature we calculated does not match the signature you provided. "
            + "Check your AWS Secret Access Key and signing method. Consult the service documentation for details.";

    private final AccessKeys keys;
    private final String region;
    private final Clock clock;

    public SignatureVerifier(AccessKeys keys, String region, Clock clock) {
        this.keys = keys;
        this.region = region;
        this.clock = clock;
    }

    public String region() {
        return region;
    }

    /**
     * The caller who signed {@code request}, or the error AWS's JSON services answer instead, all with
     * status 400, checked in the order AWS checks them: the header's parts, the date and its skew, the
     * signed headers, the algorithm, the credential scope, the key, a session token, the signature.
     */
    public Caller verify(SignedRequest request) {
        String authorization = request.lowerCaseHeader("authorization");
        if (authorization == null || authorization.isBlank()) {
            throw new RegistryException.MissingAuthenticationToken();
        }
        if (authorization.length() > MAX_AUTHORIZATION_LENGTH) {
            throw new RegistryException.IncompleteSignature("The Authorization header is longer than " + MAX_AUTHORIZATION_LENGTH
                    + " characters.");
        }
        Authorization parsed = Authorization.parse(authorization);
        String amzDate = request.lowerCaseHeader("x-amz-date");
        StringBuilder incomplete = new StringBuilder();
        if (parsed.credential() == null) {
            incomplete.append("Authorization header requires 'Credential' parameter. ");
        }
        if (parsed.signature() == null) {
            incomplete.append("Authorization header requires 'Signature' parameter. ");
        }
        if (parsed.signedHeaders() == null) {
            incomplete.append("Authorization header requires 'SignedHeaders' parameter. ");
        }
        if (amzDate == null && request.lowerCaseHeader("date") == null) {
            incomplete.append("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. ");
        }
        if (incomplete.length() > 0) {
            throw new RegistryException.IncompleteSignature(incomplete + "Authorization=" + authorization);
        }

        List<String> signedHeaders = Arrays.asList(parsed.signedHeaders().split(";", -1));
        if (!signedHeaders.contains("host")) {
            throw new RegistryException.InvalidSignature("'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
        }
        for (String required : REQUIRED_SIGNED_HEADERS) {
            // Beyond AWS (which needs only Host signed): unsigned, a captured signature could be replayed as another operation.
            if (!signedHeaders.contains(required) || request.lowerCaseHeader(required) == null) {
                throw new RegistryException.InvalidSignature("'" + displayName(required) + "' must be a 'SignedHeader' in the AWS Authorization.");
            }
        }
        Instant signedAt = parseAmzDate(amzDate);
        if (signedAt == null) {
            throw new RegistryException.IncompleteSignature("Date must be in ISO-8601 'basic format'. Got '" + amzDate
                    + "'. See http://en.wikipedia.org/wiki/ISO_8601");
        }
        Instant now = clock.instant();
        if (signedAt.isBefore(now.minus(MAX_SKEW))) {
            throw new RegistryException.InvalidSignature("Signature expired: " + amzDate + " is now earlier than "
                    + formatAmzDate(now.minus(MAX_SKEW)) + " (" + formatAmzDate(now) + " - 15 min.)");
        }
        if (signedAt.isAfter(now.plus(MAX_SKEW))) {
            throw new RegistryException.InvalidSignature("Signature not yet current: " + amzDate + " is still later than "
                    + formatAmzDate(now.plus(MAX_SKEW)) + " (" + formatAmzDate(now) + " + 15 min.)");
        }
        if (!parsed.algorithm().equals(SigV4.ALGORITHM)) {
            throw new RegistryException.IncompleteSignature("Unsupported AWS 'algorithm': '" + parsed.algorithm()
                    + "' (only " + SigV4.ALGORITHM + " for now). ");
        }
        String[] scope = parsed.credential().split("/", -1);
        if (scope.length != 5 || scope[0].isEmpty()) {
            throw new RegistryException.IncompleteSignature("Credential must have exactly 5 slash-delimited elements, "
                    + "e.g. keyid/date/region/service/term, got '" + parsed.credential() + "'");
        }
        StringBuilder wrongScope = new StringBuilder();
        if (!scope[2].equals(region)) {
            wrongScope.append("Credential should be scoped to a valid region. ");
        }
        if (!scope[3].equals(SERVICE)) {
            wrongScope.append("Credential should be scoped to correct service: '" + SERVICE + "'. ");
        }
        if (!scope[4].equals("aws4_request")) {
            wrongScope.append("Credential should be scoped with a valid terminator: 'aws4_request', not '" + scope[4] + "'. ");
        }
        if (wrongScope.length() > 0) {
            throw new RegistryException.InvalidSignature(wrongScope.toString());
        }
        if (scope[1].length() != 8 || !amzDate.startsWith(scope[1])) {
            throw new RegistryException.InvalidSignature("Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '"
                    + scope[1] + "' != '" + amzDate.substring(0, 8) + "', from '" + amzDate + "'.");
        }

        String accessKeyId = scope[0];
        Optional<AccessKey> found = keys.find(accessKeyId);
        if (found.isEmpty() || !found.get().active()) {
            throw RegistryException.UnrecognizedClient.unknownKey();
        }
        if (request.lowerCaseHeader("x-amz-security-token") != null) {
            // Registry keys are long-term keys: no temporary credentials are issued, so no session token is valid.
            throw RegistryException.UnrecognizedClient.sessionToken();
        }
        AccessKey key = found.get();

        byte[] payloadHash = SigV4.sha256(request.body());
        String declaredHash = request.lowerCaseHeader("x-amz-content-sha256");
        boolean hostServed = request.host() != null && request.host().equalsIgnoreCase(request.lowerCaseHeader("host"));
        String credentialScope = parsed.credential().substring(accessKeyId.length() + 1);
        byte[] expected = SigV4.signature(key.signer(scope[1], scope[2], scope[3]), amzDate, credentialScope,
                SigV4.canonicalRequestHash(request, signedHeaders, payloadHash));
        // Compared as the MAC's bytes; a Signature that is not 64 hex digits (either case) matches nothing.
        byte[] provided = SigV4.fromHex(parsed.signature(), expected.length);
        boolean signatureMatches = provided != null && MessageDigest.isEqual(expected, provided);
        // A signature made for another host, or over a body other than the one received, is a mismatch as AWS
        // would compute it: the service signs with its own host and the bytes it got.
        if (!signatureMatches || !hostServed || (declaredHash != null && !SigV4.isHexOf(declaredHash, payloadHash))) {
            throw new RegistryException.InvalidSignature(MISMATCH);
        }
        keys.recordUse(accessKeyId, now);
        return new Caller(key.principalArn());
    }

    /**
     * {@code yyyyMMdd'T'HHmmss'Z'} read by hand (a DateTimeFormatter parse costs more than the rest of
     * the checks together): the instant, or null if the text is not that, or not a real date and time.
     */
    static Instant parseAmzDate(String text) {
        if (text.length() != 16 || text.charAt(8) != 'T' || text.charAt(15) != 'Z') {
            return null;
        }
        int year = digits(text, 0, 4);
        int month = digits(text, 4, 6);
        int day = digits(text, 6, 8);
        int hour = digits(text, 9, 11);
        int minute = digits(text, 11, 13);
        int second = digits(text, 13, 15);
        if (year < 0 || month < 1 || month > 12 || day < 1 || day > YearMonth.of(year, month).lengthOfMonth()
                || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) {
            return null;
        }
        return Instant.ofEpochSecond(LocalDate.of(year, month, day).toEpochDay() * 86_400L + hour * 3_600L + minute * 60L + second);
    }

    /** The decimal number in {@code text[from, to)}, or -1 if any of it is not an ASCII digit. */
    private static int digits(String text, int from, int to) {
        int value = 0;
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    /** {@code yyyyMMdd'T'HHmmss'Z'}, for the answers that quote the server's time. */
    static String formatAmzDate(Instant instant) {
        LocalDateTime t = LocalDateTime.ofEpochSecond(instant.getEpochSecond(), 0, ZoneOffset.UTC);
        StringBuilder text = new StringBuilder(16);
        pad(text, t.getYear(), 4);
        pad(text, t.getMonthValue(), 2);
        pad(text, t.getDayOfMonth(), 2);
        text.append('T');
        pad(text, t.getHour(), 2);
        pad(text, t.getMinute(), 2);
        pad(text, t.getSecond(), 2);
        return text.append('Z').toString();
    }

    private static void pad(StringBuilder text, int value, int width) {
        String digits = Integer.toString(value);
        text.append("0".repeat(Math.max(0, width - digits.length()))).append(digits);
    }

    private static String displayName(String header) {
        return switch (header) {
            case "host" -> "Host";
            case "x-amz-date" -> "X-Amz-Date";
            case "x-amz-target" -> "X-Amz-Target";
            default -> "Content-Type";
        };
    }

    /**
     * {@code AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...}, by name; absent parts are null.
     * Each of the three at most once and nothing else, as AWS refuses the rest with IncompleteSignatureException.
     */
    record Authorization(String algorithm, String credential, String signedHeaders, String signature) {

        static final List<String> KNOWN_PARAMETERS = List.of("Credential", "SignedHeaders", "Signature");

        static Authorization parse(String header) {
            // By hand, in one pass over the comma-separated parts in place: no regular expression meets a header
            // of any length or shape, and only the parameters' values are copied out.
            String value = header.trim();
            int space = value.indexOf(' ');
            String algorithm = space < 0 ? value : value.substring(0, space);
            boolean strict = space >= 0 && algorithm.startsWith("AWS4-");
            String credential = null;
            String signedHeaders = null;
            String signature = null;
            int length = value.length();
            for (int start = space < 0 ? length : space + 1; ; ) {
                int comma = value.indexOf(',', start);
                int end = comma < 0 ? length : comma;
                int equals = value.indexOf('=', start);
                if (equals < 0 || equals >= end || equals == start) {
                    String part = value.substring(start, end);
                    if (!part.isBlank() && strict) {
                        throw new RegistryException.IncompleteSignature("'" + part.trim()
                                + "' not a valid key=value pair (missing equal-sign) in Authorization header: '" + header + "'.");
                    }
                } else {
                    int nameStart = SigV4.trimStart(value, start, equals);
                    int nameEnd = SigV4.trimEnd(value, nameStart, equals);
                    int parameterStart = SigV4.trimStart(value, equals + 1, end);
                    int parameterEnd = SigV4.trimEnd(value, parameterStart, end);
                    if (credential == null && is(value, nameStart, nameEnd, "Credential")) {
                        credential = value.substring(parameterStart, parameterEnd);
                    } else if (signedHeaders == null && is(value, nameStart, nameEnd, "SignedHeaders")) {
                        signedHeaders = value.substring(parameterStart, parameterEnd);
                    } else if (signature == null && is(value, nameStart, nameEnd, "Signature")) {
                        signature = value.substring(parameterStart, parameterEnd);
                    } else if (strict) {
                        // A parameter twice (which one counts?) or one SigV4 does not define: refused, so that whatever reads
                        // the header after us (a log, a WAF) cannot be told another credential or signature than we checked.
                        String name = value.substring(nameStart, nameEnd);
                        throw new RegistryException.IncompleteSignature(KNOWN_PARAMETERS.contains(name)
                                ? "'" + name + "' appears more than once in Authorization header: '" + header + "'."
                                : "'" + name + "' is not a valid parameter (only Credential, SignedHeaders and Signature) in Authorization header: '"
                                + header + "'.");
                    }
                }
                if (comma < 0) {
                    break;
                }
                start = comma + 1;
            }
            return new Authorization(algorithm, credential, signedHeaders, signature);
        }

        private static boolean is(String text, int from, int to, String name) {
            return to - from == name.length() && text.startsWith(name, from);
        }
    }
}
