package dev.partnerregistry.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.partnerregistry.domain.Access;
import dev.partnerregistry.domain.Caller;
import dev.partnerregistry.domain.PartnerEventSource;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The AWS JSON 1.1 protocol: targets, bodies, member types and the error envelope. Every request
 * here is rejected before storage, which the store below proves by failing if it is ever reached.
 */
class AwsJsonProtocolTest {

    private static final Caller CALLER = new Caller("arn:aws:iam::123456789012:user/example-partner");

    private final AwsJsonProtocol protocol = UnreachableStore.protocol();

    private ApiResponse call(String target, String body) {
        return protocol.handle(target, body, CALLER, "req-1");
    }

    private static void assertError(ApiResponse response, int status, String type, String expectedBody) {
        assertEquals(status, response.statusCode());
        assertEquals(type, response.headers().get("x-amzn-ErrorType"));
        assertEquals("req-1", response.headers().get("x-amzn-RequestId"));
        assertEquals("application/x-amz-json-1.1", response.headers().get("Content-Type"));
        assertEquals(expectedBody, response.body());
    }

    @Test
    void anUnknownTargetIsUnknownOperationException() {
        String supported = " Supported: AWSEvents.CreatePartnerEventSource, AWSEvents.DescribePartnerEventSource, "
                + "AWSEvents.ListPartnerEventSources, AWSEvents.ListPartnerEventSourceAccounts, AWSEvents.DeletePartnerEventSource, "
                + "AWSEvents.ListEventSources, AWSEvents.DescribeEventSource, AWSEvents.ActivateEventSource, "
                + "AWSEvents.DeactivateEventSource, AWSEvents.CreateEventBus, AWSEvents.DeleteEventBus, AWSEvents.DescribeEventBus, "
                + "AWSEvents.PutPartnerEvents.";
        assertError(call("AWSEvents.PutRule", "{}"), 400, "UnknownOperationException",
                "{\"__type\":\"UnknownOperationException\",\"message\":\"Operation 'AWSEvents.PutRule' is not supported by this registry."
                        + supported + "\"}");
        assertError(call(null, "{}"), 400, "UnknownOperationException",
                "{\"__type\":\"UnknownOperationException\",\"message\":\"No operation named: the request has no X-Amz-Target header."
                        + supported + "\"}");
        assertError(call("Other.CreatePartnerEventSource", "{}"), 400, "UnknownOperationException",
                "{\"__type\":\"UnknownOperationException\",\"message\":\"Operation 'Other.CreatePartnerEventSource' is not supported by this registry."
                        + supported + "\"}");
    }

    @Test
    void aBodyThatIsNotJsonIsSerializationException() {
        assertError(call("AWSEvents.CreatePartnerEventSource", "{\"Name\": "), 400, "SerializationException",
                "{\"__type\":\"SerializationException\",\"message\":\"The request body is not valid JSON.\"}");
    }

    @Test
    void trailingContentAfterTheObjectIsSerializationException() {
        assertError(call("AWSEvents.CreatePartnerEventSource", "{} {}"), 400, "SerializationException",
                "{\"__type\":\"SerializationException\",\"message\":\"The request body is not valid JSON.\"}");
    }

    @Test
    void anythingAfterTheValueIsSerializationExceptionButTrailingWhitespaceIsNot() {
        for (String body : List.of("{}x", "{}]", "{} 1", "{}{", "{}\"\"")) {
            assertError(call("AWSEvents.CreatePartnerEventSource", body), 400, "SerializationException",
                    "{\"__type\":\"SerializationException\",\"message\":\"The request body is not valid JSON.\"}");
        }
        assertEquals("ValidationException", call("AWSEvents.DescribePartnerEventSource", "{\"Name\":\"aws.partner.bad\"} \r\n\t ")
                .headers().get("x-amzn-ErrorType"));
    }

    @Test
    void aBodyThatIsNotUtf8IsSerializationException() {
        byte[] utf16 = "{\"Name\":\"aws.partner/example.com/x\"}".getBytes(java.nio.charset.StandardCharsets.UTF_16LE);
        assertError(protocol.handle(new ApiRequest("AWSEvents.DescribePartnerEventSource", "application/x-amz-json-1.1", () -> utf16,
                        ApiRequest.Authentication.as(CALLER), "req-1", null)), 400, "SerializationException",
                "{\"__type\":\"SerializationException\",\"message\":\"The request body is not valid JSON.\"}");
        byte[] badUtf8 = {'{', '"', 'N', 'a', 'm', 'e', '"', ':', '"', (byte) 0xC3, '"', '}'};
        byte[] surrogate = {'{', '"', 'N', 'a', 'm', 'e', '"', ':', '"', (byte) 0xED, (byte) 0xA0, (byte) 0x80, '"', '}'};
        byte[] overlong = {'{', '"', 'N', 'a', 'm', 'e', '"', ':', '"', (byte) 0xC0, (byte) 0xAF, '"', '}'};
        for (byte[] body : List.of(badUtf8, surrogate, overlong)) {
            assertError(protocol.handle(new ApiRequest("AWSEvents.DescribePartnerEventSource", "application/x-amz-json-1.1", () -> body,
                            ApiRequest.Authentication.as(CALLER), "req-1", null)), 400, "SerializationException",
                    "{\"__type\":\"SerializationException\",\"message\":\"The request body is not valid UTF-8.\"}");
        }
    }

