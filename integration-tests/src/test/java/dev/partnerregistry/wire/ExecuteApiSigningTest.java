package dev.partnerregistry.wire;

import static dev.partnerregistry.wire.WireFixture.ACCOUNT;
import static dev.partnerregistry.wire.WireFixture.EXAMPLE_KEY;
import static dev.partnerregistry.wire.WireFixture.EXAMPLE_SECRET;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import dev.partnerregistry.auth.SigV4;
import dev.partnerregistry.auth.SignedRequest;
import dev.partnerregistry.testing.DynamoDbEngine;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;

/**
 * In the aws-iam mode, the deployed API's IAM authorizer wants SigV4 for execute-api, which no local
 * part verifies (the function verifies only its own events-scoped keys). So the client that
 * docs/deploy.md shows is checked here by what it sends: through the local server, the request the
 * function would get carries a signature scoped to execute-api that SigV4's arithmetic confirms over
 * the path with the stage, the headers and the body, as API Gateway would.
 */
@ExtendWith(DynamoDbEngine.class)
class ExecuteApiSigningTest {

    @Test
    void theDocumentedClientSignsForExecuteApiOverThePathWithTheStage(DynamoDbEngine.EngineTable table) {
        AtomicReference<APIGatewayProxyRequestEvent> received = new AtomicReference<>();
        String name = WireFixture.uniqueName("example.com", "signed", "execute-api");
        try (WireFixture fixture = WireFixture.start(table, function -> (event, context) -> {
                 received.set(event);
                 return new APIGatewayProxyResponseEvent().withStatusCode(200)
                         .withHeaders(Map.of("Content-Type", "application/x-amz-json-1.1"))
                         .withBody("{\"EventSourceArn\":\"" + WireFixture.arn(name) + "\"}");
             });
             EventBridgeClient events = ExecuteApiClients.eventBridge(fixture.stageEndpoint(), Region.of(WireFixture.REGION),
                     StaticCredentialsProvider.create(AwsBasicCredentials.create(EXAMPLE_KEY, EXAMPLE_SECRET)))) {
            assertEquals(WireFixture.arn(name), events.createPartnerEventSource(r -> r.name(name).account(ACCOUNT)).eventSourceArn());
        }
        APIGatewayProxyRequestEvent event = received.get();
        SignedRequest request = new SignedRequest("POST", event.getRequestContext().getPath(), Map.of(), event.getMultiValueHeaders(),
                Base64.getDecoder().decode(event.getBody()), event.getRequestContext().getDomainName());
        String authorization = request.header("authorization");
        String scope = authorization.substring(authorization.indexOf("Credential=") + "Credential=".length(), authorization.indexOf(','));
        assertTrue(scope.endsWith("/" + WireFixture.REGION + "/execute-api/aws4_request"), scope);
        assertEquals("/v1/", request.path());
        String signedHeaders = authorization.substring(authorization.indexOf("SignedHeaders=") + 14, authorization.indexOf(", Signature="));
        String date = scope.split("/")[1];
        String canonical = SigV4.canonicalRequest(request, List.of(signedHeaders.split(";")), SigV4.hex(SigV4.sha256(request.body())));
        String stringToSign = SigV4.stringToSign(request.header("x-amz-date"), scope.substring(scope.indexOf('/') + 1), canonical);
        assertEquals(authorization.substring(authorization.indexOf("Signature=") + 10),
                SigV4.signature(SigV4.signingKey(EXAMPLE_SECRET, date, WireFixture.REGION, "execute-api"), stringToSign));
    }

    @Test
    void theTestedClientIsTheOneTheDocsShow() throws IOException {
        String docs = Files.readString(WireFixture.root().resolve("docs/deploy.md"));
        String source = Files.readString(WireFixture.root().resolve("integration-tests/src/test/java/dev/partnerregistry/wire/ExecuteApiClients.java"));
        String code = source.substring(source.indexOf("import java.net.URI;"));
        assertTrue(docs.contains(code), "docs/deploy.md must show ExecuteApiClients exactly as tested");
    }
}
