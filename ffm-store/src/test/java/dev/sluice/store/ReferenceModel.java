package dev.sluice.store;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A slow, obviously correct on-heap model of the three algorithms, the oracle for randomized tests.
 * Times are the caller's nanoseconds, any long (the store keeps them truncated; the model keeps them whole,
 * and compares by difference so that it too crosses the wrap of a long). The fixed window rounds its end down
 * to the store's documented 4,096 ns tick, exactly as the store does. A request costs {@code permits} units.
 * Peek answers on a copy; reset forgets; an all-or-nothing batch charges in order and gives back, newest
 * first, what it charged before the refusal (single-threaded, so the give-back is always exact).
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
    private final Map<String, Long> logWindows = new HashMap<>();

    /** One request of an all-or-nothing batch. */
    record Request(String key, long permits, long limit, long windowNanos) {
    }

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

    Outcome peek(String key, long permits, long limit, long windowNanos, long nowNanos) {
        long[] fixedState = fixed.get(key);
        fixedState = fixedState == null ? null : fixedState.clone();
        Long tat = tats.get(key);
        ArrayDeque<Long> log = logs.get(key);
        log = log == null ? null : new ArrayDeque<>(log);
        Outcome outcome = acquire(key, permits, limit, windowNanos, nowNanos);
        restore(fixed, key, fixedState);
        restore(tats, key, tat);
        restore(logs, key, log);
        return outcome;
    }

    private static <V> void restore(Map<String, V> map, String key, V value) {
        if (value == null) {
            map.remove(key);
        } else {
            map.put(key, value);
        }
    }

    /** @return true when the key held state that had not expired at {@code now} */
    boolean reset(String key, long now) {
        long[] fixedState = fixed.remove(key);
        Long tat = tats.remove(key);
        ArrayDeque<Long> log = logs.remove(key);
        return switch (algorithm) {
            case FIXED_WINDOW -> fixedState != null && fixedState[0] - now > 0;
            case TOKEN_BUCKET -> tat != null && tat - now > 0;
            case SLIDING_WINDOW_LOG -> log != null && !log.isEmpty() && now - log.peekLast() < logWindows.get(key);
        };
    }

    /**
     * @param outcomes filled with each request's outcome as the store reports it
     * @return -1 when every request was charged, else the index of the refused one
     */
    int acquireAll(List<Request> requests, long now, Outcome[] outcomes) {
        for (int i = 0; i < requests.size(); i++) {
            Request r = requests.get(i);
            outcomes[i] = acquire(r.key(), r.permits(), r.limit(), r.windowNanos(), now);
            if (outcomes[i].status() != AcquireStatus.ALLOWED) {
                for (int j = i - 1; j >= 0; j--) {
                    refund(requests.get(j), now);
                }
                for (int j = 0; j < requests.size(); j++) {
                    if (j != i) {
                        outcomes[j] = new Outcome(AcquireStatus.BLOCKED, 0, 0, 0);
                    }
                }
                return i;
            }
        }
        return -1;
    }

    private void refund(Request r, long now) {
        switch (algorithm) {
            case FIXED_WINDOW -> {
                long[] state = fixed.get(r.key());
                state[1] -= r.permits();
                if (state[1] == 0) {
                    fixed.remove(r.key());
                }
            }
            case TOKEN_BUCKET -> {
                long emission = (r.windowNanos() + r.limit() - 1) / r.limit();
                long tat = tats.get(r.key());
                if (tat - now > 0) {
                    long given = tat - r.permits() * emission;
                    tats.put(r.key(), given - now > 0 ? given : now);
                }
            }
            case SLIDING_WINDOW_LOG -> {
                ArrayDeque<Long> log = logs.get(r.key());
                for (long i = 0; i < r.permits(); i++) {
                    log.pollLast();
                }
                if (log.isEmpty()) {
                    logs.remove(r.key());
                }
            }
        }
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
        logWindows.put(key, windowNanos);
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
