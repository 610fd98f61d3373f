package dev.sluice.bench.peers;

import com.google.common.util.concurrent.RateLimiter;
import dev.sluice.Decision;
import dev.sluice.LimiterConfig;
import dev.sluice.ManualClock;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.TimeMeter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.ratelimiter.internal.AtomicRateLimiter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import org.agrona.collections.Object2LongHashMap;

/**
 * Builds each {@link Impl} as a {@link KeyedLimiter}. Every key of one limiter gets the same {@link LimitSpec};
 * the Sluice variants configure {@code by_user}, {@code by_tenant} and {@code by_tool} (for {@code tools})
 * with it and take the identities as they are; the peers build a key string per dimension from them
 * ({@code "user:" + user}, {@code "tenant:" + tenant}, {@code "tool:" + tool}) and keep one object per key in a
 * {@link ConcurrentHashMap}, looked up with {@code get} first and created with {@code computeIfAbsent} on a miss,
 * as their users write it (Agrona: one packed {@code long} per key in its own map).
 */
public final class KeyedLimiters {
    private KeyedLimiters() {
    }

    /**
     * @param impl which implementation
     * @param spec the limit of every key
     * @param mode where time comes from; Guava and Resilience4j always read the system clock
     * @param expectedKeys a sizing hint
     * @param tools the tool names the three-dimension form uses (Sluice needs them configured)
     * @return a new limiter
     */
    public static KeyedLimiter create(Impl impl, LimitSpec spec, TimeMode mode, long expectedKeys, List<String> tools) {
        int sizeHint = (int) Math.min(1 << 30, Math.max(16, expectedKeys));
        return switch (impl) {
            case SLUICE_FIXED, SLUICE_SLIDING, SLUICE_TOKEN -> new SluiceKeyed(impl, spec, mode, expectedKeys, tools);
            case ONHEAP_FIXED, ONHEAP_SLIDING, ONHEAP_TOKEN -> new OnHeapKeyed(impl, spec, mode, sizeHint);
            case BUCKET4J -> new Bucket4jKeyed(spec, mode, sizeHint);
            case RESILIENCE4J -> new Resilience4jKeyed(spec, sizeHint);
            case GUAVA -> new GuavaKeyed(spec, sizeHint);
            case AGRONA_FIXED -> new AgronaFixedKeyed(spec, mode, sizeHint);
        };
    }

    /**
     * A peer keyed by strings: it builds a key per dimension from the request's identities, as code in front of
     * a map of limiters writes it ({@code "user:" + user}), and charges each key.
     */
    private abstract static class KeyBuildingHandle implements KeyedLimiter.Handle {
        /** Charges one request to {@code key}; true when admitted. */
        abstract boolean acquire(String key, long nowNanos);

        @Override
        public final boolean tryAcquire(String user, long nowNanos) {
            return acquire("user:" + user, nowNanos);
        }

        @Override
        public final boolean tryAcquire3(String user, String tenant, String tool, long nowNanos) {
            boolean u = acquire("user:" + user, nowNanos);
            boolean t = acquire("tenant:" + tenant, nowNanos);
            boolean x = acquire("tool:" + tool, nowNanos);
            return u && t && x;
        }
    }

    private static final class SluiceKeyed implements KeyedLimiter {
        /** The embedded backend's default {@code memory_max_keys}. */
        private static final long DEFAULT_MEMORY_MAX_KEYS = 1_000_000L;

        private final dev.sluice.RateLimiter limiter;
        private final boolean synthetic;

        SluiceKeyed(Impl impl, LimitSpec spec, TimeMode mode, long expectedKeys, List<String> tools) {
            LimiterConfig.Builder b = LimiterConfig.builder().algorithm(impl.algorithm())
                    .byUser(spec.rateString()).byTenant(spec.rateString())
                    .memoryMaxKeys(Math.max(DEFAULT_MEMORY_MAX_KEYS, 2 * expectedKeys + 1024));
            for (String tool : tools) {
                b.byTool(tool, spec.rateString());
            }
            this.synthetic = mode == TimeMode.SYNTHETIC;
            this.limiter = synthetic
                    ? dev.sluice.RateLimiter.create(b.build(), ManualClock.atEpochSeconds(0))
                    : dev.sluice.RateLimiter.create(b.build());
        }

