package dev.sluice.testkit;

import dev.sluice.Algorithm;
import dev.sluice.spi.Backend;
import dev.sluice.spi.Batch;
import dev.sluice.spi.Limit;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A slow, obviously correct backend: the oracle that every other backend is compared with. Each key's state is
 * a plain on-heap object changed under its own lock, and every rule is written exactly as section 4 of the
 * behaviour specification states it, in exact integer nanoseconds. Nothing is ever evicted.
 *
 * <p>A key is {@code <dimension>:<value>:<windowSeconds>}, as on the embedded backend. Time is expected not to
 * go backwards for a key (every scenario moves its clock forward only).
 *
 * <p>Thread-safe.
 */
public final class ModelBackend implements Backend {
    private final Algorithm algorithm;
    private final Map<String, KeyState> keys = new ConcurrentHashMap<>();
    private volatile boolean closed;

    /** @param algorithm the algorithm every key runs */
    public ModelBackend(Algorithm algorithm) {
        this.algorithm = algorithm;
    }

    @Override
    public void evaluate(Batch batch) {
        if (closed) {
            throw new IllegalStateException("model backend is closed");
        }
        long nowNanos = batch.monotonicNanos();
        for (int i = 0; i < batch.size(); i++) {
            Limit rate = batch.rate(i);
            String key = batch.dimension(i).key() + ":" + batch.value(i) + ":" + rate.windowSeconds();
            KeyState state = keys.computeIfAbsent(key, k -> newState());
            synchronized (state) {
                state.acquire(batch, i, rate.count(), rate.windowNanos(), nowNanos);
            }
        }
    }

    @Override
    public Map<String, Long> stats() {
        return Map.of("keys", (long) keys.size());
    }

    @Override
    public void close() {
        closed = true;
    }

    private KeyState newState() {
        return switch (algorithm) {
            case FIXED_WINDOW -> new FixedWindow();
            case SLIDING_WINDOW -> new SlidingWindowLog();
            case TOKEN_BUCKET -> new TokenBucket();
        };
    }

    /** One key's state; callers hold its lock. */
    private interface KeyState {
        void acquire(Batch batch, int i, long limit, long windowNanos, long nowNanos);
    }

    /** A count per window; the first request after a window has elapsed starts the next one. */
    private static final class FixedWindow implements KeyState {
        private boolean started;
        private long windowStartNanos;
        private long count;

        @Override
        public void acquire(Batch batch, int i, long limit, long windowNanos, long nowNanos) {
            if (!started || nowNanos - windowStartNanos >= windowNanos) {
                started = true;
                windowStartNanos = nowNanos;
                count = 0;
            }
            long resetAfter = windowStartNanos + windowNanos - nowNanos;
            if (count < limit) {
                count++;
                batch.allow(i, limit - count, resetAfter);
            } else {
                batch.block(i, resetAfter, resetAfter);
            }
        }
    }

    /** The times of admitted requests; admits while fewer than {@code limit} lie in {@code (now - window, now]}. */
    private static final class SlidingWindowLog implements KeyState {
        private final ArrayDeque<Long> admittedNanos = new ArrayDeque<>();

        @Override
        public void acquire(Batch batch, int i, long limit, long windowNanos, long nowNanos) {
            while (!admittedNanos.isEmpty() && admittedNanos.peekFirst() <= nowNanos - windowNanos) {
                admittedNanos.removeFirst();
            }
            if (admittedNanos.size() < limit) {
                admittedNanos.addLast(nowNanos);
                batch.allow(i, limit - admittedNanos.size(), admittedNanos.peekFirst() + windowNanos - nowNanos);
            } else {
                // Refused requests are not recorded. The oldest admitted request leaves the window at
                // oldest + window, which is both the reset and the moment one request fits again.
                long oldestLeaves = admittedNanos.peekFirst() + windowNanos - nowNanos;
                batch.block(i, oldestLeaves, oldestLeaves);
            }
        }
    }

    /**
     * A bucket of {@code limit} tokens that refills continuously. The level is kept as nanoseconds of refill
     * ("credit"): one token is worth {@code intervalNanos} of credit and the bucket holds at most
     * {@code limit * intervalNanos}. Credit grows by exactly the time that passes, so no refill is ever lost to
     * rounding, however often the key is called.
     *
     * <p>The per-token interval is {@code ceil(windowNanos / limit)}: the off-heap store runs the same bucket
     * as GCRA with that emission interval, i.e. the rate rounded down by less than 1 ns per token, and the model
     * uses the same interval so that the two agree to the nanosecond.
     */
    private static final class TokenBucket implements KeyState {
        private boolean started;
        private long creditNanos;
        private long lastNanos;

        @Override
        public void acquire(Batch batch, int i, long limit, long windowNanos, long nowNanos) {
            long intervalNanos = Math.ceilDiv(windowNanos, limit);
            long capacityNanos = limit * intervalNanos;
            if (!started) {
                started = true;
                creditNanos = capacityNanos;
                lastNanos = nowNanos;
            }
            creditNanos = Math.min(capacityNanos, creditNanos + (nowNanos - lastNanos));
            lastNanos = nowNanos;
            if (creditNanos >= intervalNanos) {
                creditNanos -= intervalNanos;
                // Allowed: the reset is when the bucket is full again.
                batch.allow(i, creditNanos / intervalNanos, capacityNanos - creditNanos);
            } else {
                // Refused: the next token is both when the client may retry and the reset (section 4: 30/m, 31
                // requests at once, the 31st gets Retry-After 2 and a reset 2 s later), not when the bucket is full.
                long nextTokenNanos = intervalNanos - creditNanos;
                batch.block(i, nextTokenNanos, nextTokenNanos);
            }
        }
    }
}
