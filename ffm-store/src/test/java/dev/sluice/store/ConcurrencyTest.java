package dev.sluice.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
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

    /**
     * Threads charge all-or-nothing batches over two keys of different limits, so that many batches are
     * refused at one key after being charged at the other. Each round is one window at one time: when all
     * threads meet, each key's admitted units (the sum over the batches reported charged) must not exceed its
     * limit, and must be exactly what the key holds (read by a peek): no refused batch left a charge behind.
     */
    @ParameterizedTest(name = "{0} x{1}")
    @MethodSource("algorithmsAndThreads")
    void allOrNothingBatchesLeaveExactlyTheChargesReportedAdmitted(StoreAlgorithm algorithm, int threads) throws Exception {
        long seed = Long.getLong("sluice.seed", System.nanoTime());
        long[] limits = {LIMIT, 10};
        String[] keys = {"batch-key-a", "batch-key-b"};
        long deadline = System.nanoTime() + StoreTesting.stressNanos() / 6;
        try (KeyedStore store = StoreTesting.builder(algorithm).build()) {
            AtomicLong clock = new AtomicLong(BASE);
            AtomicLongArray admitted = new AtomicLongArray(2);
            AtomicLong refused = new AtomicLong();
            AtomicBoolean stop = new AtomicBoolean();
            ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
            AtomicLong rounds = new AtomicLong();
            CyclicBarrier barrier = new CyclicBarrier(threads, () -> {
                AcquireResult peek = new AcquireResult();
                for (int k = 0; k < 2; k++) {
                    long units = admitted.getAndSet(k, 0);
                    store.peek(keys[k], limits[k], WINDOW, clock.get(), peek);
                    long held = peek.allowed() ? limits[k] - 1 - peek.remaining() : limits[k];
                    if (units > limits[k] || held != units) {
                        errors.add(new AssertionError("round " + rounds.get() + " key " + keys[k] + ": admitted " + units
                                + " of limit " + limits[k] + ", the key holds " + held));
                        stop.set(true);
                    }
                }
                rounds.incrementAndGet();
                clock.addAndGet(WINDOW);
                if (rounds.get() >= 20 && System.nanoTime() > deadline) {
                    stop.set(true);
                }
            });
            List<Thread> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                SplittableRandom random = new SplittableRandom(seed + t);
                workers.add(Thread.ofPlatform().start(() -> {
                    StoreBatch batch = new StoreBatch();
                    long[] permits = new long[2];
                    try {
                        while (!stop.get()) {
                            long now = clock.get();
                            for (int i = 0; i < CALLS_PER_ROUND; i++) {
                                batch.clear();
                                int firstKey = random.nextInt(2);
                                for (int j = 0; j < 2; j++) {
                                    int k = firstKey ^ j;
                                    permits[k] = 1 + random.nextInt(3);
                                    batch.add(store.fingerprint(), 0, keys[k], permits[k], limits[k], WINDOW);
                                }
                                if (store.acquireAll(batch, now) < 0) {
                                    admitted.addAndGet(0, permits[0]);
                                    admitted.addAndGet(1, permits[1]);
                                } else {
                                    refused.incrementAndGet();
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
            for (Thread worker : workers) {
                worker.join();
            }
            assertTrue(errors.isEmpty(), () -> "seed=" + seed + " (replay with -Dsluice.seed=" + seed + "): " + errors.peek());
            assertTrue(refused.get() > 0, "no batch was refused: the give-back was not exercised");
        }
    }

    /**
     * Threads acquire a hot key, and a bystander key, while one thread resets the hot key over and over, all at
     * one time. An acquire whose whole call fell between two resets was counted against one life of the key:
     * no life admits more than the limit. The bystander, never reset, holds exactly what it admitted. After
     * the threads stop, a reset leaves the hot key answering as a new key.
     */
    @ParameterizedTest(name = "{0} x{1}")
    @MethodSource("algorithmsAndThreads")
    void resetRacingWithAcquiresNeverOverAdmitsAndForgets(StoreAlgorithm algorithm, int threads) throws Exception {
        int maxResets = 1 << 16;
        String hot = "reset-hot-key";
        String bystander = "reset-bystander";
        long bystanderLimit = 1_000;
        long now = BASE;
        long deadline = System.nanoTime() + StoreTesting.stressNanos() / 6;
        try (KeyedStore store = StoreTesting.builder(algorithm).build()) {
            AtomicLong epoch = new AtomicLong();
            AtomicLongArray perLife = new AtomicLongArray(maxResets + 1);
            AtomicLong bystanderAdmitted = new AtomicLong();
            AtomicLong resets = new AtomicLong();
            AtomicBoolean stop = new AtomicBoolean();
            ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
            List<Thread> workers = new ArrayList<>();
            int acquirers = Math.max(1, threads - 1);
            for (int t = 0; t < acquirers; t++) {
                int thread = t;
                workers.add(Thread.ofPlatform().start(() -> {
                    AcquireResult out = new AcquireResult();
                    long[] lo = new long[1];
                    long hotHi = store.fingerprint().of(0, hot, lo, 0);
                    long hotLo = lo[0];
                    try {
                        for (long i = 0; !stop.get(); i++) {
                            long permits = 1 + (i + thread) % 2;
                            long before = epoch.get();
                            boolean allowed = store.acquire(hotHi, hotLo, permits, LIMIT, WINDOW, now, out);
                            long after = epoch.get();
                            if (allowed && before == after && before % 2 == 0) {
                                perLife.addAndGet((int) (before / 2), permits);
                            }
                            if (i % 8 == 0 && store.acquire(bystander, bystanderLimit, 1_000 * WINDOW, now, out)) {
                                bystanderAdmitted.incrementAndGet();
                            }
                        }
                    } catch (Throwable e) {
                        errors.add(e);
                        stop.set(true);
                    }
                }));
            }
            Thread resetter = Thread.ofPlatform().start(() -> {
                try {
                    while (!stop.get() && resets.get() < maxResets) {
                        epoch.incrementAndGet();
                        store.reset(hot, now);
                        epoch.incrementAndGet();
                        resets.incrementAndGet();
                        if (resets.get() >= 1_000 && System.nanoTime() > deadline) {
                            stop.set(true);
                        }
                    }
                } catch (Throwable e) {
                    errors.add(e);
                }
                stop.set(true);
            });
            resetter.join();
            for (Thread worker : workers) {
                worker.join();
            }
            assertTrue(errors.isEmpty(), () -> "worker failed: " + errors.peek());
            for (int life = 0; life < perLife.length(); life++) {
                assertTrue(perLife.get(life) <= LIMIT, "life " + life + " admitted " + perLife.get(life) + " of " + LIMIT);
            }
            AcquireResult out = new AcquireResult();
            store.peek(bystander, bystanderLimit, 1_000 * WINDOW, now, out);
            long held = out.allowed() ? bystanderLimit - 1 - out.remaining() : bystanderLimit;
            assertEquals(bystanderAdmitted.get(), held, "units the bystander holds");
            store.reset(hot, now);
            assertTrue(store.acquire(hot, LIMIT, WINDOW, now, out), "hot key after a reset");
            assertEquals(LIMIT - 1, out.remaining(), "hot key after a reset answers as new");
        }
    }
}
