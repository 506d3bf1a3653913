package dev.partnerregistry.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.partnerregistry.domain.Caller;
import org.junit.jupiter.api.Test;

/**
 * The customer side's input checks, in EventBridge's words, all decided before storage (the store
 * below fails if reached). Patterns and limits are the model's: EventSourceNamePrefix and
 * EventBusName {@code [/\.\-_A-Za-z0-9]+} (1-256), EventBusNameOrArn (1-1600), a description of 512.
 */
class CustomerValidationTest {

    private final AwsJsonProtocol protocol = UnreachableStore.protocol();

    private String error(String operation, String body) {
        ApiResponse response = protocol.handle("AWSEvents." + operation, body, new Caller("arn:aws:iam::123456789012:role/Customer"), "req-1");
        assertEquals(400, response.statusCode(), response.body());
        return response.body();
    }

    @Test
    void aListPrefixOutsideTheNameCharactersIsRejected() {
        assertEquals("{\"__type\":\"ValidationException\",\"message\":\"1 validation error detected: Value 'orders shop' at 'namePrefix' "
                + "failed to satisfy constraint: Member must satisfy regular expression pattern: [/\\\\.\\\\-_A-Za-z0-9]+\"}",
                error("ListEventSources", "{\"NamePrefix\":\"orders shop\"}"));
    }

    @Test
    void describeNeedsASourceName() {
        assertEquals("{\"__type\":\"ValidationException\",\"message\":\"1 validation error detected: Value null at 'name' "
                + "failed to satisfy constraint: Member must not be null\"}", error("DescribeEventSource", "{}"));
        assertEquals("{\"__type\":\"ValidationException\",\"message\":\"1 validation error detected: Value 'my-bus' at 'name' "
                + "failed to satisfy constraint: Member must satisfy regular expression pattern: aws\\\\.partner(/[\\\\.\\\\-_A-Za-z0-9]+){2,}\"}",
                error("ActivateEventSource", "{\"Name\":\"my-bus\"}"));
    }

    @Test
    void createEventBusChecksEachMemberAndReportsThemAll() {
        assertEquals("{\"__type\":\"ValidationException\",\"message\":\"2 validation errors detected: Value null at 'name' failed to satisfy "
                + "constraint: Member must not be null; Value 'nope' at 'eventSourceName' failed to satisfy constraint: Member must satisfy "
                + "regular expression pattern: aws\\\\.partner(/[\\\\.\\\\-_A-Za-z0-9]+){2,}\"}",
                error("CreateEventBus", "{\"EventSourceName\":\"nope\"}"));
        assertEquals("{\"__type\":\"ValidationException\",\"message\":\"1 validation error detected: Value '" + "d".repeat(513)
                + "' at 'description' failed to satisfy constraint: Member must have length less than or equal to 512\"}",
                error("CreateEventBus", "{\"Name\":\"aws.partner/a/b\",\"EventSourceName\":\"aws.partner/a/b\",\"Description\":\"" + "d".repeat(513) + "\"}"));
    }

    @Test
    void theBusOptionsAreCheckedAsTheModelConstrainsThem() {
        String bus = "\"Name\":\"aws.partner/a/b\",\"EventSourceName\":\"aws.partner/a/b\"";
        assertEquals("{\"__type\":\"ValidationException\",\"message\":\"3 validation errors detected: Value 'alias key' at 'kmsKeyIdentifier' "
                + "failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9_\\\\-/:]*$; Value '' at "
                + "'deadLetterConfig.arn' failed to satisfy constraint: Member must have length greater than or equal to 1; Value 'ALL' at "
                + "'logConfig.level' failed to satisfy constraint: Member must satisfy enum value set: [OFF, ERROR, INFO, TRACE]\"}",
                error("CreateEventBus", "{" + bus + ",\"KmsKeyIdentifier\":\"alias key\",\"DeadLetterConfig\":{\"Arn\":\"\"},"
                        + "\"LogConfig\":{\"Level\":\"ALL\"}}"));
        assertEquals("{\"__type\":\"ValidationException\",\"message\":\"1 validation error detected: Value 'SOME' at 'logConfig.includeDetail' "
                + "failed to satisfy constraint: Member must satisfy enum value set: [NONE, FULL]\"}",
                error("CreateEventBus", "{" + bus + ",\"LogConfig\":{\"IncludeDetail\":\"SOME\"}}"));
    }

