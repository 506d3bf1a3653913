package dev.partnerregistry.domain;

import java.time.Instant;

/** A stored partner event source: the name, the one account it is offered to, and when it was created. */
public record PartnerEventSource(String name, String account, Instant creationTime, SourceState state) {

    /** EventBridge's EventSourceState. A source stays PENDING until the customer side activates it. */
    public enum SourceState { PENDING, ACTIVE, DELETED }

    public String partner() {
        return Constraints.partnerOf(name);
    }
}