        @Override
        public Handle handle() {
            Decision d = new Decision();
            if (synthetic) {
                return new Handle() {
                    @Override
                    public boolean tryAcquire(String user, long nowNanos) {
                        return limiter.check(user, null, null, nowNanos, d);
                    }

                    @Override
                    public boolean tryAcquire3(String user, String tenant, String tool, long nowNanos) {
                        return limiter.check(user, tenant, tool, nowNanos, d);
                    }
                };
            }
            return new Handle() {
                @Override
                public boolean tryAcquire(String user, long nowNanos) {
                    return limiter.check(user, null, null, d);
                }

                @Override
                public boolean tryAcquire3(String user, String tenant, String tool, long nowNanos) {
                    return limiter.check(user, tenant, tool, d);
                }
            };
        }

        @Override
        public long keys() {
            Long keys = limiter.stats().backend().get("keys");
            return keys == null ? -1 : keys;
        }

        @Override
        public long failures() {
            return limiter.stats().backendFailures();
        }

        @Override
        public long offHeapBytes() {
            for (var e : limiter.stats().backend().entrySet()) {
                String name = e.getKey().toLowerCase(java.util.Locale.ROOT).replace("_", "").replace("-", "");
                if (name.equals("offheapbytes")) {
                    return e.getValue();
                }
            }
            return -1;
        }

        @Override
        public void close() {
            limiter.close();
        }
    }

    private static final class OnHeapKeyed implements KeyedLimiter {
        private final OnHeapLimiter limiter;
        private final long limit;
        private final long windowNanos;
        private final boolean synthetic;

        OnHeapKeyed(Impl impl, LimitSpec spec, TimeMode mode, int sizeHint) {
            this.limiter = new OnHeapLimiter(impl.algorithm(), sizeHint);
            this.limit = spec.count();
            this.windowNanos = spec.windowNanos();
            this.synthetic = mode == TimeMode.SYNTHETIC;
        }

        @Override
        public Handle handle() {
            OnHeapLimiter.Result result = new OnHeapLimiter.Result();
            return new KeyBuildingHandle() {
                @Override
                boolean acquire(String key, long nowNanos) {
                    return limiter.acquire(key, limit, windowNanos, synthetic ? nowNanos : System.nanoTime(), result);
                }
            };
        }

        @Override
        public long keys() {
            return limiter.size();
        }
    }

    /** A Bucket4j time source the benchmark thread sets before each call (synthetic time, one thread). */
    private static final class SettableTimeMeter implements TimeMeter {
        long nowNanos;

        @Override
        public long currentTimeNanos() {
            return nowNanos;
        }

        @Override
        public boolean isWallClockBased() {
            return false;
        }
    }

    private static final class Bucket4jKeyed implements KeyedLimiter {
        private final ConcurrentHashMap<String, Bucket> buckets;
        private final SettableTimeMeter meter;
        private final long capacity;
        private final Duration window;

        Bucket4jKeyed(LimitSpec spec, TimeMode mode, int sizeHint) {
            this.buckets = new ConcurrentHashMap<>(sizeHint);
            this.meter = mode == TimeMode.SYNTHETIC ? new SettableTimeMeter() : null;
            this.capacity = spec.count();
            this.window = Duration.ofSeconds(spec.windowSeconds());
        }

        private Bucket newBucket() {
            var builder = Bucket.builder().addLimit(l -> l.capacity(capacity).refillGreedy(capacity, window));
            return meter == null ? builder.withNanosecondPrecision().build()
                    : builder.withCustomTimePrecision(meter).build();
        }

        @Override
        public Handle handle() {
            return new KeyBuildingHandle() {
                @Override
                boolean acquire(String key, long nowNanos) {
                    if (meter != null) {
                        meter.nowNanos = nowNanos;
                    }
                    Bucket bucket = buckets.get(key);
                    if (bucket == null) {
                        bucket = buckets.computeIfAbsent(key, k -> newBucket());
                    }
                    return bucket.tryConsume(1);
                }
            };
        }

