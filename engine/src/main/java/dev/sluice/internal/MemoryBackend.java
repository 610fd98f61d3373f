package dev.sluice.internal;

import dev.sluice.Algorithm;
import dev.sluice.Dimension;
import dev.sluice.LimiterConfig;
import dev.sluice.Rate;
import dev.sluice.spi.Backend;
import dev.sluice.spi.Batch;
import dev.sluice.store.AcquireResult;
import dev.sluice.store.AcquireStatus;
import dev.sluice.store.Fingerprint;
import dev.sluice.store.KeyedStore;
import dev.sluice.store.StoreAlgorithm;
import dev.sluice.store.StoreBatch;
import java.util.Collection;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The embedded backend: every dimension's state lives in one off-heap {@link KeyedStore}. A dimension's key
 * is the fingerprint of its normalised value under a seed that names the dimension and the window (the
 * Redis key {@code <dimension>:<value>:<windowSeconds>} without its prefix, as a namespace and a value), so
 * an identity of any length costs the same memory and is hashed once, straight from its {@code String}.
 *
 * <p>A new key that finds the table at {@code memory_max_keys} live keys, once expired keys around it have
 * been reclaimed, is refused: the dimension blocks with {@code Retry-After} of {@link #TABLE_FULL_RETRY_NANOS}
 * and the {@code table_full} counter rises. It never fails open.
 *
 * <p>Thread-safe; {@code evaluate} never blocks and, after a batch's first use, allocates nothing.
 */
public final class MemoryBackend implements Backend {
    /** The most ring memory the default budget of a {@code sliding_window} limiter may name: 16 GiB. */
    public static final long MAX_DEFAULT_RING_BUDGET_BYTES = 16L << 30;
    /** What a new key is told to wait when the table is full of live keys: 1 s. */
    public static final long TABLE_FULL_RETRY_NANOS = 1_000_000_000L;

    private static final System.Logger LOG = System.getLogger(MemoryBackend.class.getName());
    private static final long FULL_LOG_INTERVAL_NANOS = 60_000_000_000L;

    private final KeyedStore store;
    private final Fingerprint fingerprint;
    private final Rate[] seededRates = new Rate[Dimension.values().length];
    private final long[] seeds = new long[Dimension.values().length];
    private final AtomicLong nextFullLog = new AtomicLong(Long.MIN_VALUE);

    /**
     * Builds the off-heap store that holds every key's state for one limiter.
     *
     * @param config the limiter's configuration: algorithm, table size, budget
     * @throws IllegalArgumentException when the store cannot be built with those settings, naming them
     */
    public MemoryBackend(LimiterConfig config) {
        KeyedStore.Builder builder = KeyedStore.builder(storeAlgorithm(config)).maxKeys(config.memoryMaxKeys());
        if (config.memoryBudgetBytes() > 0) {
            builder.memoryBudgetBytes(config.memoryBudgetBytes());
        } else if (config.algorithm() == Algorithm.SLIDING_WINDOW) {
            builder.memoryBudgetBytes(builder.fixedBytes() + defaultRingBudget(config));
        }
        try {
            this.store = builder.build();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Invalid embedded-backend settings (memory_max_keys="
                    + config.memoryMaxKeys() + ", memory_budget_bytes=" + config.memoryBudgetBytes() + "): "
                    + e.getMessage(), e);
        }
        this.fingerprint = store.fingerprint();
        if (config.byUser() != null) {
            keepSeed(Dimension.USER, config.byUser());
        }
        if (config.byTenant() != null) {
            keepSeed(Dimension.TENANT, config.byTenant());
        }
    }

    @Override
    public void evaluate(Batch batch) {
        StoreBatch requests = batch.attachment() instanceof StoreBatch s ? s : attach(batch);
        requests.clear();
        int size = batch.size();
        for (int i = 0; i < size; i++) {
            Rate rate = batch.rate(i);
            requests.add(fingerprint, seed(batch.dimension(i), rate), batch.value(i), 1, rate.count(), rate.windowNanos());
        }
        store.acquire(requests, batch.monotonicNanos());
        for (int i = 0; i < size; i++) {
            AcquireResult result = requests.result(i);
            AcquireStatus status = result.status();
            if (status == AcquireStatus.ALLOWED) {
                batch.allow(i, result.remaining(), result.resetAfterNanos());
            } else if (status == AcquireStatus.BLOCKED) {
                batch.block(i, result.resetAfterNanos(), result.retryAfterNanos());
            } else {
                tableFull(batch.monotonicNanos());
                batch.block(i, TABLE_FULL_RETRY_NANOS, TABLE_FULL_RETRY_NANOS);
            }
        }
    }

    /** The seed of a dimension's keys: user and tenant seeds are kept, a tool's (own window) is computed. */
    @SuppressWarnings("ReferenceEquality") // the kept seed is for the configuration's own instance of the rate
    private long seed(Dimension dimension, Rate rate) {
        int d = dimension.ordinal();
        if (seededRates[d] == rate) {
            return seeds[d];
        }
        return fingerprint.seed(namespace(dimension, rate));
    }

    private void keepSeed(Dimension dimension, Rate rate) {
        seeds[dimension.ordinal()] = fingerprint.seed(namespace(dimension, rate));
        seededRates[dimension.ordinal()] = rate;
    }

    /** The namespace {@code <dimension>:…:<windowSeconds>} as a number. */
    private static long namespace(Dimension dimension, Rate rate) {
        return ((long) (dimension.ordinal() + 1) << 48) ^ rate.windowSeconds();
    }

    private void tableFull(long now) {
        long next = nextFullLog.get();
        if ((next == Long.MIN_VALUE || now - next >= 0) && nextFullLog.compareAndSet(next, now + FULL_LOG_INTERVAL_NANOS)) {
            LOG.log(System.Logger.Level.WARNING, "Embedded rate-limit table full: " + store.size() + " live keys of "
                    + store.capacity() + " (memory_max_keys); new keys are refused until keys expire."
                    + " Refusals so far: " + store.tableFullCount() + ". Raise memory_max_keys to hold more.");
        }
    }

    @Override
    public Map<String, Long> stats() {
        return Map.of(
                "keys", store.size(),
                "capacity", store.capacity(),
                "off_heap_bytes", store.offHeapBytes(),
                "huge_page_bytes", store.hugePageBytes(),
                "table_full", store.tableFullCount(),
                "reclaimed", store.reclaimedCount());
    }

    /**
     * Reclaims expired keys in one pass over the table. The store also reclaims on its own, paced with the
     * requests and whenever a new key finds no room; this is for callers that want memory back sooner.
     *
     * @param nowNanos the current monotonic time
     * @return the number of keys reclaimed
     */
    public long reclaimExpired(long nowNanos) {
        return store.reclaimExpired(nowNanos);
    }

    @Override
    public void close() {
        store.close();
    }

    /**
     * Ring memory for {@code maxKeys} live keys at each of {@code limits}: rings are allocated in chunks as keys
     * arrive, so a budget of it is a ceiling, not a reservation. The configuration refuses a default above
     * {@link #MAX_DEFAULT_RING_BUDGET_BYTES} when it is built.
     *
     * @param maxKeys how many keys the store holds at most
     * @param limits the distinct counts of the configured rates: each is the size of a ring
     * @return bytes, or Long.MAX_VALUE when past the ceiling
     */
    public static long ringBudgetFor(long maxKeys, Collection<Long> limits) {
        long bytes = 0;
        for (long limit : limits) {
            long ring = KeyedStore.Builder.ringBytesFor(limit, maxKeys);
            bytes = ring > MAX_DEFAULT_RING_BUDGET_BYTES - bytes ? Long.MAX_VALUE : bytes + ring;
        }
        return bytes;
    }

    private static long defaultRingBudget(LimiterConfig config) {
        TreeSet<Long> limits = new TreeSet<>();
        if (config.byUser() != null) {
            limits.add(config.byUser().count());
        }
        if (config.byTenant() != null) {
            limits.add(config.byTenant().count());
        }
        config.byTool().values().forEach(rate -> limits.add(rate.count()));
        return Math.max(ringBudgetFor(config.memoryMaxKeys(), limits), 1);
    }

    private static StoreBatch attach(Batch batch) {
        StoreBatch s = new StoreBatch();
        batch.attach(s);
        return s;
    }

    private static StoreAlgorithm storeAlgorithm(LimiterConfig config) {
        return switch (config.algorithm()) {
            case FIXED_WINDOW -> StoreAlgorithm.FIXED_WINDOW;
            case SLIDING_WINDOW -> StoreAlgorithm.SLIDING_WINDOW_LOG;
            case TOKEN_BUCKET -> StoreAlgorithm.TOKEN_BUCKET;
        };
    }
}
