package dev.partnerregistry.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;
import software.amazon.awscdk.services.apigateway.EndpointType;
import software.amazon.awscdk.services.logs.RetentionDays;

class StackSettingsTest {

    @Test
    void defaults() {
        StackSettings settings = StackSettings.fromContext(new App().getNode());
        assertEquals("v1", settings.stageName());
        assertEquals(100, settings.partnerSourceLimit());
        assertEquals(1024, settings.memorySize());
        assertEquals(EndpointType.REGIONAL, settings.endpointType());
        assertNull(settings.vpcEndpointId());
        assertEquals(100, settings.throttlingRateLimit());
        assertEquals(200, settings.throttlingBurstLimit());
        assertEquals(RetentionDays.ONE_MONTH, settings.logRetention());
        assertNull(settings.alarmTopicArn());
        assertFalse(settings.apiGatewayCloudWatchRole(), "a per-region singleton: never repointed unless asked");
        assertFalse(settings.samLocal());
        assertEquals(AuthMode.REGISTRY_KEYS, settings.authMode());
        assertEquals(60, settings.accessKeyCacheSeconds());
        assertEquals(7, settings.sourceExpirationDays());
        assertEquals(5, settings.sweepIntervalMinutes());
        assertFalse(settings.accountIndexOnly(), "both indexes and the sweep unless an upgrade asks otherwise");
        assertEquals(settings, StackSettings.defaults());
    }

    @Test
    void contextStringsAsFromTheCommandLine() {
        StackSettings settings = StackSettings.fromContext(app(Map.of(
                "stageName", "v2", "partnerSourceLimit", "250", "memorySize", "2048",
                "endpointType", "private", "vpcEndpointId", "vpce-0abc", "throttlingRateLimit", "10",
                "throttlingBurstLimit", "20", "logRetention", "one_year", "apiGatewayCloudWatchRole", "true",
                "samLocal", "true")).getNode());
        assertEquals("v2", settings.stageName());
        assertEquals(250, settings.partnerSourceLimit());
        assertEquals(2048, settings.memorySize());
        assertEquals(EndpointType.PRIVATE, settings.endpointType());
        assertEquals("vpce-0abc", settings.vpcEndpointId());
        assertEquals(10, settings.throttlingRateLimit());
        assertEquals(20, settings.throttlingBurstLimit());
        assertEquals(RetentionDays.ONE_YEAR, settings.logRetention());
        assertTrue(settings.apiGatewayCloudWatchRole());
        assertTrue(settings.samLocal());
    }

    @Test
    void partnerAccountsAndACustomDomainFromContext() {
        StackSettings settings = StackSettings.fromContext(app(Map.of(
                "authMode", "aws-iam", "partnerAccounts", "111122223333,444455556666", "domainName", "events.example.com",
                "certificateArn", "arn:aws:acm:us-east-1:123456789012:certificate/x")).getNode());
        assertEquals(java.util.List.of("111122223333", "444455556666"), settings.partnerAccounts());
        assertEquals("events.example.com", settings.domainName());
    }

