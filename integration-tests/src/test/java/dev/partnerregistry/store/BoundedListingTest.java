package dev.partnerregistry.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.partnerregistry.admin.CustomerGrants;
import dev.partnerregistry.domain.Caller;
import dev.partnerregistry.domain.CustomerEventSources;
import dev.partnerregistry.domain.PartnerEventSource;
import dev.partnerregistry.domain.PartnerRegistry;
import dev.partnerregistry.testing.DynamoDbEngine;
import dev.partnerregistry.testing.MovableClock;
import dev.partnerregistry.testing.RegistryFixture;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * A list's work is bounded whatever waits for the sweep in its range: with {@value #EXPIRED} expired
 * sources beside three live ones (first, among, and after them), a List with Limit=10 makes at most three
 * DynamoDB requests per page (the access read, a Query of keys, a Query of the sources it found), on both
 * sides, and its pages still lead to every live source. Where every other source is expired, the pages
 * after the first are full and each is one Query: each NextToken carries the window its successor reads.
 */
@ExtendWith(DynamoDbEngine.class)
class BoundedListingTest {

    static final int EXPIRED = 2_000;
    static final String PARTNER = "bounded.example";
    static final String ACCOUNT = RegistryFixture.ACCOUNT;
    static final Caller CUSTOMER = new Caller("arn:aws:iam::" + ACCOUNT + ":role/Subscriber");
    static final String PREFIX = "aws.partner/" + PARTNER + "/s/";
    static final List<String> LIVE = List.of(PREFIX + "a-live", PREFIX + "expired/1000-live", PREFIX + "zz-live");
    static final String HALF_PREFIX = "aws.partner/" + PARTNER + "/half/";
    static final int HALF_LIVE = 45;

    private static final MovableClock clock = new MovableClock();
    private static PartnerRegistry partners;
    private static CustomerEventSources customers;
    private static Caller partner;

    @BeforeAll
    static void start(DynamoDbEngine.EngineTable table) {
        RegistryFixture fixture = new RegistryFixture(table, 100);
        partner = fixture.registerPartner(PARTNER, 100);
        new CustomerGrants(table.client(), table.tableName()).grant(ACCOUNT, List.of(CUSTOMER.principalArn()));
        DynamoDbPartnerSourceStore store = new DynamoDbPartnerSourceStore(table.registryClient(), table.tableName());
        DynamoDbPageTokenKey key = new DynamoDbPageTokenKey(table.registryClient(), table.tableName());
        partners = new PartnerRegistry(store, key, DynamoDbEngine.REGION, 100, Duration.ofDays(7), clock);
        customers = new CustomerEventSources(store, key, DynamoDbEngine.REGION, Duration.ofDays(7), clock);
        Instant longAgo = clock.instant().minus(Duration.ofDays(30));
        List<WriteRequest> writes = new ArrayList<>();
        for (int i = 0; i < EXPIRED; i++) {
            PartnerEventSource expired = PartnerEventSource.created(PREFIX + String.format("expired/%04d", i), ACCOUNT,
                    longAgo, longAgo.plus(Duration.ofDays(7)));
            writes.add(WriteRequest.builder().putRequest(PutRequest.builder().item(SourceItem.of(expired)).build()).build());
        }
        // Every other source of the half range expired: live ones are created through the registry below.
        for (int i = 0; i < HALF_LIVE; i++) {
            PartnerEventSource expired = PartnerEventSource.created(HALF_PREFIX + String.format("%03d-expired", i), ACCOUNT,
                    longAgo, longAgo.plus(Duration.ofDays(7)));
            writes.add(WriteRequest.builder().putRequest(PutRequest.builder().item(SourceItem.of(expired)).build()).build());
        }
        for (int from = 0; from < writes.size(); from += 25) {
            List<WriteRequest> batch = writes.subList(from, Math.min(writes.size(), from + 25));
            table.client().batchWriteItem(r -> r.requestItems(java.util.Map.of(table.tableName(), batch)));
        }
        LIVE.forEach(name -> partners.createPartnerEventSource(name, ACCOUNT, partner));
        for (int i = 0; i < HALF_LIVE; i++) {
            partners.createPartnerEventSource(HALF_PREFIX + String.format("%03d-live", i), ACCOUNT, partner);
        }
        // Each registry reads the NextToken key once, on its first token: read it now, so that pages count only themselves.
        partners.createPartnerEventSource("aws.partner/" + PARTNER + "/w/1", ACCOUNT, partner);
        partners.createPartnerEventSource("aws.partner/" + PARTNER + "/w/2", ACCOUNT, partner);
        partners.listPartnerEventSources("aws.partner/" + PARTNER + "/w/", null, 1, partner);
        customers.listEventSources("aws.partner/" + PARTNER + "/w/", null, 1, CUSTOMER);
        DynamoDbRequestCounter.takeCount();
    }

