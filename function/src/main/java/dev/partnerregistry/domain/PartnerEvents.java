package dev.partnerregistry.domain;

import dev.partnerregistry.domain.PartnerEventSource.SourceState;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * PutPartnerEvents: a partner sends up to 20 events, each for a source it owns. An entry for an
 * ACTIVE source whose customer named its own bus is queued for delivery there; one for a PENDING
 * source (or an ACTIVE one without a bus to deliver to) is accepted and dropped, as EventBridge
 * drops them; every other entry fails on its own, with PutEvents' per-entry codes. The answer has
 * one result per entry, in request order.
 */
public final class PartnerEvents {

    public static final int MAX_ENTRIES = 20;
    public static final int MAX_DETAIL_TYPE_CHARS = 128;
    /** "Total entry size must be less than 256KB" (the PutEvents documentation, which PutPartnerEvents' points to). */
    public static final int MAX_ENTRIES_BYTES = 256 * 1024;
    /** A Time counts as 14 bytes in an entry's size (AWS: "Calculating PutEvents event entry size"). */
    static final int TIME_BYTES = 14;
    /**
     * The Times PutEvents takes: the model gives an entry's Time "per RFC3339", whose four-digit year
     * writes no time before year 0000 or after 9999 (an event's {@code time} is such a string).
     */
    static final Instant EARLIEST_TIME = Instant.ofEpochSecond(-62_167_219_200L); // 0000-01-01T00:00:00Z
    static final Instant LATEST_TIME = Instant.ofEpochMilli(253_402_300_799_999L); // 9999-12-31T23:59:59.999Z, without parsing at init
    /** The EventId the forwarder adds as a resource, {@link QueuedEvent#EVENT_ID_RESOURCE} and a UUID. */
    private static final int EVENT_ID_CHARS = 36;

    public static final String INVALID_ARGUMENT = "InvalidArgument";
    public static final String MALFORMED_DETAIL = "MalformedDetail";
    public static final String ACCESS_DENIED = "AccessDeniedException";
    public static final String INTERNAL_FAILURE = "InternalFailure";

    /** One request entry, as sent. */
    public record Entry(Instant time, String source, List<String> resources, String detailType, String detail) {
    }

    /** One result: an EventId, or an error code and message. */
    public record Outcome(String eventId, String errorCode, String errorMessage) {

        static Outcome accepted(String eventId) {
            return new Outcome(eventId, null, null);
        }

        static Outcome failed(String code, String message) {
            return new Outcome(null, code, message);
        }
    }

    /** The answer, and for the request log how many events were queued, dropped and failed. */
    public record Result(List<Outcome> entries, int queued, int dropped) {

        public int failed() {
            return (int) entries.stream().filter(outcome -> outcome.errorCode() != null).count();
        }
    }

    private final PartnerSourceStore store;
    private final EventQueue queue;
    private final String region;
    private final String partition;
    private final Clock clock;

    public PartnerEvents(PartnerSourceStore store, EventQueue queue, String region, Clock clock) {
        this.store = store;
        this.queue = queue;
        this.region = region;
        this.partition = PartnerRegistry.partitionOf(region);
        this.clock = clock;
    }

