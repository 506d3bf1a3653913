package dev.partnerregistry.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import dev.partnerregistry.AccessKeySettings;
import dev.partnerregistry.RegistryAssembly;
import dev.partnerregistry.RegistrySettings;
import dev.partnerregistry.api.PartnerRegistryHandler;
import dev.partnerregistry.admin.DynamoDbRegistryAdmin;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.localstack.LocalStackContainer;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.utility.DockerImageName;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.Projection;

/**
 * The function's handler (in aws-iam mode) against a table made from the synthesized template's own
 * AWS::DynamoDB::Table key schema and global secondary indexes, in LocalStack. Needs a Docker engine: where there is none,
 * JUnit reports this class as skipped (disabledWithoutDocker), never as passed.
 */
@Testcontainers(disabledWithoutDocker = true)
class LocalStackCreateTest {

    private static final String TABLE = "partner-registry-localstack";
    private static final String PARTNER = "example.com";
    private static final String CALLER = "arn:aws:iam::123456789012:user/example-partner";

    @Container
    static final LocalStackContainer LOCALSTACK = new LocalStackContainer(DockerImageName.parse("localstack/localstack:4.9"))
            .withServices(LocalStackContainer.Service.DYNAMODB);

    private static DynamoDbClient dynamoDb;
    private static PartnerRegistryHandler handler;

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void tableFromTheTemplate() {
        dynamoDb = DynamoDbClient.builder()
                .endpointOverride(LOCALSTACK.getEndpoint())
                .region(Region.of(LOCALSTACK.getRegion()))
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(LOCALSTACK.getAccessKey(), LOCALSTACK.getSecretKey())))
                .httpClient(UrlConnectionHttpClient.create())
                .build();
        Map<String, Object> table = Synthesized.properties(Synthesized.regional().only("AWS::DynamoDB::Table").getValue());
        List<Map<String, String>> attributes = (List<Map<String, String>>) table.get("AttributeDefinitions");
        List<Map<String, Object>> indexes = (List<Map<String, Object>>) table.get("GlobalSecondaryIndexes");
        dynamoDb.createTable(r -> r.tableName(TABLE)
                .billingMode(BillingMode.fromValue((String) table.get("BillingMode")))
                .keySchema(keySchema(table.get("KeySchema")))
                .attributeDefinitions(attributes.stream().map(a -> AttributeDefinition.builder()
                        .attributeName(a.get("AttributeName")).attributeType(a.get("AttributeType")).build()).toList())
                .globalSecondaryIndexes(indexes.stream().map(index -> GlobalSecondaryIndex.builder()
                        .indexName((String) index.get("IndexName"))
                        .keySchema(keySchema(index.get("KeySchema")))
                        .projection(Projection.builder()
                                .projectionType((String) ((Map<String, Object>) index.get("Projection")).get("ProjectionType"))
                                .build())
                        .build()).toList()));
        dynamoDb.waiter().waitUntilTableExists(r -> r.tableName(TABLE));
        new DynamoDbRegistryAdmin(dynamoDb, TABLE).registerPrincipals(PARTNER, List.of(CALLER));
        // aws-iam mode: the events below carry the caller as API Gateway's AWS_IAM authorization hands it over.
        RegistrySettings settings = RegistrySettings.builder().tableName(TABLE).region(LOCALSTACK.getRegion())
                .authMode(AccessKeySettings.Mode.AWS_IAM).build();
        handler = new PartnerRegistryHandler(RegistryAssembly.protocol(dynamoDb, settings, System.out));
    }

    @SuppressWarnings("unchecked")
    private static List<KeySchemaElement> keySchema(Object templateKeySchema) {
        return ((List<Map<String, String>>) templateKeySchema).stream().map(k -> KeySchemaElement.builder()
                .attributeName(k.get("AttributeName")).keyType(k.get("KeyType")).build()).toList();
    }

    @AfterAll
    static void close() {
        if (dynamoDb != null) {
            dynamoDb.close();
        }
    }

    @Test
    void createReturnsTheEventSourceArn() {
        APIGatewayProxyResponseEvent response = create("aws.partner/example.com/localstack/created", "111122223333");
        assertEquals(200, response.getStatusCode(), response.getBody());
        assertEquals("{\"EventSourceArn\":\"arn:aws:events:" + LOCALSTACK.getRegion()
                + "::event-source/aws.partner/example.com/localstack/created\"}", response.getBody().replace(" ", ""));
    }

    @Test
    void secondCreateOfTheSameNameIsResourceAlreadyExists() {
        assertEquals(200, create("aws.partner/example.com/localstack/twice", "111122223333").getStatusCode());
        APIGatewayProxyResponseEvent again = create("aws.partner/example.com/localstack/twice", "444455556666");
        assertEquals(400, again.getStatusCode());
        assertTrue(again.getBody().contains("ResourceAlreadyExistsException"), again.getBody());
    }

    @Test
    void invalidNameIsValidationException() {
        APIGatewayProxyResponseEvent response = create("aws.partner.TestBus", "111122223333");
        assertEquals(400, response.getStatusCode());
        assertTrue(response.getBody().contains("ValidationException"), response.getBody());
    }

    private static APIGatewayProxyResponseEvent create(String name, String account) {
        APIGatewayProxyRequestEvent.RequestIdentity identity = new APIGatewayProxyRequestEvent.RequestIdentity();
        identity.setUserArn(CALLER);
        APIGatewayProxyRequestEvent.ProxyRequestContext context = new APIGatewayProxyRequestEvent.ProxyRequestContext();
        context.setIdentity(identity);
        context.setRequestId("localstack-" + System.nanoTime());
        APIGatewayProxyRequestEvent event = new APIGatewayProxyRequestEvent()
                .withHttpMethod("POST")
                .withPath("/")
                .withHeaders(Map.of(
                        "Content-Type", "application/x-amz-json-1.1",
                        "X-Amz-Target", "AWSEvents.CreatePartnerEventSource"))
                .withBody("{\"Name\":\"" + name + "\",\"Account\":\"" + account + "\"}")
                .withRequestContext(context);
        return handler.handleRequest(event, null);
    }
}
