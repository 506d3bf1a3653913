package dev.partnerregistry.api;

import dev.partnerregistry.RegistrySettings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The function's part of CORS: its answers name the console's origin, and only to the console. */
class ConsoleCorsTest {

    private static final String CONSOLE = "https://d111111abcdef8.cloudfront.net";
    private final PartnerRegistryHandler handler = new PartnerRegistryHandler(UnreachableStore.protocol(), null)
            .withConsoleCors(new ConsoleCors(CONSOLE));

    private static APIGatewayProxyRequestEvent from(String origin) {
        Map<String, String> headers = origin == null
                ? Map.of("x-amz-target", "AWSEvents.DescribePartnerEventSource")
                : Map.of("x-amz-target", "AWSEvents.DescribePartnerEventSource", "Origin", origin);
        return new APIGatewayProxyRequestEvent().withHttpMethod("POST").withPath("/").withHeaders(headers)
                .withBody("{\"Name\": \"bad\"}").withIsBase64Encoded(false);
    }

    @Test
    void anAnswerToTheConsoleNamesItsOriginAndExposesTheRequestIdAndErrorType() {
        APIGatewayProxyResponseEvent answer = handler.handleRequest(from(CONSOLE), null);
        assertEquals(400, answer.getStatusCode());
        assertEquals("ValidationException", answer.getHeaders().get("x-amzn-ErrorType"));
        assertEquals(CONSOLE, answer.getHeaders().get("Access-Control-Allow-Origin"));
        assertEquals("x-amzn-RequestId, x-amzn-ErrorType", answer.getHeaders().get("Access-Control-Expose-Headers"));
        assertEquals("Origin", answer.getHeaders().get("Vary"));
    }

    @Test
    void anAnswerToAnotherOriginNamesNone() {
        APIGatewayProxyResponseEvent answer = handler.handleRequest(from("https://evil.example"), null);
        assertEquals(400, answer.getStatusCode());
        assertNull(answer.getHeaders().get("Access-Control-Allow-Origin"));
        assertNull(answer.getHeaders().get("Access-Control-Expose-Headers"));
    }

    @Test
    void anAnswerToTheCliOrAnSdkOutsideABrowserNamesNone() {
        assertNull(handler.handleRequest(from(null), null).getHeaders().get("Access-Control-Allow-Origin"));
    }

    @Test
    void withoutAConsoleOriginNothingIsAdmitted() {
        ConsoleCors none = ConsoleCors.of(RegistrySettings.builder(Map.of(ConsoleCors.ORIGIN_VARIABLE, " ")).tableName("t").build());
        assertNull(none.origin());
        assertFalse(none.admits("null"));
        assertEquals(Map.of(), none.answerHeaders(CONSOLE));
    }

    @Test
    void thePreflightAllowsPostWithExactlyTheHeadersTheSdkSignsAndTheAuthorization() {
        assertEquals(Map.of(
                "Access-Control-Allow-Origin", CONSOLE,
                "Access-Control-Allow-Methods", "POST",
                "Access-Control-Allow-Headers",
                "amz-sdk-invocation-id,amz-sdk-request,authorization,content-type,x-amz-content-sha256,x-amz-date,x-amz-target,x-amz-user-agent",
                "Access-Control-Max-Age", "3600",
                "Vary", "Origin"), new ConsoleCors(CONSOLE).preflightHeaders());
    }
}
