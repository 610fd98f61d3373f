package dev.sluice.internal;

import dev.sluice.spi.BackendContext;
import dev.sluice.spi.BackendRole;
import dev.sluice.spi.ConfiguredLimit;
import dev.sluice.spi.Settings;
import dev.sluice.store.KeyedStore;
import dev.sluice.store.StoreAlgorithm;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The embedded backend's settings ({@code memory_*}), read and checked when a configuration is built, together
 * with the embedded store's own ceilings whenever the store is in use: as the backend, or as the store
 * {@code fail_mode: local} decides on while a remote backend cannot answer. Creating the store then never
 * refuses a configuration that was accepted.
 *
 * <p>Immutable and thread-safe.
 */
public final class MemoryOptions {
    /** The settings the embedded backend owns, in documentation order. */
    public static final List<String> KEYS = List.of("memory_max_keys", "memory_max_key_bytes", "memory_budget_bytes");
    /** The default number of keys the embedded backend holds. */
    public static final long DEFAULT_MAX_KEYS = 1_000_000L;
    /** The most keys the embedded backend can be configured to hold: 2^30. */
    public static final long MAX_MAX_KEYS = 1L << 30;

    static final String RETIRED_MAX_KEY_BYTES = "Ignoring memory_max_key_bytes: the setting is no longer"
            + " used, the embedded store holds an identity of any length in the same memory; remove it";

    private final long maxKeys;
    private final long budgetBytes;

    private MemoryOptions(long maxKeys, long budgetBytes) {
        this.maxKeys = maxKeys;
        this.budgetBytes = budgetBytes;
    }

    /** {@return how many keys the embedded backend holds at most ({@code memory_max_keys})} */
    public long maxKeys() {
        return maxKeys;
    }

    /**
     * The off-heap budget.
     *
     * @return the embedded backend's off-heap budget in bytes ({@code memory_budget_bytes}), or 0 for the
     *     default: the table, plus for {@code sliding_window} rings for {@link #maxKeys()} live keys at each limit
     */
    public long budgetBytes() {
        return budgetBytes;
    }

    @Override
    public String toString() {
        return "MemoryOptions{memory_max_keys=" + maxKeys + ", memory_budget_bytes=" + budgetBytes + "}";
    }

    /**
     * Reads the {@code memory_*} settings and, when the store is in use, checks the configuration against its
     * ceilings, recording every problem with {@code settings}.
     */
    static MemoryOptions parse(Settings settings, BackendContext context) {
        long maxKeys = settings.positiveLong("memory_max_keys", DEFAULT_MAX_KEYS);
        if (settings.has("memory_max_key_bytes")) {
            retiredInteger(settings, "memory_max_key_bytes");
        }
        long budgetBytes = settings.positiveLong("memory_budget_bytes", 0);
        if (context.role() != BackendRole.UNUSED) {
            checkCeilings(settings, context, maxKeys, budgetBytes);
        }
        return new MemoryOptions(maxKeys, budgetBytes);
    }

    /** A setting that is still accepted but no longer used: only its type is checked, and it is named in a warning. */
    private static void retiredInteger(Settings settings, String key) {
        Object value = settings.value(key);
        boolean integer = value instanceof Long || value instanceof Integer || value instanceof Short
                || value instanceof Byte || (value instanceof String s && s.strip().matches("[+-]?[0-9]+"));
        if (!integer) {
            settings.problem(key, "must be an integer (the setting is no longer used)");
        }
        settings.warning(RETIRED_MAX_KEY_BYTES);
    }

