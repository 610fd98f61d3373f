package dev.sluice.internal;

import dev.sluice.Algorithm;
import dev.sluice.Dimension;
import dev.sluice.LimiterConfig;
import dev.sluice.Rate;
import dev.sluice.spi.Backend;
import dev.sluice.spi.Batch;
import dev.sluice.store.AcquireResult;
import dev.sluice.store.AcquireStatus;
import dev.sluice.store.KeyBuffer;
import dev.sluice.store.KeyedStore;
import dev.sluice.store.StoreAlgorithm;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The embedded backend: every dimension's state lives in one off-heap {@link KeyedStore}. A dimension's key
 * is {@code <dimension>:<value>:<windowSeconds>}, the Redis key without its prefix.
 *
 * <p>Thread-safe; {@code evaluate} never blocks and, after a batch's first use, allocates nothing.
 */
public final class MemoryBackend implements Backend {
    /** The most off-heap memory sliding-window rings take unless {@code memory_budget_bytes} says otherwise. */
    public static final long MAX_DEFAULT_RING_BUDGET_BYTES = 4L << 30;

    /** {@code <dimension>:} for each dimension, by ordinal: encoded once rather than on every request. */
    private static final byte[][] KEY_PREFIXES = keyPrefixes();

    private final KeyedStore store;

    /**
     * @param config the limiter's configuration: algorithm, table size, key length, budget
     * @throws IllegalArgumentException when the store cannot be built with those settings, naming them
     */
    public MemoryBackend(LimiterConfig config) {
        checkRates(config);
        KeyedStore.Builder builder = KeyedStore.builder(storeAlgorithm(config))
                .maxKeys(config.memoryMaxKeys())
                .maxKeyBytes(config.memoryMaxKeyBytes());
        if (config.memoryBudgetBytes() > 0) {
            builder.memoryBudgetBytes(config.memoryBudgetBytes());
        } else if (config.algorithm() == Algorithm.SLIDING_WINDOW) {
            builder.memoryBudgetBytes(builder.fixedBytes() + defaultRingBudget(config));
        }
        try {
            this.store = builder.build();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Invalid embedded-backend settings (memory_max_keys="
                    + config.memoryMaxKeys() + ", memory_max_key_bytes=" + config.memoryMaxKeyBytes()
                    + ", memory_budget_bytes=" + config.memoryBudgetBytes() + "): " + e.getMessage(), e);
        }
    }

    @Override
    public void evaluate(Batch batch) {
        Scratch scratch = batch.attachment() instanceof Scratch s ? s : attach(batch);
        KeyBuffer key = scratch.key;
        AcquireResult result = scratch.result;
        long now = batch.monotonicNanos();
        for (int i = 0; i < batch.size(); i++) {
            Rate rate = batch.rate(i);
            key.clear().append(KEY_PREFIXES[batch.dimension(i).ordinal()]).appendUtf8(batch.value(i))
                    .append((byte) ':').appendDecimal(rate.windowSeconds());
            store.acquire(key, rate.count(), rate.windowNanos(), now, result);
            AcquireStatus status = result.status();
            if (status == AcquireStatus.ALLOWED) {
                batch.allow(i, result.remaining(), result.resetAfterNanos());
            } else if (status == AcquireStatus.BLOCKED) {
                batch.block(i, result.resetAfterNanos(), result.retryAfterNanos());
            } else {
                batch.unavailable(i);
            }
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
     * Reclaims expired keys in one incremental pass. The store also reclaims on its own when an insert finds
     * no room; this is for callers that want memory back sooner.
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
     * Room for a ring of the largest configured limit for every key the table holds, at most
     * {@link #MAX_DEFAULT_RING_BUDGET_BYTES}: rings are allocated in chunks as keys arrive, so the budget is a
     * ceiling, not a reservation.
     */
    private static long defaultRingBudget(LimiterConfig config) {
        long largest = Math.max(config.byUser() == null ? 1 : config.byUser().count(),
                config.byTenant() == null ? 1 : config.byTenant().count());
        for (Rate rate : config.byTool().values()) {
            largest = Math.max(largest, rate.count());
        }
        long ringBytes = 8 + 8 * largest;
        long wanted = config.memoryMaxKeys() > MAX_DEFAULT_RING_BUDGET_BYTES / ringBytes
                ? MAX_DEFAULT_RING_BUDGET_BYTES : config.memoryMaxKeys() * ringBytes;
        return Math.min(MAX_DEFAULT_RING_BUDGET_BYTES, Math.max(wanted, 1L << 20));
    }

    /** Refuses, when the limiter is built, every rate the store could not hold, rather than failing per request. */
    private static void checkRates(LimiterConfig config) {
        List<String> problems = new ArrayList<>();
        checkRate("by_user", config.byUser(), problems);
        checkRate("by_tenant", config.byTenant(), problems);
        config.byTool().forEach((tool, rate) -> checkRate("by_tool[\"" + tool + "\"]", rate, problems));
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("Invalid rate-limit configuration for the embedded backend ("
                    + problems.size() + (problems.size() == 1 ? " problem" : " problems") + "):\n  "
                    + String.join("\n  ", problems));
        }
    }

    private static void checkRate(String field, Rate rate, List<String> problems) {
        if (rate == null) {
            return;
        }
        if (rate.count() > KeyedStore.MAX_LIMIT) {
            problems.add(field + "=" + rate + ": count " + rate.count() + " exceeds the embedded backend's largest limit "
                    + KeyedStore.MAX_LIMIT);
        }
        if (rate.windowSeconds() > KeyedStore.MAX_WINDOW_NANOS / 1_000_000_000L) {
            problems.add(field + "=" + rate + ": window " + rate.windowSeconds()
                    + " s exceeds the embedded backend's longest window of "
                    + KeyedStore.MAX_WINDOW_NANOS / 1_000_000_000L + " s");
        }
    }

    private static byte[][] keyPrefixes() {
        Dimension[] dimensions = Dimension.values();
        byte[][] prefixes = new byte[dimensions.length][];
        for (Dimension dimension : dimensions) {
            prefixes[dimension.ordinal()] = (dimension.key() + ":").getBytes(StandardCharsets.UTF_8);
        }
        return prefixes;
    }

    private static Scratch attach(Batch batch) {
        Scratch s = new Scratch();
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

    /** Per-batch scratch space, so that building keys and reading results allocates nothing. */
    private static final class Scratch {
        final KeyBuffer key = new KeyBuffer();
        final AcquireResult result = new AcquireResult();
    }
}
