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
        APIGatewayProxyRequestEvent event = BenchEvents.create();
        APIGatewayProxyResponseEvent response = handler.handleRequest(event, null);
        if (response.getStatusCode() == null || response.getStatusCode() != 200) {
            System.err.println("handler create failed: " + response.getStatusCode() + " " + response.getBody());
            System.exit(1);
        }
        System.exit(0);
    }
}
