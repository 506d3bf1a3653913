package dev.partnerregistry.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import dev.partnerregistry.admin.DynamoDbRegistryAdmin;
import dev.partnerregistry.testing.DynamoDbEngine;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.protocols.jsoncore.JsonNode;

/** On a real engine, through the handler: one log line per request, with the DynamoDB requests it really made. */
@ExtendWith(DynamoDbEngine.class)
class RequestLogEngineTest {

    private static final String PARTNER = "logged.example";
    private static final String PRINCIPAL = "arn:aws:iam::123456789012:role/logged";
    private static final String NAME = "aws.partner/logged.example/orders/";

    private final ByteArrayOutputStream log = new ByteArrayOutputStream();
    private final PartnerRegistryHandler handler;

    RequestLogEngineTest(DynamoDbEngine.EngineTable table) {
        new DynamoDbRegistryAdmin(table.client(), table.tableName()).registerPrincipals(PARTNER, List.of(PRINCIPAL));
        handler = table.handler(100, new PrintStream(log, true, StandardCharsets.UTF_8));
    }

    @BeforeEach
    void clearLog() {
        log.reset();
    }

    private JsonNode call(String operation, String body) {
        handler.handleRequest(new APIGatewayProxyRequestEvent()
                .withHeaders(Map.of("X-Amz-Target", "AWSEvents." + operation))
                .withRequestContext(new APIGatewayProxyRequestEvent.ProxyRequestContext().withRequestId("req-" + operation)
                        .withIdentity(new APIGatewayProxyRequestEvent.RequestIdentity().withUserArn(PRINCIPAL)))
                .withBody(body), null);
        List<String> lines = log.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals(1, lines.size(), "one line per request: " + lines);
        log.reset();
        return JsonNode.parser().parse(lines.get(0));
    }

    private static String text(JsonNode line, String field) {
        return line.field(field).map(JsonNode::text).orElse(null);
    }

    @Test
    void aCreateIsOneDynamoDbRequestAndItsLineSaysSuccess() {
        JsonNode line = call("CreatePartnerEventSource", "{\"Name\":\"" + NAME + "one\",\"Account\":\"123456789012\"}");
        assertEquals("req-CreatePartnerEventSource", text(line, "requestId"));
        assertEquals("CreatePartnerEventSource", text(line, "Operation"));
        assertEquals("Success", text(line, "Outcome"));
        assertEquals(PARTNER, text(line, "partner"));
        assertEquals("1", text(line, "storeRequests"));
    }

    @Test
    void aDuplicateCreateReadsTheExistingSourceOnceAndItsOutcomeIsTheErrorCode() {
        call("CreatePartnerEventSource", "{\"Name\":\"" + NAME + "dup\",\"Account\":\"123456789012\"}");
        JsonNode line = call("CreatePartnerEventSource", "{\"Name\":\"" + NAME + "dup\",\"Account\":\"123456789012\"}");
        assertEquals("ResourceAlreadyExistsException", text(line, "Outcome"));
        assertEquals("1", text(line, "Errors"));
        assertEquals("2", text(line, "storeRequests"), "the cancelled transaction, then a read: is the source there expired, or this call's own?");
    }

    @Test
    void aDescribeIsOneTransactGetAndAnInvalidNameNone() {
        call("CreatePartnerEventSource", "{\"Name\":\"" + NAME + "seen\",\"Account\":\"123456789012\"}");
        assertEquals("1", text(call("DescribePartnerEventSource", "{\"Name\":\"" + NAME + "seen\"}"), "storeRequests"));
        JsonNode invalid = call("DescribePartnerEventSource", "{\"Name\":\"aws.partner.bad\"}");
        assertEquals("ValidationException", text(invalid, "Outcome"));
        assertEquals("0", text(invalid, "storeRequests"));
    }
}
