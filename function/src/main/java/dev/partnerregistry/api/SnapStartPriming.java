package dev.partnerregistry.api;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import dev.partnerregistry.auth.SigV4;
import dev.partnerregistry.auth.SignatureVerifier;
import dev.partnerregistry.auth.SignedRequest;
import dev.partnerregistry.domain.RegistryException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import org.crac.Context;
import org.crac.Core;
import org.crac.Resource;

/**
 * Before SnapStart takes its snapshot, runs a create, a describe and a PutPartnerEvents through the whole path (JSON,
 * protocol, validation, the DynamoDB client's TransactWriteItems and TransactGetItems, signing, HTTP) so that a
 * restored instance does not load and link those classes on its first real request. Both come from
 * an anonymous caller, whom no registration can name: the transaction is cancelled, nothing is
 * written, and both end in AccessDenied.
 */
public final class SnapStartPriming implements Resource {

    static final String PRIMING_SOURCE = "aws.partner/snapstart-priming/never/registered";
    private static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    private final PartnerRegistryHandler handler;

    private SnapStartPriming(PartnerRegistryHandler handler) {
        this.handler = handler;
    }

    /** Lambda names how it initializes an environment; SnapStart's is the only one that snapshots. */
    static boolean isSnapStart(Map<String, String> env) {
        return "snap-start".equals(env.get("AWS_LAMBDA_INITIALIZATION_TYPE"));
    }

    /** Registers the hook; the returned object must stay referenced, as the CRaC context holds it weakly. */
    static SnapStartPriming register(PartnerRegistryHandler handler) {
        SnapStartPriming priming = new SnapStartPriming(handler);
        Core.getGlobalContext().register(priming);
        return priming;
    }

    @Override
    public void beforeCheckpoint(Context<? extends Resource> context) {
        prime(handler);
    }

    @Override
    public void afterRestore(Context<? extends Resource> context) {
        // Nothing to refresh: the SDK re-resolves credentials and opens new connections by itself.
    }

    /**
     * Harmless requests through the whole path; also what the cold-start benchmark's primed mode runs.
     * The signature path is primed with a key id that is never issued (its lookup finds nothing and
     * decrypts nothing) and with the signing arithmetic on a throw-away key: no secret is read before
     * the snapshot.
     */
    public static void prime(PartnerRegistryHandler handler) {
        // Not traffic: its lines would count two AccessDenied requests per published version.
        PartnerRegistryHandler unlogged = handler.unlogged();
        unlogged.handleRequest(request("CreatePartnerEventSource",
                "{\"Name\":\"" + PRIMING_SOURCE + "\",\"Account\":\"000000000000\"}"), null);
        unlogged.handleRequest(request("DescribePartnerEventSource", "{\"Name\":\"" + PRIMING_SOURCE + "\"}"), null);
        // Its one entry is AccessDenied (no registration names the anonymous caller): nothing is queued.
        unlogged.handleRequest(request("PutPartnerEvents", "{\"Entries\":[{\"Source\":\"" + PRIMING_SOURCE
                + "\",\"DetailType\":\"priming\",\"Detail\":\"{}\"}]}"), null);
        if (handler.verifier() != null) {
            SigV4.signature(SigV4.signingKey("priming-not-a-secret", "20260101", "us-east-1", SignatureVerifier.SERVICE), "priming");
            try {
                handler.verifier().verify(keyLookupRequest(handler.verifier().region()));
            } catch (RegistryException expected) {
                // UnrecognizedClient: the id is not one the operator command could ever issue (lower case).
            }
        }
    }

    /** Well-formed, current and in scope, so that the verifier gets as far as looking its key up. */
    private static SignedRequest keyLookupRequest(String region) {
        String now = AMZ_DATE.format(Instant.now());
        String authorization = SigV4.ALGORITHM + " Credential=priming-not-a-key/" + now.substring(0, 8) + "/" + region + "/"
                + SignatureVerifier.SERVICE + "/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=00";
        return new SignedRequest("POST", "/", Map.of(), Map.of(
                "Authorization", List.of(authorization),
                "Content-Type", List.of(AwsJsonProtocol.CONTENT_TYPE),
                "Host", List.of("priming"),
                "X-Amz-Date", List.of(now),
                "X-Amz-Target", List.of(AwsJsonProtocol.TARGET_PREFIX + "DescribePartnerEventSource")), new byte[0], "priming");
    }

    private static APIGatewayProxyRequestEvent request(String operation, String body) {
        return new APIGatewayProxyRequestEvent()
                .withHttpMethod("POST").withPath("/").withResource("/")
                .withHeaders(Map.of("X-Amz-Target", AwsJsonProtocol.TARGET_PREFIX + operation,
                        "Content-Type", AwsJsonProtocol.CONTENT_TYPE))
                .withBody(body);
    }
}
