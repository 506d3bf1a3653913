package dev.partnerregistry.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.partnerregistry.domain.Access;
import dev.partnerregistry.domain.Caller;
import dev.partnerregistry.domain.PartnerEventSource;
import java.io.OutputStream;
import java.io.PrintStream;
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
        assertError(call("AWSEvents.CreateEventBus", "{}"), 400, "UnknownOperationException", "{\"__type\":\"UnknownOperationException\"}");
        assertError(call(null, "{}"), 400, "UnknownOperationException", "{\"__type\":\"UnknownOperationException\"}");
        assertError(call("Other.CreatePartnerEventSource", "{}"), 400, "UnknownOperationException", "{\"__type\":\"UnknownOperationException\"}");
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
            public void create(PartnerEventSource source, int defaultLimit, Access access) {
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
