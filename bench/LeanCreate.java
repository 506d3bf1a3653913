import java.net.URI;
import java.util.Map;
import java.util.UUID;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionCheck;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsResponse;
import software.amazon.awssdk.services.dynamodb.model.Update;

/**
 * Side B of bench/handler-vs-lean.sh: the least a JVM can do to create one partner event source.
 * One low-level DynamoDbClient (UrlConnectionHttpClient, explicit region, static credentials,
 * endpoint override) sends the same TransactWriteItems as DynamoDbPartnerSourceStore.create
 * (region condition check, partner condition check, counter update, source put), then the JVM
 * exits; non-zero unless the transaction committed.
 */
public final class LeanCreate {

    /** The deployment's default limit in the benchmark (PARTNER_SOURCE_LIMIT), high enough for any number of runs. */
    private static final String LIMIT = System.getenv().getOrDefault("PARTNER_SOURCE_LIMIT", "100000");

    public static void main(String[] args) {
        String table = System.getenv("TABLE_NAME");
        String name = "aws.partner/example.com/bench/" + UUID.randomUUID();

        DynamoDbClient dynamoDb = DynamoDbClient.builder()
                .httpClient(UrlConnectionHttpClient.create())
                .region(Region.of(System.getenv().getOrDefault("AWS_REGION", "us-east-1")))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(
                        System.getenv("AWS_ACCESS_KEY_ID"), System.getenv("AWS_SECRET_ACCESS_KEY"))))
                .endpointOverride(URI.create(System.getenv("DYNAMODB_ENDPOINT")))
                .build();

        TransactWriteItem regionEnabled = TransactWriteItem.builder().conditionCheck(ConditionCheck.builder()
                .tableName(table)
                .key(Map.of("pk", s("REGION#us-east-1"), "sk", s("REGION")))
                .conditionExpression("attribute_not_exists(disabledOperations) OR NOT contains(disabledOperations, :operation)")
                .expressionAttributeValues(Map.of(":operation", s("CreatePartnerEventSource")))
                .build()).build();
        TransactWriteItem partnerCheck = TransactWriteItem.builder().conditionCheck(ConditionCheck.builder()
                .tableName(table)
                .key(Map.of("pk", s("PARTNER#example.com"), "sk", s("PARTNER")))
                .conditionExpression("(contains(principals, :principal0)) AND attribute_not_exists(sourceLimit)")
                .expressionAttributeValues(Map.of(":principal0", s("arn:aws:iam::123456789012:user/example-partner")))
                .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
                .build()).build();
        TransactWriteItem countIt = TransactWriteItem.builder().update(Update.builder()
                .tableName(table)
                .key(Map.of("pk", s("COUNT#example.com"), "sk", s("COUNT")))
                .updateExpression("SET sourceCount = if_not_exists(sourceCount, :zero) + :one, countChanges = if_not_exists(countChanges, :zero) + :one")
                .conditionExpression("attribute_not_exists(sourceCount) OR sourceCount < :limit")
                .expressionAttributeValues(Map.of(":one", n("1"), ":zero", n("0"), ":limit", n(LIMIT)))
                .build()).build();
        TransactWriteItem putIt = TransactWriteItem.builder().put(Put.builder()
                .tableName(table)
                .item(Map.of("pk", s("SOURCES#example.com"), "sk", s("SOURCE#" + name), "name", s(name),
                        "account", s("123456789012"), "createdAt", n(Long.toString(System.currentTimeMillis())),
                        "state", s("PENDING")))
                .conditionExpression("attribute_not_exists(pk)")
                .build()).build();

        try {
            TransactWriteItemsResponse response = dynamoDb.transactWriteItems(r -> r
                    .transactItems(regionEnabled, partnerCheck, countIt, putIt)
                    .clientRequestToken(UUID.randomUUID().toString()));
            if (!response.sdkHttpResponse().isSuccessful()) {
                throw new IllegalStateException("HTTP " + response.sdkHttpResponse().statusCode());
            }
        } catch (RuntimeException e) {
            System.err.println("lean create failed: " + e);
            System.exit(1);
        }
        System.exit(0);
    }

    private static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    private static AttributeValue n(String value) {
        return AttributeValue.fromN(value);
    }
}
