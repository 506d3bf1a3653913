package dev.partnerregistry.store;

import dev.partnerregistry.domain.RegistryException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/** Calls released at once on a pool of workers, counted by outcome: the races of the engine tests. */
final class ParallelCalls {

    private ParallelCalls() {
    }

    /** Runs {@code count} calls on {@code workers} threads; how many ended in each outcome or error code. */
    static Map<String, Integer> outcomes(int workers, int count, IntFunction<Callable<String>> call) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(workers);
        CountDownLatch start = new CountDownLatch(1);
        Map<String, Integer> outcomes = new ConcurrentHashMap<>();
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                Callable<String> task = call.apply(i);
                futures.add(pool.submit(() -> {
                    start.await();
                    String outcome;
                    try {
                        outcome = task.call();
                    } catch (RegistryException e) {
                        outcome = e.errorCode();
                    }
                    outcomes.merge(outcome, 1, Integer::sum);
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> future : futures) {
                future.get(300, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        return outcomes;
    }
}
