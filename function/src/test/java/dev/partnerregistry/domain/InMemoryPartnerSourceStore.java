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
    private final Set<RegistryOperation> disabled = new java.util.HashSet<>();
    private final byte[] secret = "unit-test-page-token-key-32bytes".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    int secretReads;

    void register(String partner, Caller caller) {
        principals.computeIfAbsent(partner, p -> new java.util.HashSet<>()).add(caller.principalArn());
    }

    void limit(String partner, int limit) {
        limits.put(partner, limit);
    }

    void disable(RegistryOperation operation) {
        disabled.add(operation);
    }

    @Override
    public void create(PartnerEventSource source, int defaultLimit, Access access, String callId) {
        enforce(access);
        PartnerEventSource existing = sources.get(source.name());
        if (existing != null) {
            if (callId != null && callId.equals(callIds.get(source.name())) && existing.account().equals(source.account())) {
                return;
            }
            throw new RegistryException.ResourceAlreadyExists(source.name());
        }
        long held = sources.values().stream().filter(s -> s.partner().equals(access.partner())).count();
        if (held >= limits.getOrDefault(access.partner(), defaultLimit)) {
            throw new RegistryException.LimitExceeded(access.partner());
        }
        sources.put(source.name(), source);
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
    public List<PartnerEventSource> list(String prefix, java.util.function.Supplier<String> startName, int limit, Access access) {
        enforce(access);
        String exclusiveStartName = startName.get();
        List<PartnerEventSource> page = new ArrayList<>();
        for (PartnerEventSource source : (exclusiveStartName == null ? sources : sources.tailMap(exclusiveStartName, false)).values()) {
            if (source.name().startsWith(prefix) && source.partner().equals(access.partner()) && page.size() < limit) {
                page.add(source);
            }
        }
        return page;
    }

    @Override
    public boolean delete(String name, String account, Access access) {
        enforce(access);
        PartnerEventSource source = sources.get(name);
        if (source == null || !source.account().equals(account) || !source.partner().equals(access.partner())) {
            return false;
        }
        sources.remove(name);
        callIds.remove(name);
        return true;
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
