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
    /** Whether the next member or element needs a comma before it. */
    private boolean afterValue;

    public JsonWriter() {
        this(new StringBuilder(256));
    }

    public JsonWriter(StringBuilder out) {
        this.out = out;
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
        quote(out, name).append(':');
        afterValue = false;
        return this;
    }

    public JsonWriter writeValue(String value) {
        separate();
        if (value == null) {
            out.append("null");
        } else {
            quote(out, value);
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
        out.append('"');
        int length = value.length();
        int plain = 0;
        for (int i = 0; i < length; i++) {
            char c = value.charAt(i);
            if (c >= 0x20 && c != '"' && c != '\\' && (c < Character.MIN_SURROGATE || c > Character.MAX_SURROGATE)) {
                continue;
            }
            out.append(value, plain, i);
            plain = i + 1;
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> out.append("\\u").append(HEX[c >> 12]).append(HEX[(c >> 8) & 0xF]).append(HEX[(c >> 4) & 0xF]).append(HEX[c & 0xF]);
            }
        }
        return out.append(value, plain, length).append('"');
    }
}
