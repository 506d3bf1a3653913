package dev.partnerregistry.domain;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * The API's member constraints, as the EventBridge service model states them, and the validator
 * that reports every failed one in EventBridge's exact message format:
 * {@code N validation error(s) detected: Value 'x' at 'member' failed to satisfy constraint: ...}.
 *
 * <p>The patterns are matched by hand, in one pass and without recursion: {@code java.util.regex}
 * recurses once per repetition of a group, so {@code (/[...]+){2,}} overflows the stack on a
 * name of a few thousand segments. The pattern texts stay, for the messages.
 */
public final class Constraints {

    public static final String NAME_PATTERN = "aws\\.partner(/[\\.\\-_A-Za-z0-9]+){2,}";
    public static final int NAME_MIN_LENGTH = 1;
    public static final int NAME_MAX_LENGTH = 256;

    public static final String ACCOUNT_PATTERN = "\\d{12}";
    public static final int ACCOUNT_LENGTH = 12;

    public static final String NAME_PREFIX_PATTERN = "aws\\.partner/[\\.\\-_A-Za-z0-9]+/[/\\.\\-_A-Za-z0-9]*";
    public static final int NAME_PREFIX_MIN_LENGTH = 1;
    public static final int NAME_PREFIX_MAX_LENGTH = 256;

    /** A customer's ListEventSources prefix (EventSourceNamePrefix): any name characters or '/'. */
    public static final String SOURCE_NAME_PREFIX_PATTERN = "[/\\.\\-_A-Za-z0-9]+";
    public static final int SOURCE_NAME_PREFIX_MAX_LENGTH = 256;

    public static final String BUS_NAME_PATTERN = "[/\\.\\-_A-Za-z0-9]+";
    public static final int BUS_NAME_MAX_LENGTH = 256;
    public static final String BUS_NAME_OR_ARN_PATTERN = "(arn:aws[\\w-]*:events:[a-z]+-[a-z]+-[\\w-]+:[0-9]{12}:event-bus\\/)?[/\\.\\-_A-Za-z0-9]+";
    public static final int BUS_NAME_OR_ARN_MAX_LENGTH = 1600;
    public static final int DESCRIPTION_MAX_LENGTH = 512;
    /** CreateEventBus' KmsKeyIdentifier, DeadLetterConfig.Arn and LogConfig, as the model constrains them. */
    public static final String KMS_KEY_IDENTIFIER_PATTERN = "^[a-zA-Z0-9_\\-/:]*$";
    public static final int KMS_KEY_IDENTIFIER_MAX_LENGTH = 2048;
    public static final int DEAD_LETTER_ARN_MIN_LENGTH = 1;
    public static final int DEAD_LETTER_ARN_MAX_LENGTH = 1600;
    public static final java.util.List<String> LOG_INCLUDE_DETAIL_VALUES = java.util.List.of("NONE", "FULL");
    public static final java.util.List<String> LOG_LEVEL_VALUES = java.util.List.of("OFF", "ERROR", "INFO", "TRACE");
    public static final int RESOURCE_MAX_LENGTH = 2048;

    public static final int NEXT_TOKEN_MIN_LENGTH = 1;
    public static final int NEXT_TOKEN_MAX_LENGTH = 2048;

    public static final int LIMIT_MIN = 1;
    public static final int LIMIT_MAX = 100;

    /** Every name and prefix starts with this; the partner is the segment after it. */
    public static final String PARTNER_NAMESPACE = "aws.partner/";

    /**
     * A value quoted in a message is cut to this many characters, then {@value #ELLIPSIS}, so that
     * no answer grows with its input (the longest valid value, a NextToken, is 2048).
     */
    public static final int MAX_ECHOED_CHARS = 2048;
    static final String ELLIPSIS = "...";

    private final List<String> failures = new ArrayList<>();

    private Constraints() {
    }

    public static Constraints check() {
        return new Constraints();
    }

