package example.intest;

import dev.sluice.spi.Backend;
import dev.sluice.spi.BackendException;
import dev.sluice.spi.Batch;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A fixed-window backend on the heap, written as a third party would, against the SPI only: a count per key and
 * window, the window anchored at the key's first request. A new key beyond {@code in_test_max_keys} is reported
 * unavailable, and {@code in_test_down} makes every evaluation fail, so that the fail mode has something to do.
 *
 * <p>Thread-safe: each key's state changes under its own lock.
 */
final class InTestBackend implements Backend {
    private final InTestOptions options;
    private final Map<String, long[]> windows = new ConcurrentHashMap<>();
    private volatile boolean closed;

    InTestBackend(InTestOptions options) {
        this.options = options;
    }

    @Override
    public void evaluate(Batch batch) {
        if (closed) {
            throw new IllegalStateException("in-test backend is closed");
        }
        if (options.down()) {
            throw new BackendException("in-test backend is down (in_test_down)");
        }
        long now = batch.monotonicNanos();
        long permits = batch.permits();
        for (int i = 0; i < batch.size(); i++) {
            long count = batch.count(i);
            long windowNanos = batch.windowNanos(i);
            StringBuilder name = new StringBuilder(batch.keySpace(i));
            for (int j = 0; j < batch.partCount(i); j++) {
                name.append(':').append(batch.part(i, j).length()).append(':').append(batch.part(i, j));
            }
            String key = name.append(':').append(batch.windowSeconds(i)).toString();
            long[] window = windows.get(key);
            if (window == null) {
                if (windows.size() >= options.maxKeys()) {
                    batch.unavailable(i);
                    continue;
                }
                window = windows.computeIfAbsent(key, k -> new long[] {now, 0});
            }
            synchronized (window) {
                if (now - window[0] >= windowNanos) {
                    window[0] = now;
                    window[1] = 0;
                }
                long resetAfter = window[0] + windowNanos - now;
                if (permits > count) {
                    batch.block(i, windowNanos, windowNanos);
                } else if (window[1] + permits <= count) {
                    window[1] += permits;
                    batch.allow(i, count - window[1], resetAfter);
                } else {
                    batch.block(i, resetAfter, resetAfter);
                }
            }
        }
    }

    @Override
    public Map<String, Long> stats() {
        return Map.of("keys", (long) windows.size());
    }

    @Override
    public void close() {
        closed = true;
    }
}
