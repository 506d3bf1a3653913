package dev.partnerregistry.domain;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The API's member constraints, as the EventBridge service model states them, and the validator
 * that reports every failed one in EventBridge's exact message format:
 * {@code N validation error(s) detected: Value 'x' at 'member' failed to satisfy constraint: ...}.
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

    public static final int NEXT_TOKEN_MIN_LENGTH = 1;
    public static final int NEXT_TOKEN_MAX_LENGTH = 2048;

    public static final int LIMIT_MIN = 1;
    public static final int LIMIT_MAX = 100;

    /** Every name and prefix starts with this; the partner is the segment after it. */
    public static final String PARTNER_NAMESPACE = "aws.partner/";

    private static final Pattern NAME = Pattern.compile(NAME_PATTERN);
    private static final Pattern ACCOUNT = Pattern.compile(ACCOUNT_PATTERN);
    private static final Pattern NAME_PREFIX = Pattern.compile(NAME_PREFIX_PATTERN);

    private final List<String> failures = new ArrayList<>();

    private Constraints() {
    }

    public static Constraints check() {
        return new Constraints();
    }

    public Constraints name(String member, String value) {
        return string(member, value, true, NAME_MIN_LENGTH, NAME_MAX_LENGTH, NAME, NAME_PATTERN);
    }

    public Constraints account(String member, String value) {
        return string(member, value, true, ACCOUNT_LENGTH, ACCOUNT_LENGTH, ACCOUNT, ACCOUNT_PATTERN);
    }

    public Constraints namePrefix(String member, String value) {
        return string(member, value, true, NAME_PREFIX_MIN_LENGTH, NAME_PREFIX_MAX_LENGTH, NAME_PREFIX, NAME_PREFIX_PATTERN);
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

    private Constraints string(String member, String value, boolean required, int min, int max, Pattern pattern, String patternText) {
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
        if (pattern != null && !pattern.matcher(value).matches()) {
            fail(member, shown, "Member must satisfy regular expression pattern: " + patternText);
        }
        return this;
    }

    private void fail(String member, String shownValue, String constraint) {
        failures.add("Value " + shownValue + " at '" + member + "' failed to satisfy constraint: " + constraint);
    }

    private static String quoted(String value) {
        return "'" + value + "'";
    }
}
