package dev.partnerregistry.domain;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The {@link PartnerSourceStore} port's contract in memory, for the domain's unit tier: access
 * first (disabled operation, then unregistered caller), then the operation's own errors. It stands
 * in for our port, not for DynamoDB: the DynamoDB store is tested on a real engine.
 */
final class InMemoryPartnerSourceStore implements PartnerSourceStore, PageTokenKey {

    private final TreeMap<String, PartnerEventSource> sources = new TreeMap<>();
    private final Map<String, String> callIds = new HashMap<>();
    private final Map<String, Set<String>> principals = new HashMap<>();
    private final Map<String, Integer> limits = new HashMap<>();
    private final Map<String, Set<String>> customers = new HashMap<>();
    private final Set<RegistryOperation> disabled = new java.util.HashSet<>();
    private final byte[] secret = "unit-test-page-token-key-32bytes".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    int secretReads;

    void register(String partner, Caller caller) {
        principals.computeIfAbsent(partner, p -> new java.util.HashSet<>()).add(caller.principalArn());
    }

    /** What the operator's register-customer does: the caller acts as the customer of {@code account}. */
    void grant(String account, Caller caller) {
        customers.computeIfAbsent(account, a -> new java.util.HashSet<>()).add(caller.principalArn());
    }

    void limit(String partner, int limit) {
        limits.put(partner, limit);
    }

    void disable(RegistryOperation operation) {
        disabled.add(operation);
    }

    @Override
    public void create(PartnerEventSource source, int defaultLimit, Access access, String callId, java.time.Instant now) {
        enforce(access);
        PartnerEventSource existing = sources.get(source.name());
        if (existing != null && existing.state() != PartnerEventSource.SourceState.DELETED) {
            if (callId != null && callId.equals(callIds.get(source.name())) && existing.account().equals(source.account())) {
                return;
            }
            if (!existing.expiredAt(now)) {
                throw new RegistryException.ResourceAlreadyExists(source.name());
            }
        } else {
            long held = sources.values().stream()
                    .filter(s -> s.partner().equals(access.partner()) && s.state() != PartnerEventSource.SourceState.DELETED).count();
            if (held >= limits.getOrDefault(access.partner(), defaultLimit)) {
                throw new RegistryException.LimitExceeded(access.partner());
            }
        }
        sources.put(source.name(), existing == null ? source
                : new PartnerEventSource(source.name(), source.account(), source.creationTime(), source.state(), source.expirationTime(),
                        existing.busAccount(), existing.busCreationTime(), existing.deliverTo(), existing.busDescription()));
        if (callId != null) {
            callIds.put(source.name(), callId);
        }
    }

    @Override
    public Optional<PartnerEventSource> find(String name, Access access) {
        enforce(access);
        return Optional.ofNullable(sources.get(name)).filter(s -> s.partner().equals(access.partner()));
    }

    @Override
    public Listing list(String prefix, java.util.function.Supplier<Resume> startName, int limit, Access access, Shown shown) {
        enforce(access);
        return page(prefix, afterName(startName.get()), limit, s -> s.partner().equals(access.partner()) && shown.test(s));
    }

    @Override
    public boolean delete(PartnerEventSource stored, PartnerEventSource keepAs, Access access) {
        enforce(access);
        if (!stored.equals(sources.get(stored.name()))) {
            return false;
        }
        if (keepAs == null) {
            sources.remove(stored.name());
            callIds.remove(stored.name());
        } else {
            sources.put(stored.name(), keepAs);
        }
        return true;
    }

    @Override
    public EventSources eventSources(java.util.Collection<String> names, Caller caller, String region) {
        if (disabled.contains(RegistryOperation.PUT_PARTNER_EVENTS)) {
            throw new RegistryException.OperationDisabled();
        }
        Set<String> registered = new java.util.HashSet<>();
        Map<String, PartnerEventSource> found = new HashMap<>();
        for (String name : names) {
            String partner = Constraints.partnerOf(name);
            if (caller.registrationCandidates().stream().anyMatch(principals.getOrDefault(partner, Set.of())::contains)) {
                registered.add(partner);
                if (sources.containsKey(name)) {
                    found.put(name, sources.get(name));
                }
            }
        }
        return new EventSources(registered, found);
    }

    /** Puts a source as it would be stored (tests of states the partner API cannot make by itself). */
    void put(PartnerEventSource source) {
        sources.put(source.name(), source);
    }

    @Override
    public Optional<PartnerEventSource> findOffered(String name, CustomerAccess access) {
        return Optional.ofNullable(sources.get(name)).filter(s -> granted(access) && s.account().equals(access.account()));
    }

    @Override
    public Listing listOffered(String prefix, java.util.function.Supplier<Resume> startName, int limit, CustomerAccess access, Shown shown) {
        boolean granted = granted(access);
        return page(prefix == null ? "" : prefix, afterName(startName.get()), limit, s -> granted && s.account().equals(access.account()) && shown.test(s));
    }

    @Override
    public boolean change(PartnerEventSource stored, PartnerEventSource next, CustomerAccess access) {
        if (!granted(access) || !stored.equals(sources.get(stored.name()))) {
            return false;
        }
        if (next == null) {
            sources.remove(stored.name());
        } else {
            sources.put(stored.name(), next);
        }
        return true;
    }

    private static String afterName(Resume resume) {
        return resume == null ? null : resume.afterName();
    }

    /** Reads the whole range: the in-memory store has no engine whose work to bound, so it never stops short. */
    private Listing page(String prefix, String exclusiveStartName, int limit, java.util.function.Predicate<PartnerEventSource> in) {
        List<PartnerEventSource> page = new ArrayList<>();
        for (PartnerEventSource source : (exclusiveStartName == null ? sources : sources.tailMap(exclusiveStartName, false)).values()) {
            if (source.name().startsWith(prefix) && in.test(source) && page.size() < limit) {
                page.add(source);
            }
        }
        return new Listing(page, null, Resume.DEFAULT_WINDOW);
    }

    /** OperationDisabled first; then whether the account grants the caller (not granted: nothing is offered to it). */
    private boolean granted(CustomerAccess access) {
        if (disabled.contains(access.operation())) {
            throw new RegistryException.OperationDisabled();
        }
        return access.caller().registrationCandidates().stream().anyMatch(customers.getOrDefault(access.account(), Set.of())::contains);
    }

    @Override
    public byte[] secret() {
        secretReads++;
        return secret.clone();
    }

    private void enforce(Access access) {
        if (disabled.contains(access.operation())) {
            throw new RegistryException.OperationDisabled();
        }
        Set<String> registered = principals.getOrDefault(access.partner(), Set.of());
        if (access.caller().registrationCandidates().stream().noneMatch(registered::contains)) {
            throw access.denied();
        }
    }
}
