package dev.sluice.testkit;

import dev.sluice.Algorithm;
import dev.sluice.spi.Backend;
import dev.sluice.spi.Batch;
import dev.sluice.spi.Operation;
import dev.sluice.spi.Outcome;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * A slow, obviously correct backend: the oracle that every other backend is compared with. Each key's state is
 * a plain on-heap object, every rule is written exactly as section 4 of the behaviour specification states it
 * (with a request of {@code n} permits taking {@code n} units), in exact integer nanoseconds, and one lock
 * covers a whole batch, so that an all-or-nothing check is plainly atomic. Nothing is ever evicted.
 *
 * <p>A key is its key space, its parts with their attribute names, and its window, held as a record: no
 * escaping is needed for two keys to differ whenever their parts do. Time is expected not to go backwards for
 * a key (every scenario moves its clock forward only).
 *
 * <p>Thread-safe.
 */
public final class ModelBackend implements Backend {
    private final Algorithm algorithm;
    private final Map<Key, KeyState> keys = new HashMap<>();
    private volatile boolean closed;

    /** A key as the model names it. */
    private record Key(String keySpace, List<String> attributes, List<String> parts, long windowSeconds) {
        static Key of(Batch batch, int i) {
            List<String> attributes = new ArrayList<>();
            List<String> parts = new ArrayList<>();
            for (int j = 0; j < batch.partCount(i); j++) {
                attributes.add(batch.attribute(i, j));
                parts.add(batch.part(i, j));
            }
            return new Key(batch.keySpace(i), attributes, parts, batch.windowSeconds(i));
        }
    }

    /** @param algorithm the algorithm every key runs */
    public ModelBackend(Algorithm algorithm) {
        this.algorithm = algorithm;
    }

    @Override
    public synchronized void evaluate(Batch batch) {
        if (closed) {
            throw new IllegalStateException("model backend is closed");
        }
        long nowNanos = batch.monotonicNanos();
        long permits = batch.permits();
        int size = batch.size();
        if (batch.operation() == Operation.RESET) {
            for (int i = 0; i < size; i++) {
                keys.remove(Key.of(batch, i));
                batch.allow(i, batch.count(i), 0);
            }
            return;
        }
        // Every entry is first decided without a charge; a check then charges the entries that admit it (all of
        // them, or with allOrNothing none unless all admit), deciding each again as it charges.
        boolean allAdmit = true;
        for (int i = 0; i < size; i++) {
            decide(batch, i, permits, nowNanos, false);
            allAdmit &= batch.outcome(i) == Outcome.ALLOWED;
        }
        if (batch.operation() == Operation.PEEK || (batch.allOrNothing() && !allAdmit)) {
            return;
        }
        for (int i = 0; i < size; i++) {
            if (batch.outcome(i) == Outcome.ALLOWED) {
                decide(batch, i, permits, nowNanos, true);
            }
        }
    }

    private void decide(Batch batch, int i, long permits, long nowNanos, boolean charge) {
        long count = batch.count(i);
        long windowNanos = batch.windowNanos(i);
        if (permits > count) {
            // More than the limit ever admits: refused for a whole window, and charged nothing.
            batch.block(i, windowNanos, windowNanos);
            return;
        }
        Key key = Key.of(batch, i);
        KeyState state = keys.get(key);
        if (state == null) {
            state = newState();
            if (charge) {
                keys.put(key, state);
            }
        }
        state.acquire(batch, i, permits, count, windowNanos, nowNanos, charge);
    }

    @Override
    public Map<String, Long> stats() {
        synchronized (this) {
            return Map.of("keys", (long) keys.size());
        }
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

    /** One key's state; callers hold the model's lock. */
    private interface KeyState {
        /** Writes entry {@code i}'s outcome for a request of {@code n} units; changes the state only if {@code charge}. */
        void acquire(Batch batch, int i, long n, long limit, long windowNanos, long nowNanos, boolean charge);
    }

    /** A count per window; the first request after a window has elapsed starts the next one. */
    private static final class FixedWindow implements KeyState {
        private boolean started;
        private long windowStartNanos;
        private long count;

        @Override
        public void acquire(Batch batch, int i, long n, long limit, long windowNanos, long nowNanos, boolean charge) {
            boolean fresh = !started || nowNanos - windowStartNanos >= windowNanos;
            long start = fresh ? nowNanos : windowStartNanos;
            long used = fresh ? 0 : count;
            long resetAfter = start + windowNanos - nowNanos;
            if (used + n <= limit) {
                if (charge) {
                    started = true;
                    windowStartNanos = start;
                    count = used + n;
                }
                batch.allow(i, limit - used - n, resetAfter);
            } else {
                batch.block(i, resetAfter, resetAfter);
            }
        }
    }

    /** The times of admitted units; admits n while at most {@code limit - n} lie in {@code (now - window, now]}. */
    private static final class SlidingWindowLog implements KeyState {
        private final ArrayDeque<Long> admittedNanos = new ArrayDeque<>();

        @Override
        public void acquire(Batch batch, int i, long n, long limit, long windowNanos, long nowNanos, boolean charge) {
            List<Long> inWindow = new ArrayList<>();
            for (long t : admittedNanos) {
                if (t > nowNanos - windowNanos) {
                    inWindow.add(t);
                }
            }
            int size = inWindow.size();
            if (size + n <= limit) {
                long oldest = size == 0 ? nowNanos : inWindow.get(0);
                if (charge) {
                    for (Iterator<Long> it = admittedNanos.iterator(); it.hasNext();) {
                        if (it.next() <= nowNanos - windowNanos) {
                            it.remove();
                        }
                    }
                    for (long k = 0; k < n; k++) {
                        admittedNanos.addLast(nowNanos);
                    }
                }
                batch.allow(i, limit - size - n, oldest + windowNanos - nowNanos);
            } else {
                // Refused units are not recorded. Room for n units needs the oldest size + n - limit admitted
                // units gone from the window: the last of them leaves at its time + window, which is both the
                // reset and the moment the request fits.
                long leaves = inWindow.get((int) (size + n - 1 - limit)) + windowNanos - nowNanos;
                batch.block(i, leaves, leaves);
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
        public void acquire(Batch batch, int i, long n, long limit, long windowNanos, long nowNanos, boolean charge) {
            long intervalNanos = Math.ceilDiv(windowNanos, limit);
            long capacityNanos = limit * intervalNanos;
            long credit = started ? Math.min(capacityNanos, creditNanos + (nowNanos - lastNanos)) : capacityNanos;
            long costNanos = n * intervalNanos;
            if (credit >= costNanos) {
                credit -= costNanos;
                if (charge) {
                    started = true;
                    creditNanos = credit;
                    lastNanos = nowNanos;
                }
                // Allowed: the reset is when the bucket is full again.
                batch.allow(i, credit / intervalNanos, capacityNanos - credit);
            } else {
                // Refused: the moment the request's tokens exist is both when the client may retry and the reset
                // (section 4: 30/m, 31 requests at once, the 31st gets Retry-After 2 and a reset 2 s later), not
                // when the bucket is full.
                long untilNanos = costNanos - credit;
                batch.block(i, untilNanos, untilNanos);
            }
        }
    }
}