    /** The registry does not run the receiving bus, so what configures that bus is refused, never dropped in silence. */
    @Test
    void busOptionsTheRegistryCannotHonourAreRefusedSayingSo() {
        String bus = "\"Name\":\"aws.partner/a/b\",\"EventSourceName\":\"aws.partner/a/b\"";
        for (String member : new String[] {"KmsKeyIdentifier", "DeadLetterConfig", "LogConfig"}) {
            String value = member.equals("KmsKeyIdentifier") ? "\"alias/orders\"" : member.equals("DeadLetterConfig")
                    ? "{\"Arn\":\"arn:aws:sqs:us-east-1:123456789012:dlq\"}" : "{\"Level\":\"INFO\",\"IncludeDetail\":\"FULL\"}";
            assertEquals("{\"__type\":\"ValidationException\",\"message\":\"" + member + " is not supported for a partner event bus of this "
                    + "registry: its events are delivered to the bus named by the partner-registry:deliver-to tag, which has its own " + member
                    + ".\"}", error("CreateEventBus", "{" + bus + ",\"" + member + "\":" + value + "}"));
        }
    }

    @Test
    void aCustomBusIsNotThisRegistrysAndAnAwsNameWithoutSourceIsEventBridgesError() {
        assertEquals("{\"__type\":\"ValidationException\",\"message\":\"EventBus name starting with 'aws.' is not valid.\"}",
                error("CreateEventBus", "{\"Name\":\"aws.partner/a/b\"}"));
        assertEquals("{\"__type\":\"ValidationException\",\"message\":\"This registry hosts partner event buses only: EventSourceName is required.\"}",
                error("CreateEventBus", "{\"Name\":\"orders\"}"));
    }

    @Test
    void describeEventBusWithoutANameIsTheDefaultBusWhichThisRegistryDoesNotHost() {
        assertEquals("{\"__type\":\"ResourceNotFoundException\",\"message\":\"Event bus default does not exist.\"}", error("DescribeEventBus", "{}"));
    }

    @Test
    void aCallerWithoutAnAccountIsAccessDenied() {
        ApiResponse response = protocol.handle("AWSEvents.ListEventSources", "{}", new Caller(null), "req-1");
        assertEquals("AccessDeniedException", response.headers().get("x-amzn-ErrorType"));
    }

    private String deliverTo(String arn) {
        return error("CreateEventBus", "{\"Name\":\"aws.partner/a/b\",\"EventSourceName\":\"aws.partner/a/b\",\"Tags\":[{\"Key\":"
                + "\"partner-registry:deliver-to\",\"Value\":\"" + arn + "\"}]}");
    }

    /** deliver-to names a real bus: a region the AWS SDK knows, of the registry's partition, and a custom bus name of the model's rules. */
    @Test
    void aDeliverToOutsideAKnownRegionOfThisPartitionOrWithABadBusNameIsRefused() {
        String refused = "{\"__type\":\"ValidationException\",\"message\":\"The tag partner-registry:deliver-to must name an event bus of "
                + "account 123456789012 other than a partner event bus, in a region of partition aws: "
                + "arn:aws:events:<region>:123456789012:event-bus/<name>.\"}";
        for (String arn : new String[] {
            "arn:awsxyz:events:us-east-1:123456789012:event-bus/orders",      // no such partition
            "arn:aws:events:zz-zz-evil_host:123456789012:event-bus/orders",   // no such region
            "arn:aws:events:zz-zz-1:123456789012:event-bus/orders",
            "arn:aws:events:aws-global:123456789012:event-bus/orders",        // a pseudo-region
            "arn:aws-cn:events:cn-north-1:123456789012:event-bus/orders",     // another partition: another domain, other credentials
            "arn:aws:events:cn-north-1:123456789012:event-bus/orders",        // a region of another partition
            "arn:aws:events:us-east-1:123456789012:event-bus/" + "b".repeat(257),  // the model's bus names stop at 256
            "arn:aws:events:us-east-1:210987654321:event-bus/orders",         // another account's
            "arn:aws:events:us-east-1:123456789012:event-bus/aws.partner/x/y" // a partner bus
        }) {
            assertEquals(refused, deliverTo(arn), arn);
        }
    }

    @Test
    void aDeliverToInAnyKnownRegionOfThisPartitionPassesValidation() {
        // Past validation, the (unreachable) store answers: 500, not the tag's ValidationException.
        for (String arn : new String[] {"arn:aws:events:eu-west-1:123456789012:event-bus/orders",
            "arn:aws:events:ap-southeast-7:123456789012:event-bus/" + "b".repeat(256)}) {
            ApiResponse response = protocol.handle("AWSEvents.CreateEventBus", "{\"Name\":\"aws.partner/a/b\",\"EventSourceName\":"
                    + "\"aws.partner/a/b\",\"Tags\":[{\"Key\":\"partner-registry:deliver-to\",\"Value\":\"" + arn + "\"}]}",
                    new Caller("arn:aws:iam::123456789012:role/Customer"), "req-1");
            assertEquals(500, response.statusCode(), arn + ": " + response.body());
        }
    }
}
