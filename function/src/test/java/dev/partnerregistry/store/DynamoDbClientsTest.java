package dev.partnerregistry.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.ContainerCredentialsProvider;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/** The credentials an instance signs its AWS calls with, chosen from its environment once at init. */
class DynamoDbClientsTest {

    @Test
    void lambdasEnvironmentCredentialsAreReadOnceFromTheGivenVariables() {
        var provider = DynamoDbClients.lambdaCredentials(Map.of("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY", "secret"));

        assertInstanceOf(StaticCredentialsProvider.class, provider);
        AwsCredentials credentials = provider.resolveCredentials();
        assertEquals("AKIDEXAMPLE", credentials.accessKeyId());
        assertEquals("secret", credentials.secretAccessKey());
    }

    @Test
    void aSessionTokenInTheEnvironmentMakesSessionCredentials() {
        var provider = DynamoDbClients.lambdaCredentials(Map.of("AWS_ACCESS_KEY_ID", "ASIAEXAMPLE", "AWS_SECRET_ACCESS_KEY", "secret",
                "AWS_SESSION_TOKEN", "token"));

        AwsSessionCredentials credentials = assertInstanceOf(AwsSessionCredentials.class, provider.resolveCredentials());
        assertEquals("ASIAEXAMPLE", credentials.accessKeyId());
        assertEquals("token", credentials.sessionToken());
    }

    @Test
    void theVariablesAreTrimmedAndTheAccountIdKeptAsTheSdksOwnProviderReadsThem() {
        var provider = DynamoDbClients.lambdaCredentials(Map.of("AWS_ACCESS_KEY_ID", " AKIDEXAMPLE\n", "AWS_SECRET_ACCESS_KEY", "secret ",
                "AWS_ACCOUNT_ID", "123456789012"));

        AwsCredentials credentials = provider.resolveCredentials();
        assertEquals("AKIDEXAMPLE", credentials.accessKeyId());
        assertEquals("secret", credentials.secretAccessKey());
        assertEquals(Optional.of("123456789012"), credentials.accountId());
    }

    @Test
    void snapStartsContainerEndpointIsPreferredToTheVariables() {
        var provider = DynamoDbClients.lambdaCredentials(Map.of("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://127.0.0.1:9001/credentials",
                "AWS_ACCESS_KEY_ID", "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY", "secret"));

        assertInstanceOf(ContainerCredentialsProvider.class, provider);
    }

    @Test
    void missingVariablesAreLeftToTheSdksProviderWhichNamesThemOnFirstUse() {
        assertInstanceOf(EnvironmentVariableCredentialsProvider.class, DynamoDbClients.lambdaCredentials(Map.of("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")));
        assertInstanceOf(EnvironmentVariableCredentialsProvider.class, DynamoDbClients.lambdaCredentials(Map.of()));
    }
}
