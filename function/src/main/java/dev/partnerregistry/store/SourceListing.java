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
import java.util.function.Function;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/**
 * One page of a listing with bounded work, whatever hides in its range: its Queries carry a filter
 * that leaves the sources the reader does not see (expired, or DELETED for a partner) in the engine
 * instead of sending them, and a Limit on the items they read. A range that holds more hidden
 * sources than that reads ends the page short, possibly empty, at the name where reading stopped
 * ({@link Listing#readThrough()}); the next page reads on from there.
 *
 * <p>How many items a page reads (its window) its predecessor decides, through the NextToken, from
 * what it saw: one page's worth where all it read was shown (and on a first page); where some was,
 * enough to hold half as many again as a page wants at that share; where none was, {@value #GROWTH}
 * times what it read; never more than {@value #MAX_WINDOW} (and DynamoDB's 1 MB). A window of a few
 * pages' worth is read in one Query that sends the shown sources whole. A larger one, which expects
 * mostly hidden sources but may meet live ones, is read keys only, so that whatever it meets costs
 * little to send; then, if it found any, a second Query fetches the page's worth between the first and
 * last key it keeps. So a page makes at most two Queries, reads at most {@value #MAX_WINDOW} items, and
 * is sent at most a window of keys and a page of sources; a run of 10,000 expired sources takes about
 * a dozen pages, never a Query per hidden source. A page where the share changes may be short or empty.
 */
final class SourceListing {

    static final int MAX_WINDOW = 1_000;
    /** How much larger the window grows after a page that read only hidden sources. */
    static final int GROWTH = 2;
    /** From this many pages' worth, a window is read keys first. */
    static final int KEYS_FIRST_PAGES = 4;

    /**
     * The range a listing reads: the items under one partition key value whose sort key starts with
     * {@code sortKeyPrefix}, in the table or in {@code indexName}.
     */
    record Range(String tableName, String indexName, String partitionAttribute, String partition, String sortKeyPrefix,
                 boolean consistentRead) {
    }

    /** A filter expression over a source item's attributes, with its names and values, for QueryRequest. */
    record Filter(String expression, Map<String, String> names, Map<String, AttributeValue> values) {
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

    /**
     * Up to {@code limit} sources {@code shown} admits, from {@code startKey} (null: the range's start),
     * reading the window {@code resume} asks for (null: one page's worth).
     */
    static Listing page(Range range, Map<String, AttributeValue> startKey, Resume resume, int limit, Shown shown,
                        Function<QueryRequest, QueryResponse> engine) {
        Filter filter = filter(shown);
        int window = window(limit, resume == null ? Resume.DEFAULT_WINDOW : resume.window());
        if (window < KEYS_FIRST_PAGES * limit) {
            return sent(engine.apply(query(range, filter, startKey, window, false, null, null)), window, limit, shown);
        }
        QueryResponse keys = engine.apply(query(range, filter, startKey, window, true, null, null));
        int read = readOf(keys, window);
        List<Map<String, AttributeValue>> found = keys.items();
        int next = nextWindow(limit, read, found.size());
        if (found.isEmpty()) {
            return new Listing(List.of(), stoppedAt(keys), next);
        }
        String first = found.get(0).get(SORT_KEY).s();
        String last = found.get(Math.min(limit, found.size()) - 1).get(SORT_KEY).s();
        QueryResponse sources = engine.apply(query(range, filter, null, 0, false, first, last));
        List<PartnerEventSource> page = sourcesOf(sources.items(), limit, shown);
        if (page.size() == limit) {
            return new Listing(page, null, next);
        }
        // Short: read through the last key kept (or as far as DynamoDB's 1 MB let the second Query go), and past
        // it, when every key found was kept, through the hidden ones up to where the first Query stopped.
        String readThrough = stoppedAt(sources);
        if (readThrough == null) {
            readThrough = found.size() > limit ? RegistryTable.nameOfSortKey(last) : stoppedAt(keys);
        }
        return new Listing(page, readThrough, next);
    }

