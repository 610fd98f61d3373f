package dev.sluice.bench.peers;

import dev.sluice.Algorithm;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The design Sluice replaces: a {@link ConcurrentHashMap} from key to a small per-key object whose state is
 * guarded by {@code synchronized}. Same semantics as Sluice's three algorithms (windows anchored at a key's
 * first request, the sliding log counts admitted requests only, the token bucket is a GCRA whose emission
 * interval is {@code ceil(window / limit)}), so that benchmarks compare designs, not rules. Keys are never
 * evicted, as in the typical hand-written version.
 *
 * <p>Thread-safe; {@code acquire} blocks while another thread holds the same key's monitor and allocates the
 * key's state on its first request.
 */
public final class OnHeapLimiter {
    private final Algorithm algorithm;
    private final ConcurrentHashMap<String, KeyState> states;

    /**
     * @param algorithm the algorithm every key runs
     * @param expectedKeys a sizing hint for the map
     */
    public OnHeapLimiter(Algorithm algorithm, int expectedKeys) {
        this.algorithm = algorithm;
        this.states = new ConcurrentHashMap<>(Math.max(16, expectedKeys));
    }

    /** The outcome of one {@link #acquire}: plain fields, reused by its caller. */
    public static final class Result {
        /** Whether the request was admitted. */
        public boolean allowed;
        /** Requests left in the window after this one. */
        public long remaining;
        /** Nanoseconds until the key's state is back to new. */
        public long resetAfterNanos;
        /** Nanoseconds until a refused request would be admitted; 0 when admitted. */
        public long retryAfterNanos;
    }

    /**
     * Charges one request to {@code key}.
     *
     * @return {@code out.allowed}
     */
    public boolean acquire(String key, long limit, long windowNanos, long nowNanos, Result out) {
        KeyState state = states.get(key);
        if (state == null) {
            state = states.computeIfAbsent(key, k -> newState());
        }
        synchronized (state) {
            state.acquire(limit, windowNanos, nowNanos, out);
        }
        return out.allowed;
    }

    /** @return how many keys the map holds */
    public long size() {
        return states.size();
    }

    private KeyState newState() {
        return switch (algorithm) {
            case FIXED_WINDOW -> new FixedWindow();
            case SLIDING_WINDOW -> new SlidingLog();
            case TOKEN_BUCKET -> new TokenBucket();
        };
    }

    private abstract static class KeyState {
        abstract void acquire(long limit, long windowNanos, long nowNanos, Result out);
    }

    private static final class FixedWindow extends KeyState {
        private long startNanos;
        private long count;

        @Override
        void acquire(long limit, long windowNanos, long nowNanos, Result out) {
            if (count == 0 || nowNanos - startNanos >= windowNanos) {
                startNanos = nowNanos;
                count = 0;
            }
            long resetAfter = startNanos + windowNanos - nowNanos;
            out.resetAfterNanos = resetAfter;
            if (count < limit) {
                count++;
                out.allowed = true;
                out.remaining = limit - count;
                out.retryAfterNanos = 0;
            } else {
                out.allowed = false;
                out.remaining = 0;
                out.retryAfterNanos = resetAfter;
            }
        }
    }

    private static final class SlidingLog extends KeyState {
        private long[] admittedNanos = new long[4];
        private int head;
        private int size;

        @Override
        void acquire(long limit, long windowNanos, long nowNanos, Result out) {
            while (size > 0 && admittedNanos[head] <= nowNanos - windowNanos) {
                head = (head + 1) % admittedNanos.length;
                size--;
            }
            if (size < limit) {
                if (size == admittedNanos.length) {
                    grow((int) Math.min(limit, (long) admittedNanos.length * 2));
                }
                admittedNanos[(head + size) % admittedNanos.length] = nowNanos;
                size++;
                out.allowed = true;
                out.remaining = limit - size;
                out.retryAfterNanos = 0;
            } else {
                out.allowed = false;
                out.remaining = 0;
                out.retryAfterNanos = admittedNanos[head] + windowNanos - nowNanos;
            }
            out.resetAfterNanos = admittedNanos[head] + windowNanos - nowNanos;
        }

        private void grow(int capacity) {
            long[] bigger = new long[capacity];
            for (int i = 0; i < size; i++) {
                bigger[i] = admittedNanos[(head + i) % admittedNanos.length];
            }
            admittedNanos = bigger;
            head = 0;
        }
    }

    private static final class TokenBucket extends KeyState {
        /** Theoretical arrival time: when the bucket would be full again. 0 means a new (full) bucket. */
        private long tatNanos;

        @Override
        void acquire(long limit, long windowNanos, long nowNanos, Result out) {
            long emission = Math.ceilDiv(windowNanos, limit);
            long tat = tatNanos == 0 ? nowNanos : Math.max(tatNanos, nowNanos);
            long burst = emission * limit;
            if (tat + emission - nowNanos <= burst) {
                tatNanos = tat + emission;
                out.allowed = true;
                out.remaining = (burst - (tatNanos - nowNanos)) / emission;
                out.resetAfterNanos = tatNanos - nowNanos;
                out.retryAfterNanos = 0;
            } else {
                out.allowed = false;
                out.remaining = 0;
                out.resetAfterNanos = tat - nowNanos;
                out.retryAfterNanos = tat + emission - burst - nowNanos;
            }
        }
    }
}
