package dev.partnerregistry.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import dev.partnerregistry.auth.AccessKey;
import dev.partnerregistry.auth.AccessKeys;
import dev.partnerregistry.auth.SignatureVerifier;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;

/**
 * The proxy translation: headers in any case, base64 bodies, API Gateway's request id on the answer,
 * and in the registry-keys mode the request as the client signed it (requestContext.path with the
 * stage, the exact body bytes, the Host API Gateway received).
 */
class PartnerRegistryHandlerTest {

    private static final String HOST = "abc123.execute-api.us-east-1.amazonaws.com";
    private static final String KEY_ID = "PRKAHANDLERTESTKEY01";
    private static final String SECRET = "handlerTestSecretHandlerTestSecretHandle";
    private final PartnerRegistryHandler verifying = new PartnerRegistryHandler(UnreachableStore.protocol(), new SignatureVerifier(
            new AccessKeys() {
                @Override
                public Optional<AccessKey> find(String accessKeyId) {
                    return KEY_ID.equals(accessKeyId)
                            ? Optional.of(new AccessKey(KEY_ID, "arn:aws:iam::123456789012:user/p", true, SECRET)) : Optional.empty();
                }

                @Override
                public void recordUse(String accessKeyId, Instant at) {
                }
            }, "us-east-1", Clock.systemUTC()));

    /** As API Gateway passes a request the client signed for {@code signedPath}: the body base64, the path as sent. */
    private static APIGatewayProxyRequestEvent signedEvent(String signedPath, String receivedPath, String body) {
        return signedEvent(signedPath, receivedPath, body, r -> r);
    }

