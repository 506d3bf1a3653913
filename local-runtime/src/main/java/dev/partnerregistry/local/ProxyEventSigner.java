package dev.partnerregistry.local;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import dev.partnerregistry.auth.SignatureVerifier;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;

/**
 * Signs a recorded proxy event now, as its client would have: a signature is only good for 15
 * minutes, so an event file cannot carry one. {@code make invoke} signs an event without an
 * {@code Authorization} header with the key its {@code requestContext.identity.accessKey} names (from
 * the local config), over the headers a client signs, the path as sent and the body, with the AWS
 * SDK's own signer. An event that carries an {@code Authorization} header is left as it is.
 */
final class ProxyEventSigner {

    /** Added by API Gateway or proxies on the way, so never signed by the client; and Host, which the signer takes from the URI. */
    private static final Set<String> UNSIGNED = Set.of("user-agent", "x-amzn-trace-id", "x-forwarded-for", "x-forwarded-port",
            "x-forwarded-proto", "via", "cloudfront-viewer-country", "authorization", "host");

    private ProxyEventSigner() {
    }

    static boolean isSigned(APIGatewayProxyRequestEvent event) {
        return headers(event).keySet().stream().anyMatch(name -> name.equalsIgnoreCase("Authorization"));
    }

    /** The event's access key id ({@code requestContext.identity.accessKey}), or null. */
    static String accessKeyOf(APIGatewayProxyRequestEvent event) {
        return event.getRequestContext() == null || event.getRequestContext().getIdentity() == null
                ? null : event.getRequestContext().getIdentity().getAccessKey();
    }

    static APIGatewayProxyRequestEvent sign(APIGatewayProxyRequestEvent event, String accessKeyId, String secret, String region, Clock clock) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        headers(event).forEach((name, values) -> {
            if (!name.equalsIgnoreCase("X-Amz-Date")) {
                headers.put(name, values);
            }
        });
        String path = event.getRequestContext() != null && event.getRequestContext().getPath() != null
                ? event.getRequestContext().getPath() : event.getPath();
        SdkHttpFullRequest.Builder request = SdkHttpFullRequest.builder()
                .method(SdkHttpMethod.fromValue(event.getHttpMethod()))
                .protocol("https").host(first(headers, "Host")).encodedPath(path);
        headers.forEach((name, values) -> {
            if (!UNSIGNED.contains(name.toLowerCase(Locale.ROOT))) {
                request.putHeader(name, values);
            }
        });
        byte[] body = event.getBody() == null ? new byte[0] : Boolean.TRUE.equals(event.getIsBase64Encoded())
                ? Base64.getDecoder().decode(event.getBody()) : event.getBody().getBytes(StandardCharsets.UTF_8);
        var signed = AwsV4HttpSigner.create().sign(r -> r
                .identity(AwsBasicCredentials.create(accessKeyId, secret))
                .request(request.build())
                .payload(ContentStreamProvider.fromByteArray(body))
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, SignatureVerifier.SERVICE)
                .putProperty(AwsV4HttpSigner.REGION_NAME, region)
                .putProperty(HttpSigner.SIGNING_CLOCK, clock));
        // Whatever the signer added (X-Amz-Date, X-Amz-Content-Sha256, Authorization) travels with the request, as a client sends it.
        Map<String, List<String>> multiValue = new LinkedHashMap<>(headers);
        signed.request().headers().forEach((name, values) -> {
            if (!name.equalsIgnoreCase("Host") && headers.keySet().stream().noneMatch(name::equalsIgnoreCase)) {
                multiValue.put(name, values);
            }
        });
        Map<String, String> single = new LinkedHashMap<>();
        multiValue.forEach((name, values) -> single.put(name, values.get(values.size() - 1)));
        return event.withHeaders(single).withMultiValueHeaders(multiValue);
    }

    private static Map<String, List<String>> headers(APIGatewayProxyRequestEvent event) {
        if (event.getMultiValueHeaders() != null) {
            return event.getMultiValueHeaders();
        }
        Map<String, List<String>> headers = new LinkedHashMap<>();
        if (event.getHeaders() != null) {
            event.getHeaders().forEach((name, value) -> headers.put(name, new ArrayList<>(List.of(value))));
        }
        return headers;
    }

    private static String first(Map<String, List<String>> headers, String name) {
        for (Map.Entry<String, List<String>> header : headers.entrySet()) {
            if (header.getKey().equalsIgnoreCase(name) && !header.getValue().isEmpty()) {
                return header.getValue().get(0);
            }
        }
        throw new IllegalArgumentException("the event has no " + name + " header to sign");
    }
}
