package dev.partnerregistry.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.partnerregistry.domain.PartnerEventSource;
import dev.partnerregistry.testing.DynamoDbEngine;
import dev.partnerregistry.testing.RegistryFixture;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * The sweep keeps up with a wave of expiries: {@value #WAVE} sources of a few partners, all expired
 * at once, go in runs of at most the per-run cap, each run taking exactly its cap until the wave is
 * gone, in batches (a few DynamoDB requests per hundred sources, not two per source), the counters
 * counting every one out, and the live sources beside them left alone.
 *
 * <p>Why {@value #WAVE} and not 10,000: moto copies the whole table once per item of every
 * transaction, so sweeping N sources from a table of N costs it N x N item copies (about 50 us
 * each here): 500 take it about 13 s, 10,000 would take over an hour. The batching under test does
 * not depend on the size; the README gives the sweep's rate on DynamoDB.
 */
@ExtendWith(DynamoDbEngine.class)
class SweepWaveTest {

    static final int WAVE = 500;
    static final int PER_RUN = 200;
    static final List<String> PARTNERS = List.of("wave-a.example", "wave-b.example", "wave-c.example", "wave-d.example");

    @Test
    void aWaveOfExpiredSourcesGoesInRunsOfTheCapInBatchesAndCountsEachOneOut(DynamoDbEngine.EngineTable table) {
        RegistryFixture fixture = new RegistryFixture(table, 100);
        PARTNERS.forEach(partner -> fixture.registerPartner(partner, null));
        Instant now = Instant.now();
        Instant longAgo = now.minus(Duration.ofDays(30));
        List<WriteRequest> writes = new ArrayList<>();
        for (int i = 0; i < WAVE + PARTNERS.size(); i++) {
            String partner = PARTNERS.get(i % PARTNERS.size());
            boolean live = i >= WAVE;
            PartnerEventSource source = PartnerEventSource.created("aws.partner/" + partner + "/" + String.format("%05d", i),
                    RegistryFixture.ACCOUNT, live ? now : longAgo, (live ? now : longAgo).plus(Duration.ofDays(7)));
            writes.add(WriteRequest.builder().putRequest(PutRequest.builder().item(SourceItem.of(source)).build()).build());
        }
        for (int from = 0; from < writes.size(); from += 25) {
            List<WriteRequest> batch = writes.subList(from, Math.min(writes.size(), from + 25));
            table.client().batchWriteItem(r -> r.requestItems(Map.of(table.tableName(), batch)));
        }
        for (String partner : PARTNERS) {
            fixture.admin.recount(partner);
        }
        ExpiredSourceSweep sweep = new ExpiredSourceSweep(table.registryClient(), table.tableName());

        List<Integer> runs = new ArrayList<>();
        ExpiredSourceSweep.Result run;
        long started = System.nanoTime();
        DynamoDbRequestCounter.takeCount();
        int requests = 0;
        do {
            run = sweep.sweep(now, PER_RUN);
            requests += DynamoDbRequestCounter.takeCount();
            assertEquals(0, run.skipped(), "nothing changed under the sweep");
            runs.add(run.expired());
        } while (run.expired() > 0);
        System.out.printf("SweepWaveTest: %,d expired sources swept in %d ms, %d DynamoDB requests%n", WAVE,
                (System.nanoTime() - started) / 1_000_000, requests);
        assertTrue(requests <= WAVE / 10, requests + " DynamoDB requests for " + WAVE + " sources");

        assertEquals(List.of(PER_RUN, PER_RUN, WAVE - 2 * PER_RUN, 0), runs, "each run takes its cap until the wave is gone");
        for (String partner : PARTNERS) {
            assertEquals(1, fixture.storedSources(partner), partner + ": its live source stays");
            assertEquals(1, fixture.sourceCount(partner), partner + ": counted out one by one, the live one still counted");
        }
    }
}
