package dev.sluice;

import dev.sluice.internal.MemoryBackend;
import dev.sluice.store.KeyedStore;
import dev.sluice.store.StoreAlgorithm;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Reads and validates the settings of a {@link LimiterConfig}, from a map or a builder, collecting every problem
 * before it throws one {@link IllegalArgumentException} that lists them all.
 *
 * <p>Not thread-safe: one parser per configuration built.
 */
final class LimiterConfigParser {
    private final Map<String, Object> in = new LinkedHashMap<>();
    private final List<String> problems = new ArrayList<>();
    final TreeSet<String> unknownKeys = new TreeSet<>();
    /** Each configured rate with its field and the input as written, for the embedded store's ceilings. */
    private final List<RateInput> rates = new ArrayList<>();

    Rate byUser;
    Rate byTenant;
    final Map<String, Rate> byTool = new LinkedHashMap<>();
    Algorithm algorithm = Algorithm.FIXED_WINDOW;
    String backend = "memory";
    String redisUrl;
    String redisKeyPrefix = "rl";
    FailMode failMode = FailMode.LOCAL;
    Mode mode = Mode.ENFORCE;
    long maxCount = Rate.DEFAULT_MAX_COUNT;
    long memoryMaxKeys = LimiterConfig.DEFAULT_MEMORY_MAX_KEYS;
    boolean memoryMaxKeyBytesGiven;
    long memoryBudgetBytes;
    boolean redisCluster;
    Duration redisConnectTimeout = LimiterConfig.DEFAULT_REDIS_CONNECT_TIMEOUT;
    Duration redisCommandTimeout = LimiterConfig.DEFAULT_REDIS_COMMAND_TIMEOUT;
    boolean redisTenantScopedKeys;
    boolean redisServerTime;

    /** A rate as configured: its field, the input quoted as written, and the parsed rate. */
    private record RateInput(String field, String input, Rate rate) {
    }

    /**
     * Copies the settings by iterating their entries, never by looking a key up, so that no map (one with
     * keys of other types than {@code String}, a sorted map that cannot compare them) throws anything but
     * the problems collected here.
     */
    LimiterConfigParser(Map<?, ?> settings) {
        for (Map.Entry<?, ?> e : settings.entrySet()) {
            Object key = e.getKey();
            if (key instanceof String name) {
                in.put(name, e.getValue());
                if (!LimiterConfig.KNOWN_KEYS.contains(name)) {
                    unknownKeys.add(name);
                }
            } else {
                problems.add(describeKey(key) + ": a setting name must be a string");
            }
        }
    }