    /** A page from one Query that sent whole sources. */
    private static Listing sent(QueryResponse response, int window, int limit, Shown shown) {
        List<Map<String, AttributeValue>> items = response.items();
        List<PartnerEventSource> page = sourcesOf(items, limit, shown);
        // Past a full page, the engine's filter already chose what it sent: the rest counts as shown, unparsed.
        int found = page.size() == limit ? items.size() : page.size();
        // Sized from the whole read, though a full page's successor resumes partway through it: close enough for a
        // window that is bounded either way.
        int next = nextWindow(limit, readOf(response, window), found);
        return new Listing(page, page.size() == limit ? null : stoppedAt(response), next);
    }

    /** Up to {@code limit} of the items as sources, parsed only as far as needed. */
    private static List<PartnerEventSource> sourcesOf(List<Map<String, AttributeValue>> items, int limit, Shown shown) {
        List<PartnerEventSource> page = new ArrayList<>(Math.min(limit, items.size()));
        for (int at = 0; at < items.size() && page.size() < limit; at++) {
            PartnerEventSource source = SourceItem.source(items.get(at));
            // The filter has already left out what is hidden; the domain's own rule still decides.
            if (shown.test(source)) {
                page.add(source);
            }
        }
        return page;
    }

    /**
     * The Query of {@code range} from {@code startKey}, reading at most {@code window} items (0: as many as the
     * key condition holds), only their keys if {@code keysOnly}, and only sort keys from {@code from} to {@code to}
     * (inclusive) if given.
     */
    static QueryRequest query(Range range, Filter filter, Map<String, AttributeValue> startKey, int window, boolean keysOnly,
                              String from, String to) {
        Map<String, String> names = new HashMap<>(filter.names());
        names.put("#pk", range.partitionAttribute());
        names.put("#sk", SORT_KEY);
        Map<String, AttributeValue> values = new HashMap<>(filter.values());
        values.put(":partition", AttributeValue.fromS(range.partition()));
        String sortKeyCondition;
        if (from == null) {
            values.put(":prefix", AttributeValue.fromS(range.sortKeyPrefix()));
            sortKeyCondition = "begins_with(#sk, :prefix)";
        } else {
            values.put(":from", AttributeValue.fromS(from));
            values.put(":to", AttributeValue.fromS(to));
            sortKeyCondition = "#sk BETWEEN :from AND :to";
        }
        QueryRequest.Builder query = QueryRequest.builder()
                .tableName(range.tableName())
                .indexName(range.indexName())
                .keyConditionExpression("#pk = :partition AND " + sortKeyCondition)
                .filterExpression(filter.expression())
                .expressionAttributeNames(names)
                .expressionAttributeValues(values)
                .exclusiveStartKey(startKey);
        if (range.consistentRead()) {
            query.consistentRead(true);
        }
        if (window > 0) {
            query.limit(window);
        }
        if (keysOnly) {
            query.projectionExpression("#sk");
        }
        return query.build();
    }

    private static int readOf(QueryResponse response, int window) {
        return response.scannedCount() == null ? window : response.scannedCount();
    }

    /** The name where the Query stopped before the end of what its key condition holds, or null if it read to the end. */
    private static String stoppedAt(QueryResponse response) {
        if (!response.hasLastEvaluatedKey() || response.lastEvaluatedKey().isEmpty()) {
            return null;
        }
        return RegistryTable.nameOfSortKey(response.lastEvaluatedKey().get(SORT_KEY).s());
    }

    /** The items a page of {@code limit} reads when its predecessor asked for {@code asked}: a page's worth at least. */
    static int window(int limit, int asked) {
        return Math.min(MAX_WINDOW, Math.max(limit, asked));
    }

    /**
     * The window the next page of {@code limit} should read after this one read {@code read} items and
     * found {@code found} to show: the default where all were shown; {@value #GROWTH} times as many where
     * none were; else half as many again as the share predicts for a page (hidden sources cluster, so the
     * share varies within a range). At most {@value #MAX_WINDOW}.
     */
    static int nextWindow(int limit, int read, int found) {
        if (found >= read) {
            return Resume.DEFAULT_WINDOW;
        }
        long window = found == 0 ? (long) GROWTH * Math.max(limit, read) : 3L * limit * read / (2L * found) + 1;
        return (int) Math.min(MAX_WINDOW, Math.max(limit, window));
    }
}
