package dev.partnerregistry.domain;

import java.time.Instant;
import java.util.function.Predicate;

/**
 * Which stored sources a reader sees: never one expired by {@code now}, and a DELETED one (kept
 * only for its customer's bus) only if {@code deleted}. A value, not just a predicate, so that a
 * store can ask its engine to leave the hidden ones out of a listing instead of reading past them.
 */
public record Shown(Instant now, boolean deleted) implements Predicate<PartnerEventSource> {

    /** What a partner sees: neither a source it deleted nor an expired one. */
    public static Shown toPartner(Instant now) {
        return new Shown(now, false);
    }

    /** What a customer sees: every state, DELETED included (its bus is still there), but no expired source. */
    public static Shown toCustomer(Instant now) {
        return new Shown(now, true);
    }

    @Override
    public boolean test(PartnerEventSource source) {
        return (deleted || source.state() != PartnerEventSource.SourceState.DELETED) && !source.expiredAt(now);
    }
}
