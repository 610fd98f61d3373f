package dev.sluice.bench.sweep;

import dev.sluice.bench.peers.Impl;
import dev.sluice.bench.peers.KeyedLimiter;
import dev.sluice.bench.peers.KeyedLimiters;
import dev.sluice.bench.peers.LimitSpec;
import dev.sluice.bench.peers.TimeMode;
import dev.sluice.bench.workload.Zipf;
import dev.sluice.store.AcquireResult;
import dev.sluice.store.KeyedStore;
import dev.sluice.store.StoreAlgorithm;
import java.io.PrintStream;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.HdrHistogram.Histogram;

/**
 * The keyspace sweep: for growing keyspaces, charge every key once, then time batches of requests drawn
 * uniformly (or by Zipf) over the keys, and measure what the keys cost in memory and in garbage collection.
 *
 * <p>Latency: each sample is the time of a batch of {@link #BATCH} consecutive checks divided by the batch,
 * so the {@code System.nanoTime} cost (about 25 ns) is spread over the batch; the median and 99th percentile
 * are over batches, not single calls. Memory: off-heap bytes from the store's own accounting
 * ({@code KeyedStore.offHeapBytes()}) or, for the full limiter, from {@code RateLimiter.stats()} when the backend
 * reports it (FFM arenas do not show in the JDK's direct-memory pool, which is the last resort); heap
 * bytes from the heap in use after a full GC, before and after the keys were charged, so it counts what the
 * implementation holds per key and not the benchmark's own key strings. GC: collections and their total
 * time across the whole size (charging and measuring), from {@link GarbageCollectorMXBean}.
 *
 * <p>Implementations: {@code sluice-store} (fixed window) and {@code sluice-store-token} (token bucket) drive
 * the off-heap store directly: sized for exactly the keyspace ({@code maxKeys} = keys, at least 1,024, with the
 * default 32-byte key area), keys built into a reused buffer, no strings. {@code sluice-fixed} and friends go
 * through {@code RateLimiter} with the same key strings the peers get. Not thread-safe.
 */
public final class KeyspaceSweep {
    static final int BATCH = 1_000;
    private static final long START_NANOS = 1_767_225_600_000_000_000L;
    private static final long STEP_NANOS = 1_000L;
    private static final LimitSpec SPEC = new LimitSpec(100, 1);
    /** The off-heap store alone, fixed window. */
    public static final String STORE_IMPL = "sluice-store";
    /** The off-heap store alone, token bucket. */
    public static final String STORE_TOKEN_IMPL = "sluice-store-token";

    /** @return whether {@code impl} names the store driven directly rather than a limiter */
    public static boolean isStore(String impl) {
        return impl.equals(STORE_IMPL) || impl.equals(STORE_TOKEN_IMPL);
    }

    /** What the sweep reports for one implementation at one keyspace size. */
    public record Row(String impl, long keys, double medianNanos, double p99Nanos, double offHeapBytesPerKey,
            double heapBytesPerKey, long gcCount, long gcMillis, double seconds, String note) {
    }

    /** Settings of one sweep. */
    public record Settings(List<String> impls, List<Long> sizes, boolean zipf, long checksPerSize,
            double budgetSeconds, long seed) {
    }

    private final Settings settings;
    private final PrintStream out;

    public KeyspaceSweep(Settings settings, PrintStream out) {
        this.settings = settings;
        this.out = out;
    }

