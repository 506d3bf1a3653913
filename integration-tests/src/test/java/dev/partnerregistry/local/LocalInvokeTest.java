package dev.partnerregistry.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.partnerregistry.testing.DynamoDbEngine;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.protocols.jsoncore.JsonNode;

/** {@code make invoke EVENT=...}: one event file through the function, the proxy response on stdout. */
@ExtendWith(DynamoDbEngine.class)
class LocalInvokeTest {

    record Run(int exitCode, String stdout, String stderr) {
    }

    private static Run invoke(Map<String, String> env, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = LocalInvoke.run(args, env, EventFilesTest.root(), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** The engine the tests use, and a table LocalInvoke has to create itself. */
    private static Map<String, String> env(DynamoDbEngine.EngineTable engine) {
        return Map.of("DYNAMODB_ENDPOINT", engine.endpoint().toString(),
                "TABLE_NAME", "local-invoke-" + UUID.randomUUID().toString().substring(0, 8));
    }

    @Test
    void theCreateEventPrintsTheProxyResponseWithTheArnOnStdout(DynamoDbEngine.EngineTable engine) {
        Run run = invoke(env(engine), "events/create-partner-event-source.json");

        assertEquals(0, run.exitCode(), run.stderr());
        JsonNode response = JsonNode.parser().parse(run.stdout());
        assertEquals("200", response.field("statusCode").orElseThrow().asNumber());
        assertEquals("{\"EventSourceArn\":\"arn:aws:events:us-east-1::event-source/aws.partner/example.com/orders/shop-42\"}",
                response.field("body").orElseThrow().asString());
        assertEquals(false, response.field("isBase64Encoded").orElseThrow().asBoolean());
        assertEquals(ProxyEvents.readRequest(EventFilesTest.root().resolve("events/create-partner-event-source.json"))
                        .getRequestContext().getRequestId(),
                response.field("headers").orElseThrow().field("x-amzn-RequestId").orElseThrow().asString(),
                "the event's requestContext.requestId");
    }

    @Test
    void anErrorAnswerIsStillASuccessfulInvocation(DynamoDbEngine.EngineTable engine) {
        Run run = invoke(env(engine), "events/create-partner-event-source-access-denied.json");

        assertEquals(0, run.exitCode(), run.stderr());
        JsonNode response = JsonNode.parser().parse(run.stdout());
        assertEquals("400", response.field("statusCode").orElseThrow().asNumber());
        assertEquals("AccessDeniedException", response.field("headers").orElseThrow().field("x-amzn-ErrorType").orElseThrow().asString());
    }

    @Test
    void withoutAnEventFileItPrintsUsageAndExits2() {
        Run run = invoke(Map.of());

        assertEquals(2, run.exitCode());
        assertTrue(run.stderr().startsWith("usage: LocalInvoke <event.json>"), run.stderr());
        assertEquals("", run.stdout());
    }

    @Test
    void aMissingEventFileExits2BeforeStartingAnEngine() {
        Run run = invoke(Map.of(), "events/no-such-event.json");

        assertEquals(2, run.exitCode());
        assertTrue(run.stderr().contains("no event file"), run.stderr());
    }
}
