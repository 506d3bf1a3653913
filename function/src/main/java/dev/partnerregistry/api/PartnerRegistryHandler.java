package dev.partnerregistry.api;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import dev.partnerregistry.RegistryAssembly;
import dev.partnerregistry.auth.RequestHeaders;
import dev.partnerregistry.auth.SignatureVerifier;
import dev.partnerregistry.auth.SignedRequest;
import dev.partnerregistry.domain.Caller;
import dev.partnerregistry.domain.RegistryException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The Lambda entry point behind API Gateway's {@code POST /} proxy integration. It only
 * translates: the proxy event in, the protocol and domain in between, the proxy response out.
 * Who is calling comes, in the registry-keys mode, from the request's SigV4 signature, verified by
 * the {@link SignatureVerifier} over what the client sent; in the aws-iam mode, from the identity
 * API Gateway's AWS_IAM authorization has put in the event.
 */
public final class PartnerRegistryHandler implements RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> {

    private final AwsJsonProtocol protocol;
    /** Null in the aws-iam mode. */
    private final SignatureVerifier verifier;
    /** Held only to keep the CRaC registration alive (the context references it weakly). */
    private final SnapStartPriming priming;
    /** Which web console origin may read the answers (CONSOLE_ORIGIN); none by default. */
    private final ConsoleCors cors;

    /**
     * Lambda's constructor: everything is assembled once, at init, and under SnapStart the request
     * path is primed before the snapshot. Only then: the CRaC registration builds a dynamic proxy,
     * which an on-demand cold start would pay for nothing.
     */
    public PartnerRegistryHandler() {
        this(RegistryAssembly.lambda(System.getenv()), SnapStartPriming.isSnapStart(System.getenv()));
    }

    private PartnerRegistryHandler(RegistryAssembly.Function function, boolean snapStart) {
        this.protocol = function.protocol();
        this.verifier = function.verifier();
        this.cors = ConsoleCors.of(function.settings());
        this.priming = snapStart ? SnapStartPriming.register(this) : null;
    }

    /** The aws-iam mode, for the local runtime and tests: API Gateway has authenticated the caller named in the event. */
    public PartnerRegistryHandler(AwsJsonProtocol protocol) {
        this(protocol, null);
    }

    /** The registry-keys mode (or, with a null verifier, the aws-iam mode), for the local runtime and tests. */
    public PartnerRegistryHandler(AwsJsonProtocol protocol, SignatureVerifier verifier) {
        this(protocol, verifier, ConsoleCors.none());
    }

    private PartnerRegistryHandler(AwsJsonProtocol protocol, SignatureVerifier verifier, ConsoleCors cors) {
        this.protocol = protocol;
        this.verifier = verifier;
        this.cors = cors;
        this.priming = null;
    }

    /** This handler, its answers readable by the web console at {@code cors}'s origin (the local runtime's CONSOLE_ORIGIN). */
    public PartnerRegistryHandler withConsoleCors(ConsoleCors cors) {
        return new PartnerRegistryHandler(protocol, verifier, cors);
    }

    /** The domain path with a request log that writes nowhere and an anonymous caller: priming, not traffic. */
    PartnerRegistryHandler unlogged() {
        return new PartnerRegistryHandler(protocol.unlogged(), null);
    }

    SignatureVerifier verifier() {
        return verifier;
    }

    @Override
    public APIGatewayProxyResponseEvent handleRequest(APIGatewayProxyRequestEvent input, Context context) {
        APIGatewayProxyRequestEvent event = input == null ? new APIGatewayProxyRequestEvent() : input;
        Body body = new Body(event);
        EventHeaders eventHeaders = new EventHeaders(event);
        ApiRequest.Authentication authentication = verifier == null
                ? () -> identityOf(event)
                : () -> verifier.verify(signedRequestOf(event, eventHeaders.signed(), body.bytes()));
        ApiResponse response = protocol.handle(new ApiRequest(eventHeaders.first("x-amz-target"), eventHeaders.first("content-type"),
                body::bytes, authentication, requestIdOf(event), eventHeaders.first(AwsJsonProtocol.CALL_ID_HEADER)));
        Map<String, String> headers = response.headers();
        // No console, no CORS headers, whatever the Origin: not looked for.
        Map<String, String> corsHeaders = cors.origin() == null ? Map.of() : cors.answerHeaders(eventHeaders.first("origin"));
        if (!corsHeaders.isEmpty()) {
            headers = new LinkedHashMap<>(headers);
            headers.putAll(corsHeaders);
        }
        return new APIGatewayProxyResponseEvent()
                .withStatusCode(response.statusCode())
                .withHeaders(headers)
                .withBody(response.body())
                .withIsBase64Encoded(false);
    }

