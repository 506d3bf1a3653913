package dev.partnerregistry.wire;

import static dev.partnerregistry.wire.WireFixture.ACCOUNT;
import static dev.partnerregistry.wire.WireFixture.EXAMPLE_KEY;
import static dev.partnerregistry.wire.WireFixture.EXAMPLE_PRINCIPAL;
import static dev.partnerregistry.wire.WireFixture.EXAMPLE_SECRET;
import static dev.partnerregistry.wire.WireFixture.arn;
import static dev.partnerregistry.wire.WireFixture.uniqueName;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.partnerregistry.domain.RegistryOperation;
import dev.partnerregistry.testing.DynamoDbEngine;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.AccessDeniedException;
import software.amazon.awssdk.services.eventbridge.model.DescribePartnerEventSourceResponse;
import software.amazon.awssdk.services.eventbridge.model.EventBridgeException;
import software.amazon.awssdk.services.eventbridge.model.LimitExceededException;
import software.amazon.awssdk.services.eventbridge.model.ListPartnerEventSourceAccountsResponse;
import software.amazon.awssdk.services.eventbridge.model.ListPartnerEventSourcesResponse;
import software.amazon.awssdk.services.eventbridge.model.OperationDisabledException;
import software.amazon.awssdk.services.eventbridge.model.PartnerEventSource;
import software.amazon.awssdk.services.eventbridge.model.PartnerEventSourceAccount;
import software.amazon.awssdk.services.eventbridge.model.ResourceAlreadyExistsException;
import software.amazon.awssdk.services.eventbridge.model.ResourceNotFoundException;

/**
 * The real AWS SDK for Java v2 EventBridge client against the local endpoint (LocalServer + the
 * function + an engine table): every answer arrives as EventBridge's would, successes as typed
 * responses and errors as the SDK's typed exceptions with EventBridge's codes and messages.
 */
@ExtendWith(DynamoDbEngine.class)
class EventBridgeSdkWireTest {

    private static WireFixture fixture;
    private static EventBridgeClient partner;

    @BeforeAll
    static void start(DynamoDbEngine.EngineTable table) {
        fixture = WireFixture.start(table);
        partner = fixture.client(EXAMPLE_KEY, EXAMPLE_SECRET);
    }

    @AfterAll
    static void stop() {
        if (partner != null) {
            partner.close();
        }
        if (fixture != null) {
            fixture.close();
        }
    }

    private static String create(String name) {
        return partner.createPartnerEventSource(r -> r.name(name).account(ACCOUNT)).eventSourceArn();
    }

    @Test
    void createAnswersTheEventSourceArnWithAnEmptyAccountField() {
        String name = uniqueName("example.com", "orders", "shop-42");

        assertEquals("arn:aws:events:us-east-1::event-source/" + name, create(name));
    }

    @Test
    void createOfAnExistingNameThrowsResourceAlreadyExistsException() {
        String name = uniqueName("example.com", "orders", "shop-42");
        create(name);

        ResourceAlreadyExistsException e = assertThrows(ResourceAlreadyExistsException.class,
                () -> partner.createPartnerEventSource(r -> r.name(name).account("210987654321")));
        assertEquals(400, e.statusCode());
        assertEquals("ResourceAlreadyExistsException", e.awsErrorDetails().errorCode());
        assertEquals("Event source " + name + " already exists.", e.awsErrorDetails().errorMessage());
        assertNotNull(e.requestId(), "x-amzn-RequestId reaches the SDK");
    }

    @Test
    void createBeyondThePartnersLimitThrowsLimitExceededException() {
        String name = uniqueName(WireFixture.LIMITED_PARTNER, "orders", "shop-1");

        LimitExceededException e = assertThrows(LimitExceededException.class, () -> create(name));
        assertEquals(400, e.statusCode());
        assertEquals("The partner limited.example has reached its limit of partner event sources.", e.awsErrorDetails().errorMessage());
    }

    @Test
    void createWhileTheOperationIsDisabledInTheRegionThrowsOperationDisabledException() {
        fixture.admin.disable(WireFixture.REGION, RegistryOperation.CREATE_PARTNER_EVENT_SOURCE);
        try {
            OperationDisabledException e = assertThrows(OperationDisabledException.class,
                    () -> create(uniqueName("example.com", "orders", "shop-42")));
            assertEquals(400, e.statusCode());
            assertEquals("The operation you are attempting is not available in this region.", e.awsErrorDetails().errorMessage());
        } finally {
            fixture.admin.enable(WireFixture.REGION, RegistryOperation.CREATE_PARTNER_EVENT_SOURCE);
        }
    }

    @Test
    void createWithAnInvalidNameThrowsValidationExceptionWithEventBridgesMessage() {
        EventBridgeException e = assertThrows(EventBridgeException.class,
                () -> partner.createPartnerEventSource(r -> r.name("aws.partner.TestBus").account(ACCOUNT)));
        assertEquals(400, e.statusCode());
        assertEquals("ValidationException", e.awsErrorDetails().errorCode());
        assertEquals("1 validation error detected: Value 'aws.partner.TestBus' at 'name' failed to satisfy constraint: "
                + "Member must satisfy regular expression pattern: aws\\.partner(/[\\.\\-_A-Za-z0-9]+){2,}", e.awsErrorDetails().errorMessage());
    }

    @Test
    void createForAnotherPartnersNameThrowsAccessDeniedException() {
        String name = uniqueName("other.example", "orders", "shop-7");

        AccessDeniedException e = assertThrows(AccessDeniedException.class, () -> create(name));
        assertEquals(400, e.statusCode());
        assertEquals("User: " + EXAMPLE_PRINCIPAL + " is not authorized to perform: events:CreatePartnerEventSource on resource: "
                + arn(name), e.awsErrorDetails().errorMessage());
    }

