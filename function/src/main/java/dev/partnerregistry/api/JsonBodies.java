package dev.partnerregistry.api;

import dev.partnerregistry.domain.RegistryException;
import java.io.IOException;
import software.amazon.awssdk.protocols.jsoncore.JsonNode;
import software.amazon.awssdk.protocols.jsoncore.JsonNodeParser;
import software.amazon.awssdk.thirdparty.jackson.core.JsonFactory;
import software.amazon.awssdk.thirdparty.jackson.core.JsonParseException;
import software.amazon.awssdk.thirdparty.jackson.core.JsonParser;
import software.amazon.awssdk.thirdparty.jackson.core.util.JsonParserDelegate;

/**
 * Parses request bodies with the JSON reader the AWS SDK already ships (no extra library for
 * cold start), strictly: one JSON value, nothing after it, no duplicate members. Once, from the
 * bytes as received: the parser that builds the value also finds anything after it.
 */
final class JsonBodies {

    private static final JsonNodeParser PARSER = JsonNode.parserBuilder()
            .jsonFactory(new OneValueFactory(JsonNodeParser.DEFAULT_JSON_FACTORY.copy().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)))
            .build();

    /**
     * The largest request body the registry reads: 256 KiB, the largest request EventBridge takes
     * anywhere (a PutEvents or PutPartnerEvents batch), and hundreds of times any valid request of
     * this API. A larger one is refused before it is parsed.
     */
    public static final int MAX_BODY_BYTES = 256 * 1024;

    private JsonBodies() {
    }

    /**
     * The one JSON value of a body already {@link #checked}; an empty or blank body (null) is an empty object, as the
     * SDKs send no body for no members.
     */
    static JsonNode parseChecked(byte[] checked) {
        if (checked == null) {
            return JsonNode.emptyObjectNode();
        }
        try {
            return PARSER.parse(checked);
        } catch (RuntimeException notJsonOrMore) {
            throw malformed();
        }
    }

    /**
     * The body, if it is one to read as JSON text: null for an empty or blank one (no members); an error for one too
     * large, or not UTF-8.
     */
    static byte[] checked(byte[] body) {
        if (body == null || isBlank(body)) {
            return null;
        }
        if (body.length > MAX_BODY_BYTES) {
            throw tooLarge();
        }
        // AWS's JSON protocols are UTF-8: the parser would take a zero byte up front as UTF-16 or UTF-32.
        if (body[0] == 0 || (body.length > 1 && body[1] == 0)) {
            throw malformed();
        }
        // JSON text is UTF-8 (RFC 8259): bytes that are not (a raw \xff\xfe in a Detail) are refused here, where they
        // still show, rather than read as U+FFFD and accepted.
        if (!isUtf8(body)) {
            throw new RegistryException.Serialization("The request body is not valid UTF-8.");
        }
        return body;
    }

    /** Well-formed UTF-8 (RFC 3629): no stray or missing continuation bytes, no overlong forms, surrogates or code points past U+10FFFF. */
    static boolean isUtf8(byte[] bytes) {
        int i = 0;
        while (i < bytes.length) {
            int b = bytes[i] & 0xFF;
            if (b < 0x80) {
                i++;
                continue;
            }
            int length;
            int min;
            if (b >= 0xC2 && b <= 0xDF) {
                length = 2;
                min = 0x80;
            } else if (b >= 0xE0 && b <= 0xEF) {
                length = 3;
                min = 0x800;
            } else if (b >= 0xF0 && b <= 0xF4) {
                length = 4;
                min = 0x10000;
            } else {
                return false;
            }
            if (i + length > bytes.length) {
                return false;
            }
            int codePoint = b & (0xFF >> (length + 1));
            for (int k = 1; k < length; k++) {
                int next = bytes[i + k] & 0xFF;
                if ((next & 0xC0) != 0x80) {
                    return false;
                }
                codePoint = (codePoint << 6) | (next & 0x3F);
            }
            if (codePoint < min || codePoint > 0x10FFFF || (codePoint >= 0xD800 && codePoint <= 0xDFFF)) {
                return false;
            }
            i += length;
        }
        return true;
    }

    /** Only whitespace (ASCII: JSON knows no other). */
    private static boolean isBlank(byte[] body) {
        for (byte b : body) {
            if (b != ' ' && b != '\t' && b != '\n' && b != '\r') {
                return false;
            }
        }
        return true;
    }

    static RegistryException.Validation tooLarge() {
        return new RegistryException.Validation("The request body is larger than the " + MAX_BODY_BYTES + " bytes the registry accepts.");
    }

    private static RegistryException.Serialization malformed() {
        return new RegistryException.Serialization("The request body is not valid JSON.");
    }

    /**
     * The SDK's parser reads one value and closes its parser: closing ours first reads on, and
     * anything but the end of the input fails the parse, so trailing content is found in the same pass.
     */
    private static final class OneValueFactory extends JsonFactory {

        OneValueFactory(JsonFactory base) {
            super(base, null);
        }

        @Override
        public JsonParser createParser(byte[] data) throws IOException {
            return new JsonParserDelegate(super.createParser(data)) {
                @Override
                public void close() throws IOException {
                    try {
                        if (!delegate.isClosed() && delegate.nextToken() != null) {
                            throw new JsonParseException(delegate, "content after the JSON value");
                        }
                    } finally {
                        delegate.close();
                    }
                }
            };
        }
    }
}
