package dev.partnerregistry.domain;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Where partner event sources live. Every method enforces its access ({@link Access} for the
 * partner side, {@link CustomerAccess} for the customer side) atomically with its own read or
 * write and fails with, in this precedence: {@link RegistryException.OperationDisabled}, then
 * {@link RegistryException.AccessDenied}, then the operation's own errors. Engine failures surface
 * as {@link RegistryException.ConcurrentModification}, {@link RegistryException.Throttling} or
 * {@link RegistryException.Internal}.
 *
 * <p>The store keeps sources as they are written; which of them a reader sees (not an expired
 * one, a partner no DELETED one) is the domain's decision, passed in where a read filters.
 */
public interface PartnerSourceStore {

    /**
     * Stores a new source and counts it against its partner, all or nothing. A DELETED source of that
     * name (its customer's bus still there) is replaced and keeps its bus; a PENDING one expired by
     * {@code now} is replaced without a change of count. The source is stored with {@code callId}; a
     * source of that name stored by the same call id (an earlier attempt of this very call, whose
     * answer was lost) counts as created by this call: no error.
     *
     * @param callId the id the client gives this call and repeats on its retries, or null
     * @throws RegistryException.ResourceAlreadyExists a source of that name exists (wins over the limit)
     * @throws RegistryException.LimitExceeded         the partner holds its limit (its own, else {@code defaultLimit})
     */
    void create(PartnerEventSource source, int defaultLimit, Access access, String callId, Instant now);

    /** The source as stored, whatever its state. */
    Optional<PartnerEventSource> find(String name, Access access);

    /**
     * Up to {@code limit} sources of the partner whose names start with {@code prefix} and that
     * {@code shown} admits, in name order, from where {@code resume} gives (null: the first). It is
     * asked only once access holds, so that a bad NextToken never answers before OperationDisabled or
     * AccessDenied. The work is bounded whatever hides in the range (expired, DELETED): fewer than
     * {@code limit} sources with a {@link Listing#readThrough()} say that the store stopped reading
     * there, and the rest of the range follows that name.
     */
    Listing list(String prefix, Supplier<Resume> resume, int limit, Access access, Shown shown);

    /**
     * A listing's sources; where it stopped reading before the end of its range with fewer than asked
     * (null: it reached the end, or found as many as asked); and how many items the store asks the next
     * page's read to cover, for its {@link Resume}.
     */
    record Listing(List<PartnerEventSource> sources, String readThrough, int nextWindow) {

        /** A listing that read nothing: a caller who may see nothing. */
        public static Listing empty() {
            return new Listing(List.of(), null, Resume.DEFAULT_WINDOW);
        }
    }

    /**
     * Where a listing goes on: after the name {@code afterName}, reading {@code window} items, as the
     * store asked when it made the previous page ({@value #DEFAULT_WINDOW}: the store's default, one
     * page's worth). The store sizes the next read from what the last one saw, so that a page past
     * hidden sources is still one read.
     */
    record Resume(String afterName, int window) {

        public static final int DEFAULT_WINDOW = 0;

        public Resume {
            window = Math.max(DEFAULT_WINDOW, window);
        }
    }

    /**
     * The partner's delete of {@code stored}, if it is still as read: the item goes (or becomes
     * {@code keepAs}, a DELETED source that its customer's bus keeps) and the partner's slot is freed,
     * all or nothing.
     *
     * @return false if the source changed since it was read
     */
    boolean delete(PartnerEventSource stored, PartnerEventSource keepAs, Access access);

    /** What PutPartnerEvents needs to know, read at once: which partners the caller is registered for, and the sources as stored. */
    record EventSources(java.util.Set<String> registeredPartners, java.util.Map<String, PartnerEventSource> sources) {
    }

    /**
     * For PutPartnerEvents, in one consistent read: the region's switch (OperationDisabled for the
     * whole request), the partner items of the sources' partners (is the caller registered for each?)
     * and the sources named.
     */
    EventSources eventSources(java.util.Collection<String> names, Caller caller, String region);

    /**
     * The source, as stored, if it is offered to the customer's account and the caller is granted
     * that account; else empty, alike whether the source exists or not.
     */
    Optional<PartnerEventSource> findOffered(String name, CustomerAccess access);

    /**
     * As {@link #list}, over the sources offered to the customer's account, names starting with
     * {@code prefix} (null: all); none for a caller the account has not granted.
     */
    Listing listOffered(String prefix, Supplier<Resume> resume, int limit, CustomerAccess access, Shown shown);

    /**
     * A customer's change of {@code stored} into {@code next} (state, expiry, bus), or with a null
     * {@code next} its removal (a DELETED source whose bus is deleted), if it is still as read. The
     * partner's count does not change: the customer never adds or frees a slot.
     *
     * @return false if the source changed since it was read, or the caller's grant was revoked meanwhile
     */
    boolean change(PartnerEventSource stored, PartnerEventSource next, CustomerAccess access);
}