    public Result putPartnerEvents(List<Entry> entries, Caller caller) {
        Constraints check = Constraints.check().entries("entries", entries, MAX_ENTRIES);
        if (entries != null) {
            for (int i = 0; i < entries.size(); i++) {
                Entry entry = entries.get(i);
                String member = "entries." + (i + 1) + ".member.";
                check.optionalName(member + "source", entry.source());
                List<String> resources = entry.resources() == null ? List.of() : entry.resources();
                for (int r = 0; r < resources.size(); r++) {
                    check.resource(member + "resources." + (r + 1) + ".member", resources.get(r));
                }
            }
        }
        check.orThrow();
        long[] sizes = new long[entries.size()];
        long total = 0;
        for (int i = 0; i < sizes.length; i++) {
            sizes[i] = sizeOf(entries.get(i));
            total += sizes[i];
        }
        if (total > MAX_ENTRIES_BYTES) {
            throw new RegistryException.Validation("Total size of the entries in the request is over the limit.");
        }
        if (entries.stream().noneMatch(PartnerEvents::complete)) {
            // The model: "If you submit a request in which none of the entries have each of these properties,
            // EventBridge fails the entire request."
            throw new RegistryException.Validation("Parameter Entries is not valid. Reason: no entry has Source, DetailType and Detail.");
        }

        Set<String> names = new LinkedHashSet<>();
        entries.stream().filter(PartnerEvents::complete).forEach(entry -> names.add(entry.source()));
        Instant now = clock.instant();
        PartnerSourceStore.EventSources known = store.eventSources(names, caller, region);

        List<Outcome> outcomes = new ArrayList<>(entries.size());
        List<QueuedEvent> toQueue = new ArrayList<>();
        List<Integer> queuedAt = new ArrayList<>();
        int dropped = 0;
        for (int i = 0; i < entries.size(); i++) {
            Entry entry = entries.get(i);
            Outcome failure = entryFailure(entry, sizes[i], caller, known, now);
            if (failure != null) {
                outcomes.add(failure);
                continue;
            }
            String eventId = UUID.randomUUID().toString();
            PartnerEventSource source = known.sources().get(entry.source());
            if (source.state() == SourceState.ACTIVE && source.deliverTo() != null) {
                queuedAt.add(outcomes.size());
                toQueue.add(new QueuedEvent(eventId, source.name(), source.partner(), source.account(), source.deliverTo(),
                        entry.time() == null ? now : entry.time(), entry.detailType(), entry.detail(), entry.resources()));
            } else {
                // PENDING: EventBridge accepts and drops the event; ACTIVE without a bus of the customer's to deliver to, as well.
                dropped++;
            }
            outcomes.add(Outcome.accepted(eventId));
        }
        int queued = 0;
        if (!toQueue.isEmpty()) {
            List<Boolean> sent = queue.send(toQueue);
            for (int i = 0; i < toQueue.size(); i++) {
                if (i < sent.size() && sent.get(i)) {
                    queued++;
                } else {
                    outcomes.set(queuedAt.get(i), Outcome.failed(INTERNAL_FAILURE, "Internal Service Failure"));
                }
            }
        }
        return new Result(List.copyOf(outcomes), queued, dropped);
    }

