package dev.partnerregistry.domain;

/**
 * JSON text written straight into a StringBuilder: the answers, the request log and the queued
 * messages. The SDK's generator, used before, wrote through Jackson into a byte buffer that was then
 * decoded into the String every caller wanted; this writes the String and nothing else, with the
 * same escaping (quote, backslash, control characters, and every UTF-16 surrogate as {@code \\uXXXX},
 * so a lone surrogate read from a {@code \\ud800} escape is written back as valid JSON).
 */
public final class JsonWriter {

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private final StringBuilder out;
    /** Whether the text is written as the contents of a JSON string ({@link #nested}). */
    private final boolean nested;
    /** Whether the next member or element needs a comma before it. */
    private boolean afterValue;

    public JsonWriter() {
        this(new StringBuilder(256));
    }

    public JsonWriter(StringBuilder out) {
        this(out, false);
    }

    private JsonWriter(StringBuilder out, boolean nested) {
        this.out = out;
        this.nested = nested;
    }

    /**
     * A writer of JSON text as the contents of a JSON string, escaped once more as it is written: what
     * {@code quote} of this writer's text would give, without a second pass over it (a queued event in its
     * SendMessageBatch request). U+FFFE and U+FFFF, which JSON allows raw but SQS refuses in a message, are
     * written as their JSON escapes, which read back as the same text. {@link #writeRaw} is not for it.
     */
    public static JsonWriter nested(StringBuilder out) {
        return new JsonWriter(out, true);
    }

    public JsonWriter writeStartObject() {
        separate();
        out.append('{');
        afterValue = false;
        return this;
    }

    public JsonWriter writeEndObject() {
        out.append('}');
        afterValue = true;
        return this;
    }

    public JsonWriter writeStartArray() {
        separate();
        out.append('[');
        afterValue = false;
        return this;
    }

    public JsonWriter writeEndArray() {
        out.append(']');
        afterValue = true;
        return this;
    }

    public JsonWriter writeFieldName(String name) {
        separate();
        quote(out, name, nested).append(':');
        afterValue = false;
        return this;
    }

    public JsonWriter writeValue(String value) {
        separate();
        if (value == null) {
            out.append("null");
        } else {
            quote(out, value, nested);
        }
        afterValue = true;
        return this;
    }

    public JsonWriter writeValue(long value) {
        separate();
        out.append(value);
        afterValue = true;
        return this;
    }

    public JsonWriter writeValue(double value) {
        separate();
        out.append(value);
        afterValue = true;
        return this;
    }

    /** A number already in JSON's number syntax (e.g. {@code 1764806400.123}), written as is. */
    public JsonWriter writeNumber(String number) {
        separate();
        out.append(number);
        afterValue = true;
        return this;
    }

    /** JSON text already complete and valid where a value or members go (a cached constant part), written as is. */
    public JsonWriter writeRaw(String json) {
        if (nested) {
            throw new IllegalStateException("raw JSON is not escaped into a nested writer");
        }
        out.append(json);
        afterValue = true;
        return this;
    }

    @Override
    public String toString() {
        return out.toString();
    }

    private void separate() {
        if (afterValue) {
            out.append(',');
        }
    }

    /** Appends {@code value} as a JSON string. */
    public static StringBuilder quote(StringBuilder out, String value) {
        return quote(out, value, false);
    }

    /**
     * Appends {@code value} as a JSON string; {@code nested}, then that string's text as the contents of another
     * ({@link #nested}'s strings), U+FFFE and U+FFFF escaped too.
     */
    private static StringBuilder quote(StringBuilder out, String value, boolean nested) {
        String quote = nested ? "\\\"" : "\"";
        out.append(quote);
        int length = value.length();
        // Runs of plain characters are copied whole: per-character appends cost most of the time under C1.
        int run = 0;
        for (int i = 0; i < length; i++) {
            char c = value.charAt(i);
            if (!plain(c) || (nested && (c == '\uFFFE' || c == '\uFFFF'))) {
                out.append(value, run, i);
                if (!nested) {
                    escape(out, c, "\\");
                } else if (c == '"' || c == '\\') {
                    out.append("\\\\\\").append(c);
                } else {
                    escape(out, c, "\\\\");
                }
                run = i + 1;
            }
        }
        // A value with nothing to escape is appended whole, which copies its array instead of its characters.
        return (run == 0 ? out.append(value) : out.append(value, run, length)).append(quote);
    }

    /** Needs no escape in a JSON string. */
    private static boolean plain(char c) {
        return c >= 0x20 && c != '"' && c != '\\' && (c < Character.MIN_SURROGATE || c > Character.MAX_SURROGATE);
    }

    /** A character that is not {@link #plain}, its escape starting with {@code backslash}. */
    private static void escape(StringBuilder out, char c, String backslash) {
        switch (c) {
            case '"' -> out.append(backslash).append('"');
            case '\\' -> out.append(backslash).append('\\');
            case '\n' -> out.append(backslash).append('n');
            case '\r' -> out.append(backslash).append('r');
            case '\t' -> out.append(backslash).append('t');
            case '\b' -> out.append(backslash).append('b');
            case '\f' -> out.append(backslash).append('f');
            default -> out.append(backslash).append('u').append(HEX[c >> 12]).append(HEX[(c >> 8) & 0xF]).append(HEX[(c >> 4) & 0xF])
                    .append(HEX[c & 0xF]);
        }
    }
}