    @Test
    void aDuplicatedMemberIsSerializationException() {
        assertEquals(400, call("AWSEvents.CreatePartnerEventSource",
                "{\"Name\":\"aws.partner/a/b/c\",\"Name\":\"aws.partner/x/y/z\",\"Account\":\"123456789012\"}").statusCode());
    }

    @Test
    void aBodyThatIsAnArrayIsSerializationException() {
        assertError(call("AWSEvents.CreatePartnerEventSource", "[]"), 400, "SerializationException",
                "{\"__type\":\"SerializationException\",\"message\":\"Start of list found where not expected\"}");
    }

    @Test
    void aNumberWhereAStringBelongsIsSerializationException() {
        assertError(call("AWSEvents.CreatePartnerEventSource", "{\"Name\": 42, \"Account\": \"123456789012\"}"), 400,
                "SerializationException", "{\"__type\":\"SerializationException\",\"message\":\"NUMBER_VALUE can not be converted to a String\"}");
    }

    @Test
    void anObjectWhereAStringBelongsIsSerializationException() {
        assertError(call("AWSEvents.CreatePartnerEventSource", "{\"Name\": {}, \"Account\": \"123456789012\"}"), 400,
                "SerializationException", "{\"__type\":\"SerializationException\",\"message\":\"Start of structure or map found where not expected.\"}");
    }

    @Test
    void aStringWhereAnIntegerBelongsIsSerializationException() {
        assertError(call("AWSEvents.ListPartnerEventSources", "{\"NamePrefix\": \"aws.partner/a/\", \"Limit\": \"5\"}"), 400,
                "SerializationException", "{\"__type\":\"SerializationException\",\"message\":\"STRING_VALUE can not be converted to an Integer\"}");
    }

    @Test
    void aFractionWhereAnIntegerBelongsIsSerializationException() {
        assertError(call("AWSEvents.ListPartnerEventSources", "{\"NamePrefix\": \"aws.partner/a/\", \"Limit\": 2.5}"), 400,
                "SerializationException", "{\"__type\":\"SerializationException\",\"message\":\"NUMBER_VALUE can not be converted to an Integer\"}");
    }

    @Test
    void aWholeNumberWrittenAsAFractionOrWithAnExponentIsNotAnInteger() {
        for (String limit : List.of("1.0", "1e2", "1E2", "10.00")) {
            assertError(call("AWSEvents.ListPartnerEventSources", "{\"NamePrefix\": \"aws.partner/a/\", \"Limit\": " + limit + "}"), 400,
                    "SerializationException", "{\"__type\":\"SerializationException\",\"message\":\"NUMBER_VALUE can not be converted to an Integer\"}");
        }
    }

