package dev.partnerregistry.store;

import static dev.partnerregistry.store.RegistryTable.EXPIRES_AT;
import static dev.partnerregistry.store.RegistryTable.SORT_KEY;
import static dev.partnerregistry.store.RegistryTable.STATE;

import dev.partnerregistry.domain.PartnerEventSource.SourceState;
import dev.partnerregistry.domain.PartnerSourceStore.Listing;
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
 * One page of a listing with bounded work, whatever hides in its range: at most {@value #QUERIES_PER_PAGE}
 * Queries, each with a filter that leaves the sources the reader does not see (expired, or DELETED
 * for a partner) in the engine instead of sending them, and a Limit on the items each reads. A range
 * that holds more hidden sources than that reads ends the page short, at the name where reading
 * stopped ({@link Listing#readThrough()}); the next page reads on from there.
 *
 * <p>The first Query reads one page's worth (all it needs when nothing is hidden). A second one reads
 * a window sized by what the first saw: twice the sources still wanted at the shown-to-read ratio
 * found so far, at most {@value #MAX_WINDOW} items (and DynamoDB's 1 MB), which is also the window
 * when the first found nothing to show. So a page parses at most about {@value #MAX_WINDOW} items, and
 * a run of 10,000 expired sources takes about ten pages, never a Query per hidden source.
 */
final class SourceListing {

    static final int QUERIES_PER_PAGE = 2;
    static final int MAX_WINDOW = 1_000;

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

    /** Up to {@code limit} sources {@code shown} admits, from {@code startKey} (null: the range's start). */
    static Listing page(Map<String, AttributeValue> startKey, int limit, Shown shown, RangeQuery range) {
        Filter filter = filter(shown);
        List<PartnerEventSource> page = new ArrayList<>(Math.min(limit, MAX_WINDOW));
        Map<String, AttributeValue> from = startKey;
        int window = limit;
        int read = 0;
        for (int query = 0; query < QUERIES_PER_PAGE; query++) {
            QueryResponse response = range.query(from, window, filter);
            read += response.scannedCount() == null ? window : response.scannedCount();
            for (Map<String, AttributeValue> item : response.items()) {
                PartnerEventSource source = SourceItem.source(item);
                // The filter has already left out what is hidden; the domain's own rule still decides.
                if (shown.test(source)) {
                    page.add(source);
                    if (page.size() == limit) {
                        return new Listing(page, null);
                    }
                }
            }
            from = response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty() ? response.lastEvaluatedKey() : null;
            if (from == null) {
                return new Listing(page, null);
            }
            window = nextWindow(limit - page.size(), read, page.size());
        }
        return new Listing(page, RegistryTable.nameOfSortKey(from.get(SORT_KEY).s()));
    }

    /** Twice the items that, at the ratio seen so far, hold the {@code wanted} sources; {@value #MAX_WINDOW} at most. */
    static int nextWindow(int wanted, int read, int found) {
        if (found == 0) {
            return MAX_WINDOW;
        }
        long window = 2L * wanted * Math.max(1, read) / found + 1;
        return (int) Math.min(MAX_WINDOW, Math.max(wanted, window));
    }
}
