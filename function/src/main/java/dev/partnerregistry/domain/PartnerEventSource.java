package dev.partnerregistry.domain;

import java.time.Instant;

/**
 * A stored partner event source: the name, the one account it is offered to, when it was created,
 * its state, when it expires (PENDING only), and the account whose partner event bus is matched to
 * it with that bus's creation time and the event bus of the customer's own that its events are
 * delivered to (null without one), and the bus's Description as the customer gave it (null without one).
 */
public record PartnerEventSource(String name, String account, Instant creationTime, SourceState state, Instant expirationTime,
                                 String busAccount, Instant busCreationTime, String deliverTo, String busDescription) {

    /**
     * EventBridge's EventSourceState: PENDING until the customer creates the matching bus (or after
     * it deactivates the source or deletes the bus), ACTIVE with an active bus, DELETED when the
     * partner deleted a source whose bus still exists.
     */
    public enum SourceState { PENDING, ACTIVE, DELETED }

    /** A new source, as a partner creates it: PENDING until {@code expirationTime}. */
    public static PartnerEventSource created(String name, String account, Instant creationTime, Instant expirationTime) {
        return new PartnerEventSource(name, account, creationTime, SourceState.PENDING, expirationTime, null, null, null, null);
    }

    public String partner() {
        return Constraints.partnerOf(name);
    }

    /** Whether the customer it is offered to has the matching partner event bus. */
    public boolean hasBus() {
        return busAccount != null && busAccount.equals(account);
    }

    /** A PENDING source past its expiration is gone for every reader, whether or not the sweep has deleted it yet. */
    public boolean expiredAt(Instant now) {
        return state == SourceState.PENDING && expirationTime != null && !now.isBefore(expirationTime);
    }

    /** In {@code next} state; PENDING carries {@code pendingUntil}, the other states no expiry. */
    public PartnerEventSource in(SourceState next, Instant pendingUntil) {
        return new PartnerEventSource(name, account, creationTime, next, next == SourceState.PENDING ? pendingUntil : null,
                busAccount, busCreationTime, deliverTo, busDescription);
    }

    /**
     * With the customer's matching bus, created at {@code at}, its events delivered to {@code deliverTo} (null: nowhere),
     * described as {@code description} (null: no description).
     */
    public PartnerEventSource withBus(Instant at, String deliverTo, String description) {
        return new PartnerEventSource(name, account, creationTime, state, expirationTime, account, at, deliverTo, description);
    }

    public PartnerEventSource withoutBus() {
        return new PartnerEventSource(name, account, creationTime, state, expirationTime, null, null, null, null);
    }
}
