package dev.sluice.bench.peers;

import dev.sluice.Algorithm;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The implementations the benchmarks compare, by the name a JMH {@code @Param} or a CLI flag uses.
 *
 * <p>Peers implement different things: Bucket4j, Resilience4j and Guava have no per-window counts and
 * Guava and Resilience4j read the system clock only; what is compared is the cost of one decision per request.
 */
public enum Impl {
    /** Sluice, fixed window, through {@code RateLimiter.check(..., Decision into)}. */
    SLUICE_FIXED("sluice-fixed", true),
    /** Sluice, sliding window log. */
    SLUICE_SLIDING("sluice-sliding", true),
    /** Sluice, token bucket. */
    SLUICE_TOKEN("sluice-token", true),
    /** The design Sluice replaces: a {@code ConcurrentHashMap} of per-key {@code synchronized} state; fixed window. */
    ONHEAP_FIXED("onheap-fixed", true),
    /** The on-heap design, sliding window log. */
    ONHEAP_SLIDING("onheap-sliding", true),
    /** The on-heap design, token bucket. */
    ONHEAP_TOKEN("onheap-token", true),
    /** Bucket4j 8 local lock-free buckets (greedy token bucket), one per key in a {@code ConcurrentHashMap}. */
    BUCKET4J("bucket4j", true),
    /** Resilience4j {@code AtomicRateLimiter} per key (permits per refresh period), system clock. */
    RESILIENCE4J("resilience4j", true),
    /** Guava {@code RateLimiter} per key (smooth bursty), system clock. */
    GUAVA("guava", true),
    /** Agrona {@code Object2LongHashMap} of packed fixed-window state: single-threaded only, the on-heap floor. */
    AGRONA_FIXED("agrona-fixed", false);

    private final String id;
    private final boolean threadSafe;

    Impl(String id, boolean threadSafe) {
        this.id = id;
        this.threadSafe = threadSafe;
    }

    /** @return the name used on the command line and in JMH parameters */
    public String id() {
        return id;
    }

    /** @return whether several threads may share one instance */
    public boolean threadSafe() {
        return threadSafe;
    }

    /** @return true for the Sluice variants */
    public boolean isSluice() {
        return this == SLUICE_FIXED || this == SLUICE_SLIDING || this == SLUICE_TOKEN;
    }

    /** @return whether the implementation can run on time the caller supplies */
    public boolean acceptsSyntheticTime() {
        return this != RESILIENCE4J && this != GUAVA;
    }

    /** @return the Sluice algorithm the variant runs, or {@code null} for peers that have their own */
    public Algorithm algorithm() {
        return switch (this) {
            case SLUICE_FIXED, ONHEAP_FIXED, AGRONA_FIXED -> Algorithm.FIXED_WINDOW;
            case SLUICE_SLIDING, ONHEAP_SLIDING -> Algorithm.SLIDING_WINDOW;
            case SLUICE_TOKEN, ONHEAP_TOKEN -> Algorithm.TOKEN_BUCKET;
            default -> null;
        };
    }

    /**
     * @param id a name such as {@code bucket4j}
     * @return the implementation
     * @throws IllegalArgumentException naming the input and the known names
     */
    public static Impl of(String id) {
        String wanted = id == null ? "" : id.strip().toLowerCase(Locale.ROOT);
        for (Impl impl : values()) {
            if (impl.id.equals(wanted)) {
                return impl;
            }
        }
        throw new IllegalArgumentException("impl=\"" + id + "\": unknown; known: " + Arrays.stream(values())
                .map(Impl::id).collect(Collectors.joining(", ")));
    }
}