    /** The aws-iam mode: API Gateway's AWS_IAM authorization has already verified the caller and names it here. */
    private static Caller identityOf(APIGatewayProxyRequestEvent event) {
        APIGatewayProxyRequestEvent.ProxyRequestContext context = event.getRequestContext();
        if (context == null || context.getIdentity() == null) {
            return Caller.anonymous();
        }
        return new Caller(context.getIdentity().getUserArn());
    }

    /**
     * The request as the client signed it. The path is API Gateway's {@code requestContext.path}, which
     * keeps the stage prefix the client sent ({@code /v1/}) where the event's {@code path} drops it;
     * the Host is checked against {@code requestContext.domainName}, the name the request reached.
     */
    static SignedRequest signedRequestOf(APIGatewayProxyRequestEvent event, RequestHeaders headers, byte[] body) {
        APIGatewayProxyRequestEvent.ProxyRequestContext context = event.getRequestContext();
        String path = context != null && context.getPath() != null ? context.getPath() : event.getPath();
        String method = event.getHttpMethod() != null ? event.getHttpMethod() : context != null ? context.getHttpMethod() : null;
        Map<String, List<String>> query = event.getMultiValueQueryStringParameters();
        if (query == null && event.getQueryStringParameters() != null) {
            query = new LinkedHashMap<>();
            for (Map.Entry<String, String> parameter : event.getQueryStringParameters().entrySet()) {
                query.put(parameter.getKey(), List.of(parameter.getValue() == null ? "" : parameter.getValue()));
            }
        }
        return new SignedRequest(method == null ? "" : method, path, query, headers, body,
                context == null ? null : context.getDomainName());
    }

    private static String requestIdOf(APIGatewayProxyRequestEvent event) {
        APIGatewayProxyRequestEvent.ProxyRequestContext context = event.getRequestContext();
        if (context != null && context.getRequestId() != null && !context.getRequestId().isEmpty()) {
            return context.getRequestId();
        }
        return UUID.randomUUID().toString();
    }

    /**
     * The body's bytes, decoded once on first use. The stack declares every media type binary, so
     * API Gateway passes the body base64-encoded and byte for byte as sent: the bytes the signature covers.
     */
    private static final class Body {
        private final APIGatewayProxyRequestEvent event;
        private byte[] bytes;

        Body(APIGatewayProxyRequestEvent event) {
            this.event = event;
        }

        byte[] bytes() {
            if (bytes == null) {
                bytes = decode(event);
            }
            return bytes;
        }

        private static byte[] decode(APIGatewayProxyRequestEvent event) {
            String body = event.getBody();
            if (body == null) {
                return new byte[0];
            }
            if (!Boolean.TRUE.equals(event.getIsBase64Encoded())) {
                return body.getBytes(StandardCharsets.UTF_8);
            }
            // Four base64 characters carry three bytes: refuse what must decode too large before decoding it.
            if (body.length() / 4 * 3 > JsonBodies.MAX_BODY_BYTES + 3) {
                throw JsonBodies.tooLarge();
            }
            try {
                return Base64.getDecoder().decode(body);
            } catch (IllegalArgumentException notBase64) {
                throw new RegistryException.Serialization("The request body is not valid base64.");
            }
        }
    }

    /**
     * The event's headers, each of its maps read once, by lower-case name (API Gateway passes names as the
     * client sent them). What the handler reads comes from the single-value map, or failing a name there
     * the multi-value one; the signature covers the multi-value map's values where there is one (every
     * value of a repeated header), the single-value map's otherwise.
     */
    private static final class EventHeaders {
        private final APIGatewayProxyRequestEvent event;
        private final RequestHeaders single;
        private RequestHeaders multi;

        EventHeaders(APIGatewayProxyRequestEvent event) {
            this.event = event;
            this.single = event.getHeaders() == null ? null : RequestHeaders.fromSingleValue(event.getHeaders());
        }

        /** The value of {@code lowerCaseName}: from the single-value map even if null there, else the multi-value map's first. */
        String first(String lowerCaseName) {
            if (single != null && single.containsKey(lowerCaseName)) {
                return single.first(lowerCaseName);
            }
            RequestHeaders multiValue = multi();
            return multiValue == null ? null : multiValue.first(lowerCaseName);
        }

        RequestHeaders signed() {
            RequestHeaders multiValue = multi();
            return multiValue != null ? multiValue : single != null ? single : RequestHeaders.EMPTY;
        }

        private RequestHeaders multi() {
            if (multi == null && event.getMultiValueHeaders() != null) {
                multi = RequestHeaders.fromMultiValue(event.getMultiValueHeaders());
            }
            return multi;
        }
    }
}
