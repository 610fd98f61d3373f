package dev.sluice.internal;

import dev.sluice.LimiterConfig;
import dev.sluice.Rate;
import dev.sluice.spi.Backend;
import dev.sluice.spi.Batch;
import dev.sluice.store.AcquireResult;
import dev.sluice.store.AcquireStatus;
import dev.sluice.store.KeyBuffer;
import dev.sluice.store.KeyedStore;
import dev.sluice.store.StoreAlgorithm;
import java.util.Map;

/**
 * The embedded backend: every dimension's state lives in one off-heap {@link KeyedStore}. A dimension's key
 * is {@code <dimension>:<value>:<windowSeconds>}, the Redis key without its prefix.
 *
 * <p>Thread-safe; {@code evaluate} never blocks and, after a batch's first use, allocates nothing.
 */
public final class MemoryBackend implements Backend {
    private final KeyedStore store;

    /** @param config the limiter's configuration: algorithm and table size */
    public MemoryBackend(LimiterConfig config) {
        this.store = KeyedStore.builder(storeAlgorithm(config)).build();
    }

    @Override
    public void evaluate(Batch batch) {
        Scratch scratch = batch.attachment() instanceof Scratch s ? s : attach(batch);
        KeyBuffer key = scratch.key;
        AcquireResult result = scratch.result;
        long now = batch.monotonicNanos();
        for (int i = 0; i < batch.size(); i++) {
            Rate rate = batch.rate(i);
            key.clear().appendUtf8(batch.dimension(i).key()).append((byte) ':').appendUtf8(batch.value(i))
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
        return Map.of();
    }

    @Override
    public void close() {
        store.close();
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
