package dev.partnerregistry.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The proxy translation: headers in any case, base64 bodies, API Gateway's request id on the answer. */
class PartnerRegistryHandlerTest {

    private final PartnerRegistryHandler handler = new PartnerRegistryHandler(UnreachableStore.protocol());

    private static APIGatewayProxyRequestEvent event(String body, boolean base64) {
        return new APIGatewayProxyRequestEvent()
                .withHttpMethod("POST").withPath("/")
                .withHeaders(Map.of("x-amz-target", "AWSEvents.DescribePartnerEventSource"))
                .withRequestContext(new APIGatewayProxyRequestEvent.ProxyRequestContext().withRequestId("c6af9ac6-7b61-11e6-9a41-93e8deadbeef"))
                .withBody(body).withIsBase64Encoded(base64);
    }

    @Test
    void aBase64BodyIsDecodedBeforeParsing() {
        String body = Base64.getEncoder().encodeToString("{\"Name\": \"bad\"}".getBytes(StandardCharsets.UTF_8));
        APIGatewayProxyResponseEvent response = handler.handleRequest(event(body, true), null);
        assertEquals(400, response.getStatusCode());
        assertEquals("ValidationException", response.getHeaders().get("x-amzn-ErrorType"));
        assertEquals("c6af9ac6-7b61-11e6-9a41-93e8deadbeef", response.getHeaders().get("x-amzn-RequestId"));
    }

    @Test
    void aBodyFlaggedBase64ThatIsNotIsSerializationException() {
        APIGatewayProxyResponseEvent response = handler.handleRequest(event("!!not base64!!", true), null);
        assertEquals(400, response.getStatusCode());
        assertEquals("{\"__type\":\"SerializationException\",\"message\":\"The request body is not valid base64.\"}", response.getBody());
    }
}
