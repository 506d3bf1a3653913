package dev.partnerregistry.api;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import dev.partnerregistry.RegistrySettings;
import dev.partnerregistry.domain.Caller;
import dev.partnerregistry.domain.PartnerRegistry;
import dev.partnerregistry.domain.RegistryException;
import dev.partnerregistry.store.DynamoDbClients;
import dev.partnerregistry.store.DynamoDbPartnerSourceStore;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The Lambda entry point behind API Gateway's {@code POST /} proxy integration. It only
 * translates: the proxy event in, the protocol and domain in between, the proxy response out.
 */
public final class PartnerRegistryHandler implements RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> {

    private final AwsJsonProtocol protocol;
    /** Held only to keep the CRaC registration alive (the context references it weakly). */
    private final SnapStartPriming priming;

    /**
     * Lambda's constructor: settings and the one DynamoDB client are built once, at init, and
     * under SnapStart the request path is primed before the snapshot.
     */
    public PartnerRegistryHandler() {
        this(RegistrySettings.fromEnvironment(System.getenv()), System.getenv());
    }

    private PartnerRegistryHandler(RegistrySettings settings, Map<String, String> env) {
        this(new AwsJsonProtocol(registry(DynamoDbClients.create(settings, DynamoDbClients.lambdaCredentials(env)), settings)), true);
    }

    public PartnerRegistryHandler(DynamoDbClient dynamoDb, RegistrySettings settings) {
        this(registry(dynamoDb, settings));
    }

    public PartnerRegistryHandler(PartnerRegistry registry) {
        this(new AwsJsonProtocol(registry), false);
    }

    private PartnerRegistryHandler(AwsJsonProtocol protocol, boolean primeForSnapStart) {
        this.protocol = protocol;
        this.priming = primeForSnapStart ? SnapStartPriming.register(this) : null;
    }

    private static PartnerRegistry registry(DynamoDbClient dynamoDb, RegistrySettings settings) {
        return new PartnerRegistry(new DynamoDbPartnerSourceStore(dynamoDb, settings.tableName()),
                settings.region(), settings.defaultPartnerLimit(), Clock.systemUTC());
    }

    @Override
    public APIGatewayProxyResponseEvent handleRequest(APIGatewayProxyRequestEvent event, Context context) {
        String requestId = requestIdOf(event);
        ApiResponse response;
        try {
            response = protocol.handle(header(event, "X-Amz-Target"), body(event), callerOf(event), requestId);
        } catch (IllegalArgumentException notBase64) {
            response = AwsJsonProtocol.error(new RegistryException.Serialization("The request body is not valid base64."), requestId);
        }
        return new APIGatewayProxyResponseEvent()
                .withStatusCode(response.statusCode())
                .withHeaders(response.headers())
                .withBody(response.body())
                .withIsBase64Encoded(false);
    }

    /** Deployed, API Gateway's AWS_IAM authorizer has already verified the caller and names it here. */
    private static Caller callerOf(APIGatewayProxyRequestEvent event) {
        APIGatewayProxyRequestEvent.ProxyRequestContext context = event.getRequestContext();
        if (context == null || context.getIdentity() == null) {
            return Caller.anonymous();
        }
        return new Caller(context.getIdentity().getUserArn());
    }

    private static String requestIdOf(APIGatewayProxyRequestEvent event) {
        APIGatewayProxyRequestEvent.ProxyRequestContext context = event.getRequestContext();
        if (context != null && context.getRequestId() != null && !context.getRequestId().isEmpty()) {
            return context.getRequestId();
        }
        return UUID.randomUUID().toString();
    }

    private static String body(APIGatewayProxyRequestEvent event) {
        String body = event.getBody();
        if (body != null && Boolean.TRUE.equals(event.getIsBase64Encoded())) {
            return new String(Base64.getDecoder().decode(body), StandardCharsets.UTF_8);
        }
        return body;
    }

    /** Header names are case-insensitive; API Gateway passes them as the client sent them. */
    private static String header(APIGatewayProxyRequestEvent event, String name) {
        if (event.getHeaders() != null) {
            for (Map.Entry<String, String> header : event.getHeaders().entrySet()) {
                if (header.getKey().equalsIgnoreCase(name)) {
                    return header.getValue();
                }
            }
        }
        if (event.getMultiValueHeaders() != null) {
            for (Map.Entry<String, List<String>> header : event.getMultiValueHeaders().entrySet()) {
                if (header.getKey().equalsIgnoreCase(name) && !header.getValue().isEmpty()) {
                    return header.getValue().get(0);
                }
            }
        }
        return null;
    }
}
