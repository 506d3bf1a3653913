package dev.partnerregistry.api;

import dev.partnerregistry.domain.Access;
import dev.partnerregistry.domain.CustomerAccess;
import dev.partnerregistry.domain.CustomerEventSources;
import dev.partnerregistry.domain.PageTokenKey;
import dev.partnerregistry.domain.PartnerEventSource;
import dev.partnerregistry.domain.PartnerEvents;
import dev.partnerregistry.domain.PartnerRegistry;
import dev.partnerregistry.domain.PartnerSourceStore;
import dev.partnerregistry.domain.Shown;
import java.io.OutputStream;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/** A store that must never be reached: these requests are all decided before storage. */
class UnreachableStore implements PartnerSourceStore, PageTokenKey {

    /** The registry on this store, as the handler and protocol tests use it. */
    PartnerRegistry registry() {
        return new PartnerRegistry(this, this, "us-east-1", 10, Clock.systemUTC());
    }

    /** The protocol on {@link #registry()}, logging nowhere. */
    static AwsJsonProtocol protocol() {
        return protocol(new UnreachableStore(), new PrintStream(OutputStream.nullOutputStream()));
    }

    static AwsJsonProtocol protocol(UnreachableStore store, PrintStream log) {
        return new AwsJsonProtocol(store.registry(), new CustomerEventSources(store, store, "us-east-1", Duration.ofDays(7), Clock.systemUTC()),
                new PartnerEvents(store, events -> { throw new AssertionError("reached the queue"); }, "us-east-1", Clock.systemUTC()),
                RequestLog.to(log, "PartnerRegistry"), () -> 0);
    }

    @Override
    public void create(PartnerEventSource source, int defaultLimit, Access access, String callId, Instant now) {
        throw new AssertionError("reached the store");
    }

    @Override
    public Optional<PartnerEventSource> find(String name, Access access) {
        throw new AssertionError("reached the store");
    }

    @Override
    public Listing list(String prefix, Supplier<Resume> resume, int limit, Access access, Shown shown) {
        throw new AssertionError("reached the store");
    }

    @Override
    public boolean delete(PartnerEventSource stored, PartnerEventSource keepAs, Access access) {
        throw new AssertionError("reached the store");
    }

    @Override
    public Optional<PartnerEventSource> findOffered(String name, CustomerAccess access) {
        throw new AssertionError("reached the store");
    }

    @Override
    public EventSources eventSources(java.util.Collection<String> names, dev.partnerregistry.domain.Caller caller, String region) {
        throw new AssertionError("reached the store");
    }

    @Override
    public Listing listOffered(String prefix, Supplier<Resume> resume, int limit, CustomerAccess access, Shown shown) {
        throw new AssertionError("reached the store");
    }

    @Override
    public boolean change(PartnerEventSource stored, PartnerEventSource next, CustomerAccess access) {
        throw new AssertionError("reached the store");
    }

    @Override
    public byte[] secret() {
        throw new AssertionError("reached the store");
    }
}
