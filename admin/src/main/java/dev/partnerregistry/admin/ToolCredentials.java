package dev.partnerregistry.admin;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/** The credentials the tools (operator command, local runtime) call DynamoDB with; the function has its own. */
public final class ToolCredentials {

    private ToolCredentials() {
    }

    /**
     * Credentials for the operator command and the local runtime: a local engine takes any key, so
     * a dummy one; a real endpoint gets the caller's own through the default chain.
     */
    public static AwsCredentialsProvider forEndpoint(URI endpoint) {
        if (isLocalEngine(endpoint)) {
            return StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local"));
        }
        return DefaultCredentialsProvider.builder().build();
    }

    /** DynamoDB itself is only reachable over https; plain http or a loopback host is an emulator. */
    static boolean isLocalEngine(URI endpoint) {
        if (endpoint == null) {
            return false;
        }
        if ("http".equalsIgnoreCase(endpoint.getScheme())) {
            return true;
        }
        String host = endpoint.getHost();
        if (host == null) {
            return false;
        }
        if (host.equals("localhost") || host.endsWith(".localhost")) {
            return true;
        }
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
