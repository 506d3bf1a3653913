package dev.partnerregistry.api;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import dev.partnerregistry.RegistryAssembly;
import dev.partnerregistry.domain.Caller;
import dev.partnerregistry.domain.RegistryException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The Lambda entry point behind API Gateway's {@code POST /} proxy integration. It only
 * translates: the proxy event in, the protocol and domain in between, the proxy response out.
 */
public final class PartnerRegistryHandler implements RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> {

    private final AwsJsonProtocol protocol;
    /** Held only to keep the CRaC registration alive (the context references it weakly). */
    private final SnapStartPriming priming;

    /**
     * Lambda's constructor: everything is assembled once, at init, and under SnapStart the request
     * path is primed before the snapshot. Only then: the CRaC registration builds a dynamic proxy,
     * which an on-demand cold start would pay for nothing.
     */
    public PartnerRegistryHandler() {
        this.protocol = RegistryAssembly.lambda(System.getenv());
        this.priming = SnapStartPriming.isSnapStart(System.getenv()) ? SnapStartPriming.register(this) : null;
    }

    /** For the local runtime and tests: a protocol assembled elsewhere, no SnapStart hook. */
    public PartnerRegistryHandler(AwsJsonProtocol protocol) {
        this.protocol = protocol;
        this.priming = null;
    }

    /** This handler's path with a request log that writes nowhere, so that priming is not counted as traffic. */
    PartnerRegistryHandler unlogged() {
        return new PartnerRegistryHandler(protocol.unlogged());
    }

    @Override
    public APIGatewayProxyResponseEvent handleRequest(APIGatewayProxyRequestEvent input, Context context) {
        APIGatewayProxyRequestEvent event = input == null ? new APIGatewayProxyRequestEvent() : input;
        ApiResponse response = protocol.handle(new ApiRequest(header(event, "X-Amz-Target"), header(event, "Content-Type"),
                () -> body(event), callerOf(event), requestIdOf(event), header(event, AwsJsonProtocol.CALL_ID_HEADER)));
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
            // Four base64 characters carry three bytes: refuse what must decode too large before decoding it.
            if (body.length() / 4 * 3 > JsonBodies.MAX_BODY_BYTES + 3) {
                throw JsonBodies.tooLarge();
            }
            try {
                return new String(Base64.getDecoder().decode(body), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException notBase64) {
                throw new RegistryException.Serialization("The request body is not valid base64.");
            }
        }
        return body;
    }

    /** Header names are case-insensitive; API Gateway passes them as the client sent them. */
    private static String header(APIGatewayProxyRequestEvent event, String name) {
        if (event.getHeaders() != null) {
            for (Map.Entry<String, String> header : event.getHeaders().entrySet()) {
                if (name.equalsIgnoreCase(header.getKey())) {
                    return header.getValue();
                }
            }
        }
        if (event.getMultiValueHeaders() != null) {
            for (Map.Entry<String, List<String>> header : event.getMultiValueHeaders().entrySet()) {
                if (name.equalsIgnoreCase(header.getKey()) && header.getValue() != null && !header.getValue().isEmpty()) {
                    return header.getValue().get(0);
                }
            }
        }
        return null;
    }
}
