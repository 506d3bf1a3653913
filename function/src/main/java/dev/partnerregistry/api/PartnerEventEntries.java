package dev.partnerregistry.api;

import dev.partnerregistry.domain.PartnerEvents;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.protocols.jsoncore.JsonNodeParser;
import software.amazon.awssdk.thirdparty.jackson.core.JsonFactory;
import software.amazon.awssdk.thirdparty.jackson.core.JsonParser;
import software.amazon.awssdk.thirdparty.jackson.core.JsonToken;

/**
 * PutPartnerEvents' entries read straight from the body in one streaming pass, without the tree every other request is
 * read into: the operation's request is its largest and most frequent. Only a body in the plain shape is read here
 * (one object, {@code Entries} a list of objects whose members are the model's, each of its type, nothing null,
 * nothing unknown, nothing after it); for anything else {@link #read} answers null and the request takes the general
 * path ({@link JsonBodies}, {@link RequestMembers}), whose answer, error and message included, is then the one given.
 */
final class PartnerEventEntries {

    /** The tree reader's own settings: what one accepts, the other does. */
    private static final JsonFactory JSON = JsonNodeParser.DEFAULT_JSON_FACTORY.copy().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private PartnerEventEntries() {
    }

    /** The entries of a body {@link JsonBodies#checked} answered, or null if it is not in the plain shape. */
    static List<PartnerEvents.Entry> read(byte[] body) {
        try (JsonParser json = JSON.createParser(body)) {
            if (json.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            List<PartnerEvents.Entry> entries = null;
            while (json.nextToken() == JsonToken.FIELD_NAME) {
                if (!json.getCurrentName().equals("Entries") || json.nextToken() != JsonToken.START_ARRAY) {
                    return null;
                }
                entries = new ArrayList<>();
                while (json.nextToken() == JsonToken.START_OBJECT) {
                    PartnerEvents.Entry entry = entry(json);
                    if (entry == null) {
                        return null;
                    }
                    entries.add(entry);
                }
                if (json.currentToken() != JsonToken.END_ARRAY) {
                    return null;
                }
            }
            return json.currentToken() == JsonToken.END_OBJECT && json.nextToken() == null ? entries : null;
        } catch (IOException | RuntimeException notPlain) {
            return null;
        }
    }

    /** The entry whose START_OBJECT is the parser's current token, or null if it is not in the plain shape. */
    private static PartnerEvents.Entry entry(JsonParser json) throws IOException {
        Instant time = null;
        String source = null;
        List<String> resources = null;
        String detailType = null;
        String detail = null;
        while (json.nextToken() == JsonToken.FIELD_NAME) {
            String name = json.getCurrentName();
            JsonToken value = json.nextToken();
            switch (name) {
                case "Time" -> {
                    if (value != JsonToken.VALUE_NUMBER_INT && value != JsonToken.VALUE_NUMBER_FLOAT) {
                        return null;
                    }
                    time = RequestMembers.epochSeconds(json.getText());
                }
                case "Source", "DetailType", "Detail" -> {
                    if (value != JsonToken.VALUE_STRING) {
                        return null;
                    }
                    switch (name) {
                        case "Source" -> source = json.getText();
                        case "DetailType" -> detailType = json.getText();
                        default -> detail = json.getText();
                    }
                }
                case "Resources" -> {
                    if (value != JsonToken.START_ARRAY) {
                        return null;
                    }
                    resources = new ArrayList<>();
                    while (json.nextToken() == JsonToken.VALUE_STRING) {
                        resources.add(json.getText());
                    }
                    if (json.currentToken() != JsonToken.END_ARRAY) {
                        return null;
                    }
                }
                default -> {
                    return null;
                }
            }
        }
        return new PartnerEvents.Entry(time, source, resources, detailType, detail);
    }
}
