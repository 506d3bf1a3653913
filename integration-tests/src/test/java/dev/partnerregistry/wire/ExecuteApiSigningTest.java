package dev.partnerregistry.wire;

import static dev.partnerregistry.wire.WireFixture.ACCOUNT;
import static dev.partnerregistry.wire.WireFixture.EXAMPLE_KEY;
import static dev.partnerregistry.wire.WireFixture.EXAMPLE_SECRET;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.partnerregistry.testing.DynamoDbEngine;
import java.io.IOException;
import java.nio.file.Files;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;

/**
 * The deployed API's IAM authorizer wants SigV4 for execute-api. The client that docs/deploy.md
 * shows signs for it, and the local server (which verifies the signature with the key's secret)
 * accepts it, so the same client works against the local endpoint and the deployed one.
 */
@ExtendWith(DynamoDbEngine.class)
class ExecuteApiSigningTest {

    @Test
    void theDocumentedClientSignsForExecuteApiAndItsSignatureVerifies(DynamoDbEngine.EngineTable table) {
        // API Gateway passes the Authorization header on to the function; record what arrived.
        AtomicReference<String> authorization = new AtomicReference<>();
        try (WireFixture fixture = WireFixture.start(table, function -> (event, context) -> {
                 event.getHeaders().forEach((name, value) -> {
                     if (name.equalsIgnoreCase("Authorization")) {
                         authorization.set(value);
                     }
                 });
                 return function.handleRequest(event, context);
             });
             EventBridgeClient events = ExecuteApiClients.eventBridge(fixture.endpoint(), Region.of(WireFixture.REGION),
                     StaticCredentialsProvider.create(AwsBasicCredentials.create(EXAMPLE_KEY, EXAMPLE_SECRET)))) {
            String name = WireFixture.uniqueName("example.com", "signed", "execute-api");
            assertEquals(WireFixture.arn(name), events.createPartnerEventSource(r -> r.name(name).account(ACCOUNT)).eventSourceArn());
            assertTrue(authorization.get().contains("/" + WireFixture.REGION + "/execute-api/aws4_request"), authorization.get());
        }
    }

    @Test
    void theTestedClientIsTheOneTheDocsShow() throws IOException {
        String docs = Files.readString(WireFixture.root().resolve("docs/deploy.md"));
        String source = Files.readString(WireFixture.root().resolve("integration-tests/src/test/java/dev/partnerregistry/wire/ExecuteApiClients.java"));
        String code = source.substring(source.indexOf("import java.net.URI;"));
        assertTrue(docs.contains(code), "docs/deploy.md must show ExecuteApiClients exactly as tested");
    }
}