    @Test
    void aCustomDomainNeedsItsCertificateAndARegionalApiAndAccountsAreTwelveDigits() {
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> StackSettings.builder().domainName("events.example.com").build());
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> StackSettings.builder()
                .endpointType(software.amazon.awscdk.services.apigateway.EndpointType.PRIVATE).vpcEndpointId("vpce-0abc")
                .domainName("events.example.com").certificateArn("arn:aws:acm:us-east-1:123456789012:certificate/x").build());
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> StackSettings.builder().partnerAccounts(java.util.List.of("1234")).build());
    }

    @Test
    void authModeAndAccessKeyCacheFromContext() {
        StackSettings settings = StackSettings.fromContext(app(Map.of("authMode", " aws-iam ", "accessKeyCacheSeconds", "300")).getNode());
        assertEquals(AuthMode.AWS_IAM, settings.authMode());
        assertEquals(300, settings.accessKeyCacheSeconds());
        assertEquals(AuthMode.REGISTRY_KEYS, StackSettings.fromContext(app(Map.of("authMode", "registry-keys")).getNode()).authMode());
    }

    @Test
    void anUnknownAuthModeIsRefusedNamingTheChoices() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> StackSettings.fromContext(app(Map.of("authMode", "AWS_IAM")).getNode()));
        assertEquals("authMode must be one of registry-keys, aws-iam, was 'AWS_IAM'", e.getMessage());
    }

    @Test
    void theAccessKeyCacheLastsOneSecondToFifteenMinutes() {
        assertEquals(1, StackSettings.builder().accessKeyCacheSeconds(1).build().accessKeyCacheSeconds());
        assertEquals(900, StackSettings.builder().accessKeyCacheSeconds(900).build().accessKeyCacheSeconds());
        IllegalArgumentException zero = assertThrows(IllegalArgumentException.class,
                () -> StackSettings.builder().accessKeyCacheSeconds(0).build());
        assertEquals("accessKeyCacheSeconds must be 1..900, was 0", zero.getMessage());
        assertThrows(IllegalArgumentException.class, () -> StackSettings.builder().accessKeyCacheSeconds(901).build());
        IllegalArgumentException words = assertThrows(IllegalArgumentException.class,
                () -> StackSettings.fromContext(app(Map.of("accessKeyCacheSeconds", "a minute")).getNode()));
        assertTrue(words.getMessage().contains("accessKeyCacheSeconds"), words.getMessage());
    }

    @Test
    void sourceExpiryAndTheSweepIntervalFromContext() {
        StackSettings settings = StackSettings.fromContext(app(Map.of(
                "sourceExpirationDays", "30", "sweepIntervalMinutes", 15, "accountIndexOnly", "true")).getNode());
        assertEquals(30, settings.sourceExpirationDays());
        assertEquals(15, settings.sweepIntervalMinutes());
        assertTrue(settings.accountIndexOnly());
        assertEquals(settings, settings.toBuilder().build(), "toBuilder carries the new settings too");
    }

    @Test
    void aSourceMayStayPendingOneDayToAYear() {
        assertEquals(1, StackSettings.builder().sourceExpirationDays(1).build().sourceExpirationDays());
        assertEquals(365, StackSettings.builder().sourceExpirationDays(365).build().sourceExpirationDays());
        IllegalArgumentException zero = assertThrows(IllegalArgumentException.class,
                () -> StackSettings.builder().sourceExpirationDays(0).build());
        assertEquals("sourceExpirationDays must be 1..365, was 0", zero.getMessage());
        assertThrows(IllegalArgumentException.class, () -> StackSettings.builder().sourceExpirationDays(366).build());
    }

    @Test
    void theSweepRunsEveryMinuteToEveryHour() {
        assertEquals(1, StackSettings.builder().sweepIntervalMinutes(1).build().sweepIntervalMinutes());
        assertEquals(60, StackSettings.builder().sweepIntervalMinutes(60).build().sweepIntervalMinutes());
        IllegalArgumentException zero = assertThrows(IllegalArgumentException.class,
                () -> StackSettings.builder().sweepIntervalMinutes(0).build());
        assertEquals("sweepIntervalMinutes must be 1..60, was 0", zero.getMessage());
        assertThrows(IllegalArgumentException.class, () -> StackSettings.builder().sweepIntervalMinutes(61).build());
        IllegalArgumentException words = assertThrows(IllegalArgumentException.class,
                () -> StackSettings.fromContext(app(Map.of("sweepIntervalMinutes", "5m")).getNode()));
        assertTrue(words.getMessage().contains("sweepIntervalMinutes"), words.getMessage());
    }

    @Test
    void deliveryRunsTenForwardersAtOnceUnlessTold() {
        assertEquals(10, StackSettings.defaults().deliveryMaxConcurrency());
        StackSettings settings = StackSettings.fromContext(app(Map.of("deliveryMaxConcurrency", "25")).getNode());
        assertEquals(25, settings.deliveryMaxConcurrency());
        assertEquals(settings, settings.toBuilder().build(), "toBuilder carries it too");
    }

    @Test
    void theForwardersConcurrencyIsWithinLambdasBoundsForAnSqsEventSource() {
        assertEquals(2, StackSettings.builder().deliveryMaxConcurrency(2).build().deliveryMaxConcurrency());
        assertEquals(1000, StackSettings.builder().deliveryMaxConcurrency(1000).build().deliveryMaxConcurrency());
        IllegalArgumentException one = assertThrows(IllegalArgumentException.class,
                () -> StackSettings.builder().deliveryMaxConcurrency(1).build());
        assertEquals("deliveryMaxConcurrency must be 2..1000, was 1", one.getMessage());
        assertThrows(IllegalArgumentException.class, () -> StackSettings.builder().deliveryMaxConcurrency(1001).build());
    }

    @Test
    void partnerAccountsAreRefusedWithRegistryKeysBecauseTheyWouldAdmitNobody() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> StackSettings.fromContext(app(Map.of("partnerAccounts", "111122223333")).getNode()));
        assertTrue(e.getMessage().startsWith("partnerAccounts applies only to authMode=aws-iam"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> StackSettings.builder()
                .authMode(AuthMode.REGISTRY_KEYS).partnerAccounts(java.util.List.of("111122223333")).build());
    }

    @Test
    void partnerAccountsAreAcceptedWithAwsIam() {
        StackSettings settings = StackSettings.builder()
                .authMode(AuthMode.AWS_IAM).partnerAccounts(java.util.List.of("111122223333")).build();
        assertEquals(java.util.List.of("111122223333"), settings.partnerAccounts());
    }

    @Test
    void contextNumbersAndBooleansAsFromCdkJson() {
        StackSettings settings = StackSettings.fromContext(app(Map.of(
                "partnerSourceLimit", 7, "memorySize", 512, "apiGatewayCloudWatchRole", true, "accessKeyCacheSeconds", 120)).getNode());
        assertEquals(120, settings.accessKeyCacheSeconds());
        assertEquals(7, settings.partnerSourceLimit());
        assertEquals(512, settings.memorySize());
        assertTrue(settings.apiGatewayCloudWatchRole());
    }

    @Test
    void privateNeedsAVpcEndpointAndRegionalRefusesOne() {
        assertThrows(IllegalArgumentException.class,
                () -> StackSettings.builder().endpointType(EndpointType.PRIVATE).build());
        assertThrows(IllegalArgumentException.class,
                () -> StackSettings.builder().endpointType(EndpointType.PRIVATE).vpcEndpointId("not-an-id").build());
        assertThrows(IllegalArgumentException.class,
                () -> StackSettings.builder().vpcEndpointId("vpce-0abc").build());
        assertThrows(IllegalArgumentException.class,
                () -> StackSettings.builder().endpointType(EndpointType.EDGE).build());
    }

    @Test
    void badValuesAreRefusedWithTheKeyNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> StackSettings.fromContext(app(Map.of("memorySize", "lots")).getNode()));
        assertTrue(e.getMessage().contains("memorySize"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> StackSettings.builder().memorySize(64).build());
        assertThrows(IllegalArgumentException.class, () -> StackSettings.builder().stageName("v 1").build());
        assertThrows(IllegalArgumentException.class, () -> StackSettings.builder().partnerSourceLimit(-1).build());
        assertThrows(IllegalArgumentException.class, () -> StackSettings.builder().throttlingRateLimit(0).build());
    }

    private static App app(Map<String, Object> context) {
        return App.Builder.create().context(context).build();
    }
}
