package dev.partnerregistry.wire;

import static dev.partnerregistry.wire.WireFixture.EXAMPLE_KEY;
import static dev.partnerregistry.wire.WireFixture.EXAMPLE_SECRET;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.partnerregistry.testing.DynamoDbEngine;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.EventBridgeException;

/**
 * An Authorization header with a parameter twice, or one SigV4 does not define, through the local
 * endpoint: the AWS SDK for Java signs the request as usual and a transport between it and the
 * server appends to the header what a hostile or broken proxy would. The answer is
 * IncompleteSignatureException, as AWS answers, never the request of whichever parameter came first.
 */
@ExtendWith(DynamoDbEngine.class)
class AuthorizationParametersWireTest {

    private static WireFixture fixture;

    @BeforeAll
    static void start(DynamoDbEngine.EngineTable table) {
        fixture = WireFixture.start(table);
    }

    @AfterAll
    static void stop() {
        if (fixture != null) {
            fixture.close();
        }
    }

    @Test
    void aSecondSignatureIsIncompleteSignatureException() {
        EventBridgeException refused = refusedWith(authorization -> authorization + ", Signature=00");
        assertEquals(400, refused.statusCode());
        assertEquals("IncompleteSignatureException", refused.awsErrorDetails().errorCode());
        assertTrue(refused.awsErrorDetails().errorMessage().startsWith("'Signature' appears more than once in Authorization header: "),
                refused.awsErrorDetails().errorMessage());
    }

    @Test
    void aSecondCredentialIsIncompleteSignatureException() {
        EventBridgeException refused = refusedWith(authorization -> authorization + ", Credential=AKIAOTHERPARTNER/20260101/us-east-1/events/aws4_request");
        assertEquals("IncompleteSignatureException", refused.awsErrorDetails().errorCode());
    }

    @Test
    void anUnknownParameterIsIncompleteSignatureException() {
        EventBridgeException refused = refusedWith(authorization -> authorization + ", Expires=60");
        assertEquals("IncompleteSignatureException", refused.awsErrorDetails().errorCode());
    }

    @Test
    void theSameRequestUntamperedIsServed() {
        try (EventBridgeClient events = client(authorization -> authorization)) {
            events.listPartnerEventSources(r -> r.namePrefix("aws.partner/example.com/"));
        }
    }

    private static EventBridgeException refusedWith(UnaryOperator<String> tamper) {
        try (EventBridgeClient events = client(tamper)) {
            return assertThrows(EventBridgeException.class, () -> events.listPartnerEventSources(r -> r.namePrefix("aws.partner/example.com/")));
        }
    }

    /** The SDK client as a partner has it, over a transport that rewrites the signed Authorization header. */
    private static EventBridgeClient client(UnaryOperator<String> tamper) {
        SdkHttpClient wire = UrlConnectionHttpClient.create();
        SdkHttpClient tampering = new SdkHttpClient() {
            @Override
            public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
                String signed = request.httpRequest().firstMatchingHeader("Authorization").orElseThrow();
                return wire.prepareRequest(HttpExecuteRequest.builder()
                        .request(request.httpRequest().toBuilder().putHeader("Authorization", tamper.apply(signed)).build())
                        .contentStreamProvider(request.contentStreamProvider().orElse(null))
                        .build());
            }

            @Override
            public void close() {
                wire.close();
            }
        };
        return EventBridgeClient.builder()
                .httpClient(tampering)
                .endpointOverride(fixture.endpoint())
                .region(Region.of(WireFixture.REGION))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(EXAMPLE_KEY, EXAMPLE_SECRET)))
                .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry()))
                .build();
    }
}
