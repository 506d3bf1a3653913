package dev.partnerregistry.domain;

/**
 * Whether an event's {@code Detail} is one PutEvents will take: exactly one JSON object as RFC 8259
 * defines it (no comments, no trailing content, no single quotes, no unescaped control characters),
 * of well-formed Unicode (no lone surrogate, raw or escaped), at most {@value #MAX_DEPTH} levels
 * deep, its integers within int64. PutEvents documents the last two ("PutEvents will only process
 * nested JSON up to 1000 levels deep"; integers from -9,223,372,036,854,775,808 to
 * 9,223,372,036,854,775,807). One pass over the text, no tree and no recursion: a container costs
 * one bit of a fixed array, so neither a deep nor a large document costs more than its length.
 */
final class DetailJson {

    /** The deepest nesting PutEvents processes; the Detail object itself is level one. */
    static final int MAX_DEPTH = 1000;
    private static final String INT64_MAX = "9223372036854775807";
    private static final String INT64_MIN_MAGNITUDE = "9223372036854775808";

    private final String text;
    private int at;

    private DetailJson(String text) {
        this.text = text;
    }

    /** True if {@code detail} is one strict JSON object PutEvents takes. */
    static boolean isDeliverable(String detail) {
        return detail != null && new DetailJson(detail).object();
    }

    private boolean object() {
        skipWhitespace();
        if (!peek('{')) {
            return false;
        }
        boolean[] inObject = new boolean[MAX_DEPTH + 1];
        int depth = 0;
        boolean expectValue = true;
        while (true) {
            if (expectValue) {
                skipWhitespace();
                if (at >= text.length()) {
                    return false;
                }
                char c = text.charAt(at);
                if (c == '{' || c == '[') {
                    if (++depth > MAX_DEPTH) {
                        return false;
                    }
                    inObject[depth] = c == '{';
                    at++;
                    skipWhitespace();
                    if (peek(c == '{' ? '}' : ']')) {
                        at++;
                        depth--;
                        expectValue = false;
                    } else if (inObject[depth] && !member()) {
                        return false;
                    }
                    continue;
                }
                if (!(c == '"' ? string() : c == '-' || (c >= '0' && c <= '9') ? number() : literal())) {
                    return false;
                }
                expectValue = false;
                continue;
            }
            skipWhitespace();
            if (depth == 0) {
                return at == text.length();
            }
            if (peek(',')) {
                at++;
                if (inObject[depth]) {
                    skipWhitespace();
                    if (!member()) {
                        return false;
                    }
                }
                expectValue = true;
            } else if (peek(inObject[depth] ? '}' : ']')) {
                at++;
                depth--;
            } else {
                return false;
            }
        }
    }

    /** A member's name and its colon; the value follows. */
    private boolean member() {
        if (!peek('"') || !string()) {
            return false;
        }
        skipWhitespace();
        if (!peek(':')) {
            return false;
        }
        at++;
        return true;
    }

    private boolean string() {
        at++;
        while (at < text.length()) {
            char c = text.charAt(at);
            if (c == '"') {
                at++;
                return true;
            }
            if (c < 0x20) {
                return false;
            }
            if (c == '\\') {
                if (!escape()) {
                    return false;
                }
            } else if (Character.isHighSurrogate(c)) {
                if (at + 1 >= text.length() || !Character.isLowSurrogate(text.charAt(at + 1))) {
                    return false;
                }
                at += 2;
            } else if (Character.isLowSurrogate(c)) {
                return false;
            } else {
                at++;
            }
        }
        return false;
    }

    private boolean escape() {
        if (at + 1 >= text.length()) {
            return false;
        }
        char kind = text.charAt(at + 1);
        if ("\"\\/bfnrt".indexOf(kind) >= 0) {
            at += 2;
            return true;
        }
        if (kind != 'u') {
            return false;
        }
        int unit = hex(at + 2);
        if (unit < 0) {
            return false;
        }
        at += 6;
        if (Character.isLowSurrogate((char) unit)) {
            return false;
        }
        if (Character.isHighSurrogate((char) unit)) {
            // Only as the first half of a pair written as two escapes.
            int low = at + 1 < text.length() && text.charAt(at) == '\\' && text.charAt(at + 1) == 'u' ? hex(at + 2) : -1;
            if (low < 0 || !Character.isLowSurrogate((char) low)) {
                return false;
            }
            at += 6;
        }
        return true;
    }

    /** The four hex digits at {@code from}, or -1. */
    private int hex(int from) {
        if (from + 4 > text.length()) {
            return -1;
        }
        int value = 0;
        for (int i = from; i < from + 4; i++) {
            int digit = Character.digit(text.charAt(i), 16);
            if (digit < 0 || text.charAt(i) > 'f') {
                return -1;
            }
            value = value * 16 + digit;
        }
        return value;
    }

    private boolean number() {
        boolean negative = peek('-');
        if (negative) {
            at++;
        }
        int digitsFrom = at;
        if (peek('0')) {
            at++;
        } else if (!digits()) {
            return false;
        }
        int digitsTo = at;
        boolean integer = true;
        if (peek('.')) {
            at++;
            if (!digits()) {
                return false;
            }
            integer = false;
        }
        if (peek('e') || peek('E')) {
            at++;
            if (peek('+') || peek('-')) {
                at++;
            }
            if (!digits()) {
                return false;
            }
            integer = false;
        }
        return !integer || withinInt64(text.substring(digitsFrom, digitsTo), negative);
    }

    private static boolean withinInt64(String magnitude, boolean negative) {
        String limit = negative ? INT64_MIN_MAGNITUDE : INT64_MAX;
        return magnitude.length() < limit.length() || magnitude.length() == limit.length() && magnitude.compareTo(limit) <= 0;
    }

    /** One or more ASCII digits. */
    private boolean digits() {
        int from = at;
        while (at < text.length() && text.charAt(at) >= '0' && text.charAt(at) <= '9') {
            at++;
        }
        return at > from;
    }

    private boolean literal() {
        for (String literal : new String[] {"true", "false", "null"}) {
            if (text.startsWith(literal, at)) {
                at += literal.length();
                return true;
            }
        }
        return false;
    }

    private boolean peek(char c) {
        return at < text.length() && text.charAt(at) == c;
    }

    private void skipWhitespace() {
        while (at < text.length()) {
            char c = text.charAt(at);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                return;
            }
            at++;
        }
    }
}
