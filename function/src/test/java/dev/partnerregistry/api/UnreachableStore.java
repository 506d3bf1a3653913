package dev.partnerregistry.api;

import dev.partnerregistry.domain.Access;
import dev.partnerregistry.domain.PartnerEventSource;
import dev.partnerregistry.domain.PartnerSourceStore;
import java.util.List;
import java.util.Optional;

/** A store that must never be reached: these requests are all decided before storage. */
class UnreachableStore implements PartnerSourceStore {
    @Override
    public void create(PartnerEventSource source, int defaultLimit, Access access) {
        throw new AssertionError("reached the store");
    }

    @Override
    public Optional<PartnerEventSource> find(String name, Access access) {
        throw new AssertionError("reached the store");
    }

    @Override
    public List<PartnerEventSource> list(String prefix, String exclusiveStartName, int limit, Access access) {
        throw new AssertionError("reached the store");
    }

    @Override
    public boolean delete(String name, String account, Access access) {
        throw new AssertionError("reached the store");
    }

    @Override
    public byte[] pageTokenKey() {
        throw new AssertionError("reached the store");
    }
}