    /**
     * The embedded store's own ceilings, which creating it would otherwise be the first to refuse: on each limit's
     * count and window, on {@code memory_max_keys}, and on the memory its table and rings take.
     */
    private static void checkCeilings(Settings settings, BackendContext context, long maxKeys, long budgetBytes) {
        String why = context.role() == BackendRole.SELECTED ? "" : " (fail_mode local limits on it while "
                + (context.backend().equals("redis") ? "Redis" : "the " + context.backend() + " backend")
                + " cannot answer; fail_mode open or closed does not)";
        long maxWindowSeconds = KeyedStore.MAX_WINDOW_NANOS / 1_000_000_000L;
        for (ConfiguredLimit limit : context.limits()) {
            long count = limit.limit().count();
            long windowSeconds = limit.limit().windowSeconds();
            if (count > KeyedStore.MAX_LIMIT) {
                settings.problem(limit, "count " + count + " exceeds " + KeyedStore.MAX_LIMIT
                        + ", the largest limit the embedded store holds" + why);
            }
            if (windowSeconds > maxWindowSeconds) {
                settings.problem(limit, "window " + windowSeconds + " s exceeds " + maxWindowSeconds
                        + " s (7 days), the longest window the embedded store holds" + why);
            }
        }
        if (context.algorithm().equals("sliding_window")
                && limitCounts(context).size() > KeyedStore.MAX_SLIDING_WINDOW_LIMITS) {
            settings.problem("algorithm", context.algorithm(), "the limits have " + limitCounts(context).size()
                    + " distinct counts, and the embedded store keeps sliding-window logs of at most "
                    + KeyedStore.MAX_SLIDING_WINDOW_LIMITS + "; use fewer distinct counts" + why);
        }
        if (maxKeys > MAX_MAX_KEYS) {
            settings.problem("memory_max_keys", "must be at most " + MAX_MAX_KEYS
                    + " (2^30), the most keys the embedded store holds" + why);
        } else if (budgetBytes > 0) {
            // The store's own arithmetic, with the settings MemoryBackend gives it.
            long fixedBytes = KeyedStore.builder(storeAlgorithm(context.algorithm())).maxKeys(maxKeys).fixedBytes();
            if (budgetBytes < fixedBytes) {
                settings.problem("memory_budget_bytes", "below the " + fixedBytes
                        + " bytes the embedded store's table takes for memory_max_keys=" + maxKeys + why);
            }
        } else if (context.algorithm().equals("sliding_window")) {
            SortedSet<Long> limits = limitCounts(context);
            long ringBytes = MemoryBackend.ringBudgetFor(maxKeys, limits);
            long ceiling = MemoryBackend.MAX_DEFAULT_RING_BUDGET_BYTES;
            if (ringBytes > ceiling) {
                settings.problem("memory_max_keys", maxKeys, "sliding_window with limits " + limits + " needs up to "
                        + (ringBytes == Long.MAX_VALUE ? "more than " + ceiling : ringBytes)
                        + " bytes of rings for that many live keys (8 bytes per unit of limit per key), above the"
                        + " default ceiling of " + ceiling + "; lower memory_max_keys, or set memory_budget_bytes to the"
                        + " memory you allow (keys beyond it are refused while their windows last)" + why);
            }
        }
    }

    /** {@return the distinct counts of the configured limits, ascending} */
    static SortedSet<Long> limitCounts(BackendContext context) {
        TreeSet<Long> counts = new TreeSet<>();
        for (ConfiguredLimit limit : context.limits()) {
            counts.add(limit.limit().count());
        }
        return counts;
    }

    /**
     * @param algorithm an algorithm's configuration name
     * @return the store's state machine for it
     * @throws IllegalArgumentException for a name the embedded store does not run
     */
    static StoreAlgorithm storeAlgorithm(String algorithm) {
        return switch (algorithm) {
            case "fixed_window" -> StoreAlgorithm.FIXED_WINDOW;
            case "sliding_window" -> StoreAlgorithm.SLIDING_WINDOW_LOG;
            case "token_bucket" -> StoreAlgorithm.TOKEN_BUCKET;
            default -> throw new IllegalArgumentException("algorithm=\"" + algorithm
                    + "\": the embedded backend runs fixed_window, sliding_window and token_bucket");
        };
    }
}
