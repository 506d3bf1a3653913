package dev.partnerregistry.domain;

import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Where partner event sources live. Every method enforces {@link Access} atomically with its own
 * read or write and fails with, in this precedence: {@link RegistryException.OperationDisabled},
 * then {@link RegistryException.AccessDenied}, then the operation's own errors. Engine failures
 * surface as {@link RegistryException.ConcurrentModification}, {@link RegistryException.Throttling}
 * or {@link RegistryException.Internal}.
 */
public interface PartnerSourceStore {

    /**
     * Stores a new source and counts it against its partner, all or nothing. The source is stored
     * with {@code callId}; a source of that name stored by the same call id (an earlier attempt of
     * this very call, whose answer was lost) counts as created by this call: no error.
     *
     * @param callId the id the client gives this call and repeats on its retries, or null
     * @throws RegistryException.ResourceAlreadyExists a source of that name exists (wins over the limit)
     * @throws RegistryException.LimitExceeded         the partner holds its limit (its own, else {@code defaultLimit})
     */
    void create(PartnerEventSource source, int defaultLimit, Access access, String callId);

    Optional<PartnerEventSource> find(String name, Access access);

    /**
     * Sources of the partner whose names start with {@code prefix}, in name order, after the name
     * {@code exclusiveStartName} gives (null: from the first). It is asked only once access holds,
     * so that a bad NextToken never answers before OperationDisabled or AccessDenied.
     */
    List<PartnerEventSource> list(String prefix, Supplier<String> exclusiveStartName, int limit, Access access);

    /**
     * Removes the source if it exists with that account, and frees its slot, all or nothing.
     *
     * @return whether a source was removed
     */
    boolean delete(String name, String account, Access access);
}
