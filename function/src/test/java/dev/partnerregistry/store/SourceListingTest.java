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
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/**
 * A page's arithmetic, given what the engine answered its one Query (the engine's own filtering is
 * tested on moto in BoundedListingTest): how many items the Query reads, where the page stops, and
 * the share of shown items its NextToken carries.
 */
class SourceListingTest {

    private static final Instant NOW = Instant.parse("2026-12-04T10:00:00Z");
    private static final Shown SHOWN = Shown.toPartner(NOW);

    private final List<Integer> windows = new ArrayList<>();

    private static Map<String, AttributeValue> live(int i) {
        String name = String.format("aws.partner/example.com/s/%04d", i);
        return SourceItem.of(PartnerEventSource.created(name, "123456789012", NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(6))));
    }

    /** The engine's answer: {@code sent} live items of {@code scanned} read, and whether it stopped before the range's end. */
    private SourceListing.RangeQuery answering(int sent, Integer scanned, boolean more) {
        return (from, window, filter) -> {
            windows.add(window);
            List<Map<String, AttributeValue>> items = new ArrayList<>();
            for (int i = 0; i < sent; i++) {
                items.add(live(i));
            }
            QueryResponse.Builder response = QueryResponse.builder().items(items).count(sent).scannedCount(scanned);
            if (more) {
                response.lastEvaluatedKey(RegistryTable.sourceKey("example.com", "aws.partner/example.com/s/9999"));
            }
            return response.build();
        };
    }

    @Test
    void aFirstPageReadsOnePagesWorth() {
        SourceListing.page(null, null, 11, SHOWN, answering(11, 11, true));
        assertEquals(List.of(11), windows);
    }

    @Test
    void aPageReadsTheWindowItsPredecessorAskedFor() {
        SourceListing.page(null, new Resume("aws.partner/example.com/s/0001", 182), 11, SHOWN, answering(0, 182, true));
        assertEquals(List.of(182), windows);
    }

    @Test
    void aPageThatShowedSomeOfWhatItReadAsksForHalfAsManyAgainAsThatShareNeeds() {
        assertEquals(37, SourceListing.page(null, null, 11, SHOWN, answering(5, 11, true)).nextWindow(), "3 * 11 * 11 / (2 * 5) + 1");
        assertEquals(182, SourceListing.page(null, null, 11, SHOWN, answering(1, 11, true)).nextWindow(), "3 * 11 * 11 / 2 + 1");
    }

    @Test
    void aPageThatShowedNothingAsksForTwiceWhatItReadUpToTheMost() {
        assertEquals(364, SourceListing.page(null, new Resume("x", 182), 11, SHOWN, answering(0, 182, true)).nextWindow());
        assertEquals(SourceListing.MAX_WINDOW, SourceListing.page(null, new Resume("x", 728), 11, SHOWN, answering(0, 728, true)).nextWindow());
    }

    @Test
    void aPageThatShowedAllItReadAsksForTheDefault() {
        assertEquals(Resume.DEFAULT_WINDOW, SourceListing.page(null, new Resume("x", 182), 11, SHOWN, answering(11, 11, true)).nextWindow());
    }

    @Test
    void aFullPageHasNoReadThroughAndCountsWhatItDidNotParseAsShown() {
        Listing listing = SourceListing.page(null, new Resume("x", 40), 11, SHOWN, answering(30, 40, true));
        assertEquals(11, listing.sources().size());
        assertNull(listing.readThrough(), "the domain resumes after the page's last source");
        assertEquals(3 * 11 * 40 / (2 * 30) + 1, listing.nextWindow(), "30 of 40 shown, the 19 unparsed ones included");
    }

    @Test
    void aShortPageStopsWhereTheEngineStoppedReading() {
        Listing listing = SourceListing.page(null, null, 11, SHOWN, answering(1, 11, true));
        assertEquals(1, listing.sources().size());
        assertEquals("aws.partner/example.com/s/9999", listing.readThrough());
    }

    @Test
    void aShortPageAtTheRangesEndHasNoReadThrough() {
        Listing listing = SourceListing.page(null, null, 11, SHOWN, answering(3, 7, false));
        assertEquals(3, listing.sources().size());
        assertNull(listing.readThrough());
    }

    @Test
    void anAnswerWithoutScannedCountCountsTheWholeWindowAsRead() {
        Listing listing = SourceListing.page(null, new Resume("x", 34), 11, SHOWN, answering(2, null, true));
        assertEquals(List.of(34), windows);
        assertEquals(3 * 11 * 34 / (2 * 2) + 1, listing.nextWindow());
    }

    @Test
    void anEmptyRangeAsksForTheDefault() {
        Listing listing = SourceListing.page(null, null, 11, SHOWN, answering(0, 0, false));
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
}
