package dev.partnerregistry.domain;

import dev.partnerregistry.domain.PartnerEventSource.SourceState;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The customer side of partner event sources: a caller acts for the account of its principal, if
 * the operator granted it that account's customer side, and then sees exactly the sources offered
 * to that account; a caller not granted sees none (every source is unknown to it, so its answers
 * tell nothing about what exists). It lists and describes them, accepts one by
 * creating the matching partner event bus (the source becomes ACTIVE), deactivates and activates
 * it, and deletes the bus (the source is PENDING again, and expires unless accepted anew). A source
 * offered to another account, or expired, does not exist for it. Knows nothing of HTTP or DynamoDB.
 *
 * <p>Every change reads the source, decides from its state, and writes on condition that the
 * source is still as read; a write that lost a race reads again, {@value #ATTEMPTS} times at most.
 */
public final class CustomerEventSources {

    static final int ATTEMPTS = 3;

    private final PartnerSourceStore store;
    private final String region;
    private final String partition;
    private final Duration sourceExpiration;
    private final Clock clock;
    private final PageToken pageTokens;

    public CustomerEventSources(PartnerSourceStore store, PageTokenKey pageTokenKey, String region, Duration sourceExpiration, Clock clock) {
        this.store = store;
        this.region = region;
        this.partition = PartnerRegistry.partitionOf(region);
        this.sourceExpiration = sourceExpiration;
        this.clock = clock;
        this.pageTokens = new PageToken(pageTokenKey::secret);
    }

    public PartnerRegistry.SourcePage listEventSources(String namePrefix, String nextToken, Integer limit, Caller caller) {
        Constraints.check().sourceNamePrefix("namePrefix", namePrefix).nextToken("nextToken", nextToken).limit("limit", limit).orThrow();
        CustomerAccess access = access(RegistryOperation.LIST_EVENT_SOURCES, caller, "*");
        Instant now = clock.instant();
        int pageSize = limit == null ? PartnerRegistry.DEFAULT_PAGE_SIZE : limit;
        // The token binds the prefix and the account, so that it never pages another account's list.
        String scope = access.account() + ":" + (namePrefix == null ? "" : namePrefix);
        PartnerSourceStore.Listing found = store.listOffered(namePrefix,
                () -> nextToken == null ? null : pageTokens.resumeOf(nextToken, scope, now), pageSize + 1, access, Shown.toCustomer(now));
        return PartnerRegistry.SourcePage.of(found, pageSize, resume -> pageTokens.issue(scope, resume, now));
    }

    public PartnerEventSource describeEventSource(String name, Caller caller) {
        Constraints.check().name("name", name).orThrow();
        return offered(name, access(RegistryOperation.DESCRIBE_EVENT_SOURCE, caller, name))
                .orElseThrow(() -> new RegistryException.ResourceNotFound(name));
    }

    /** The CreateEventBus tag that names the customer's own event bus the source's events are delivered to. */
    public static final String DELIVER_TO_TAG = "partner-registry:deliver-to";

    public String createEventBus(String name, String eventSourceName, String description, Caller caller) {
        return createEventBus(name, eventSourceName, description, null, caller);
    }

    public String createEventBus(String name, String eventSourceName, String description, String deliverTo, Caller caller) {
        return createEventBus(name, eventSourceName, description, BusOptions.NONE, deliverTo, caller);
    }

    /**
     * CreateEventBus' members for the bus's own encryption, dead-letter queue and logs. The registry does not run the bus
     * that receives the events (the customer's own bus does, with its own settings), so it cannot honour them: they are
     * validated as the model constrains them, then refused, never silently dropped.
     */
    public record BusOptions(String kmsKeyIdentifier, boolean deadLetterConfig, String deadLetterArn, boolean logConfig,
                             String logIncludeDetail, String logLevel) {
        public static final BusOptions NONE = new BusOptions(null, false, null, false, null, null);

        void check() {
            Constraints.check().kmsKeyIdentifier("kmsKeyIdentifier", kmsKeyIdentifier).deadLetterArn("deadLetterConfig.arn", deadLetterArn)
                    .oneOf("logConfig.includeDetail", logIncludeDetail, Constraints.LOG_INCLUDE_DETAIL_VALUES)
                    .oneOf("logConfig.level", logLevel, Constraints.LOG_LEVEL_VALUES).orThrow();
            String member = kmsKeyIdentifier != null ? "KmsKeyIdentifier" : deadLetterConfig ? "DeadLetterConfig" : logConfig ? "LogConfig" : null;
            if (member != null) {
                throw new RegistryException.Validation(member + " is not supported for a partner event bus of this registry: its events are "
                        + "delivered to the bus named by the " + DELIVER_TO_TAG + " tag, which has its own " + member + ".");
            }
        }
    }

    /**
     * Accepts the source {@code eventSourceName} with its partner event bus, whose name must be the
     * source's: the source becomes ACTIVE.
     *
     * @param deliverTo the value of the {@value #DELIVER_TO_TAG} tag: the ARN of an event bus of the
     *                  caller's own account that the source's events go to (null: none, events are dropped)
     * @return the bus's ARN
     */
    public String createEventBus(String name, String eventSourceName, String description, BusOptions options, String deliverTo,
                                 Caller caller) {
        Constraints.check().busName("name", name).optionalName("eventSourceName", eventSourceName).description("description", description)
                .orThrow();
        options.check();
        if (eventSourceName == null) {
            // EventBridge's own words for an aws. name without a source; any other custom bus is not this registry's.
            throw new RegistryException.Validation(name.startsWith("aws.")
                    ? "EventBus name starting with 'aws.' is not valid."
                    : "This registry hosts partner event buses only: EventSourceName is required.");
        }
        if (!name.equals(eventSourceName)) {
            throw new RegistryException.Validation("The name of a partner event bus must match the name of its event source.");
        }
        CustomerAccess access = access(RegistryOperation.CREATE_EVENT_BUS, caller, name);
        if (deliverTo != null && !Constraints.isOwnEventBusArn(deliverTo, access.account(), partition)) {
            throw new RegistryException.Validation("The tag " + DELIVER_TO_TAG + " must name an event bus of account " + access.account()
                    + " other than a partner event bus, in a region of partition " + partition + ": arn:" + partition + ":events:<region>:"
                    + access.account() + ":event-bus/<name>.");
        }
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            PartnerEventSource source = offered(name, access).orElseThrow(() -> new RegistryException.ResourceNotFound(name));
            if (source.hasBus()) {
                throw RegistryException.ResourceAlreadyExists.bus(name);
            }
            if (store.change(source, source.withBus(clock.instant(), deliverTo, description).in(SourceState.ACTIVE, null), access)) {
                return busArnOf(access.account(), name);
            }
        }
        throw new RegistryException.ConcurrentModification();
    }

    /**
     * Deletes the partner event bus {@code name}: its source is PENDING again, with a new expiry, or
     * gone if its partner had deleted it. Idempotent, as EventBridge lists no ResourceNotFound for it.
     */
    public void deleteEventBus(String name, Caller caller) {
        Constraints.check().busName("name", name).orThrow();
        if (!Constraints.isName(name)) {
            return;
        }
        CustomerAccess access = access(RegistryOperation.DELETE_EVENT_BUS, caller, name);
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            Optional<PartnerEventSource> stored = store.findOffered(name, access);
            if (stored.isEmpty() || !stored.get().hasBus()) {
                return;
            }
            PartnerEventSource source = stored.get();
            PartnerEventSource next = source.state() == SourceState.DELETED
                    ? null : source.withoutBus().in(SourceState.PENDING, clock.instant().plus(sourceExpiration));
            if (store.change(source, next, access)) {
                return;
            }
        }
        throw new RegistryException.ConcurrentModification();
    }

    /** The partner event bus {@code nameOrArn} of the caller's account (none: {@code default}, which this registry does not host). */
    public PartnerEventBus describeEventBus(String nameOrArn, Caller caller) {
        Constraints.check().busNameOrArn("name", nameOrArn).orThrow();
        String name = nameOrArn == null ? "default" : nameOrArn.substring(nameOrArn.lastIndexOf(":event-bus/") < 0 ? 0
                : nameOrArn.lastIndexOf(":event-bus/") + ":event-bus/".length());
        CustomerAccess access = access(RegistryOperation.DESCRIBE_EVENT_BUS, caller, name);
        if (!Constraints.isName(name) || (nameOrArn.startsWith("arn:") && !busArnOf(access.account(), name).equals(nameOrArn))) {
            throw RegistryException.ResourceNotFound.bus(name);
        }
        PartnerEventSource source = store.findOffered(name, access).filter(PartnerEventSource::hasBus)
                .orElseThrow(() -> RegistryException.ResourceNotFound.bus(name));
        return new PartnerEventBus(name, busArnOf(access.account(), name), source.busCreationTime(), source.busDescription());
    }

    public void activateEventSource(String name, Caller caller) {
        change(name, RegistryOperation.ACTIVATE_EVENT_SOURCE, caller, SourceState.ACTIVE);
    }

    /** The source goes PENDING, with a new expiry: left so, it is deleted then, as EventBridge deletes it. */
    public void deactivateEventSource(String name, Caller caller) {
        change(name, RegistryOperation.DEACTIVATE_EVENT_SOURCE, caller, SourceState.PENDING);
    }

    private void change(String name, RegistryOperation operation, Caller caller, SourceState to) {
        Constraints.check().name("name", name).orThrow();
        CustomerAccess access = access(operation, caller, name);
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            PartnerEventSource source = offered(name, access).orElseThrow(() -> new RegistryException.ResourceNotFound(name));
            if (source.state() == SourceState.DELETED || source.state() == to) {
                throw new RegistryException.InvalidState(name, source.state());
            }
            if (!source.hasBus()) {
                throw RegistryException.ResourceNotFound.sourceOrBus(name);
            }
            if (store.change(source, source.in(to, clock.instant().plus(sourceExpiration)), access)) {
                return;
            }
        }
        throw new RegistryException.ConcurrentModification();
    }

    public String arnOf(String name) {
        return "arn:" + partition + ":events:" + region + "::event-source/" + name;
    }

    public String busArnOf(String account, String name) {
        return "arn:" + partition + ":events:" + region + ":" + account + ":event-bus/" + name;
    }

    private Optional<PartnerEventSource> offered(String name, CustomerAccess access) {
        return store.findOffered(name, access).filter(Shown.toCustomer(clock.instant()));
    }

    /**
     * The caller's account, from its principal. A caller without one (no identity at all) is refused
     * as IAM refuses an anonymous caller.
     */
    private CustomerAccess access(RegistryOperation operation, Caller caller, String resource) {
        String account = caller.accountId();
        if (account == null) {
            throw new RegistryException.AccessDenied(caller.principalArn(), operation, arnOf(resource));
        }
        return new CustomerAccess(region, operation, account, caller);
    }

    /** A partner event bus as DescribeEventBus shows it; {@code description} null when the customer gave none. */
    public record PartnerEventBus(String name, String arn, Instant creationTime, String description) {
    }
}
