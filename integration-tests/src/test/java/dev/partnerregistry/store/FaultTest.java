package dev.partnerregistry.store;

import static dev.partnerregistry.testing.RegistryFixture.ACCOUNT;
import static dev.partnerregistry.testing.RegistryFixture.PARTNER;
import static dev.partnerregistry.testing.RegistryFixture.PARTNER_CALLER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.partnerregistry.RegistryAssembly;
import dev.partnerregistry.RegistrySettings;
import dev.partnerregistry.api.AwsJsonProtocol;
import dev.partnerregistry.domain.PartnerRegistry;
import dev.partnerregistry.domain.RegistryException;
import dev.partnerregistry.local.MotoEngine;
import dev.partnerregistry.testing.DynamoDbEngine;
import dev.partnerregistry.testing.FaultInjectingProxy;
import dev.partnerregistry.testing.RegistryFixture;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** What callers see when the engine fails, and that a failure leaves nothing written. */
@ExtendWith(DynamoDbEngine.class)
class FaultTest {

    private static final String NAME = "aws.partner/example.com/faults/one";

    private final RegistryFixture fixture;
    private final FaultInjectingProxy proxy;
    private final PartnerRegistry throughProxy;

    FaultTest(DynamoDbEngine.EngineTable table) throws IOException {
        this.fixture = new RegistryFixture(table, 10);
        this.proxy = new FaultInjectingProxy(table.endpoint());
        this.throughProxy = registryAt(proxy.endpoint(), table.tableName());
    }

    @AfterEach
    void closeProxy() {
        proxy.close();
    }

    /** Conflicts are retried for this long here (the default is 2 s): long enough for several retries, short for a test. */
    static final Duration CONFLICT_BUDGET = Duration.ofMillis(300);

    private static PartnerRegistry registryAt(URI endpoint, String tableName) {
        return RegistryAssembly.registry(DynamoDbEngine.registryClient(endpoint), RegistrySettings.builder().tableName(tableName).region(DynamoDbEngine.REGION)
                .defaultPartnerLimit(10).dynamoDbEndpoint(endpoint).conflictBudget(CONFLICT_BUDGET).build());
    }

    @Test
    void anUnreachableEngineIsInternalException500AndNothingIsWritten() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        PartnerRegistry unreachable = registryAt(URI.create("http://127.0.0.1:" + closedPort), fixture.table.tableName());
        RegistryException e = assertThrows(RegistryException.Internal.class,
                () -> unreachable.createPartnerEventSource(NAME, ACCOUNT, PARTNER_CALLER));
        assertEquals("InternalException", e.errorCode());
        assertEquals(500, AwsJsonProtocol.statusOf(e));
        assertEquals("An internal error occurred. Retry the request.", e.getMessage());
        assertEquals(0, fixture.storedSources(PARTNER));
        assertEquals(0, fixture.sourceCount(PARTNER));
    }

    @Test
    void aTransactionConflictIsRetriedAsANewTransactionAndTheCreateSucceeds() {
        proxy.injectOnce(FaultInjectingProxy.transactionConflict(4, 2));
        assertEquals("arn:aws:events:us-east-1::event-source/" + NAME,
                throughProxy.createPartnerEventSource(NAME, ACCOUNT, PARTNER_CALLER), "the conflict is absorbed");
        List<String> attempts = proxy.received("TransactWriteItems");
        assertEquals(2, attempts.size(), "the cancelled transaction, then its retry");
        assertNotEquals(clientRequestToken(attempts.get(0)), clientRequestToken(attempts.get(1)),
                "a cancelled transaction wrote nothing: its retry is a new transaction, with a new token");
        assertEquals(1, fixture.storedSources(PARTNER));
        assertEquals(1, fixture.sourceCount(PARTNER));
        throughProxy.deletePartnerEventSource(NAME, ACCOUNT, PARTNER_CALLER);
    }

    @Test
    void aConflictThatOutlastsTheBudgetIsConcurrentModificationAndNothingIsWritten() {
        proxy.inject(FaultInjectingProxy.transactionConflict(4, 2));
        RegistryException e = assertThrows(RegistryException.ConcurrentModification.class,
                () -> throughProxy.createPartnerEventSource(NAME, ACCOUNT, PARTNER_CALLER));
        assertEquals("ConcurrentModificationException", e.errorCode());
        assertEquals("There is concurrent modification on this resource. Retry the request.", e.getMessage());
        assertEquals(400, AwsJsonProtocol.statusOf(e));
        assertEquals(0, fixture.storedSources(PARTNER));
        assertTrue(proxy.received("TransactWriteItems").size() > 1, "the conflict was retried before the answer");

        proxy.clear();
        assertEquals("arn:aws:events:us-east-1::event-source/" + NAME,
                throughProxy.createPartnerEventSource(NAME, ACCOUNT, PARTNER_CALLER), "a retry after the conflict succeeds");
        throughProxy.deletePartnerEventSource(NAME, ACCOUNT, PARTNER_CALLER);
    }

    @Test
    void aConflictOnDeleteThatOutlastsTheBudgetIsConcurrentModificationAndTheSourceStays() {
        fixture.registry.createPartnerEventSource(NAME, ACCOUNT, PARTNER_CALLER);
        proxy.inject(FaultInjectingProxy.transactionConflict(4, 3));
        assertThrows(RegistryException.ConcurrentModification.class,
                () -> throughProxy.deletePartnerEventSource(NAME, ACCOUNT, PARTNER_CALLER));
        assertEquals(1, fixture.storedSources(PARTNER));
        assertEquals(1, fixture.sourceCount(PARTNER));
        fixture.registry.deletePartnerEventSource(NAME, ACCOUNT, PARTNER_CALLER);
    }

    @Test
    void aRetriedCreateCarriesTheSameClientRequestTokenSoDynamoDbCanDeduplicateIt() {
        proxy.injectOnce(FaultInjectingProxy.internalServerError("TransactWriteItems"));
        assertEquals("arn:aws:events:us-east-1::event-source/" + NAME,
                throughProxy.createPartnerEventSource(NAME, ACCOUNT, PARTNER_CALLER), "the SDK's retry succeeds");
        List<String> attempts = proxy.received("TransactWriteItems");
        assertEquals(2, attempts.size());
        String token = clientRequestToken(attempts.get(0));
        assertEquals(36, token.length(), "a UUID, DynamoDB's maximum token length");
        assertEquals(token, clientRequestToken(attempts.get(1)));

        throughProxy.deletePartnerEventSource(NAME, ACCOUNT, PARTNER_CALLER);
        List<String> all = proxy.received("TransactWriteItems");
        assertNotEquals(token, clientRequestToken(all.get(all.size() - 1)), "another call, another token");
    }

    private static String clientRequestToken(String transactWriteItemsBody) {
        Matcher token = Pattern.compile("\"ClientRequestToken\":\"([^\"]+)\"").matcher(transactWriteItemsBody);
        assertTrue(token.find(), transactWriteItemsBody);
        return token.group(1);
    }

    @Test
    void engineThrottlingThatOutlastsRetriesIsThrottlingException() {
        proxy.inject(FaultInjectingProxy.throttled("TransactGetItems"));
        RegistryException e = assertThrows(RegistryException.Throttling.class,
                () -> throughProxy.describePartnerEventSource(NAME, PARTNER_CALLER));
        assertEquals("ThrottlingException", e.errorCode());
        assertEquals(400, AwsJsonProtocol.statusOf(e));
    }
}
