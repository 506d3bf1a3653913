import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;

/**
 * The benchmarks' CreatePartnerEventSource event, as API Gateway passes it to the function in the
 * stack's mode: with AUTH_MODE=aws-iam, the caller named in requestContext.identity (API Gateway
 * verified it); otherwise (registry-keys, the default) signed now with the key in BENCH_ACCESS_KEY_ID /
 * BENCH_SECRET_ACCESS_KEY, which engine.sh's bench_issue_key put in the table, so the function
 * verifies it, reading and decrypting the key on its first request.
 */
final class BenchEvents {

    static final String HOST = "bench.execute-api.us-east-1.amazonaws.com";

    private BenchEvents() {
    }

    static APIGatewayProxyRequestEvent create() {
        String body = "{\"Name\":\"aws.partner/example.com/bench/" + UUID.randomUUID() + "\",\"Account\":\"123456789012\"}";
        APIGatewayProxyRequestEvent.ProxyRequestContext context = new APIGatewayProxyRequestEvent.ProxyRequestContext()
                .withRequestId(UUID.randomUUID().toString()).withPath("/v1/").withDomainName(HOST);
        APIGatewayProxyRequestEvent event = new APIGatewayProxyRequestEvent()
                .withHttpMethod("POST").withPath("/").withResource("/").withRequestContext(context).withBody(body);
        Map<String, String> headers = new LinkedHashMap<>(Map.of("X-Amz-Target", "AWSEvents.CreatePartnerEventSource",
                "Content-Type", "application/x-amz-json-1.1", "Host", HOST));
        if ("aws-iam".equals(System.getenv("AUTH_MODE"))) {
            context.withIdentity(new APIGatewayProxyRequestEvent.RequestIdentity().withUserArn("arn:aws:iam::123456789012:user/example-partner"));
            return event.withHeaders(headers);
        }
        sign(headers, body.getBytes(StandardCharsets.UTF_8), System.getenv("BENCH_ACCESS_KEY_ID"), System.getenv("BENCH_SECRET_ACCESS_KEY"));
        Map<String, List<String>> multi = new LinkedHashMap<>();
        headers.forEach((name, value) -> multi.put(name, List.of(value)));
        return event.withHeaders(headers).withMultiValueHeaders(multi);
    }

    /** Adds to {@code headers} (Host among them) what the SDK's SigV4 signer adds for a POST of {@code body} to {@value #HOST}/v1/. */
    static void sign(Map<String, String> headers, byte[] body, String keyId, String secret) {
        SdkHttpFullRequest.Builder request = SdkHttpFullRequest.builder().method(SdkHttpMethod.POST).protocol("https").host(HOST)
                .encodedPath("/v1/");
        headers.forEach((name, value) -> {
            if (!name.equals("Host")) {
                request.putHeader(name, value);
            }
        });
        var signed = AwsV4HttpSigner.create().sign(r -> r
                .identity(AwsBasicCredentials.create(keyId, secret))
                .request(request.build())
                .payload(ContentStreamProvider.fromByteArray(body))
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "events")
                .putProperty(AwsV4HttpSigner.REGION_NAME, "us-east-1"));
        signed.request().headers().forEach((name, values) -> headers.putIfAbsent(name, values.get(0)));
    }
}
