package dev.sluice.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Threads hammering the store under a manual clock. Each round is one window: every thread makes many
 * calls at the round's time, then all meet at a barrier and the clock moves one window on. The admitted
 * count of a round is then exact: {@code limit} for every algorithm (the bucket refills exactly one
 * {@code limit} per window).
 */
class ConcurrencyTest {
    /** A worker that fails must not leave the others waiting forever: they give up after this long. */
    private static final long BARRIER_TIMEOUT_SECONDS = 60;

    private static final long TICK = StateWordLayout.TICK_NANOS;
    /** A whole number of ticks (so fixed windows end exactly) and of limit (so GCRA refills exactly). */
    private static final long WINDOW = TICK * 1_000;
    private static final long BASE = TICK * 1_000_000;
    private static final int LIMIT = 25;
    private static final int CALLS_PER_ROUND = 200;

    static List<Arguments> algorithmsAndThreads() {
        List<Arguments> cases = new ArrayList<>();
        for (StoreAlgorithm algorithm : StoreAlgorithm.values()) {
            for (int threads : new int[] {2, 4, 8}) {
                cases.add(Arguments.of(algorithm, threads));
            }
        }
        return cases;
    }

    @ParameterizedTest(name = "{0} x{1}")
    @MethodSource("algorithmsAndThreads")
    void hammeredKeyAdmitsExactlyLimitPerWindow(StoreAlgorithm algorithm, int threads) throws Exception {
        runRounds(algorithm, threads, false);
    }

    @ParameterizedTest(name = "{0} x{1}")
    @MethodSource("algorithmsAndThreads")
    void reclaimRacingWithUpdatesLosesNothing(StoreAlgorithm algorithm, int threads) throws Exception {
        runRounds(algorithm, threads, true);
    }

    private static void runRounds(StoreAlgorithm algorithm, int threads, boolean reclaim) throws Exception {
        long deadline = System.nanoTime() + StoreTesting.stressNanos() / 6;
        try (KeyedStore store = StoreTesting.builder(algorithm).reclaimGraceNanos(0).build()) {
            AtomicLong clock = new AtomicLong(BASE);
            AtomicLong admitted = new AtomicLong();
            AtomicBoolean stop = new AtomicBoolean();
            ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
            List<Long> perRound = new ArrayList<>();
            CyclicBarrier barrier = new CyclicBarrier(threads, () -> {
                perRound.add(admitted.getAndSet(0));
                clock.addAndGet(WINDOW);
                if (perRound.size() >= 20 && System.nanoTime() > deadline) {
                    stop.set(true);
                }
            });
            List<Thread> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                workers.add(Thread.ofPlatform().start(() -> {
                    String key = StoreTesting.key("hot-key");
                    AcquireResult out = new AcquireResult();
                    try {
                        while (!stop.get()) {
                            long now = clock.get();
                            for (int i = 0; i < CALLS_PER_ROUND; i++) {
                                if (store.acquire(key, LIMIT, WINDOW, now, out)) {
                                    admitted.incrementAndGet();
                                }
                            }
                            barrier.await(BARRIER_TIMEOUT_SECONDS, TimeUnit.SECONDS);
                        }
                    } catch (Throwable e) {
                        errors.add(e);
                        stop.set(true);
                        barrier.reset();
                    }
                }));
            }
            Thread sweeper = null;
            if (reclaim) {
                sweeper = Thread.ofPlatform().start(() -> {
                    while (!stop.get() && errors.isEmpty()) {
                        store.reclaimExpired(clock.get(), 64);
                    }
                });
            }
            for (Thread worker : workers) {
                worker.join();
            }
            if (sweeper != null) {
                sweeper.join();
            }
            assertTrue(errors.isEmpty(), () -> "worker failed: " + errors.peek());
            for (int round = 0; round < perRound.size(); round++) {
                assertEquals(LIMIT, perRound.get(round), "admitted in round " + round + " of " + perRound);
            }
            if (reclaim) {
                assertTrue(store.size() <= 1, "size " + store.size());
            }
        }
    }

    @ParameterizedTest(name = "{0} x{1}")
    @MethodSource("algorithmsAndThreads")
    void threadsInsertingTheSameNewKeyCreateItOnce(StoreAlgorithm algorithm, int threads) throws Exception {
        int rounds = 300;
        long limit = 1_000;
        try (KeyedStore store = StoreTesting.builder(algorithm).maxKeys(rounds + 1).build()) {
            long[][] remaining = new long[rounds][threads];
            CyclicBarrier barrier = new CyclicBarrier(threads);
            ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
            List<Thread> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                workers.add(Thread.ofPlatform().start(() -> {
                    AcquireResult out = new AcquireResult();
                    try {
                        for (int round = 0; round < rounds; round++) {
                            String key = "new-key-" + round;
                            barrier.await(BARRIER_TIMEOUT_SECONDS, TimeUnit.SECONDS);
                            store.acquire(key, limit, 60 * StoreTesting.SECOND, BASE, out);
                            remaining[round][thread] = out.status() == AcquireStatus.ALLOWED ? out.remaining() : -1;
                        }
                    } catch (Throwable e) {
                        errors.add(e);
                        barrier.reset();
                    }
                }));
            }
            for (Thread worker : workers) {
                worker.join();
            }
            assertTrue(errors.isEmpty(), () -> "worker failed: " + errors.peek());
            assertEquals(rounds, store.size(), "keys created");
            for (int round = 0; round < rounds; round++) {
                Set<Long> seen = new HashSet<>();
                for (long r : remaining[round]) {
                    seen.add(r);
                }
                Set<Long> expected = new HashSet<>();
                for (int i = 1; i <= threads; i++) {
                    expected.add(limit - i);
                }
                assertEquals(expected, seen, "round " + round + ": every request charged one shared state");
            }
        }
    }
}