    /** @return one row per implementation and size; a size an implementation could not reach gets a note */
    public List<Row> run() {
        List<Row> rows = new ArrayList<>();
        for (String impl : settings.impls()) {
            double spent = 0;
            for (long n : settings.sizes()) {
                if (!isStore(impl) && n > Integer.MAX_VALUE / 4) {
                    rows.add(note(impl, n, "skipped: key strings for this many keys do not fit the heap"));
                    continue;
                }
                double projected = spent == 0 ? 0 : lastSeconds(rows, impl) * 10;
                if (spent + projected > settings.budgetSeconds()) {
                    rows.add(note(impl, n, String.format(Locale.ROOT, "skipped: time budget (%.0f s) would be exceeded",
                            settings.budgetSeconds())));
                    continue;
                }
                Row row;
                try {
                    row = isStore(impl) ? measureStore(impl, n) : measureKeyed(impl, n);
                } catch (OutOfMemoryError e) {
                    System.gc();
                    row = note(impl, n, "out of memory (" + e.getMessage() + ")");
                }
                rows.add(row);
                out.println(format(row));
                spent += row.seconds();
                if (row.note() != null && !row.note().isEmpty()) {
                    spent = Double.MAX_VALUE / 2;
                }
            }
        }
        return rows;
    }

    private static double lastSeconds(List<Row> rows, String impl) {
        for (int i = rows.size() - 1; i >= 0; i--) {
            if (rows.get(i).impl().equals(impl)) {
                return rows.get(i).seconds();
            }
        }
        return 0;
    }

    private static Row note(String impl, long n, String note) {
        return new Row(impl, n, Double.NaN, Double.NaN, Double.NaN, Double.NaN, 0, 0, 0, note);
    }

    static String header() {
        return String.format(Locale.ROOT, "%-18s %12s %10s %10s %12s %12s %6s %8s %8s  %s", "impl", "keys",
                "median ns", "p99 ns", "off-heap B/k", "heap B/k", "GCs", "GC ms", "secs", "note");
    }

    static String format(Row r) {
        return String.format(Locale.ROOT, "%-18s %,12d %10.1f %10.1f %12s %12s %6d %8d %8.1f  %s", r.impl(), r.keys(),
                r.medianNanos(), r.p99Nanos(), num(r.offHeapBytesPerKey()), num(r.heapBytesPerKey()), r.gcCount(),
                r.gcMillis(), r.seconds(), r.note() == null ? "" : r.note());
    }

    static String num(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.1f", v);
    }

    private int[] draws(long n) {
        int count = (int) Math.min(1 << 22, Math.max(1 << 16, n));
        int[] draws = new int[count];
        SplittableRandom random = new SplittableRandom(settings.seed());
        if (settings.zipf()) {
            Zipf zipf = new Zipf((int) Math.min(n, Integer.MAX_VALUE), 0.99, random);
            for (int i = 0; i < count; i++) {
                draws[i] = (int) Long.remainderUnsigned(zipf.next() * 0x9E3779B97F4A7C15L, n);
            }
        } else {
            for (int i = 0; i < count; i++) {
                draws[i] = (int) random.nextLong(n);
            }
        }
        return draws;
    }

    private Row measureStore(String impl, long n) {
        StoreAlgorithm algorithm = impl.equals(STORE_TOKEN_IMPL) ? StoreAlgorithm.TOKEN_BUCKET : StoreAlgorithm.FIXED_WINDOW;
        long heapBefore = heapAfterGc();
        long[] gcBefore = gc();
        long t0 = System.nanoTime();
        try (KeyedStore store = KeyedStore.builder(algorithm).maxKeys(Math.max(n, 1024)).build()) {
            AcquireResult result = new AcquireResult();
            long now = START_NANOS;
            for (long i = 0; i < n; i++) {
                now += STEP_NANOS;
                store.acquire("user:" + i, SPEC.count(), SPEC.windowNanos(), now, result);
            }
            long full = store.tableFullCount();
            long offHeap = store.offHeapBytes();
            long[] gcPaused = gc();
            long heap = heapAfterGc() - heapBefore;
            gcBefore = exclude(gcBefore, gcPaused, gc());
            int[] draws = draws(n);
            Histogram h = new Histogram(3_600_000_000_000L, 3);
            long checks = settings.checksPerSize();
            int d = 0;
            for (long done = 0; done < checks + checks / 2; done += BATCH) {
                long b0 = System.nanoTime();
                for (int j = 0; j < BATCH; j++) {
                    now += STEP_NANOS;
                    store.acquire("user:" + draws[d], SPEC.count(),
                            SPEC.windowNanos(), now, result);
                    d = d + 1 == draws.length ? 0 : d + 1;
                }
                long b1 = System.nanoTime();
                if (done >= checks / 2) {
                    h.recordValue((b1 - b0) * 10 / BATCH);
                }
            }
            full = store.tableFullCount();
            long[] gcAfter = gc();
            return new Row(impl, n, h.getValueAtPercentile(50) / 10.0, h.getValueAtPercentile(99) / 10.0,
                    (double) offHeap / n, (double) heap / n, gcAfter[0] - gcBefore[0], gcAfter[1] - gcBefore[1],
                    (System.nanoTime() - t0) / 1e9, full > 0 ? full + " checks found the table full" : "");
        }
    }