    @Test
    void anAccessKeyUnknownToTheCredentialsFileThrowsUnrecognizedClientException() {
        try (EventBridgeClient stranger = fixture.client("AKIAUNKNOWNCALLER0", "whatever")) {
            EventBridgeException e = assertThrows(EventBridgeException.class,
                    () -> stranger.describePartnerEventSource(r -> r.name("aws.partner/example.com/orders/shop-42")));
            assertEquals(400, e.statusCode(), "AWS JSON services answer authentication failures with 400");
            assertEquals("UnrecognizedClientException", e.awsErrorDetails().errorCode());
            assertEquals("The security token included in the request is invalid.", e.awsErrorDetails().errorMessage());
        }
    }

    @Test
    void aWrongSecretThrowsInvalidSignatureException() {
        try (EventBridgeClient forger = fixture.client(EXAMPLE_KEY, "not-the-secret")) {
            EventBridgeException e = assertThrows(EventBridgeException.class,
                    () -> forger.createPartnerEventSource(r -> r.name(uniqueName("example.com", "orders", "shop-42")).account(ACCOUNT)));
            assertEquals(400, e.statusCode(), "AWS JSON services answer authentication failures with 400");
            assertEquals("InvalidSignatureException", e.awsErrorDetails().errorCode());
            assertTrue(e.awsErrorDetails().errorMessage().startsWith("The request signature we calculated does not match the signature "
                    + "you provided. Check your AWS Secret Access Key and signing method."), e.awsErrorDetails().errorMessage());
        }
    }

    @Test
    void describeAnswersTheArnAndName() {
        String name = uniqueName("example.com", "orders", "shop-42");
        create(name);

        DescribePartnerEventSourceResponse source = partner.describePartnerEventSource(r -> r.name(name));
        assertEquals(arn(name), source.arn());
        assertEquals(name, source.name());
    }

    @Test
    void describeOfAnUnknownNameThrowsResourceNotFoundException() {
        String name = uniqueName("example.com", "orders", "shop-404");

        ResourceNotFoundException e = assertThrows(ResourceNotFoundException.class,
                () -> partner.describePartnerEventSource(r -> r.name(name)));
        assertEquals(400, e.statusCode());
        assertEquals("Event source " + name + " does not exist.", e.awsErrorDetails().errorMessage());
    }

    @Test
    void listPagesByLimitAndNextTokenInNameOrder() {
        String namespace = uniqueName("example.com", "paging", "x");
        String prefix = namespace.substring(0, namespace.lastIndexOf('/') + 1);
        create(prefix + "c");
        create(prefix + "a");
        create(prefix + "b");

        ListPartnerEventSourcesResponse first = partner.listPartnerEventSources(r -> r.namePrefix(prefix).limit(2));
        assertEquals(List.of(prefix + "a", prefix + "b"), first.partnerEventSources().stream().map(PartnerEventSource::name).toList());
        assertEquals(arn(prefix + "a"), first.partnerEventSources().get(0).arn());
        assertNotNull(first.nextToken(), "a third source remains");

        ListPartnerEventSourcesResponse second = partner.listPartnerEventSources(r -> r.namePrefix(prefix).limit(2).nextToken(first.nextToken()));
        assertEquals(List.of(prefix + "c"), second.partnerEventSources().stream().map(PartnerEventSource::name).toList());
        assertNull(second.nextToken(), "the last page has no NextToken");
    }

    @Test
    void listAccountsAnswersTheOneAccountPendingSinceTheCreate() {
        String name = uniqueName("example.com", "orders", "shop-42");
        create(name);

        ListPartnerEventSourceAccountsResponse accounts = partner.listPartnerEventSourceAccounts(r -> r.eventSourceName(name));
        assertEquals(1, accounts.partnerEventSourceAccounts().size());
        PartnerEventSourceAccount account = accounts.partnerEventSourceAccounts().get(0);
        assertEquals(ACCOUNT, account.account());
        assertEquals("PENDING", account.stateAsString());
        assertNotNull(account.creationTime());
        assertTrue(Duration.between(account.creationTime(), Instant.now()).abs().compareTo(Duration.ofSeconds(30)) < 0,
                "CreationTime " + account.creationTime() + " is when the source was created");
        assertEquals(account.creationTime().plus(Duration.ofDays(7)), account.expirationTime(), "PENDING: it expires in 7 days");
        assertNull(accounts.nextToken());
    }

    @Test
    void deleteRemovesTheSource() {
        String name = uniqueName("example.com", "orders", "shop-42");
        create(name);

        partner.deletePartnerEventSource(r -> r.name(name).account(ACCOUNT));

        assertThrows(ResourceNotFoundException.class, () -> partner.describePartnerEventSource(r -> r.name(name)));
    }

    @Test
    void parallelCallsAreAllServed() throws Exception {
        String namespace = uniqueName("example.com", "parallel", "x");
        String prefix = namespace.substring(0, namespace.lastIndexOf('/') + 1);
        ExecutorService callers = Executors.newFixedThreadPool(8);
        try {
            List<Future<String>> arns = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                String name = prefix + "shop-" + i;
                arns.add(callers.submit(() -> create(name)));
            }
            for (int i = 0; i < 8; i++) {
                assertEquals(arn(prefix + "shop-" + i), arns.get(i).get());
            }
        } finally {
            callers.shutdownNow();
        }
        assertEquals(8, partner.listPartnerEventSources(r -> r.namePrefix(prefix)).partnerEventSources().size());
    }
}