    @Test
    void aTimeNoInstantCanHoldIsSerializationExceptionAnsweredAtOnce() {
        // A short number with a long exponent: scaled exactly before its size was checked, 1e99999999 took minutes of CPU.
        for (String time : List.of("1e99999999", "-1e99999999", "1e9999999999", "9.3e15", "1e17")) {
            ApiResponse response = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(30),
                    () -> call("AWSEvents.PutPartnerEvents", "{\"Entries\":[{\"Time\":" + time
                            + ",\"Source\":\"aws.partner/p.com/s\",\"DetailType\":\"t\",\"Detail\":\"{}\"}]}"));
            assertError(response, 400, "SerializationException",
                    "{\"__type\":\"SerializationException\",\"message\":\"NUMBER_VALUE can not be converted to a Timestamp\"}");
        }
    }

    @Test
    void aNumberOfAHundredThousandDigitsIsRefusedByTheReaderNotParsed() {
        // Jackson's default bound (1,000 characters a number) stops it before BigDecimal's quadratic parse of it.
        String digits = "7".repeat(100_000);
        for (String body : List.of("{\"NamePrefix\":\"aws.partner/a/\",\"Limit\":" + digits + "}",
                "{\"Entries\":[{\"Time\":" + digits + ",\"Source\":\"aws.partner/p.com/s\",\"DetailType\":\"t\",\"Detail\":\"{}\"}]}")) {
            String target = body.contains("Entries") ? "AWSEvents.PutPartnerEvents" : "AWSEvents.ListPartnerEventSources";
            assertError(org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(30), () -> call(target, body)),
                    400, "SerializationException", "{\"__type\":\"SerializationException\",\"message\":\"The request body is not valid JSON.\"}");
        }
    }

    @Test
    void aNameOfFiftyThousandSegmentsIsAValidationErrorNotACrash() {
        String name = "aws.partner/x" + "/a".repeat(50_000);
        ApiResponse response = call("AWSEvents.CreatePartnerEventSource", "{\"Name\": \"" + name + "\", \"Account\": \"123456789012\"}");
        assertEquals(400, response.statusCode());
        assertEquals("ValidationException", response.headers().get("x-amzn-ErrorType"));
        String shown = "'" + name.substring(0, 2048) + "...'";
        assertEquals("{\"__type\":\"ValidationException\",\"message\":\"1 validation error detected: Value " + shown
                + " at 'name' failed to satisfy constraint: Member must have length less than or equal to 256\"}", response.body());
    }

    @Test
    void aValueFailingLengthAndPatternIsEchoedBoundedTwice() {
        String eventSourceName = "x".repeat(200_000);
        ApiResponse response = call("AWSEvents.ListPartnerEventSourceAccounts", "{\"EventSourceName\": \"" + eventSourceName + "\"}");
        assertEquals("ValidationException", response.headers().get("x-amzn-ErrorType"));
        assertTrue(response.body().startsWith("{\"__type\":\"ValidationException\",\"message\":\"2 validation errors detected: Value 'xxx"),
                response.body().substring(0, 100));
        assertTrue(response.body().length() < 5_000, "answer of " + response.body().length() + " chars");
    }

    @Test
    void aBodyOverTheLimitIsRefusedBeforeItIsParsed() {
        String body = "{\"Name\": \"" + "x".repeat(3_200_000) + "\"}";
        assertError(call("AWSEvents.DescribePartnerEventSource", body), 400, "ValidationException",
                "{\"__type\":\"ValidationException\",\"message\":\"The request body is larger than the 262144 bytes the registry accepts.\"}");
        String justUnder = "{\"Name\": \"" + "x".repeat(JsonBodies.MAX_BODY_BYTES - 20) + "\"}";
        assertEquals("ValidationException", call("AWSEvents.DescribePartnerEventSource", justUnder).headers().get("x-amzn-ErrorType"));
        assertTrue(call("AWSEvents.DescribePartnerEventSource", justUnder).body().contains("Member must have length"), "parsed and validated");
    }

    @Test
    void aBodyOverTheLimitInMultiByteCharactersIsRefusedToo() {
        String body = "{\"Name\": \"" + "\u00e9".repeat(JsonBodies.MAX_BODY_BYTES / 2) + "\"}";
        assertTrue(body.length() < JsonBodies.MAX_BODY_BYTES, "fewer chars than the limit, more bytes");
        assertError(call("AWSEvents.DescribePartnerEventSource", body), 400, "ValidationException",
                "{\"__type\":\"ValidationException\",\"message\":\"The request body is larger than the 262144 bytes the registry accepts.\"}");
    }

    @Test
    void anyThrowableInsideIsInternalExceptionInTheEnvelope() {
        for (Throwable thrown : List.<Throwable>of(new StackOverflowError(), new OutOfMemoryError("simulated"), new AssertionError("x"))) {
            AwsJsonProtocol broken = UnreachableStore.protocol(new UnreachableStore() {
                @Override
                public void create(PartnerEventSource source, int defaultLimit, Access access, String callId, java.time.Instant now) {
                    sneakyThrow(thrown);
                }
            }, new PrintStream(OutputStream.nullOutputStream()));
            assertError(broken.handle("AWSEvents.CreatePartnerEventSource", "{\"Name\": \"aws.partner/a/b/c\", \"Account\": \"123456789012\"}",
                    CALLER, "req-1"), 500, "InternalException",
                    "{\"__type\":\"InternalException\",\"message\":\"An internal error occurred. Retry the request.\"}");
        }
    }

    @SuppressWarnings("unchecked")
    private static <T extends Throwable> void sneakyThrow(Throwable t) throws T {
        throw (T) t;
    }

    @Test
    void aBodyOfAnotherMediaTypeIsSerializationExceptionWhileJsonOrNoneIsRead() {
        byte[] body = "{\"Name\": \"aws.partner.bad\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        for (String other : List.of("text/plain", "application/x-www-form-urlencoded", "application/xml; charset=utf-8")) {
            assertError(protocol.handle(new ApiRequest("AWSEvents.DescribePartnerEventSource", other, () -> body, ApiRequest.Authentication.as(CALLER), "req-1", null)),
                    400, "SerializationException",
                    "{\"__type\":\"SerializationException\",\"message\":\"The request's Content-Type must be application/x-amz-json-1.1.\"}");
        }
        for (String json : java.util.Arrays.asList("application/x-amz-json-1.1", "application/json", "Application/JSON; charset=UTF-8", null, "")) {
            assertEquals("ValidationException", protocol.handle(new ApiRequest("AWSEvents.DescribePartnerEventSource", json, () -> body,
                    ApiRequest.Authentication.as(CALLER), "req-1", null)).headers().get("x-amzn-ErrorType"), "read as JSON: " + json);
        }
    }

    @Test
    void onlyAShortVisibleHeaderValueIsACallId() {
        assertEquals("c2a7e4f0-9a1b-4c3d-8e5f-0123456789ab", AwsJsonProtocol.callIdOf("c2a7e4f0-9a1b-4c3d-8e5f-0123456789ab"));
        assertNull(AwsJsonProtocol.callIdOf(null));
        assertNull(AwsJsonProtocol.callIdOf(""));
        assertNull(AwsJsonProtocol.callIdOf("x".repeat(65)));
        assertNull(AwsJsonProtocol.callIdOf("has space"));
        assertNull(AwsJsonProtocol.callIdOf("caf\u00e9"));
    }

    @Test
    void anEmptyBodyIsAnEmptyObjectAndFailsValidation() {
        assertError(call("AWSEvents.CreatePartnerEventSource", ""), 400, "ValidationException",
                "{\"__type\":\"ValidationException\",\"message\":\"2 validation errors detected: Value null at 'name' failed to satisfy "
                        + "constraint: Member must not be null; Value null at 'account' failed to satisfy constraint: Member must not be null\"}");
    }

    @Test
    void jsonNullIsAnAbsentMember() {
        assertError(call("AWSEvents.DescribePartnerEventSource", "{\"Name\": null}"), 400, "ValidationException",
                "{\"__type\":\"ValidationException\",\"message\":\"1 validation error detected: Value null at 'name' failed to satisfy "
                        + "constraint: Member must not be null\"}");
    }

    @Test
    void unknownMembersAreIgnored() {
        ApiResponse response = call("AWSEvents.CreatePartnerEventSource", "{\"Name\": \"bad\", \"Account\": \"123456789012\", \"Extra\": 1}");
        assertEquals("ValidationException", response.headers().get("x-amzn-ErrorType"));
    }

    @Test
    void theSeedsInvalidNameGetsEventBridgesExactMessage() {
        assertError(call("AWSEvents.CreatePartnerEventSource", "{\"Name\": \"aws.partner.TestBus\", \"Account\": \"123456789012\"}"),
                400, "ValidationException", "{\"__type\":\"ValidationException\",\"message\":\"1 validation error detected: "
                        + "Value 'aws.partner.TestBus' at 'name' failed to satisfy constraint: Member must satisfy regular expression "
                        + "pattern: aws\\\\.partner(/[\\\\.\\\\-_A-Za-z0-9]+){2,}\"}");
    }

    @Test
    void validationMembersAreNamedInLowerCamelCase() {
        ApiResponse list = call("AWSEvents.ListPartnerEventSources", "{\"Limit\": 0}");
        assertEquals("{\"__type\":\"ValidationException\",\"message\":\"2 validation errors detected: Value null at 'namePrefix' failed to "
                + "satisfy constraint: Member must not be null; Value '0' at 'limit' failed to satisfy constraint: Member must have value "
                + "greater than or equal to 1\"}", list.body());
        ApiResponse accounts = call("AWSEvents.ListPartnerEventSourceAccounts", "{}");
        assertEquals("{\"__type\":\"ValidationException\",\"message\":\"1 validation error detected: Value null at 'eventSourceName' "
                + "failed to satisfy constraint: Member must not be null\"}", accounts.body());
    }

    @Test
    void aBugInsideIsInternalExceptionWithoutDetail() {
        AwsJsonProtocol broken = UnreachableStore.protocol(new UnreachableStore() {
            @Override
            public void create(PartnerEventSource source, int defaultLimit, Access access, String callId, java.time.Instant now) {
                throw new IllegalStateException("secret internals at com.example.Thing");
            }
        }, new PrintStream(OutputStream.nullOutputStream()));
        ApiResponse response = broken.handle("AWSEvents.CreatePartnerEventSource",
                "{\"Name\": \"aws.partner/a/b/c\", \"Account\": \"123456789012\"}", CALLER, "req-1");
        assertError(response, 500, "InternalException",
                "{\"__type\":\"InternalException\",\"message\":\"An internal error occurred. Retry the request.\"}");
        assertFalse(response.body().contains("secret"));
    }
}
