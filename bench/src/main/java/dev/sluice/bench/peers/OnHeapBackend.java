package dev.sluice.bench.peers;

import dev.sluice.Algorithm;
import dev.sluice.spi.Backend;
import dev.sluice.spi.Batch;
import java.util.Map;

/**
 * The on-heap design ({@link OnHeapLimiter}) behind Sluice's front end, so the CLI can run the same scenario
 * on it for contrast ({@code --backend onheap}). Builds each key as a new string, as such designs do.
 *
 * <p>Thread-safe; blocks on a key's monitor and allocates on every request.
 */
public final class OnHeapBackend implements Backend {
    private final OnHeapLimiter limiter;

    /** @param algorithm the algorithm every key runs */
    public OnHeapBackend(Algorithm algorithm) {
        this.limiter = new OnHeapLimiter(algorithm, 1 << 16);
    }

    @Override
    public void evaluate(Batch batch) {
        OnHeapLimiter.Result result = batch.attachment() instanceof OnHeapLimiter.Result r ? r : attach(batch);
        for (int i = 0; i < batch.size(); i++) {
            StringBuilder key = new StringBuilder(batch.keySpace(i)).append(':').append(batch.part(i, 0));
            for (int j = 1; j < batch.partCount(i); j++) {
                key.append('|').append(batch.part(i, j));
            }
            String name = key.append(':').append(batch.windowSeconds(i)).toString();
            if (limiter.acquire(name, batch.count(i), batch.windowNanos(i), batch.monotonicNanos(), result)) {
                batch.allow(i, result.remaining, result.resetAfterNanos);
            } else {
                batch.block(i, result.resetAfterNanos, result.retryAfterNanos);
            }
        }
    }

    @Override
    public Map<String, Long> stats() {
        return Map.of("keys", limiter.size());
    }

    @Override
    public void close() {
    }

    private static OnHeapLimiter.Result attach(Batch batch) {
        OnHeapLimiter.Result r = new OnHeapLimiter.Result();
        batch.attach(r);
        return r;
    }
}