        @Override
        public long keys() {
            return buckets.size();
        }
    }

    private static final class Resilience4jKeyed implements KeyedLimiter {
        private final ConcurrentHashMap<String, AtomicRateLimiter> limiters;
        private final RateLimiterConfig config;

        Resilience4jKeyed(LimitSpec spec, int sizeHint) {
            this.limiters = new ConcurrentHashMap<>(sizeHint);
            this.config = RateLimiterConfig.custom()
                    .limitForPeriod((int) Math.min(Integer.MAX_VALUE, spec.count()))
                    .limitRefreshPeriod(Duration.ofSeconds(spec.windowSeconds()))
                    .timeoutDuration(Duration.ZERO)
                    .build();
        }

        @Override
        public Handle handle() {
            return new KeyBuildingHandle() {
                @Override
                boolean acquire(String key, long nowNanos) {
                    AtomicRateLimiter limiter = limiters.get(key);
                    if (limiter == null) {
                        limiter = limiters.computeIfAbsent(key, k -> new AtomicRateLimiter(k, config));
                    }
                    return limiter.acquirePermission();
                }
            };
        }

        @Override
        public long keys() {
            return limiters.size();
        }
    }

    private static final class GuavaKeyed implements KeyedLimiter {
        private final ConcurrentHashMap<String, RateLimiter> limiters;
        private final double permitsPerSecond;

        GuavaKeyed(LimitSpec spec, int sizeHint) {
            this.limiters = new ConcurrentHashMap<>(sizeHint);
            this.permitsPerSecond = spec.perSecond();
        }

        @Override
        public Handle handle() {
            return new KeyBuildingHandle() {
                @Override
                boolean acquire(String key, long nowNanos) {
                    RateLimiter limiter = limiters.get(key);
                    if (limiter == null) {
                        limiter = limiters.computeIfAbsent(key, k -> RateLimiter.create(permitsPerSecond));
                    }
                    return limiter.tryAcquire();
                }
            };
        }

        @Override
        public long keys() {
            return limiters.size();
        }
    }

    /**
     * Fixed window in one primitive-valued open-addressing map: {@code startMillis << 22 | count}. Counts up to
     * 2^22 - 1. Not thread-safe.
     */
    private static final class AgronaFixedKeyed implements KeyedLimiter {
        private static final int COUNT_BITS = 22;
        private static final long COUNT_MASK = (1L << COUNT_BITS) - 1;
        private final Object2LongHashMap<String> states;
        private final long limit;
        private final long windowMillis;
        private final boolean synthetic;

        AgronaFixedKeyed(LimitSpec spec, TimeMode mode, int sizeHint) {
            if (spec.count() > COUNT_MASK) {
                throw new IllegalArgumentException("count=" + spec.count() + ": agrona-fixed packs at most " + COUNT_MASK);
            }
            this.states = new Object2LongHashMap<>(sizeHint, 0.65f, -1L);
            this.limit = spec.count();
            this.windowMillis = spec.windowSeconds() * 1000;
            this.synthetic = mode == TimeMode.SYNTHETIC;
        }

        @Override
        public Handle handle() {
            return new KeyBuildingHandle() {
                @Override
                boolean acquire(String key, long nowNanos) {
                    long nowMillis = (synthetic ? nowNanos : System.nanoTime()) / 1_000_000;
                    long packed = states.getValue(key);
                    long start = packed >>> COUNT_BITS;
                    long count = packed & COUNT_MASK;
                    if (packed == -1 || nowMillis - start >= windowMillis) {
                        start = nowMillis;
                        count = 0;
                    }
                    boolean allowed = count < limit;
                    if (allowed) {
                        count++;
                    }
                    states.put(key, start << COUNT_BITS | count);
                    return allowed;
                }
            };
        }

        @Override
        public long keys() {
            return states.size();
        }
    }
}