    private Row measureKeyed(String implId, long n) {
        Impl impl = Impl.of(implId);
        String[] names = new String[(int) n];
        for (int i = 0; i < n; i++) {
            names[i] = "user-" + i;
        }
        int[] draws = draws(n);
        long heapBefore = heapAfterGc();
        long directBefore = directBytes();
        long[] gcBefore = gc();
        long t0 = System.nanoTime();
        try (KeyedLimiter limiter = KeyedLimiters.create(impl, SPEC, TimeMode.SYNTHETIC, n, List.of())) {
            KeyedLimiter.Handle handle = limiter.handle();
            long now = START_NANOS;
            for (int i = 0; i < n; i++) {
                now += STEP_NANOS;
                handle.tryAcquire(names[i], now);
            }
            long[] gcPaused = gc();
            long heap = heapAfterGc() - heapBefore;
            gcBefore = exclude(gcBefore, gcPaused, gc());
            long direct = limiter.offHeapBytes() >= 0 ? limiter.offHeapBytes() : directBytes() - directBefore;
            Histogram h = new Histogram(3_600_000_000_000L, 3);
            long checks = settings.checksPerSize();
            int d = 0;
            for (long done = 0; done < checks + checks / 2; done += BATCH) {
                long b0 = System.nanoTime();
                for (int j = 0; j < BATCH; j++) {
                    now += STEP_NANOS;
                    handle.tryAcquire(names[draws[d]], now);
                    d = d + 1 == draws.length ? 0 : d + 1;
                }
                long b1 = System.nanoTime();
                if (done >= checks / 2) {
                    h.recordValue((b1 - b0) * 10 / BATCH);
                }
            }
            long[] gcAfter = gc();
            long failures = limiter.failures();
            return new Row(implId, n, h.getValueAtPercentile(50) / 10.0, h.getValueAtPercentile(99) / 10.0,
                    impl.isSluice() && direct > 0 ? (double) direct / n : impl.isSluice() ? Double.NaN : 0,
                    (double) heap / n, gcAfter[0] - gcBefore[0], gcAfter[1] - gcBefore[1],
                    (System.nanoTime() - t0) / 1e9,
                    failures > 0 ? failures + " checks failed in the backend (table full?): not a valid measurement" : "");
        }
    }

    /** Moves the baseline forward by the collections between {@code from} and {@code to}: the explicit ones. */
    private static long[] exclude(long[] baseline, long[] from, long[] to) {
        return new long[] {baseline[0] + to[0] - from[0], baseline[1] + to[1] - from[1]};
    }

    private static long heapAfterGc() {
        for (int i = 0; i < 2; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static long directBytes() {
        long used = 0;
        for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            if (pool.getName().equals("direct")) {
                used += pool.getMemoryUsed();
            }
        }
        return used;
    }

    private static long[] gc() {
        long count = 0;
        long millis = 0;
        for (GarbageCollectorMXBean bean : ManagementFactory.getGarbageCollectorMXBeans()) {
            count += Math.max(0, bean.getCollectionCount());
            millis += Math.max(0, bean.getCollectionTime());
        }
        return new long[] {count, millis};
    }
}
