package dev.partnerregistry.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.protocols.jsoncore.JsonNode;

/** The hand-written JSON is JSON: every string read back as written, separators where JSON wants them. */
class JsonWriterTest {

    @Test
    void everyStringReadsBackAsWritten() {
        for (String value : List.of("", "plain", "quote \" backslash \\ slash /", "\n\r\t\b\f\u0000\u001f\u007f",
                "Ünïcödé €", "emoji \uD83D\uDE00 pair", "lone \uD800 high", "lone \uDC00 low", "end \uD800")) {
            String json = new JsonWriter().writeStartObject().writeFieldName("v").writeValue(value).writeEndObject().toString();
            assertEquals(value, JsonNode.parser().parse(json).field("v").orElseThrow().asString(), json);
        }
    }

    @Test
    void surrogatesAndControlCharactersAreEscapedAsJacksonEscapesThem() {
        assertEquals("\"a\\ud83d\\ude00\\u0001\\n\"", JsonWriter.quote(new StringBuilder(), "a\uD83D\uDE00\u0001\n").toString());
    }

    @Test
    void aNestedWriterWritesTheTextAsTheContentsOfAJsonString() {
        for (String value : List.of("", "plain", "quote \" backslash \\ slash /", "\n\r\t\b\f\u0000\u001f\u007f",
                "Ünïcödé €", "emoji \uD83D\uDE00 pair", "lone \uD800 high", "non-characters \uFFFE\uFFFF")) {
            StringBuilder out = new StringBuilder("\"");
            JsonWriter.nested(out).writeStartObject().writeFieldName("v\"").writeStartArray().writeValue(value).writeValue(7).writeEndArray()
                    .writeEndObject();
            String inner = JsonNode.parser().parse(out.append('"').toString()).asString();
            assertEquals(value, JsonNode.parser().parse(inner).field("v\"").orElseThrow().asArray().get(0).asString(), inner);
            assertEquals("7", JsonNode.parser().parse(inner).field("v\"").orElseThrow().asArray().get(1).asNumber(), inner);
        }
    }

    @Test
    void nestedObjectsAndArraysHaveTheirCommas() {
        String json = new JsonWriter().writeStartObject()
                .writeFieldName("a").writeStartArray().writeValue(1).writeValue("x").writeStartObject().writeEndObject()
                .writeStartArray().writeEndArray().writeEndArray()
                .writeFieldName("b").writeNumber("1.500").writeFieldName("c").writeValue(0.25).writeFieldName("d").writeValue((String) null)
                .writeEndObject().toString();
        assertEquals("{\"a\":[1,\"x\",{},[]],\"b\":1.500,\"c\":0.25,\"d\":null}", json);
    }
}
