import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import dev.partnerregistry.api.PartnerRegistryHandler;
import java.util.Map;
import java.util.UUID;

/**
 * Side A of bench/handler-vs-lean.sh: a fresh JVM does Lambda init (the handler's no-arg
 * constructor, configured from TABLE_NAME, AWS_REGION, DYNAMODB_ENDPOINT and the AWS_* key
 * variables), serves exactly one CreatePartnerEventSource, and exits; non-zero unless it got 200.
 */
public final class HandlerCreate {

    public static void main(String[] args) {
        PartnerRegistryHandler handler = new PartnerRegistryHandler();
        APIGatewayProxyRequestEvent.RequestIdentity identity = new APIGatewayProxyRequestEvent.RequestIdentity()
                .withUserArn("arn:aws:iam::123456789012:user/example-partner");
        APIGatewayProxyRequestEvent event = new APIGatewayProxyRequestEvent()
                .withHttpMethod("POST").withPath("/").withResource("/")
                .withHeaders(Map.of("X-Amz-Target", "AWSEvents.CreatePartnerEventSource",
                        "Content-Type", "application/x-amz-json-1.1"))
                .withRequestContext(new APIGatewayProxyRequestEvent.ProxyRequestContext()
                        .withRequestId(UUID.randomUUID().toString()).withIdentity(identity))
                .withBody("{\"Name\":\"aws.partner/example.com/bench/" + UUID.randomUUID() + "\",\"Account\":\"123456789012\"}");
        APIGatewayProxyResponseEvent response = handler.handleRequest(event, null);
        if (response.getStatusCode() == null || response.getStatusCode() != 200) {
            System.err.println("handler create failed: " + response.getStatusCode() + " " + response.getBody());
            System.exit(1);
        }
        System.exit(0);
    }
}