    public Constraints name(String member, String value) {
        return string(member, value, true, NAME_MIN_LENGTH, NAME_MAX_LENGTH, Constraints::isName, NAME_PATTERN);
    }

    public Constraints account(String member, String value) {
        return string(member, value, true, ACCOUNT_LENGTH, ACCOUNT_LENGTH, Constraints::isAccount, ACCOUNT_PATTERN);
    }

    public Constraints namePrefix(String member, String value) {
        return string(member, value, true, NAME_PREFIX_MIN_LENGTH, NAME_PREFIX_MAX_LENGTH, Constraints::isNamePrefix, NAME_PREFIX_PATTERN);
    }

    /** ListEventSources' optional NamePrefix. */
    public Constraints sourceNamePrefix(String member, String value) {
        return string(member, value, false, 1, SOURCE_NAME_PREFIX_MAX_LENGTH, Constraints::isPathCharacters, SOURCE_NAME_PREFIX_PATTERN);
    }

    public Constraints busName(String member, String value) {
        return string(member, value, true, 1, BUS_NAME_MAX_LENGTH, Constraints::isPathCharacters, BUS_NAME_PATTERN);
    }

    /** DescribeEventBus' optional Name: a bus name, or its ARN. */
    public Constraints busNameOrArn(String member, String value) {
        return string(member, value, false, 1, BUS_NAME_OR_ARN_MAX_LENGTH, Constraints::isBusNameOrArn, BUS_NAME_OR_ARN_PATTERN);
    }

    /** An optional EventSourceName (CreateEventBus): a source name when given. */
    public Constraints optionalName(String member, String value) {
        return string(member, value, false, NAME_MIN_LENGTH, NAME_MAX_LENGTH, Constraints::isName, NAME_PATTERN);
    }

    public Constraints description(String member, String value) {
        return string(member, value, false, 0, DESCRIPTION_MAX_LENGTH, null, null);
    }

    public Constraints kmsKeyIdentifier(String member, String value) {
        return string(member, value, false, 0, KMS_KEY_IDENTIFIER_MAX_LENGTH, Constraints::isKmsKeyIdentifier, KMS_KEY_IDENTIFIER_PATTERN);
    }

    public Constraints deadLetterArn(String member, String value) {
        return string(member, value, false, DEAD_LETTER_ARN_MIN_LENGTH, DEAD_LETTER_ARN_MAX_LENGTH, null, null);
    }

    /** An optional member of an enum: one of {@code values}, in the model's words. */
    public Constraints oneOf(String member, String value, java.util.List<String> values) {
        if (value != null && !values.contains(value)) {
            fail(member, quoted(value), "Member must satisfy enum value set: [" + String.join(", ", values) + "]");
        }
        return this;
    }

