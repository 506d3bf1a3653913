package dev.partnerregistry.domain;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The Details PutEvents takes: one strict RFC 8259 object, well-formed Unicode, 1000 levels at most, integers in int64. */
class DetailJsonTest {

    @ParameterizedTest
    @ValueSource(strings = {
        "{}", " { } ", "{\"a\":1}", "{\"a\":[1,2.5,-0,1e3,-1E-2,true,false,null,\"x\",{},[]]}",
        "{\"s\":\"\\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u00e9 \\ud83d\\ude00\"}", "{\"raw\":\"\u00e9 \ud83d\ude00\"}",
        "{\"max\":9223372036854775807,\"min\":-9223372036854775808}", "{\"big\":92233720368547758070.5,\"e\":1e400}",
        "{\"a\":1,\"a\":2}", "\r\n\t{\"a\" : 1 }\n"
    })
    void takes(String detail) {
        assertTrue(DetailJson.isDeliverable(detail), detail);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"a\":1} trailing", "{\"a\":1}{\"b\":2}", "{\"a\":1 /* c */}", "{\"a\":1} // c", "{\"a\":\"\\ud800\"}",
        "{\"a\":\"\\udc00\"}", "{\"a\":\"\\ud800\\u0041\"}", "{\"a\":\"\ud800\"}", "{\"a\":\"\udc00x\"}",
        "[1]", "\"s\"", "1", "", " ", "{", "{\"a\"}", "{\"a\":}", "{\"a\":1,}", "{,}", "[", "{\"a\":[1,]}", "{'a':1}", "{a:1}",
        "{\"a\":01}", "{\"a\":1.}", "{\"a\":.5}", "{\"a\":+1}", "{\"a\":1e}", "{\"a\":-}", "{\"a\":NaN}", "{\"a\":Infinity}",
        "{\"a\":tru}", "{\"a\":truex}", "{\"a\":\"\t\"}", "{\"a\":\"\\x\"}", "{\"a\":\"\\u12g4\"}", "{\"a\":\"unterminated}",
        "{\"max\":9223372036854775808}", "{\"min\":-9223372036854775809}", "{\"a\":100000000000000000000}",
        "{\"a\":1]", "{\"a\":[1}", "\u00a0{}", "{\"a\":1}\u0000"
    })
    void refuses(String detail) {
        assertFalse(DetailJson.isDeliverable(detail), detail);
    }

    @Test
    void aThousandLevelsAreTakenAndOneMoreIsNot() {
        assertTrue(DetailJson.isDeliverable(nested(1000)));
        assertFalse(DetailJson.isDeliverable(nested(1001)));
    }

    @Test
    void aDocumentFarDeeperThanTheLimitIsRefusedWithoutRecursion() {
        assertFalse(DetailJson.isDeliverable("{\"a\":" + "[".repeat(200_000)));
    }

    /** An object holding arrays, {@code levels} containers in all. */
    private static String nested(int levels) {
        return "{\"a\":" + "[".repeat(levels - 1) + "]".repeat(levels - 1) + "}";
    }
}
