package dev.partnerregistry.domain;

import java.util.List;
import java.util.Optional;

/**
 * Where partner event sources live. Every method enforces {@link Access} atomically with its own
 * read or write and fails with, in this precedence: {@link RegistryException.OperationDisabled},
 * then {@link RegistryException.AccessDenied}, then the operation's own errors. Engine failures
 * surface as {@link RegistryException.ConcurrentModification}, {@link RegistryException.Throttling}
 * or {@link RegistryException.Internal}.
 */
public interface PartnerSourceStore {

    /**
     * Stores a new source and counts it against its partner, all or nothing.
     *
     * @throws RegistryException.ResourceAlreadyExists a source of that name exists (wins over the limit)
     * @throws RegistryException.LimitExceeded         the partner holds its limit (its own, else {@code defaultLimit})
     */
    void create(PartnerEventSource source, int defaultLimit, Access access);

    Optional<PartnerEventSource> find(String name, Access access);

    /** Sources of the partner whose names start with {@code prefix}, in name order, after {@code exclusiveStartName}. */
    List<PartnerEventSource> list(String prefix, String exclusiveStartName, int limit, Access access);

    /**
     * Removes the source if it exists with that account, and frees its slot, all or nothing.
     *
     * @return whether a source was removed
     */
    boolean delete(String name, String account, Access access);
}
