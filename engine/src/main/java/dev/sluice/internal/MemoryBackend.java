package dev.sluice.internal;

import dev.sluice.spi.Backend;
import dev.sluice.spi.BackendContext;
import dev.sluice.spi.Batch;
import dev.sluice.spi.ConfiguredLimit;
import dev.sluice.spi.KeySpace;
import dev.sluice.spi.Limit;
import dev.sluice.store.AcquireResult;
import dev.sluice.store.AcquireStatus;
import dev.sluice.store.Fingerprint;
import dev.sluice.store.KeyedStore;
import dev.sluice.store.StoreBatch;
import java.util.Collection;
import java.util.Map;
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
    private final Limit[] seededRates = new Limit[Batch.MAX_DIMENSIONS];
    private final long[] seeds = new long[Batch.MAX_DIMENSIONS];
    private final AtomicLong nextFullLog = new AtomicLong(Long.MIN_VALUE);

    /**
     * Builds the embedded backend's store.
     *
     * @param options table size and budget
     * @param context the algorithm and the configured limits
     * @throws IllegalArgumentException when the store cannot be built with those settings, naming them
     */
    public MemoryBackend(MemoryOptions options, BackendContext context) {
        KeyedStore.Builder builder = KeyedStore.builder(MemoryOptions.storeAlgorithm(context.algorithm()))
                .maxKeys(options.maxKeys());
        if (options.budgetBytes() > 0) {
            builder.memoryBudgetBytes(options.budgetBytes());
        } else if (context.algorithm().equals("sliding_window")) {
            builder.memoryBudgetBytes(builder.fixedBytes()
                    + Math.max(ringBudgetFor(options.maxKeys(), MemoryOptions.limitCounts(context)), 1));
        }
        try {
            this.store = builder.build();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Invalid embedded-backend settings (memory_max_keys="
                    + options.maxKeys() + ", memory_budget_bytes=" + options.budgetBytes() + "): "
                    + e.getMessage(), e);
        }
        this.fingerprint = store.fingerprint();
        // The first limit of each dimension keeps its seed: the one limit of the user and tenant dimensions,
        // one of the tools'. seed() checks the limit's identity, so any other computes its own.
        for (ConfiguredLimit limit : context.limits()) {
            if (seededRates[limit.dimension().ordinal()] == null) {
                keepSeed(limit.dimension(), limit.limit());
            }
        }
    }

    @Override
    public void evaluate(Batch batch) {
        StoreBatch requests = batch.attachment() instanceof StoreBatch s ? s : attach(batch);
        requests.clear();
        int size = batch.size();
        for (int i = 0; i < size; i++) {
            Limit rate = batch.rate(i);
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

    /** The seed of a dimension's keys: kept for the first configured limit of each dimension, else computed. */
    @SuppressWarnings("ReferenceEquality") // a cache of the configured instance: identity is meant
    private long seed(KeySpace dimension, Limit rate) {
        int d = dimension.ordinal();
        if (seededRates[d] == rate) {
            return seeds[d];
        }
        return fingerprint.seed(namespace(dimension, rate));
    }

    private void keepSeed(KeySpace dimension, Limit rate) {
        seeds[dimension.ordinal()] = fingerprint.seed(namespace(dimension, rate));
        seededRates[dimension.ordinal()] = rate;
    }

    /** The namespace {@code <dimension>:…:<windowSeconds>} as a number. */
    private static long namespace(KeySpace dimension, Limit rate) {
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

    private static StoreBatch attach(Batch batch) {
        StoreBatch s = new StoreBatch();
        batch.attach(s);
        return s;
    }
}
