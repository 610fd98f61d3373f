package dev.sluice.bench.sweep;

import dev.sluice.bench.peers.Impl;
import dev.sluice.bench.peers.KeyedLimiter;
import dev.sluice.bench.peers.KeyedLimiters;
import dev.sluice.bench.peers.LimitSpec;
import dev.sluice.bench.peers.TimeMode;
import dev.sluice.bench.workload.GatewayInput;
import dev.sluice.bench.workload.Zipf;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.foreign.MemorySegment;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The keyspace sweep: for growing keyspaces, charge every key once, then time requests drawn uniformly (or by
 * Zipf) over the keys, and measure what the keys cost in memory and in garbage collection; beside every size,
 * the memory floor of that size ({@link MemoryFloor}), in the same JVM.
 *
 * <p>Time: after a warm-up of half as many requests, the mean comes from batches of {@link #BATCH} requests
 * timed as a whole, and the 99th and 99.9th percentiles from as many requests again, each timed alone (so each
 * includes one reading of the clock, {@link Latency#clockNanos()}). Memory: off-heap bytes from the store's own
 * accounting or, for the full limiter, from {@code RateLimiter.stats()} when its backend reports them (FFM arenas
 * do not show in the JDK's direct-memory pool, which is the last resort); heap bytes from
 * {@code MemoryMXBean}'s heap in use after a full GC, before and after the keys were charged. GC: collections and
 * their total time across the size (charging and measuring), from {@link GarbageCollectorMXBean}, less the
 * explicit ones of the heap readings.
 *
 * <p>Implementations: {@value #FLOOR_IMPL}, always measured first; {@code sluice-store} (fixed window) and
 * {@code sluice-store-token} (token bucket) drive the off-heap store directly ({@link StoreDriver}: sized for
 * exactly the keyspace, keys built into a reused buffer); {@code sluice-fixed} and the peers ({@link Impl}) get
 * each request's user id as a gateway has it, decoded from bytes into a new string ({@link GatewayInput}), and
 * build their own keys from it.
 *
 * <p>Not thread-safe.
 */
public final class KeyspaceSweep {
    static final int BATCH = 1_000;
    private static final long START_NANOS = 1_767_225_600_000_000_000L;
    private static final long STEP_NANOS = 1_000L;
    private static final LimitSpec SPEC = new LimitSpec(100, 1);
    /** The memory floor's rows. */
    public static final String FLOOR_IMPL = "memory-floor";
    /** The off-heap store alone, fixed window. */
    public static final String STORE_IMPL = "sluice-store";
    /** The off-heap store alone, token bucket. */
    public static final String STORE_TOKEN_IMPL = "sluice-store-token";

    /** @return whether {@code impl} names the store driven directly rather than a limiter */
    public static boolean isStore(String impl) {
        return impl.equals(STORE_IMPL) || impl.equals(STORE_TOKEN_IMPL);
    }

    /**
     * What the sweep reports for one implementation at one keyspace size; {@code NaN} where it has no figure.
     *
     * @param impl the implementation, e.g. {@code sluice-store} or {@code memory-floor}
     * @param keys the keyspace size
     * @param meanNanos mean ns per request
     * @param p99Nanos 99th percentile of requests timed one by one
     * @param p999Nanos 99.9th percentile of requests timed one by one
     * @param offHeapBytesPerKey off-heap bytes divided by the keys
     * @param heapBytesPerKey heap in use after the keys were charged less before, divided by the keys
     * @param gcCount collections during the size
     * @param gcMillis their total time
     * @param seconds the size's wall time, setting up included
     * @param note why the row has no figures, or what went wrong; empty when nothing did
     */
    public record Row(String impl, long keys, double meanNanos, double p99Nanos, double p999Nanos,
            double offHeapBytesPerKey, double heapBytesPerKey, long gcCount, long gcMillis, double seconds, String note) {
        /** @return whether the row holds figures of a clean measurement */
        public boolean measured() {
            return !Double.isNaN(meanNanos) && (note == null || note.isEmpty());
        }
    }

    /** Settings of one sweep. */
    public record Settings(List<String> impls, List<Long> sizes, boolean zipf, long checksPerSize,
            double budgetSeconds, long seed) {
    }

    private final Settings settings;
    private final PrintStream out;
    private final boolean hugePages;
    /** Depends on every read of the floor's chain, so that none can be left out. */
    @SuppressWarnings("UnusedVariable") // written, never read: that is its job
    private long sink;

    /**
     * @param settings what to measure
     * @param out where each row is printed as it is measured
     */
    public KeyspaceSweep(Settings settings, PrintStream out) {
        this.settings = settings;
        this.out = out;
        this.hugePages = StoreDriver.hugePages();
    }

    /**
     * @return which pages back the memory under test: the store's tables (and so the floor's table) use
     *     transparent huge pages only with native access (a probe store says whether it got them), the Java
     *     heap only with {@code -XX:+UseTransparentHugePages}
     */
    public String pages() {
        boolean heapHuge = ManagementFactory.getRuntimeMXBean().getInputArguments()
                .contains("-XX:+UseTransparentHugePages");
        return "Pages: the off-heap store's tables and the memory floor's table on " + (hugePages
                ? "transparent huge pages (MADV_HUGEPAGE)" : "small pages (huge pages need Linux and --enable-native-access)")
                + "; the Java heap on " + (heapHuge ? "transparent huge pages (-XX:+UseTransparentHugePages)"
                : "the JVM's default small pages") + ".";
    }

    /** @return the clock's own cost in ns, which every request timed alone carries ({@link Latency#clockNanos()}) */
    public double clockNanos() {
        return Latency.clockNanos();
    }

    /** @return the memory floor's implementation first, then the settings' */
    List<String> impls() {
        List<String> impls = new ArrayList<>();
        impls.add(FLOOR_IMPL);
        impls.addAll(settings.impls().stream().filter(i -> !i.equals(FLOOR_IMPL)).toList());
        return impls;
    }

    /** @return one row per implementation and size; a size an implementation could not reach gets a note */
    public List<Row> run() {
        List<Row> rows = new ArrayList<>();
        for (String impl : impls()) {
            double spent = 0;
            boolean stopped = false;
            for (long n : settings.sizes()) {
                if (stopped) {
                    rows.add(note(impl, n, "skipped: a smaller size did not complete"));
                    continue;
                }
                Row last = lastMeasured(rows, impl);
                double projected = last == null ? 0 : last.seconds() * n / last.keys();
                if (spent + projected > settings.budgetSeconds()) {
                    rows.add(note(impl, n, String.format(Locale.ROOT, "skipped: time budget (%.0f s) would be exceeded",
                            settings.budgetSeconds())));
                    continue;
                }
                String shortfall = last == null ? null : memoryShortfall(last, n);
                if (shortfall != null) {
                    rows.add(note(impl, n, shortfall));
                    continue;
                }
                Row row;
                try {
                    row = impl.equals(FLOOR_IMPL) ? measureFloor(n) : isStore(impl) ? measureStore(impl, n) : measureKeyed(impl, n);
                } catch (OutOfMemoryError e) {
                    System.gc();
                    row = note(impl, n, "out of memory (" + e.getMessage() + ")");
                }
                rows.add(row);
                out.println(format(row));
                spent += row.seconds();
                stopped = !row.measured();
            }
        }
        return rows;
    }

    private static Row lastMeasured(List<Row> rows, String impl) {
        for (int i = rows.size() - 1; i >= 0; i--) {
            if (rows.get(i).impl().equals(impl) && rows.get(i).measured()) {
                return rows.get(i);
            }
        }
        return null;
    }

    private static String memoryShortfall(Row last, long n) {
        Runtime runtime = Runtime.getRuntime();
        return memoryShortfall(last, n, runtime.maxMemory(), runtime.totalMemory(), availableMemoryBytes());
    }

    /**
     * @param last the implementation's last clean row
     * @param n the next size
     * @param maxHeapBytes how large the heap may grow ({@code -Xmx})
     * @param committedHeapBytes how much heap the JVM holds now (already counted as used memory)
     * @param availableBytes memory the machine has available, or -1 when unknown
     * @return why {@code n} keys would not fit, projected from {@code last}'s bytes per key, or null when they
     *     would: heap beyond 90% of {@code -Xmx}, or off-heap plus heap growth beyond 80% of available memory
     */
    static String memoryShortfall(Row last, long n, long maxHeapBytes, long committedHeapBytes, long availableBytes) {
        double heap = Math.max(0, nanToZero(last.heapBytesPerKey())) * n;
        double offHeap = nanToZero(last.offHeapBytesPerKey()) * n;
        if (heap > 0.9 * maxHeapBytes) {
            return String.format(Locale.ROOT, "skipped: would need about %.1f GiB of heap, the JVM may use %.1f GiB (-Xmx)",
                    heap / (1L << 30), maxHeapBytes / (double) (1L << 30));
        }
        double growth = offHeap + Math.max(0, heap - committedHeapBytes);
        if (availableBytes > 0 && growth > 0.8 * availableBytes) {
            return String.format(Locale.ROOT, "skipped: would need about %.1f GiB more memory, %.1f GiB available",
                    growth / (1L << 30), availableBytes / (double) (1L << 30));
        }
        return null;
    }

    private static double nanToZero(double v) {
        return Double.isNaN(v) ? 0 : v;
    }

    /** @return the machine's available memory in bytes (Linux's MemAvailable), or -1 when unknown */
    private static long availableMemoryBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemAvailable:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // Not Linux, or an unexpected format: no guard.
        }
        return -1;
    }

    private static Row note(String impl, long n, String note) {
        return new Row(impl, n, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, 0, 0, 0, note);
    }

    /** @return the column heads of {@link #format} */
    public static String header() {
        return String.format(Locale.ROOT, "%-18s %12s %9s %9s %9s %12s %10s %6s %8s %8s  %s", "impl", "keys",
                "mean ns", "p99 ns", "p99.9 ns", "off-heap B/k", "heap B/k", "GCs", "GC ms", "secs", "note");
    }

    static String format(Row r) {
        return String.format(Locale.ROOT, "%-18s %,12d %9.1f %9.0f %9.0f %12s %10s %6d %8d %8.1f  %s", r.impl(), r.keys(),
                r.meanNanos(), r.p99Nanos(), r.p999Nanos(), num(r.offHeapBytesPerKey()), num(r.heapBytesPerKey()),
                r.gcCount(), r.gcMillis(), r.seconds(), r.note() == null ? "" : r.note());
    }

    private static String num(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.1f", v);
    }

    /** The keys requested after charging, in order: uniform or Zipf over {@code [0, n)}, popular ranks spread. */
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

    private long warmUpRequests() {
        return settings.checksPerSize() / 2;
    }

    private Row measureFloor(long n) {
        long t0 = System.nanoTime();
        long[] gcBefore = gc();
        long bytes = Math.max(MemoryFloor.ELEMENT_BYTES, StoreDriver.tableBytes(n));
        try (FloorTable table = FloorTable.allocate(bytes, hugePages)) {
            MemorySegment segment = table.segment();
            MemoryFloor.linkCycle(segment, MemoryFloor.elements(bytes), new SplittableRandom(settings.seed()));
            Latency latency = new Latency();
            long checks = settings.checksPerSize();
            long offset = 0;
            for (long done = 0; done < warmUpRequests(); done++) {
                offset = MemoryFloor.next(segment, offset);
            }
            for (long done = 0; done < checks; done += BATCH) {
                long b0 = System.nanoTime();
                for (int j = 0; j < BATCH; j++) {
                    offset = MemoryFloor.next(segment, offset);
                }
                latency.batch(System.nanoTime() - b0, BATCH);
            }
            for (long done = 0; done < checks; done++) {
                long s0 = System.nanoTime();
                offset = MemoryFloor.next(segment, offset);
                latency.single(System.nanoTime() - s0);
            }
            sink += offset;
            long[] gcAfter = gc();
            return new Row(FLOOR_IMPL, n, latency.meanNanos(), latency.percentileNanos(99), latency.percentileNanos(99.9),
                    (double) bytes / n, 0, gcAfter[0] - gcBefore[0], gcAfter[1] - gcBefore[1],
                    (System.nanoTime() - t0) / 1e9, "");
        }
    }

    private Row measureStore(String impl, long n) {
        int[] draws = draws(n);
        long heapBefore = heapAfterGc();
        long[] gcBefore = gc();
        long t0 = System.nanoTime();
        try (StoreDriver store = new StoreDriver(impl.equals(STORE_TOKEN_IMPL), n)) {
            long now = START_NANOS;
            for (long i = 0; i < n; i++) {
                now += STEP_NANOS;
                store.acquire(i, SPEC.count(), SPEC.windowNanos(), now);
            }
            long offHeap = store.offHeapBytes();
            long[] gcPaused = gc();
            long heap = heapAfterGc() - heapBefore;
            store.useDraws(draws);
            gcBefore = exclude(gcBefore, gcPaused, gc());
            Latency latency = new Latency();
            long checks = settings.checksPerSize();
            int d = 0;
            for (long done = 0; done < warmUpRequests(); done++) {
                now += STEP_NANOS;
                store.acquireDraw(d, SPEC.count(), SPEC.windowNanos(), now);
                d = d + 1 == draws.length ? 0 : d + 1;
            }
            for (long done = 0; done < checks; done += BATCH) {
                long b0 = System.nanoTime();
                for (int j = 0; j < BATCH; j++) {
                    now += STEP_NANOS;
                    store.acquireDraw(d, SPEC.count(), SPEC.windowNanos(), now);
                    d = d + 1 == draws.length ? 0 : d + 1;
                }
                latency.batch(System.nanoTime() - b0, BATCH);
            }
            for (long done = 0; done < checks; done++) {
                now += STEP_NANOS;
                long s0 = System.nanoTime();
                store.acquireDraw(d, SPEC.count(), SPEC.windowNanos(), now);
                latency.single(System.nanoTime() - s0);
                d = d + 1 == draws.length ? 0 : d + 1;
            }
            long full = store.tableFullCount();
            long[] gcAfter = gc();
            return new Row(impl, n, latency.meanNanos(), latency.percentileNanos(99), latency.percentileNanos(99.9),
                    (double) offHeap / n, (double) heap / n, gcAfter[0] - gcBefore[0], gcAfter[1] - gcBefore[1],
                    (System.nanoTime() - t0) / 1e9, full > 0 ? full + " checks found the table full" : "");
        }
    }

    private Row measureKeyed(String implId, long n) {
        Impl impl = Impl.of(implId);
        GatewayInput requests = GatewayInput.ofUsers(draws(n));
        byte[] user = new byte[GatewayInput.USER_ID_BYTES];
        long heapBefore = heapAfterGc();
        long directBefore = directBytes();
        long[] gcBefore = gc();
        long t0 = System.nanoTime();
        try (KeyedLimiter limiter = KeyedLimiters.create(impl, SPEC, TimeMode.SYNTHETIC, n, List.of())) {
            KeyedLimiter.Handle handle = limiter.handle();
            long now = START_NANOS;
            for (long i = 0; i < n; i++) {
                now += STEP_NANOS;
                GatewayInput.writeUserId(i, user, 0);
                handle.tryAcquire(GatewayInput.decode(user), now);
            }
            long[] gcPaused = gc();
            long heap = heapAfterGc() - heapBefore;
            gcBefore = exclude(gcBefore, gcPaused, gc());
            long direct = limiter.offHeapBytes() >= 0 ? limiter.offHeapBytes() : directBytes() - directBefore;
            Latency latency = new Latency();
            long checks = settings.checksPerSize();
            int size = requests.size();
            int d = 0;
            for (long done = 0; done < warmUpRequests(); done++) {
                now += STEP_NANOS;
                handle.tryAcquire(requests.user(d), now);
                d = d + 1 == size ? 0 : d + 1;
            }
            for (long done = 0; done < checks; done += BATCH) {
                long b0 = System.nanoTime();
                for (int j = 0; j < BATCH; j++) {
                    now += STEP_NANOS;
                    handle.tryAcquire(requests.user(d), now);
                    d = d + 1 == size ? 0 : d + 1;
                }
                latency.batch(System.nanoTime() - b0, BATCH);
            }
            for (long done = 0; done < checks; done++) {
                now += STEP_NANOS;
                long s0 = System.nanoTime();
                handle.tryAcquire(requests.user(d), now);
                latency.single(System.nanoTime() - s0);
                d = d + 1 == size ? 0 : d + 1;
            }
            long[] gcAfter = gc();
            long failures = limiter.failures();
            return new Row(implId, n, latency.meanNanos(), latency.percentileNanos(99), latency.percentileNanos(99.9),
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
