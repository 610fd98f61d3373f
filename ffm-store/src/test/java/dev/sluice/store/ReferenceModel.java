package dev.sluice.store;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * A slow, obviously correct on-heap model of the three algorithms, the oracle for randomized tests.
 * Times are store nanos (the tests build stores with {@code originNanos(0)}). The fixed window rounds its
 * end down to the store's documented 4,096 ns tick, exactly as the store does.
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
        return switch (algorithm) {
            case FIXED_WINDOW -> fixedWindow(key, limit, windowNanos, nowNanos);
            case TOKEN_BUCKET -> tokenBucket(key, limit, windowNanos, nowNanos);
            case SLIDING_WINDOW_LOG -> slidingLog(key, limit, windowNanos, nowNanos);
        };
    }

    private Outcome fixedWindow(String key, long limit, long windowNanos, long now) {
        long[] state = fixed.get(key); // {endNanos, count}
        if (state == null || now >= state[0]) {
            long tick = 4096;
            long end = (now + windowNanos) / tick * tick;
            fixed.put(key, new long[] {end, 1});
            return new Outcome(AcquireStatus.ALLOWED, limit - 1, end - now, 0);
        }
        if (state[1] < limit) {
            state[1]++;
            return new Outcome(AcquireStatus.ALLOWED, limit - state[1], state[0] - now, 0);
        }
        return new Outcome(AcquireStatus.BLOCKED, 0, state[0] - now, state[0] - now);
    }

    private Outcome tokenBucket(String key, long limit, long windowNanos, long now) {
        long emission = (windowNanos + limit - 1) / limit;
        long capacityNanos = emission * limit;
        long tat = Math.max(tats.getOrDefault(key, now), now);
        long next = tat + emission;
        if (next - now > capacityNanos) {
            return new Outcome(AcquireStatus.BLOCKED, 0, tat - now, next - now - capacityNanos);
        }
        tats.put(key, next);
        return new Outcome(AcquireStatus.ALLOWED, (capacityNanos - (next - now)) / emission, next - now, 0);
    }

    private Outcome slidingLog(String key, long limit, long windowNanos, long now) {
        ArrayDeque<Long> log = logs.computeIfAbsent(key, k -> new ArrayDeque<>());
        while (!log.isEmpty() && log.peekFirst() <= now - windowNanos) {
            log.pollFirst();
        }
        if (log.size() >= limit) {
            long wait = log.peekFirst() + windowNanos - now;
            return new Outcome(AcquireStatus.BLOCKED, 0, wait, wait);
        }
        log.addLast(now);
        return new Outcome(AcquireStatus.ALLOWED, limit - log.size(), log.peekFirst() + windowNanos - now, 0);
    }
}
