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
 * <p>The Query reads one page's worth where nothing is known to hide (a first page, or a range where
 * everything read was shown). Each page says what share of the items it read it showed, and the next
 * page (its NextToken carries the share) reads a window that, at that share, holds half as many again
 * as it wants, at most {@value #MAX_WINDOW} items (and DynamoDB's 1 MB), which is also the window after
 * a page that showed nothing. So a page parses at most {@value #MAX_WINDOW} items, a run of 10,000
 * expired sources takes about ten pages, never a Query per hidden source, and every page costs one
 * Query: the same whether its range is live or hidden.
 */
final class SourceListing {

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

    /** Up to {@code limit} sources {@code shown} admits, from {@code resume} (null: the range's start), in one Query. */
    static Listing page(Map<String, AttributeValue> startKey, Resume resume, int limit, Shown shown, RangeQuery range) {
        Filter filter = filter(shown);
        int window = window(limit, resume == null ? Resume.ALL_SHOWN : resume.shownPerMille());
        QueryResponse response = range.query(startKey, window, filter);
        int read = response.scannedCount() == null ? window : response.scannedCount();
        List<PartnerEventSource> page = new ArrayList<>(Math.min(limit, response.items().size()));
        int found = 0;
        for (Map<String, AttributeValue> item : response.items()) {
            PartnerEventSource source = SourceItem.source(item);
            // The filter has already left out what is hidden; the domain's own rule still decides.
            if (shown.test(source)) {
                found++;
                if (page.size() < limit) {
                    page.add(source);
                }
            }
        }
        int shownPerMille = read == 0 ? Resume.ALL_SHOWN : (int) Math.min(Resume.ALL_SHOWN, 1000L * found / read);
        boolean more = response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty();
        if (page.size() == limit || !more) {
            return new Listing(page, null, shownPerMille);
        }
        return new Listing(page, RegistryTable.nameOfSortKey(response.lastEvaluatedKey().get(SORT_KEY).s()), shownPerMille);
    }

    /**
     * The items to read for {@code limit} sources where {@code shownPerMille} of every thousand read are
     * shown: {@code limit} where all are, else half as many again as the share predicts (hidden sources
     * cluster, so the share varies within a range), at most {@value #MAX_WINDOW}.
     */
    static int window(int limit, int shownPerMille) {
        if (shownPerMille >= Resume.ALL_SHOWN) {
            return Math.min(limit, MAX_WINDOW);
        }
        if (shownPerMille <= 0) {
            return MAX_WINDOW;
        }
        long window = 3L * limit * Resume.ALL_SHOWN / (2L * shownPerMille) + 1;
        return (int) Math.min(MAX_WINDOW, Math.max(limit, window));
    }
}