    /**
     * Why this entry fails, in this order: an incomplete entry, a DetailType too long, a Time or a
     * resource PutEvents would not take, a malformed detail, a source not the caller's, a source that
     * is not there, an entry too large to deliver. What is accepted can be delivered: an EventId is
     * never answered for an event PutEvents would refuse.
     */
    private Outcome entryFailure(Entry entry, long size, Caller caller, PartnerSourceStore.EventSources known, Instant now) {
        for (String[] required : new String[][] {{"Source", entry.source()}, {"DetailType", entry.detailType()}, {"Detail", entry.detail()}}) {
            if (required[1] == null) {
                return Outcome.failed(INVALID_ARGUMENT, "Parameter " + required[0] + " is not valid. Reason: " + required[0] + " is a required argument.");
            }
        }
        if (entry.detailType().length() > MAX_DETAIL_TYPE_CHARS) {
            return Outcome.failed(INVALID_ARGUMENT, "Parameter DetailType is not valid. Reason: DetailType is longer than "
                    + MAX_DETAIL_TYPE_CHARS + " characters.");
        }
        if (entry.time() != null && (entry.time().isBefore(EARLIEST_TIME) || entry.time().isAfter(LATEST_TIME))) {
            return Outcome.failed(INVALID_ARGUMENT, "Parameter Time is not valid. Reason: Time must be between year 0000 and year 9999.");
        }
        if (entry.resources() != null && entry.resources().stream().anyMatch(java.util.Objects::isNull)) {
            return Outcome.failed(INVALID_ARGUMENT, "Parameter Resources is not valid. Reason: Resources must not contain null.");
        }
        if (entry.resources() != null && entry.resources().stream().anyMatch(QueuedEvent::reserved)) {
            return Outcome.failed(INVALID_ARGUMENT, "Parameter Resources is not valid. Reason: resources starting with "
                    + QueuedEvent.RESERVED_RESOURCE_PREFIX + " and event source ARNs are set by the registry.");
        }
        if (!DetailJson.isDeliverable(entry.detail())) {
            return Outcome.failed(MALFORMED_DETAIL, "Detail is malformed.");
        }
        String partner = Constraints.partnerOf(entry.source());
        if (!known.registeredPartners().contains(partner)) {
            return Outcome.failed(ACCESS_DENIED, "User: " + (caller.principalArn() == null ? "anonymous" : caller.principalArn())
                    + " is not authorized to perform: events:PutPartnerEvents on resource: " + arnOf(entry.source()));
        }
        PartnerEventSource source = known.sources().get(entry.source());
        Predicate<PartnerEventSource> live = s -> s.state() != SourceState.DELETED && !s.expiredAt(now);
        if (source == null || !live.test(source)) {
            return Outcome.failed(INVALID_ARGUMENT, "Event source " + entry.source() + " does not exist.");
        }
        long delivered = deliveredSizeOf(entry, size, partner, source.deliverTo() == null ? arnOf(entry.source())
                : QueuedEvent.sourceArnIn(source.deliverTo(), entry.source()));
        if (delivered > MAX_ENTRIES_BYTES) {
            return Outcome.failed(INVALID_ARGUMENT, "Parameter Entries is not valid. Reason: the entry is " + delivered
                    + " bytes once delivered (source and two resources added), over the " + MAX_ENTRIES_BYTES + " bytes PutEvents takes.");
        }
        return null;
    }

    /**
     * The entry's size in the PutEvents the forwarder makes of it, as AWS counts it ({@link #sizeOf}): the
     * partner's Source replaced by {@link QueuedEvent#SOURCE_PREFIX} and the partner, a Time always, and
     * the event source's ARN and the EventId resource before the partner's resources.
     */
    static long deliveredSizeOf(Entry entry, long size, String partner, String sourceArn) {
        // Its size as sent, less its own Time and Source, plus what the forwarder writes instead.
        return size - (entry.time() == null ? 0 : TIME_BYTES) - utf8(entry.source())
                + TIME_BYTES + utf8(QueuedEvent.SOURCE_PREFIX + partner) + utf8(sourceArn) + utf8(QueuedEvent.EVENT_ID_RESOURCE) + EVENT_ID_CHARS;
    }

    private static boolean complete(Entry entry) {
        return entry.source() != null && entry.detailType() != null && entry.detail() != null;
    }

    /** An entry's size as AWS counts it: 14 bytes for a Time, the UTF-8 bytes of Source, DetailType, Detail and each resource. */
    static long sizeOf(Entry entry) {
        long size = entry.time() == null ? 0 : TIME_BYTES;
        size += utf8(entry.source()) + utf8(entry.detailType()) + utf8(entry.detail());
        for (String resource : entry.resources() == null ? List.<String>of() : entry.resources()) {
            size += utf8(resource);
        }
        return size;
    }

    /** The UTF-8 length of {@code value} (a lone surrogate is one byte, '?', as getBytes writes it). */
    static long utf8(String value) {
        // Encoding is cheaper than counting by character under C1: an ASCII string is one array copy.
        return value == null ? 0 : value.getBytes(StandardCharsets.UTF_8).length;
    }

    private String arnOf(String name) {
        return "arn:" + partition + ":events:" + region + "::event-source/" + name;
    }
}
