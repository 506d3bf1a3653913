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
                "partnerAccounts", "111122223333,444455556666", "domainName", "events.example.com",
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
    void contextNumbersAndBooleansAsFromCdkJson() {
        StackSettings settings = StackSettings.fromContext(app(Map.of(
                "partnerSourceLimit", 7, "memorySize", 512, "apiGatewayCloudWatchRole", true)).getNode());
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
