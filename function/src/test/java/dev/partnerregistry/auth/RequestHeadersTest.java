package dev.partnerregistry.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The event's headers read once by lower-case name: what the handler reads and what the signature covers. */
class RequestHeadersTest {

    @Test
    void namesAreFoundInLowerCaseWhateverCaseTheClientSent() {
        Map<String, String> sent = new LinkedHashMap<>();
        sent.put("X-Amz-Target", "AWSEvents.DescribePartnerEventSource");
        sent.put("content-type", "application/x-amz-json-1.1");
        sent.put("HOST", "example.com");
        RequestHeaders headers = RequestHeaders.fromSingleValue(sent);
        assertEquals("AWSEvents.DescribePartnerEventSource", headers.first("x-amz-target"));
        assertEquals("application/x-amz-json-1.1", headers.first("content-type"));
        assertEquals("example.com", headers.first("host"));
        assertNull(headers.first("origin"));
        assertNull(headers.first("X-Amz-Target"), "looked up by lower-case name only");
        assertEquals(List.of("x-amz-target", "content-type", "host"), new ArrayList<>(headers.keySet()), "in the order sent");
    }

    @Test
    void mergingNamesThatDifferInCaseLeavesTheEventsOwnListsAsTheyWere() {
        Map<String, List<String>> sent = new LinkedHashMap<>();
        sent.put("X-Foo", new ArrayList<>(List.of("a")));
        sent.put("x-foo", new ArrayList<>(List.of("b")));

        assertEquals(List.of("a", "b"), RequestHeaders.fromMultiValue(sent).get("x-foo"));
        assertEquals(List.of("a", "b"), RequestHeaders.fromMultiValue(sent).get("x-foo"), "read twice, the same");
        assertEquals(List.of("a"), sent.get("X-Foo"));
        assertEquals(List.of("b"), sent.get("x-foo"));
    }

    @Test
    void namesDifferingOnlyInCaseAreOneHeaderWithTheirValuesInTheOrderMet() {
        Map<String, List<String>> sent = new LinkedHashMap<>();
        sent.put("X-Forwarded-For", List.of("a", "b"));
        sent.put("x-forwarded-for", List.of("c"));
        RequestHeaders headers = RequestHeaders.fromMultiValue(sent);
        assertEquals(List.of("a", "b", "c"), headers.get("x-forwarded-for"));
        assertEquals("a", headers.first("x-forwarded-for"));
        assertEquals(1, headers.size());

        Map<String, String> single = new LinkedHashMap<>();
        single.put("Foo", "1");
        single.put("FOO", "2");
        assertEquals(List.of("1", "2"), RequestHeaders.fromSingleValue(single).get("foo"));
        assertEquals("1", RequestHeaders.fromSingleValue(single).first("foo"));
    }

    @Test
    void aNullSingleValueIsTheEmptyStringToTheSignatureButNullToTheHandler() {
        Map<String, String> sent = new LinkedHashMap<>();
        sent.put("X-Empty", null);
        RequestHeaders headers = RequestHeaders.fromSingleValue(sent);
        assertTrue(headers.containsKey("x-empty"));
        assertNull(headers.first("x-empty"));
        assertEquals(List.of(""), headers.get("x-empty"));
        assertEquals("", new SignedRequest("POST", "/", null, headers, null, null).header("X-Empty"));
    }

    @Test
    void aNullMultiValueListIsNoHeaderAndAnEmptyOneHasNoValue() {
        Map<String, List<String>> sent = new LinkedHashMap<>();
        sent.put("X-Null", null);
        sent.put("X-None", List.of());
        sent.put("X-Some", Arrays.asList(null, "v"));
        RequestHeaders headers = RequestHeaders.fromMultiValue(sent);
        assertFalse(headers.containsKey("x-null"));
        assertTrue(headers.containsKey("x-none"));
        assertNull(headers.first("x-none"));
        assertNull(headers.first("x-some"), "the event's first value, as it is");
        assertEquals(Arrays.asList(null, "v"), headers.get("x-some"));
    }

    @Test
    void manyHeadersAreAllFound() {
        Map<String, String> sent = new LinkedHashMap<>();
        for (int i = 0; i < 100; i++) {
            sent.put("Header-" + i, "value-" + i);
        }
        RequestHeaders headers = RequestHeaders.fromSingleValue(sent);
        for (int i = 0; i < 100; i++) {
            assertEquals("value-" + i, headers.first("header-" + i));
        }
        assertNull(headers.first("header-100"));
        assertEquals(100, headers.size());
        assertEquals(0, RequestHeaders.fromSingleValue(Map.of()).size());
        assertNull(RequestHeaders.fromMultiValue(null).first("host"));
    }

    @Test
    void aSignedRequestsHeadersAreReadInAnyCase() {
        SignedRequest request = new SignedRequest("POST", "/", null, Map.of("X-Amz-Date", List.of("20261127T100000Z")), null, null);
        assertEquals("20261127T100000Z", request.header("X-AMZ-DATE"));
        assertEquals("20261127T100000Z", request.header("x-amz-date"));
        assertEquals(List.of("20261127T100000Z"), request.headers().get("x-amz-date"));
    }
}
