package dev.partnerregistry.api;

import dev.partnerregistry.domain.RegistryException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import software.amazon.awssdk.protocols.jsoncore.JsonNode;
import software.amazon.awssdk.protocols.jsoncore.JsonNodeParser;
import software.amazon.awssdk.thirdparty.jackson.core.JsonParser;
import software.amazon.awssdk.thirdparty.jackson.core.JsonToken;

/**
 * Parses request bodies with the JSON reader the AWS SDK already ships (no extra library for
 * cold start), strictly: one JSON value, nothing after it, no duplicate members.
 */
final class JsonBodies {

    private static final JsonNodeParser PARSER = JsonNode.parserBuilder()
            .jsonFactory(JsonNodeParser.DEFAULT_JSON_FACTORY.copy().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION))
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
     * The body's text. JSON text is UTF-8 (RFC 8259): bytes that are not (a raw {@code \xff\xfe} in a
     * Detail) are refused here, where they still show, rather than read as U+FFFD and accepted.
     */
    static String text(byte[] body) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(body)).toString();
        } catch (CharacterCodingException notUtf8) {
            throw new RegistryException.Serialization("The request body is not valid UTF-8.");
        }
    }

    static JsonNode parse(String body) {
        if (body == null || body.isBlank()) {
            return JsonNode.emptyObjectNode();
        }
        // A char is at least one UTF-8 byte: a body too long in chars is refused before it is encoded.
        if (body.length() > MAX_BODY_BYTES) {
            throw tooLarge();
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > MAX_BODY_BYTES) {
            throw tooLarge();
        }
        JsonNode node;
        try {
            node = PARSER.parse(bytes);
        } catch (RuntimeException notJson) {
            throw malformed();
        }
        if (hasTrailingContent(bytes)) {
            throw malformed();
        }
        return node;
    }

    private static boolean hasTrailingContent(byte[] bytes) {
        try (JsonParser parser = JsonNodeParser.DEFAULT_JSON_FACTORY.createParser(bytes)) {
            parser.nextToken();
            parser.skipChildren();
            return parser.nextToken() != null;
        } catch (IOException e) {
            return true;
        }
    }

    static RegistryException.Validation tooLarge() {
        return new RegistryException.Validation("The request body is larger than the " + MAX_BODY_BYTES + " bytes the registry accepts.");
    }

    private static RegistryException.Serialization malformed() {
        return new RegistryException.Serialization("The request body is not valid JSON.");
    }
}