    private static APIGatewayProxyRequestEvent signedEvent(String signedPath, String receivedPath, String body,
                                                           java.util.function.UnaryOperator<SdkHttpFullRequest.Builder> extra) {
        SdkHttpFullRequest request = extra.apply(SdkHttpFullRequest.builder().method(SdkHttpMethod.POST).protocol("https").host(HOST)
                .encodedPath(signedPath)
                .putHeader("Content-Type", "application/x-amz-json-1.1")
                .putHeader("X-Amz-Target", "AWSEvents.DescribePartnerEventSource")).build();
        var signed = AwsV4HttpSigner.create().sign(r -> r.identity(AwsBasicCredentials.create(KEY_ID, SECRET)).request(request)
                .payload(ContentStreamProvider.fromUtf8String(body))
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "events").putProperty(AwsV4HttpSigner.REGION_NAME, "us-east-1"));
        Map<String, List<String>> headers = new java.util.LinkedHashMap<>(signed.request().headers());
        headers.put("Host", List.of(HOST));
        Map<String, String> single = new java.util.LinkedHashMap<>();
        // API Gateway's single-value map has a repeated header's last value.
        headers.forEach((name, values) -> single.put(name, values.get(values.size() - 1)));
        return new APIGatewayProxyRequestEvent().withHttpMethod("POST").withPath("/").withResource("/")
                .withHeaders(single).withMultiValueHeaders(headers)
                .withRequestContext(new APIGatewayProxyRequestEvent.ProxyRequestContext().withRequestId("r-1").withPath(receivedPath)
                        .withDomainName(HOST))
                .withBody(Base64.getEncoder().encodeToString(body.getBytes(StandardCharsets.UTF_8))).withIsBase64Encoded(true);
    }

    @Test
    void aRequestSignedOverTheStagePathIsAuthenticatedFromRequestContextPath() {
        APIGatewayProxyResponseEvent response = verifying.handleRequest(signedEvent("/v1/", "/v1/", "{\"Name\": \"bad\"}"), null);
        assertEquals("ValidationException", response.getHeaders().get("x-amzn-ErrorType"), "past authentication: " + response.getBody());
    }

    @Test
    void aRepeatedSignedHeaderIsVerifiedWithEveryValueTheMultiValueMapHas() {
        APIGatewayProxyResponseEvent response = verifying.handleRequest(signedEvent("/v1/", "/v1/", "{\"Name\": \"bad\"}",
                r -> r.putHeader("X-Repeated", List.of("first", "second"))), null);
        assertEquals("ValidationException", response.getHeaders().get("x-amzn-ErrorType"), "past authentication: " + response.getBody());
    }

    @Test
    void withoutAMultiValueMapTheSingleValueOneIsWhatIsVerified() {
        APIGatewayProxyRequestEvent event = signedEvent("/v1/", "/v1/", "{\"Name\": \"bad\"}").withMultiValueHeaders(null);
        APIGatewayProxyResponseEvent response = verifying.handleRequest(event, null);
        assertEquals("ValidationException", response.getHeaders().get("x-amzn-ErrorType"), "past authentication: " + response.getBody());
    }

    @Test
    void headersAreReadInAnyCaseFromTheSingleValueMapOrElseTheMultiValueOne() {
        String body = "{\"Name\": \"bad\"}";
        APIGatewayProxyResponseEvent single = handler.handleRequest(event(body, false)
                .withHeaders(Map.of("X-AMZ-TARGET", "AWSEvents.DescribePartnerEventSource")), null);
        assertEquals("ValidationException", single.getHeaders().get("x-amzn-ErrorType"), single.getBody());
        APIGatewayProxyResponseEvent multi = handler.handleRequest(event(body, false).withHeaders(Map.of("Other", "x"))
                .withMultiValueHeaders(Map.of("X-Amz-Target", List.of("AWSEvents.DescribePartnerEventSource", "AWSEvents.Nope"))), null);
        assertEquals("ValidationException", multi.getHeaders().get("x-amzn-ErrorType"), multi.getBody());
        APIGatewayProxyResponseEvent singleFirst = handler.handleRequest(event(body, false)
                .withMultiValueHeaders(Map.of("X-Amz-Target", List.of("AWSEvents.Nope"))), null);
        assertEquals("ValidationException", singleFirst.getHeaders().get("x-amzn-ErrorType"), singleFirst.getBody());
    }

    @Test
    void aSignatureOverAnotherPathThanTheOneReceivedIsRefused() {
        APIGatewayProxyResponseEvent response = verifying.handleRequest(signedEvent("/", "/v1/", "{\"Name\": \"bad\"}"), null);
        assertEquals(400, response.getStatusCode());
        assertEquals("InvalidSignatureException", response.getHeaders().get("x-amzn-ErrorType"));
    }

    @Test
    void anUnsignedRequestIsRefusedBeforeItsBodyOrTargetIsLookedAt() {
        APIGatewayProxyResponseEvent response = verifying.handleRequest(event("not json", false).withHeaders(Map.of("x-amz-target", "Nope")), null);
        assertEquals(400, response.getStatusCode());
        assertEquals("{\"__type\":\"MissingAuthenticationTokenException\",\"message\":\"Missing Authentication Token\"}", response.getBody());
    }

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

    @Test
    void aBodyThatIsNotUtf8IsSerializationExceptionNotAnEventWithReplacementCharacters() {
        byte[] prefix = "{\"Entries\":[{\"Source\":\"aws.partner/example.com/o/s\",\"DetailType\":\"t\",\"Detail\":\"{\\\"a\\\":\\\"".getBytes(StandardCharsets.UTF_8);
        byte[] suffix = "\\\"}\"}]}".getBytes(StandardCharsets.UTF_8);
        byte[] body = new byte[prefix.length + 2 + suffix.length];
        System.arraycopy(prefix, 0, body, 0, prefix.length);
        body[prefix.length] = (byte) 0xff;
        body[prefix.length + 1] = (byte) 0xfe;
        System.arraycopy(suffix, 0, body, prefix.length + 2, suffix.length);
        APIGatewayProxyResponseEvent response = handler.handleRequest(event(Base64.getEncoder().encodeToString(body), true), null);
        assertEquals(400, response.getStatusCode());
        assertEquals("{\"__type\":\"SerializationException\",\"message\":\"The request body is not valid UTF-8.\"}", response.getBody());
    }
}