    void parse() {
        maxCount = positiveLong("max_count", maxCount, Rate.MAX_COUNT, "");
        byUser = rate("by_user", in.get("by_user"));
        byTenant = rate("by_tenant", in.get("by_tenant"));
        parseTools(in.get("by_tool"));
        algorithm = choice("algorithm", Algorithm.values(), Algorithm::configName, algorithm);
        failMode = choice("fail_mode", FailMode.values(), FailMode::configName, failMode);
        parseRedisFallback();
        mode = choice("mode", Mode.values(), Mode::configName, mode);
        memoryMaxKeys = positiveLong("memory_max_keys", memoryMaxKeys);
        memoryMaxKeyBytesGiven = retiredInteger("memory_max_key_bytes");
        memoryBudgetBytes = positiveLong("memory_budget_bytes", memoryBudgetBytes);
        redisCluster = bool("redis_cluster", redisCluster);
        redisConnectTimeout = timeout("redis_connect_timeout_ms", redisConnectTimeout);
        redisCommandTimeout = timeout("redis_command_timeout_ms", redisCommandTimeout);
        redisTenantScopedKeys = bool("redis_tenant_scoped_keys", redisTenantScopedKeys);
        redisServerTime = bool("redis_server_time", redisServerTime);
        parseBackend();
        checkEmbeddedCeilings();
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("Invalid rate-limit configuration (" + problems.size()
                    + (problems.size() == 1 ? " problem" : " problems") + "):\n  " + String.join("\n  ", problems));
        }
    }

    private Rate rate(String field, Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof Rate r) {
            if (r.count() > maxCount) {
                problems.add(field + "=" + r + ": " + Rate.ceilingProblem(Long.toString(r.count()), maxCount));
                return null;
            }
            rates.add(new RateInput(field, r.toString(), r));
            return r;
        }
        if (!(value instanceof String text)) {
            problems.add(field + "=" + value + ": expected a rate string such as \"60/m\"");
            return null;
        }
        String problem = Rate.problemWith(text, maxCount);
        if (problem != null) {
            problems.add(field + "=" + Rate.quote(text) + ": " + problem);
            return null;
        }
        Rate r = Rate.parse(text, maxCount);
        rates.add(new RateInput(field, Rate.quote(text), r));
        return r;
    }

    private void parseTools(Object value) {
        if (value == null) {
            return;
        }
        if (!(value instanceof Map<?, ?> tools)) {
            problems.add("by_tool=" + value + ": expected a map from tool name to rate");
            return;
        }
        Map<String, String> firstSpelling = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : tools.entrySet()) {
            if (e.getKey() != null && !(e.getKey() instanceof String)) {
                problems.add("by_tool[" + describeKey(e.getKey()) + "]: a tool name must be a string");
                continue;
            }
            String raw = (String) e.getKey();
            String field = "by_tool[" + Rate.quote(raw) + "]";
            String name = raw == null ? "" : Whitespace.strip(raw).toLowerCase(Locale.ROOT);
            if (name.isEmpty()) {
                problems.add(field + ": tool name is blank");
                continue;
            }
            String earlier = firstSpelling.putIfAbsent(name, raw);
            if (earlier != null) {
                problems.add(field + ": normalises to \"" + name + "\", as by_tool[" + Rate.quote(earlier)
                        + "] does");
                continue;
            }
            Rate r = rate(field, e.getValue());
            if (r != null) {
                byTool.put(name, r);
            } else if (e.getValue() == null) {
                problems.add(field + "=null: a rate is required, e.g. \"60/m\"");
            }
        }
    }

    private void parseBackend() {
        Object value = in.get("backend");
        if (value != null) {
            String name = String.valueOf(value).strip().toLowerCase(Locale.ROOT);
            if (name.equals("memory") || name.equals("redis")) {
                backend = name;
            } else {
                problems.add("backend=" + quoteAny(value) + ": expected one of memory, redis");
            }
        }
        Object url = in.get("redis_url");
        if (url != null) {
            String text = url instanceof String u ? u.strip() : "";
            String problem = RedisUrl.problemWith(text);
            if (problem != null) {
                problems.add("redis_url=" + quoteAny(url) + ": " + problem);
            } else if (RedisUrl.isSentinel(text)) {
                redisUrl = text;
                if (redisCluster) {
                    problems.add("redis_cluster=" + quoteAny(in.get("redis_cluster"))
                            + ": a redis-sentinel:// URL names one master, not a Cluster");
                }
            } else {
                redisUrl = text;
                redisCluster |= text.contains(",");
            }
        } else if (backend.equals("redis")) {
            problems.add("redis_url=null: required when backend=\"redis\"");
        }
        Object prefix = in.get("redis_key_prefix");
        if (prefix != null) {
            String text = prefix instanceof String p ? p : "";
            if (text.isBlank() || text.contains(":") || !text.equals(text.strip())) {
                problems.add("redis_key_prefix=" + quoteAny(prefix)
                        + ": must be non-blank, without ':' or surrounding white space");
            } else {
                redisKeyPrefix = text;
            }
        }
    }

    /**
     * {@code redis_fallback}, the original's key: {@code true} is {@code fail_mode: local}, {@code false} is
     * {@code fail_mode: open}. Given with {@code fail_mode}, the two must agree.
     */
    private void parseRedisFallback() {
        Object value = in.get("redis_fallback");
        if (value == null) {
            return;
        }
        int before = problems.size();
        boolean fallback = bool("redis_fallback", true);
        if (problems.size() > before) {
            return;
        }
        FailMode meant = fallback ? FailMode.LOCAL : FailMode.OPEN;
        Object given = in.get("fail_mode");
        if (given == null) {
            failMode = meant;
        } else if (failMode != meant) {
            problems.add("redis_fallback=" + quoteAny(value) + ": means fail_mode=" + meant.configName()
                    + ", but fail_mode=" + quoteAny(given instanceof FailMode f ? f.configName() : given));
        }
    }

    /**
     * The embedded store's own ceilings, which {@code create} would otherwise be the first to refuse: checked
     * here when the embedded store is in use, as the backend or as {@code fail_mode: local}'s fallback.
     */
    private void checkEmbeddedCeilings() {
        String why;
        if (backend.equals("memory")) {
            why = "";
        } else if (failMode == FailMode.LOCAL) {
            why = " (fail_mode local limits on it while Redis cannot answer; fail_mode open or closed does not)";
        } else {
            return;
        }
        long maxWindowSeconds = KeyedStore.MAX_WINDOW_NANOS / 1_000_000_000L;
        for (RateInput r : rates) {
            if (r.rate().count() > KeyedStore.MAX_LIMIT) {
                problems.add(r.field() + "=" + r.input() + ": count " + r.rate().count() + " exceeds "
                        + KeyedStore.MAX_LIMIT + ", the largest limit the embedded store holds" + why);
            }
            if (r.rate().windowSeconds() > maxWindowSeconds) {
                problems.add(r.field() + "=" + r.input() + ": window " + r.rate().windowSeconds() + " s exceeds "
                        + maxWindowSeconds + " s (7 days), the longest window the embedded store holds" + why);
            }
        }
        if (memoryMaxKeys > LimiterConfig.MAX_MEMORY_MAX_KEYS) {
            problems.add("memory_max_keys=" + quoteAny(in.get("memory_max_keys")) + ": must be at most "
                    + LimiterConfig.MAX_MEMORY_MAX_KEYS + " (2^30), the most keys the embedded store holds" + why);
        } else if (memoryBudgetBytes > 0) {
            // The store's own arithmetic, with the settings MemoryBackend gives it.
            long fixedBytes = KeyedStore.builder(storeAlgorithm(algorithm)).maxKeys(memoryMaxKeys).fixedBytes();
            if (memoryBudgetBytes < fixedBytes) {
                problems.add("memory_budget_bytes=" + quoteAny(in.get("memory_budget_bytes")) + ": below the "
                        + fixedBytes + " bytes the embedded store's table takes for memory_max_keys="
                        + memoryMaxKeys + why);
            }
        } else if (algorithm == Algorithm.SLIDING_WINDOW) {
            TreeSet<Long> limits = new TreeSet<>();
            for (RateInput r : rates) {
                limits.add(r.rate().count());
            }
            long ringBytes = MemoryBackend.ringBudgetFor(memoryMaxKeys, limits);
            if (ringBytes > MemoryBackend.MAX_DEFAULT_RING_BUDGET_BYTES) {
                problems.add("memory_max_keys=" + memoryMaxKeys + ": sliding_window with limits " + limits + " needs up to "
                        + (ringBytes == Long.MAX_VALUE ? "more than " + MemoryBackend.MAX_DEFAULT_RING_BUDGET_BYTES : ringBytes)
                        + " bytes of rings for that many live keys (8 bytes per unit of limit per key), above the default"
                        + " ceiling of " + MemoryBackend.MAX_DEFAULT_RING_BUDGET_BYTES + "; lower memory_max_keys, or set"
                        + " memory_budget_bytes to the memory you allow (keys beyond it are refused while their windows"
                        + " last)" + why);
            }
        }
    }

    private static StoreAlgorithm storeAlgorithm(Algorithm algorithm) {
        return switch (algorithm) {
            case FIXED_WINDOW -> StoreAlgorithm.FIXED_WINDOW;
            case SLIDING_WINDOW -> StoreAlgorithm.SLIDING_WINDOW_LOG;
            case TOKEN_BUCKET -> StoreAlgorithm.TOKEN_BUCKET;
        };
    }

    private <E> E choice(String field, E[] values, Function<E, String> nameOf, E fallback) {
        Object value = in.get(field);
        if (value == null) {
            return fallback;
        }
        for (E e : values) {
            if (e.equals(value)) {
                return e;
            }
        }
        String wanted = String.valueOf(value).strip().toLowerCase(Locale.ROOT);
        List<String> names = new ArrayList<>();
        for (E e : values) {
            if (nameOf.apply(e).equals(wanted)) {
                return e;
            }
            names.add(nameOf.apply(e));
        }
        problems.add(field + "=" + quoteAny(value) + ": expected one of " + String.join(", ", names));
        return fallback;
    }

    private long positiveLong(String field, long fallback, long max, String maxNote) {
        long v = positiveLong(field, fallback);
        if (v > max) {
            problems.add(field + "=" + quoteAny(in.get(field)) + ": must be at most " + max + maxNote);
            return fallback;
        }
        return v;
    }

    private long positiveLong(String field, long fallback) {
        Object value = in.get(field);
        if (value == null) {
            return fallback;
        }
        long v = integer(value);
        if (v > 0) {
            return v;
        }
        problems.add(field + "=" + quoteAny(value) + ": must be a positive integer");
        return fallback;
    }

    /** @return {@code value} as a whole number when it is one (a Java integer or a string of digits), else 0 */
    private static long integer(Object value) {
        if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return ((Number) value).longValue();
        }
        if (value instanceof String s && !s.isBlank() && s.strip().chars().allMatch(Character::isDigit)) {
            try {
                return Long.parseLong(s.strip());
            } catch (NumberFormatException tooLarge) {
                return 0;
            }
        }
        return 0;
    }

    /**
     * A timeout in milliseconds: a positive whole number of them, or a {@link Duration} of at least one, at
     * most {@link LimiterConfig#MAX_REDIS_TIMEOUT}.
     */
    private Duration timeout(String field, Duration fallback) {
        Object value = in.get(field);
        if (value == null) {
            return fallback;
        }
        if (value instanceof Duration d) {
            if (d.compareTo(Duration.ofMillis(1)) < 0) {
                problems.add(field + "=" + d + ": must be at least 1 ms");
                return fallback;
            }
            if (d.compareTo(LimiterConfig.MAX_REDIS_TIMEOUT) > 0) {
                problems.add(field + "=" + d + ": must be at most " + LimiterConfig.MAX_REDIS_TIMEOUT.toMillis() + " ms (1 day)");
                return fallback;
            }
            return d;
        }
        return Duration.ofMillis(positiveLong(field, fallback.toMillis(), LimiterConfig.MAX_REDIS_TIMEOUT.toMillis(), " (1 day)"));
    }

    /** A setting that is still accepted but no longer used: only its type is checked. */
    private boolean retiredInteger(String field) {
        Object value = in.get(field);
        if (value == null) {
            return false;
        }
        boolean integer = value instanceof Long || value instanceof Integer || value instanceof Short
                || value instanceof Byte || (value instanceof String s && s.strip().matches("[+-]?[0-9]+"));
        if (!integer) {
            problems.add(field + "=" + quoteAny(value) + ": must be an integer (the setting is no longer used)");
        }
        return true;
    }

    private boolean bool(String field, boolean fallback) {
        Object value = in.get(field);
        if (value == null) {
            return fallback;
        }
        if (value instanceof Boolean b) {
            return b;
        }
        if (value instanceof String s) {
            String t = s.strip().toLowerCase(Locale.ROOT);
            if (t.equals("true") || t.equals("false")) {
                return t.equals("true");
            }
        }
        problems.add(field + "=" + quoteAny(value) + ": expected true or false");
        return fallback;
    }

    private static String quoteAny(Object value) {
        return value instanceof String s ? Rate.quote(s) : String.valueOf(value);
    }

    /** A key that is not a string, for a message: its value and its type. */
    private static String describeKey(Object key) {
        return key == null ? "null" : key + " (" + key.getClass().getSimpleName() + ")";
    }
}
