package dev.partnerregistry.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.partnerregistry.domain.PartnerEventSource;
import dev.partnerregistry.domain.PartnerSourceStore.Listing;
import dev.partnerregistry.domain.PartnerSourceStore.Resume;
import dev.partnerregistry.domain.Shown;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/**
 * A page's arithmetic, given what the engine answered its one Query (the engine's own filtering is
 * tested on moto in BoundedListingTest): how many items the Query reads, where the page stops, and
 * the share of shown items its NextToken carries.
 */
class SourceListingTest {

    private static final Instant NOW = Instant.parse("2026-12-04T10:00:00Z");
    private static final Shown SHOWN = Shown.toPartner(NOW);

    private static final SourceListing.Range RANGE = new SourceListing.Range("registry", null, "pk", "SOURCES#example.com",
            "SOURCE#aws.partner/example.com/s/", true);

    private final List<Integer> windows = new ArrayList<>();
    private final List<QueryRequest> queries = new ArrayList<>();

    private static String name(int i) {
        return String.format("aws.partner/example.com/s/%04d", i);
    }

    private static Map<String, AttributeValue> live(int i) {
        return SourceItem.of(PartnerEventSource.created(name(i), "123456789012", NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(6))));
    }

    /**
     * The engine's answers, as DynamoDB's would be in shape: {@code sent} live sources (0, 1, 2, ...) of {@code scanned}
     * read, whole or keys only as asked, and a LastEvaluatedKey if {@code more}; a Query between two keys gets the
     * sources between them.
     */
    private Function<QueryRequest, QueryResponse> answering(int sent, Integer scanned, boolean more) {
        return request -> {
            queries.add(request);
            windows.add(request.limit());
            List<Map<String, AttributeValue>> items = new ArrayList<>();
            boolean between = request.keyConditionExpression().contains("BETWEEN");
            for (int i = 0; i < sent; i++) {
                String sortKey = RegistryTable.sourceSortKey(name(i));
                if (between && (sortKey.compareTo(request.expressionAttributeValues().get(":from").s()) < 0
                        || sortKey.compareTo(request.expressionAttributeValues().get(":to").s()) > 0)) {
                    continue;
                }
                items.add(request.projectionExpression() != null ? Map.of("sk", AttributeValue.fromS(sortKey)) : live(i));
            }
            QueryResponse.Builder response = QueryResponse.builder().items(items).count(items.size()).scannedCount(between ? Integer.valueOf(items.size()) : scanned);
            if (more && !between) {
                response.lastEvaluatedKey(RegistryTable.sourceKey("example.com", name(9999)));
            }
            return response.build();
        };
    }

    @Test
    void aFirstPageReadsOnePagesWorth() {
        SourceListing.page(RANGE, null, null, 11, SHOWN, answering(11, 11, true));
        assertEquals(List.of(11), windows);
    }

    @Test
    void aPageReadsTheWindowItsPredecessorAskedFor() {
        SourceListing.page(RANGE, null, new Resume("aws.partner/example.com/s/0001", 182), 11, SHOWN, answering(0, 182, true));
        assertEquals(List.of(182), windows);
    }

    @Test
    void aPageThatShowedSomeOfWhatItReadAsksForHalfAsManyAgainAsThatShareNeeds() {
        assertEquals(37, SourceListing.page(RANGE, null, null, 11, SHOWN, answering(5, 11, true)).nextWindow(), "3 * 11 * 11 / (2 * 5) + 1");
        assertEquals(182, SourceListing.page(RANGE, null, null, 11, SHOWN, answering(1, 11, true)).nextWindow(), "3 * 11 * 11 / 2 + 1");
    }

    @Test
    void aPageThatShowedNothingAsksForTwiceWhatItReadUpToTheMost() {
        assertEquals(364, SourceListing.page(RANGE, null, new Resume("x", 182), 11, SHOWN, answering(0, 182, true)).nextWindow());
        assertEquals(SourceListing.MAX_WINDOW, SourceListing.page(RANGE, null, new Resume("x", 728), 11, SHOWN, answering(0, 728, true)).nextWindow());
    }

    @Test
    void aPageThatShowedAllItReadAsksForTheDefault() {
        assertEquals(Resume.DEFAULT_WINDOW, SourceListing.page(RANGE, null, new Resume("x", 182), 11, SHOWN, answering(11, 11, true)).nextWindow());
    }

    @Test
    void aFullPageHasNoReadThroughAndCountsWhatItDidNotParseAsShown() {
        Listing listing = SourceListing.page(RANGE, null, new Resume("x", 40), 11, SHOWN, answering(30, 40, true));
        assertEquals(11, listing.sources().size());
        assertNull(listing.readThrough(), "the domain resumes after the page's last source");
        assertEquals(3 * 11 * 40 / (2 * 30) + 1, listing.nextWindow(), "30 of 40 shown, the 19 unparsed ones included");
    }

    @Test
    void aShortPageStopsWhereTheEngineStoppedReading() {
        Listing listing = SourceListing.page(RANGE, null, null, 11, SHOWN, answering(1, 11, true));
        assertEquals(1, listing.sources().size());
        assertEquals("aws.partner/example.com/s/9999", listing.readThrough());
    }

    @Test
    void aShortPageAtTheRangesEndHasNoReadThrough() {
        Listing listing = SourceListing.page(RANGE, null, null, 11, SHOWN, answering(3, 7, false));
        assertEquals(3, listing.sources().size());
        assertNull(listing.readThrough());
    }

    @Test
    void anAnswerWithoutScannedCountCountsTheWholeWindowAsRead() {
        Listing listing = SourceListing.page(RANGE, null, new Resume("x", 34), 11, SHOWN, answering(2, null, true));
        assertEquals(List.of(34), windows);
        assertEquals(3 * 11 * 34 / (2 * 2) + 1, listing.nextWindow());
    }

    @Test
    void anEmptyRangeAsksForTheDefault() {
        Listing listing = SourceListing.page(RANGE, null, null, 11, SHOWN, answering(0, 0, false));
        assertEquals(List.of(), listing.sources());
        assertNull(listing.readThrough());
        assertEquals(Resume.DEFAULT_WINDOW, listing.nextWindow());
    }

    @Test
    void theWindowIsNeverLessThanThePageNorMoreThanTheMost() {
        assertEquals(2, SourceListing.window(2, Resume.DEFAULT_WINDOW));
        assertEquals(101, SourceListing.window(101, 40));
        assertEquals(SourceListing.MAX_WINDOW, SourceListing.window(11, 50_000));
        assertEquals(SourceListing.MAX_WINDOW, SourceListing.nextWindow(101, 1000, 1));
    }

    @Test
    void aWindowOfAFewPagesIsOneQueryThatSendsWholeSources() {
        SourceListing.page(RANGE, null, new Resume("x", 43), 11, SHOWN, answering(11, 43, true));
        assertEquals(1, queries.size());
        assertNull(queries.get(0).projectionExpression());
        assertEquals("#pk = :partition AND begins_with(#sk, :prefix)", queries.get(0).keyConditionExpression());
    }

    @Test
    void aLargerWindowIsReadKeysOnlyThenThePagesWorthBetweenItsFirstAndLastKeptKey() {
        Listing listing = SourceListing.page(RANGE, null, new Resume("x", 44), 11, SHOWN, answering(20, 44, true));
        assertEquals(2, queries.size());
        assertEquals("#sk", queries.get(0).projectionExpression());
        assertEquals(44, queries.get(0).limit());
        QueryRequest between = queries.get(1);
        assertEquals("#pk = :partition AND #sk BETWEEN :from AND :to", between.keyConditionExpression());
        assertEquals(RegistryTable.sourceSortKey(name(0)), between.expressionAttributeValues().get(":from").s());
        assertEquals(RegistryTable.sourceSortKey(name(10)), between.expressionAttributeValues().get(":to").s(), "the 11th key");
        assertNull(between.limit());
        assertNull(between.projectionExpression());
        assertEquals(between.filterExpression(), queries.get(0).filterExpression(), "both filtered alike");
        assertEquals(11, listing.sources().size());
        assertNull(listing.readThrough());
    }

    @Test
    void aKeysFirstPageThatFindsNothingMakesNoSecondQuery() {
        Listing listing = SourceListing.page(RANGE, null, new Resume("x", 1000), 11, SHOWN, answering(0, 1000, true));
        assertEquals(1, queries.size());
        assertEquals(List.of(), listing.sources());
        assertEquals(name(9999), listing.readThrough());
    }

    @Test
    void aShortKeysFirstPageReadsThroughWhereTheKeysQueryStopped() {
        Listing listing = SourceListing.page(RANGE, null, new Resume("x", 500), 11, SHOWN, answering(3, 500, true));
        assertEquals(List.of(name(0), name(1), name(2)), listing.sources().stream().map(PartnerEventSource::name).toList());
        assertEquals(name(9999), listing.readThrough());
        assertEquals(SourceListing.MAX_WINDOW, listing.nextWindow(), "3 of 500 shown: 2,751 wanted, the most allowed");
    }

    @Test
    void aShortKeysFirstPageAtTheRangesEndHasNoReadThrough() {
        Listing listing = SourceListing.page(RANGE, null, new Resume("x", 500), 11, SHOWN, answering(3, 120, false));
        assertEquals(3, listing.sources().size());
        assertNull(listing.readThrough());
    }
}
