package dev.partnerregistry.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Proxy events as JSON: the request fields API Gateway REST sends, and the response as the function returns it. */
class ProxyEventsTest {

    @Test
    void readsTheRequestFieldsApiGatewayRestSends() {
        APIGatewayProxyRequestEvent event = ProxyEvents.readRequest("""
                {"resource": "/", "path": "/", "httpMethod": "POST",
                 "headers": {"X-Amz-Target": "AWSEvents.DescribePartnerEventSource"},
                 "multiValueHeaders": {"X-Amz-Target": ["AWSEvents.DescribePartnerEventSource"]},
                 "queryStringParameters": {"a": "1"}, "pathParameters": null,
                 "body": "eyJOYW1lIjoieCJ9", "isBase64Encoded": true,
                 "requestContext": {"requestId": "r-1", "accountId": "111122223333", "stage": "prod", "requestTimeEpoch": 1764152130000,
                   "identity": {"userArn": "arn:aws:iam::123456789012:user/example-partner", "sourceIp": "203.0.113.10",
                                "userAgent": "aws-cli/2", "accessKey": "AKIAEXAMPLEPARTNER", "caller": "AIDA1", "accountId": "123456789012",
                                "user": "AIDA1", "cognitoIdentityId": null}},
                 "someFieldOfALaterVersion": {"ignored": true}}
                """);

        assertEquals("/", event.getResource());
        assertEquals("POST", event.getHttpMethod());
        assertEquals(Map.of("X-Amz-Target", "AWSEvents.DescribePartnerEventSource"), event.getHeaders());
        assertEquals(Map.of("X-Amz-Target", List.of("AWSEvents.DescribePartnerEventSource")), event.getMultiValueHeaders());
        assertEquals(Map.of("a", "1"), event.getQueryStringParameters());
        assertNull(event.getPathParameters());
        assertEquals("eyJOYW1lIjoieCJ9", event.getBody());
        assertEquals(Boolean.TRUE, event.getIsBase64Encoded());
        assertEquals("r-1", event.getRequestContext().getRequestId());
        assertEquals("111122223333", event.getRequestContext().getAccountId());
        assertEquals("prod", event.getRequestContext().getStage());
        assertEquals(1764152130000L, event.getRequestContext().getRequestTimeEpoch());
        APIGatewayProxyRequestEvent.RequestIdentity identity = event.getRequestContext().getIdentity();
        assertEquals("arn:aws:iam::123456789012:user/example-partner", identity.getUserArn());
        assertEquals("203.0.113.10", identity.getSourceIp());
        assertEquals("aws-cli/2", identity.getUserAgent());
        assertEquals("AKIAEXAMPLEPARTNER", identity.getAccessKey());
        assertEquals("AIDA1", identity.getCaller());
        assertEquals("123456789012", identity.getAccountId());
        assertEquals("AIDA1", identity.getUser());
    }

    @Test
    void aFieldOfTheWrongTypeIsNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ProxyEvents.readRequest("{\"requestContext\": {\"identity\": \"me\"}}"));
        assertEquals("'requestContext.identity' must be an object", e.getMessage());
    }

    @Test
    void writesTheResponseAsApiGatewayReceivesIt() {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("x-amzn-RequestId", "r-1");
        headers.put("Content-Type", "application/x-amz-json-1.1");

        String json = ProxyEvents.toJson(new APIGatewayProxyResponseEvent().withStatusCode(400).withHeaders(headers)
                .withBody("{\"__type\":\"ValidationException\",\"message\":\"a \\\"quoted\\\" word\"}").withIsBase64Encoded(false));

        assertEquals("{\"statusCode\":400,\"headers\":{\"Content-Type\":\"application/x-amz-json-1.1\",\"x-amzn-RequestId\":\"r-1\"},"
                + "\"body\":\"{\\\"__type\\\":\\\"ValidationException\\\",\\\"message\\\":\\\"a \\\\\\\"quoted\\\\\\\" word\\\"}\","
                + "\"isBase64Encoded\":false}", json);
    }
}
