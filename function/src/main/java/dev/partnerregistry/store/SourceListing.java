package dev.partnerregistry.store;

import static dev.partnerregistry.store.RegistryTable.EXPIRES_AT;
import static dev.partnerregistry.store.RegistryTable.SORT_KEY;
import static dev.partnerregistry.store.RegistryTable.STATE;

import dev.partnerregistry.domain.PartnerEventSource.SourceState;
import dev.partnerregistry.domain.PartnerSourceStore.Listing;
import dev.partnerregistry.domain.PartnerSourceStore.Resume;
import dev.partnerregistry.domain.PartnerEventSource;
import dev.partnerregistry.domain.Shown;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/**
 * One page of a listing with bounded work, whatever hides in its range: one Query, with a filter that
 * leaves the sources the reader does not see (expired, or DELETED for a partner) in the engine instead
 * of sending them, and a Limit on the items it reads. A range that holds more hidden sources than that
 * reads ends the page short, possibly empty, at the name where reading stopped
 * ({@link Listing#readThrough()}); the next page reads on from there.
 *
 * <p>The Query reads one page's worth where nothing is known to hide (a first page, or after a page
 * that showed everything it read). Each page asks its successor (through its NextToken) to read a
 * window sized by what it saw: where it showed some of what it read, enough to hold half as many again
 * as a page wants at that share; where it showed nothing, {@value #GROWTH} times what it read. Never more
 * than {@value #MAX_WINDOW} items (and DynamoDB's 1 MB). So every page is one Query that reads at most
 * {@value #MAX_WINDOW} items, and a run of 10,000 expired sources takes about a dozen pages, never a
 * Query per hidden source. A page where the share changes may be short or empty (hidden sources after
 * live ones), or be sent more live items than it needs (live sources after hidden ones: at most its
 * window, of which it parses the page's worth); the window grows by steps, so a short hidden run is
 * followed by a small window.
 */
final class SourceListing {

    static final int MAX_WINDOW = 1_000;
    /** How much larger a window grows after a page that read only hidden sources. */
    static final int GROWTH = 2;

    /** A Query of the listing's range from {@code exclusiveStartKey} (null: its start), reading at most {@code window} items. */
    @FunctionalInterface
    interface RangeQuery {
        QueryResponse query(Map<String, AttributeValue> exclusiveStartKey, int window, Filter filter);
    }

    /** A filter expression over a source item's attributes, with its names and values, for QueryRequest. */
    record Filter(String expression, Map<String, String> names, Map<String, AttributeValue> values) {

        /** Apply to a Query whose key condition uses {@code keyNames} and {@code keyValues}. */
        QueryRequest.Builder on(QueryRequest.Builder query, Map<String, String> keyNames, Map<String, AttributeValue> keyValues) {
            Map<String, String> allNames = new HashMap<>(keyNames);
            allNames.putAll(names);
            Map<String, AttributeValue> allValues = new HashMap<>(keyValues);
            allValues.putAll(values);
            return query.filterExpression(expression).expressionAttributeNames(allNames).expressionAttributeValues(allValues);
        }
    }

    private SourceListing() {
    }

    /** The engine's side of {@link Shown}: not a PENDING source whose expiry has come; not DELETED unless shown. */
    static Filter filter(Shown shown) {
        String notExpired = "(#fState <> :fPending OR attribute_not_exists(#fExpires) OR #fExpires > :fNow)";
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":fPending", AttributeValue.fromS(SourceState.PENDING.name()));
        values.put(":fNow", AttributeValue.fromN(Long.toString(shown.now().toEpochMilli())));
        String expression = notExpired;
        if (!shown.deleted()) {
            expression = "#fState <> :fDeleted AND " + notExpired;
            values.put(":fDeleted", AttributeValue.fromS(SourceState.DELETED.name()));
        }
        return new Filter(expression, Map.of("#fState", STATE, "#fExpires", EXPIRES_AT), values);
    }

    /** Up to {@code limit} sources {@code shown} admits, from {@code resume} (null: the range's start), in one Query. */
    static Listing page(Map<String, AttributeValue> startKey, Resume resume, int limit, Shown shown, RangeQuery range) {
        Filter filter = filter(shown);
        int window = window(limit, resume == null ? Resume.DEFAULT_WINDOW : resume.window());
        QueryResponse response = range.query(startKey, window, filter);
        int read = response.scannedCount() == null ? window : response.scannedCount();
        List<Map<String, AttributeValue>> items = response.items();
        List<PartnerEventSource> page = new ArrayList<>(Math.min(limit, items.size()));
        int found = 0;
        for (int at = 0; at < items.size(); at++) {
            if (page.size() == limit) {
                // The engine's filter already chose what it sent: the rest counts as shown, unparsed.
                found += items.size() - at;
                break;
            }
            PartnerEventSource source = SourceItem.source(items.get(at));
            // The filter has already left out what is hidden; the domain's own rule still decides.
            if (shown.test(source)) {
                found++;
                page.add(source);
            }
        }
        // Sized from the whole read, though a full page's successor resumes partway through it: close enough for a
        // window that is bounded either way.
        int next = nextWindow(limit, read, found);
        boolean more = response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty();
        if (page.size() == limit || !more) {
            return new Listing(page, null, next);
        }
        return new Listing(page, RegistryTable.nameOfSortKey(response.lastEvaluatedKey().get(SORT_KEY).s()), next);
    }

    /** The items a page of {@code limit} reads when its predecessor asked for {@code asked}: a page's worth at least. */
    static int window(int limit, int asked) {
        return Math.min(MAX_WINDOW, Math.max(limit, asked));
    }

    /**
     * The window the next page of {@code limit} should read after this one read {@code read} items and
     * showed {@code found}: the default where all were shown; {@value #GROWTH} times as many where none
     * were; else half as many again as the share predicts for a page (hidden sources cluster, so the share
     * varies within a range). At most {@value #MAX_WINDOW}.
     */
    static int nextWindow(int limit, int read, int found) {
        if (found >= read) {
            return Resume.DEFAULT_WINDOW;
        }
        long window = found == 0 ? (long) GROWTH * Math.max(limit, read) : 3L * limit * read / (2L * found) + 1;
        return (int) Math.min(MAX_WINDOW, Math.max(limit, window));
    }
}
