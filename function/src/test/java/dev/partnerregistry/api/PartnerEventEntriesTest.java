package dev.partnerregistry.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.partnerregistry.domain.PartnerEvents;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** PutPartnerEvents' plain body read without a tree; every other shape left to the general path, which answers it. */
class PartnerEventEntriesTest {

    private static List<PartnerEvents.Entry> read(String body) {
        return PartnerEventEntries.read(body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aPlainBodyIsReadIntoItsEntries() {
        String body = "{\"Entries\":[{\"Source\":\"aws.partner/p.com/s\",\"DetailType\":\"Order \\\"Placed\\\"\",\"Detail\":\"{\\\"a\\\":\\\"\\u00e9\\\"}\"},"
                + " {\"Time\":1764806400.1239,\"Resources\":[\"r1\",\"arn:x\"],\"Detail\":\"{}\",\"Source\":\"aws.partner/p.com/s\"},"
                + "{\"Time\":-1,\"Resources\":[]},{}]}";

        assertEquals(List.of(
                new PartnerEvents.Entry(null, "aws.partner/p.com/s", null, "Order \"Placed\"", "{\"a\":\"\u00e9\"}"),
                new PartnerEvents.Entry(Instant.ofEpochMilli(1764806400123L), "aws.partner/p.com/s", List.of("r1", "arn:x"), null, "{}"),
                new PartnerEvents.Entry(Instant.ofEpochSecond(-1), null, List.of(), null, null),
                new PartnerEvents.Entry(null, null, null, null, null)), read(body));
        assertEquals(List.of(), read("{\"Entries\":[]}"));
        assertEquals(null, read("{}"), "no Entries: the general path answers the missing member");
    }

    @Test
    void everyOtherShapeIsLeftToTheGeneralPath() {
        for (String body : List.of("[]", "{\"Entries\":null}", "{\"Entries\":{}}", "{\"Entries\":[null]}", "{\"Entries\":[[]]}",
                "{\"Entries\":[1]}", "{\"Other\":1,\"Entries\":[]}", "{\"Entries\":[],\"Entries\":[]}", "{\"Entries\":[]} x",
                "{\"Entries\":[]}{}", "{\"Entries\":[", "{\"Entries\":[{\"Source\":null}]}", "{\"Entries\":[{\"Source\":1}]}",
                "{\"Entries\":[{\"Detail\":{}}]}", "{\"Entries\":[{\"DetailType\":true}]}", "{\"Entries\":[{\"Time\":\"1\"}]}",
                "{\"Entries\":[{\"Time\":null}]}", "{\"Entries\":[{\"Time\":1e99999999}]}", "{\"Entries\":[{\"Resources\":\"r\"}]}",
                "{\"Entries\":[{\"Resources\":[null]}]}", "{\"Entries\":[{\"Resources\":[1]}]}", "{\"Entries\":[{\"EventBusName\":\"b\"}]}",
                "{\"Entries\":[{\"Source\":\"a\",\"Source\":\"b\"}]}")) {
            assertNull(read(body), body);
        }
    }

    @Test
    void aTimeIsEpochSecondsCutToTheMillisecondWhateverItsExponent() {
        assertEquals(Instant.ofEpochMilli(1500), RequestMembers.epochSeconds("1.5009"));
        assertEquals(Instant.ofEpochMilli(-1500), RequestMembers.epochSeconds("-1.5009"));
        assertEquals(Instant.ofEpochMilli(1764806400000L), RequestMembers.epochSeconds("1.7648064e9"));
        assertEquals(Instant.EPOCH, RequestMembers.epochSeconds("1e-99999999"));
        assertEquals(Instant.EPOCH, RequestMembers.epochSeconds("-0.0009"));
        for (String zero : List.of("0", "0e17", "-0e18", "0.000e20", "0e99999999")) {
            assertEquals(Instant.EPOCH, RequestMembers.epochSeconds(zero), zero);
        }
    }
}
