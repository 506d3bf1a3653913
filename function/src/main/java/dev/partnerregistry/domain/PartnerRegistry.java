package dev.partnerregistry.domain;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The partner-side operations of EventBridge's partner-event-source API. Knows nothing of HTTP or
 * DynamoDB: it validates, derives the partner and the ARN, and asks the store. A partner sees its
 * sources as EventBridge shows them to it: a DELETED one (kept only for its customer's bus) or an
 * expired one is gone.
 */
public final class PartnerRegistry {

    /** When a Limit is not given, a page holds this many sources. */
    static final int DEFAULT_PAGE_SIZE = 100;
    /** Reads before a write that lost a race to another give up with ConcurrentModification. */
    static final int ATTEMPTS = 3;

    private final PartnerSourceStore store;
    private final String region;
    private final String partition;
    private final int defaultPartnerLimit;
    private final Duration sourceExpiration;
    private final Clock clock;
    private final PageToken pageTokens;

    public PartnerRegistry(PartnerSourceStore store, PageTokenKey pageTokenKey, String region, int defaultPartnerLimit, Clock clock) {
        this(store, pageTokenKey, region, defaultPartnerLimit, Duration.ofDays(7), clock);
    }

    /** @param sourceExpiration how long a source may stay PENDING before it expires */
    public PartnerRegistry(PartnerSourceStore store, PageTokenKey pageTokenKey, String region, int defaultPartnerLimit,
                           Duration sourceExpiration, Clock clock) {
        this.store = store;
        this.sourceExpiration = sourceExpiration;
        this.region = region;
        this.partition = partitionOf(region);
        this.defaultPartnerLimit = defaultPartnerLimit;
        this.clock = clock;
        this.pageTokens = new PageToken(pageTokenKey::secret);
    }

    public String createPartnerEventSource(String name, String account, Caller caller) {
        return createPartnerEventSource(name, account, caller, null);
    }

    /**
     * @param callId the client's id for this call, the same on each of its retries (null if none):
     *               a retry whose earlier attempt created the source answers its ARN, not
     *               ResourceAlreadyExists, so a lost answer never hides a create from its caller
     */
    public String createPartnerEventSource(String name, String account, Caller caller, String callId) {
        Constraints.check().name("name", name).account("account", account).orThrow();
        String arn = arnOf(name);
        Instant now = now();
        PartnerEventSource source = PartnerEventSource.created(name, account, now, now.plus(sourceExpiration));
        store.create(source, defaultPartnerLimit, access(RegistryOperation.CREATE_PARTNER_EVENT_SOURCE, name, caller, arn), callId, now);
        return arn;
    }

    public PartnerEventSource describePartnerEventSource(String name, Caller caller) {
        Constraints.check().name("name", name).orThrow();
        return find(name, RegistryOperation.DESCRIBE_PARTNER_EVENT_SOURCE, caller);
    }

    public SourcePage listPartnerEventSources(String namePrefix, String nextToken, Integer limit, Caller caller) {
        Constraints.check().namePrefix("namePrefix", namePrefix).nextToken("nextToken", nextToken).limit("limit", limit).orThrow();
        Instant now = now();
        Access access = access(RegistryOperation.LIST_PARTNER_EVENT_SOURCES, namePrefix, caller, arnOf(namePrefix) + "*");
        int pageSize = limit == null ? DEFAULT_PAGE_SIZE : limit;
        PartnerSourceStore.Listing found = store.list(namePrefix,
                () -> nextToken == null ? null : pageTokens.resumeOf(nextToken, namePrefix, now), pageSize + 1, access, Shown.toPartner(now));
        return SourcePage.of(found, pageSize, resume -> pageTokens.issue(namePrefix, resume, now));
    }

    /** A source is offered to exactly one account, so there is never a second page. */
    public PartnerEventSource listPartnerEventSourceAccounts(String eventSourceName, String nextToken, Integer limit, Caller caller) {
        Constraints.check().name("eventSourceName", eventSourceName).nextToken("nextToken", nextToken).limit("limit", limit).orThrow();
        PartnerEventSource source = find(eventSourceName, RegistryOperation.LIST_PARTNER_EVENT_SOURCE_ACCOUNTS, caller);
        if (nextToken != null) {
            // We never issue a token for this operation: any token is one we did not issue.
            throw PageToken.invalid();
        }
        return source;
    }

    /**
     * Deleting is idempotent, as EventBridge lists no ResourceNotFound for it: a source that is
     * absent, or offered to another account, is left alone and the call succeeds.
     */
    public void deletePartnerEventSource(String name, String account, Caller caller) {
        Constraints.check().name("name", name).account("account", account).orThrow();
        Access access = access(RegistryOperation.DELETE_PARTNER_EVENT_SOURCE, name, caller, arnOf(name));
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            Optional<PartnerEventSource> stored = store.find(name, access);
            if (stored.isEmpty() || !stored.get().account().equals(account)
                    || stored.get().state() == PartnerEventSource.SourceState.DELETED) {
                return;
            }
            // While its customer's bus exists the source stays, DELETED, for the customer to see; else it goes.
            PartnerEventSource source = stored.get();
            PartnerEventSource keepAs = source.hasBus() ? source.in(PartnerEventSource.SourceState.DELETED, null) : null;
            if (store.delete(source, keepAs, access)) {
                return;
            }
        }
        throw new RegistryException.ConcurrentModification();
    }

    public String arnOf(String name) {
        return "arn:" + partition + ":events:" + region + "::event-source/" + name;
    }

    private PartnerEventSource find(String name, RegistryOperation operation, Caller caller) {
        return store.find(name, access(operation, name, caller, arnOf(name)))
                .filter(Shown.toPartner(now()))
                .orElseThrow(() -> new RegistryException.ResourceNotFound(name));
    }

    private Access access(RegistryOperation operation, String nameOrPrefix, Caller caller, String resourceArn) {
        return new Access(region, operation, Constraints.partnerOf(nameOrPrefix), caller, resourceArn);
    }

    private Instant now() {
        return clock.instant();
    }

    static String partitionOf(String region) {
        return AwsRegions.registryPartitionOf(region);
    }

    public record SourcePage(List<PartnerEventSource> sources, String nextToken) {

        /**
         * The page a listing of one more than {@code pageSize} makes: that one more says another page
         * exists, so a full last page has no token. A listing cut short by the store's bounded reading
         * makes a short page, possibly empty, whose token continues where the store stopped reading:
         * as EventBridge may, a page holds fewer than Limit with a NextToken.
         */
        static SourcePage of(PartnerSourceStore.Listing found, int pageSize,
                             java.util.function.Function<PartnerSourceStore.Resume, String> tokenFor) {
            List<PartnerEventSource> sources = found.sources();
            if (sources.size() > pageSize) {
                List<PartnerEventSource> page = List.copyOf(sources.subList(0, pageSize));
                return new SourcePage(page, tokenFor.apply(new PartnerSourceStore.Resume(page.get(pageSize - 1).name(), found.nextWindow())));
            }
            return new SourcePage(List.copyOf(sources), found.readThrough() == null ? null
                    : tokenFor.apply(new PartnerSourceStore.Resume(found.readThrough(), found.nextWindow())));
        }
    }
}