    @Test
    void aPartnersListWithLimitTenMakesAtMostThreeRequestsAPageAndReachesEveryLiveSource() {
        assertPagesAreBoundedAndComplete((token, limit) -> partners.listPartnerEventSources(PREFIX, token, limit, partner));
    }

    @Test
    void aCustomersListWithLimitTenMakesAtMostThreeRequestsAPageAndReachesEveryLiveSource() {
        assertPagesAreBoundedAndComplete((token, limit) -> customers.listEventSources(PREFIX, token, limit, CUSTOMER));
    }

    @Test
    void aPartnersPagesAfterTheFirstAreFullWhereEveryOtherSourceIsExpired() {
        assertPagesAfterTheFirstAreFull((token, limit) -> partners.listPartnerEventSources(HALF_PREFIX, token, limit, partner));
    }

    @Test
    void aCustomersPagesAfterTheFirstAreFullWhereEveryOtherSourceIsExpired() {
        assertPagesAfterTheFirstAreFull((token, limit) -> customers.listEventSources(HALF_PREFIX, token, limit, CUSTOMER));
    }

    /** 45 live among 45 expired, Limit=10: the first page reads 11 items and shows about half; then 10, 10, 10, and the rest. */
    private static void assertPagesAfterTheFirstAreFull(BiFunction<String, Integer, PartnerRegistry.SourcePage> list) {
        List<Integer> sizes = new ArrayList<>();
        List<String> seen = new ArrayList<>();
        String token = null;
        do {
            PartnerRegistry.SourcePage page = list.apply(token, 10);
            assertEquals(2, DynamoDbRequestCounter.takeCount(), "page " + (sizes.size() + 1) + ": the access read and one Query");
            sizes.add(page.sources().size());
            page.sources().forEach(source -> seen.add(source.name()));
            token = page.nextToken();
        } while (token != null);
        List<String> live = new ArrayList<>();
        for (int i = 0; i < HALF_LIVE; i++) {
            live.add(HALF_PREFIX + String.format("%03d-live", i));
        }
        assertEquals(live, seen, "every live source once, in name order");
        assertTrue(sizes.get(0) < 10, "the first page, read as if nothing hid, is short: " + sizes);
        for (int page = 1; page < sizes.size() - 1; page++) {
            assertEquals(10, sizes.get(page), "page " + (page + 1) + " of " + sizes);
        }
    }

    private static void assertPagesAreBoundedAndComplete(BiFunction<String, Integer, PartnerRegistry.SourcePage> list) {
        List<String> seen = new ArrayList<>();
        String token = null;
        int pages = 0;
        do {
            PartnerRegistry.SourcePage page = list.apply(token, 10);
            int requests = DynamoDbRequestCounter.takeCount();
            pages++;
            assertTrue(requests <= 3, "page " + pages + " made " + requests + " DynamoDB requests");
            assertTrue(page.sources().size() <= 10, "page " + pages + " holds " + page.sources().size());
            page.sources().forEach(source -> seen.add(source.name()));
            token = page.nextToken();
        } while (token != null);
        assertEquals(LIVE, seen, "every live source once, in name order, and no expired one");
        // A page reads at most one window past the hidden sources: the range takes a few pages, never one per source.
        assertTrue(pages <= EXPIRED / SourceListing.MAX_WINDOW + 3, pages + " pages");
    }
}
