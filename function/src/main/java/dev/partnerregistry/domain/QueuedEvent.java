package dev.partnerregistry.domain;

import java.time.Instant;
import java.util.List;
import java.util.regex.Pattern;

/**
 * An accepted partner event on its way to the customer's own bus: what the forwarder needs to send
 * it, and what the customer needs to recognise it (the source, its partner, the EventId the partner
 * was answered with).
 */
public record QueuedEvent(String eventId, String source, String partner, String account, String deliverTo, Instant time,
                          String detailType, String detail, List<String> resources) {

    /** A delivered event's {@code source} is this and the partner (AWS reserves {@code aws.}). */
    public static final String SOURCE_PREFIX = "partner-registry.";
    /** A delivered event's second resource is this and the EventId the partner was answered with. */
    public static final String EVENT_ID_RESOURCE = "partner-registry:event-id/";

    /** Any resource the registry's own prefix starts: {@link #EVENT_ID_RESOURCE} and whatever it may add later. */
    public static final String RESERVED_RESOURCE_PREFIX = "partner-registry:";
    private static final Pattern EVENT_SOURCE_ARN = Pattern.compile("arn:[^:]*:events:[^:]*:[^:]*:event-source/.*", Pattern.DOTALL);

    /**
     * True for a resource only the registry may set on a delivered event: its own ({@value #RESERVED_RESOURCE_PREFIX}
     * prefix, so customers can deduplicate by the one event id) and any event source's ARN (so that no partner
     * matches rules written for another's source).
     */
    public static boolean reserved(String resource) {
        return resource.startsWith(RESERVED_RESOURCE_PREFIX) || EVENT_SOURCE_ARN.matcher(resource).matches();
    }

    /** The partner's own resources, as delivered after the registry's two: none of them reserved. */
    public List<String> partnerResources() {
        return resources.stream().filter(resource -> !reserved(resource)).toList();
    }

    /** This event's size in the forwarder's PutEvents, as AWS counts an entry ({@link PartnerEvents#deliveredSizeOf}). */
    public long putEventsSize() {
        PartnerEvents.Entry entry = new PartnerEvents.Entry(time, source, partnerResources(), detailType, detail);
        return PartnerEvents.deliveredSizeOf(entry, PartnerEvents.sizeOf(entry), partner, sourceArn());
    }

    /**
     * @throws IllegalArgumentException when {@code deliverTo} is not an event bus ARN: such a message can never be
     *                                  delivered (PutPartnerEvents never queues one; a hand-made or damaged message may)
     */
    public QueuedEvent {
        resources = resources == null ? List.of() : List.copyOf(resources);
        String[] bus = deliverTo == null ? new String[0] : deliverTo.split(":", 6);
        if (bus.length != 6 || !bus[0].equals("arn") || !bus[2].equals("events") || !bus[5].startsWith("event-bus/")) {
            throw new IllegalArgumentException("deliverTo is not an event bus ARN");
        }
    }

    /** The {@code source} the event is delivered with. */
    public String deliveredSource() {
        return SOURCE_PREFIX + partner;
    }

    /** The event source's ARN as the delivered event's first resource names it: in the bus's partition and region. */
    public String sourceArn() {
        return sourceArnIn(deliverTo, source);
    }

    static String sourceArnIn(String busArn, String sourceName) {
        String[] parts = busArn.split(":", 6);
        return "arn:" + parts[1] + ":events:" + parts[3] + "::event-source/" + sourceName;
    }
}