    private static boolean isKmsKeyIdentifier(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '/' || c == ':')) {
                return false;
            }
        }
        return true;
    }

    /** A required list of 1 to {@code max} elements (PutPartnerEvents' Entries). */
    public Constraints entries(String member, java.util.List<?> value, int max) {
        if (value == null) {
            fail(member, "null", "Member must not be null");
        } else if (value.isEmpty()) {
            fail(member, "'[]'", "Member must have length greater than or equal to 1");
        } else if (value.size() > max) {
            fail(member, "'[" + value.size() + " entries]'", "Member must have length less than or equal to " + max);
        }
        return this;
    }

    /** One of an entry's Resources (EventResource): at most 2048 characters. */
    public Constraints resource(String member, String value) {
        return string(member, value, false, 0, RESOURCE_MAX_LENGTH, null, null);
    }

    public Constraints nextToken(String member, String value) {
        return string(member, value, false, NEXT_TOKEN_MIN_LENGTH, NEXT_TOKEN_MAX_LENGTH, null, null);
    }

    public Constraints limit(String member, Integer value) {
        if (value != null) {
            if (value > LIMIT_MAX) {
                fail(member, quoted(value.toString()), "Member must have value less than or equal to " + LIMIT_MAX);
            }
            if (value < LIMIT_MIN) {
                fail(member, quoted(value.toString()), "Member must have value greater than or equal to " + LIMIT_MIN);
            }
        }
        return this;
    }

    /** Throws one ValidationException naming every failure, in member order, if there was any. */
    public void orThrow() {
        if (failures.isEmpty()) {
            return;
        }
        String count = failures.size() == 1 ? "1 validation error detected: " : failures.size() + " validation errors detected: ";
        throw new RegistryException.Validation(count + String.join("; ", failures));
    }

    /** The partner segment of a valid name or prefix: {@code aws.partner/<partner>/...}. */
    public static String partnerOf(String validNameOrPrefix) {
        int end = validNameOrPrefix.indexOf('/', PARTNER_NAMESPACE.length());
        return validNameOrPrefix.substring(PARTNER_NAMESPACE.length(), end);
    }

    /**
     * The partner segment of any value shaped like {@code aws.partner/<partner>/...}, valid or not,
     * for logs: null unless the segment is 1 to 256 of the name characters, so nothing unbounded
     * or hostile is echoed. Checked by hand, as it runs before (and without) validation.
     */
    public static String partnerNamedIn(String value) {
        if (value == null || !value.startsWith(PARTNER_NAMESPACE)) {
            return null;
        }
        int start = PARTNER_NAMESPACE.length();
        for (int i = start; i < value.length() && i - start <= NAME_MAX_LENGTH; i++) {
            char c = value.charAt(i);
            if (c == '/') {
                return i == start ? null : value.substring(start, i);
            }
            if (!isNameCharacter(c)) {
                return null;
            }
        }
        return null;
    }

    private static boolean isNameCharacter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_';
    }

    /** {@value #NAME_PATTERN}: the namespace, then two or more non-empty segments of name characters. */
    static boolean isName(String value) {
        String namespace = "aws.partner";
        if (!value.startsWith(namespace)) {
            return false;
        }
        int segments = 0;
        int i = namespace.length();
        while (i < value.length()) {
            if (value.charAt(i) != '/') {
                return false;
            }
            int start = ++i;
            while (i < value.length() && isNameCharacter(value.charAt(i))) {
                i++;
            }
            if (i == start) {
                return false;
            }
            segments++;
        }
        return segments >= 2;
    }

    /** {@value #NAME_PREFIX_PATTERN}: the namespace, a non-empty partner segment, '/', then name characters or '/'. */
    static boolean isNamePrefix(String value) {
        if (!value.startsWith(PARTNER_NAMESPACE)) {
            return false;
        }
        int i = PARTNER_NAMESPACE.length();
        int start = i;
        while (i < value.length() && isNameCharacter(value.charAt(i))) {
            i++;
        }
        if (i == start || i == value.length() || value.charAt(i) != '/') {
            return false;
        }
        for (i++; i < value.length(); i++) {
            if (value.charAt(i) != '/' && !isNameCharacter(value.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** {@value #SOURCE_NAME_PREFIX_PATTERN}: one or more name characters or '/'. */
    static boolean isPathCharacters(String value) {
        if (value.isEmpty()) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            if (value.charAt(i) != '/' && !isNameCharacter(value.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** {@value #BUS_NAME_OR_ARN_PATTERN}: an optional event-bus ARN prefix, then name characters or '/'. */
    static boolean isBusNameOrArn(String value) {
        if (!value.startsWith("arn:aws")) {
            return isPathCharacters(value);
        }
        // arn:aws[\w-]*:events:[a-z]+-[a-z]+-[\w-]+:[0-9]{12}:event-bus/ then the name; the regex's group is
        // optional, so a value that fails the ARN shape may still be a plain name ("arn:aws..." has ':' though).
        int i = "arn:aws".length();
        while (i < value.length() && (isWordCharacter(value.charAt(i)) || value.charAt(i) == '-')) {
            i++;
        }
        if (!value.startsWith(":events:", i)) {
            return false;
        }
        i += ":events:".length();
        int regionStart = i;
        int dashes = 0;
        int segmentStart = i;
        // [a-z]+-[a-z]+-[\w-]+ : two lower-case segments, then word characters and dashes.
        while (i < value.length() && value.charAt(i) != ':') {
            char c = value.charAt(i);
            if (c == '-' && dashes < 2) {
                if (i == segmentStart) {
                    return false;
                }
                dashes++;
                segmentStart = i + 1;
            } else if (dashes < 2 ? !(c >= 'a' && c <= 'z') : !(isWordCharacter(c) || c == '-')) {
                return false;
            }
            i++;
        }
        if (dashes < 2 || i == segmentStart || i == regionStart || i >= value.length()) {
            return false;
        }
        i++;
        for (int digits = 0; digits < 12; digits++, i++) {
            if (i >= value.length() || value.charAt(i) < '0' || value.charAt(i) > '9') {
                return false;
            }
        }
        if (!value.startsWith(":event-bus/", i)) {
            return false;
        }
        return isPathCharacters(value.substring(i + ":event-bus/".length()));
    }

    /**
     * An event bus ARN of {@code account} whose name is a custom bus's ({@code [\.\-_A-Za-z0-9]+} of at
     * most 256, so never a partner bus, whose name has '/'), in a known region of {@code partition}:
     * where a customer may have its events delivered.
     */
    public static boolean isOwnEventBusArn(String value, String account, String partition) {
        if (value.length() > BUS_NAME_OR_ARN_MAX_LENGTH || !value.startsWith("arn:aws") || !isBusNameOrArn(value)) {
            return false;
        }
        int bus = value.indexOf(":event-bus/");
        String name = value.substring(bus + ":event-bus/".length());
        if (!value.substring(bus - ACCOUNT_LENGTH, bus).equals(account) || name.indexOf('/') >= 0 || name.startsWith("aws.")
                || name.length() > BUS_NAME_MAX_LENGTH) {
            return false;
        }
        // A real region (the SDK's metadata) of the ARN's partition, which must be the registry's: its
        // credentials reach no other partition, whose endpoints are under another domain.
        String[] parts = value.split(":", 6);
        return parts[1].equals(partition) && partition.equals(AwsRegions.partitionOf(parts[3]));
    }

    private static boolean isWordCharacter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    }

    /** {@value #ACCOUNT_PATTERN}: twelve ASCII digits (the regex's \d is ASCII-only too). */
    public static boolean isAccount(String value) {
        if (value.length() != ACCOUNT_LENGTH) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            if (value.charAt(i) < '0' || value.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    private Constraints string(String member, String value, boolean required, int min, int max,
                               Predicate<String> pattern, String patternText) {
        if (value == null) {
            if (required) {
                fail(member, "null", "Member must not be null");
            }
            return this;
        }
        String shown = quoted(value);
        if (value.length() > max) {
            fail(member, shown, "Member must have length less than or equal to " + max);
        }
        if (value.length() < min) {
            fail(member, shown, "Member must have length greater than or equal to " + min);
        }
        if (pattern != null && !pattern.test(value)) {
            fail(member, shown, "Member must satisfy regular expression pattern: " + patternText);
        }
        return this;
    }

    private void fail(String member, String shownValue, String constraint) {
        failures.add("Value " + shownValue + " at '" + member + "' failed to satisfy constraint: " + constraint);
    }

    static String quoted(String value) {
        if (value.length() > MAX_ECHOED_CHARS) {
            // Never split a surrogate pair: the cut stays valid UTF-16, so the answer stays valid JSON text.
            int end = Character.isHighSurrogate(value.charAt(MAX_ECHOED_CHARS - 1)) ? MAX_ECHOED_CHARS - 1 : MAX_ECHOED_CHARS;
            return "'" + value.substring(0, end) + ELLIPSIS + "'";
        }
        return "'" + value + "'";
    }
}
