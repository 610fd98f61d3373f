package dev.sluice.store;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * A slow, obviously correct on-heap model of the three algorithms, the oracle for randomized tests.
 * Times are the caller's nanoseconds, any long (the store keeps them truncated; the model keeps them whole,
 * and compares by difference so that it too crosses the wrap of a long). The fixed window rounds its end down
 * to the store's documented 4,096 ns tick, exactly as the store does. A request costs {@code permits} units.
 */
final class ReferenceModel {
    record Outcome(AcquireStatus status, long remaining, long resetAfterNanos, long retryAfterNanos) {
        static Outcome of(AcquireResult result) {
            return new Outcome(result.status(), result.remaining(), result.resetAfterNanos(), result.retryAfterNanos());
        }
    }

    private final StoreAlgorithm algorithm;
    private final Map<String, long[]> fixed = new HashMap<>();
    private final Map<String, Long> tats = new HashMap<>();
    private final Map<String, ArrayDeque<Long>> logs = new HashMap<>();

    ReferenceModel(StoreAlgorithm algorithm) {
        this.algorithm = algorithm;
    }

    Outcome acquire(String key, long limit, long windowNanos, long nowNanos) {
        return acquire(key, 1, limit, windowNanos, nowNanos);
    }

    Outcome acquire(String key, long permits, long limit, long windowNanos, long nowNanos) {
        return switch (algorithm) {
            case FIXED_WINDOW -> fixedWindow(key, permits, limit, windowNanos, nowNanos);
            case TOKEN_BUCKET -> tokenBucket(key, permits, limit, windowNanos, nowNanos);
            case SLIDING_WINDOW_LOG -> slidingLog(key, permits, limit, windowNanos, nowNanos);
        };
    }

    private Outcome fixedWindow(String key, long permits, long limit, long windowNanos, long now) {
        long[] state = fixed.get(key); // {endNanos, count}
        if (state == null || now - state[0] >= 0) {
            long tick = 4096;
            long end = Math.floorDiv(now + windowNanos, tick) * tick;
            fixed.put(key, new long[] {end, permits});
            return new Outcome(AcquireStatus.ALLOWED, limit - permits, end - now, 0);
        }
        if (state[1] + permits <= limit) {
            state[1] += permits;
            return new Outcome(AcquireStatus.ALLOWED, limit - state[1], state[0] - now, 0);
        }
        return new Outcome(AcquireStatus.BLOCKED, 0, state[0] - now, state[0] - now);
    }

    private Outcome tokenBucket(String key, long permits, long limit, long windowNanos, long now) {
        long emission = (windowNanos + limit - 1) / limit;
        long capacityNanos = emission * limit;
        long stored = tats.getOrDefault(key, now);
        long tat = stored - now > 0 ? stored : now;
        long next = tat + permits * emission;
        if (next - now > capacityNanos) {
            long wait = next - now - capacityNanos;
            return new Outcome(AcquireStatus.BLOCKED, 0, wait, wait);
        }
        tats.put(key, next);
        return new Outcome(AcquireStatus.ALLOWED, (capacityNanos - (next - now)) / emission, next - now, 0);
    }

    private Outcome slidingLog(String key, long permits, long limit, long windowNanos, long now) {
        ArrayDeque<Long> log = logs.computeIfAbsent(key, k -> new ArrayDeque<>());
        while (!log.isEmpty() && now - log.peekFirst() >= windowNanos) {
            log.pollFirst();
        }
        if (log.size() + permits > limit) {
            // The admission that must leave the window first: the (size + permits - limit)-th oldest.
            long[] times = log.stream().mapToLong(Long::longValue).toArray();
            long wait = times[(int) (log.size() + permits - limit - 1)] + windowNanos - now;
            return new Outcome(AcquireStatus.BLOCKED, 0, wait, wait);
        }
        for (long i = 0; i < permits; i++) {
            log.addLast(now);
        }
        return new Outcome(AcquireStatus.ALLOWED, limit - log.size(), log.peekFirst() + windowNanos - now, 0);
    }
}
