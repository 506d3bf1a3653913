package dev.partnerregistry.wire;

// The snippet of docs/deploy.md, "Calling the deployed API", verbatim; ExecuteApiSigningTest keeps the two equal.
import java.net.URI;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.http.auth.aws.scheme.AwsV4AuthScheme;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.auth.scheme.EventBridgeAuthSchemeProvider;

/** An EventBridge client for the Partner Registry: SigV4 for execute-api, against the stage URL. */
public final class ExecuteApiClients {

    private ExecuteApiClients() {
    }

    /**
     * @param stageUrl    the ApiEndpoint output, e.g. https://abc123.execute-api.eu-west-1.amazonaws.com/v1
     * @param region      the API's region (part of the signature's scope)
     * @param credentials a principal allowed execute-api:Invoke on the method
     */
    public static EventBridgeClient eventBridge(URI stageUrl, Region region, AwsCredentialsProvider credentials) {
        EventBridgeAuthSchemeProvider defaults = EventBridgeAuthSchemeProvider.defaultProvider();
        // Keep the SDK's SigV4 option (drop SigV4a, used only for EventBridge global endpoints)
        // and change the service it signs for.
        EventBridgeAuthSchemeProvider executeApi = params -> defaults.resolveAuthScheme(params).stream()
                .filter(option -> AwsV4AuthScheme.SCHEME_ID.equals(option.schemeId()))
                .map(option -> option.toBuilder()
                        .putSignerProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "execute-api")
                        .build())
                .toList();
        return EventBridgeClient.builder()
                .endpointOverride(stageUrl)
                .region(region)
                .credentialsProvider(credentials)
                .authSchemeProvider(executeApi)
                .build();
    }
}
