package dev.sluice;

import dev.sluice.store.KeyedStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * A validated limiter configuration. Built with {@link #builder()} or loaded with {@link #fromMap(Map)} from
 * the keys an operator writes in YAML; both run the same validation, which collects <em>every</em> problem and
 * throws one {@link IllegalArgumentException} listing each with its field and the offending input, e.g.
 * {@code by_tool["search"]="abc/m": count is not a positive integer}. Everything is checked here, once: the
 * Redis URL's syntax, timeouts, and the embedded store's ceilings when it is in use, so that creating a limiter
 * never refuses a configuration this class accepted. No other exception escapes, whatever the input (a map
 * with keys that are not strings included). Keys are described in {@code docs/configuration.md}.
 *
 * <p>Immutable and thread-safe.
 */
public final class LimiterConfig {
    /** The keys {@link #fromMap(Map)} understands, in documentation order. */
    public static final List<String> KNOWN_KEYS = List.of(
            "by_user", "by_tenant", "by_tool", "algorithm", "backend", "redis_url", "redis_key_prefix",
            "fail_mode", "redis_fallback", "mode", "max_count", "memory_max_keys", "memory_max_key_bytes", "memory_budget_bytes",
            "redis_cluster", "redis_connect_timeout_ms",
            "redis_command_timeout_ms", "redis_tenant_scoped_keys", "redis_server_time");

    /** The default number of keys the embedded backend holds. */
    public static final long DEFAULT_MEMORY_MAX_KEYS = 1_000_000L;
    /** The most keys the embedded backend can be configured to hold: 2^30. */
    public static final long MAX_MEMORY_MAX_KEYS = 1L << 30;
    /**
     * What {@link #memoryMaxKeyBytes()} returns. The setting {@code memory_max_key_bytes} is no longer used: it is
     * accepted and ignored with a warning.
     */
    public static final int DEFAULT_MEMORY_MAX_KEY_BYTES = 64;
    /** The default bound on connecting to Redis. */
    public static final Duration DEFAULT_REDIS_CONNECT_TIMEOUT = Duration.ofSeconds(2);
    /** The default bound on one Redis command, from sending to reply. */
    public static final Duration DEFAULT_REDIS_COMMAND_TIMEOUT = Duration.ofMillis(500);
    /** The longest Redis timeout, connecting or per command, a configuration accepts: one day. */
    public static final Duration MAX_REDIS_TIMEOUT = Duration.ofDays(1);

    private static final System.Logger LOG = System.getLogger(LimiterConfig.class.getName());
    private static final String RETIRED_MAX_KEY_BYTES = "Ignoring memory_max_key_bytes: the setting is no longer"
            + " used, the embedded store holds an identity of any length in the same memory; remove it";

    private final Rate byUser;
    private final Rate byTenant;
    private final Map<String, Rate> byTool;
    private final Algorithm algorithm;
    private final String backend;
    private final String redisUrl;
    private final String redisKeyPrefix;
    private final FailMode failMode;
    private final Mode mode;
    private final long maxCount;
    private final long memoryMaxKeys;
    private final long memoryBudgetBytes;
    private final boolean redisCluster;
    private final Duration redisConnectTimeout;
    private final Duration redisCommandTimeout;
    private final boolean redisTenantScopedKeys;
    private final boolean redisServerTime;
    private final List<String> unknownKeys;

    private LimiterConfig(Parser p) {
        this.byUser = p.byUser;
        this.byTenant = p.byTenant;
        this.byTool = Collections.unmodifiableMap(p.byTool);
        this.algorithm = p.algorithm;
        this.backend = p.backend;
        this.redisUrl = p.redisUrl;
        this.redisKeyPrefix = p.redisKeyPrefix;
        this.failMode = p.failMode;
        this.mode = p.mode;
        this.maxCount = p.maxCount;
        this.memoryMaxKeys = p.memoryMaxKeys;
        this.memoryBudgetBytes = p.memoryBudgetBytes;
        this.redisCluster = p.redisCluster;
        this.redisConnectTimeout = p.redisConnectTimeout;
        this.redisCommandTimeout = p.redisCommandTimeout;
        this.redisTenantScopedKeys = p.redisTenantScopedKeys;
        this.redisServerTime = p.redisServerTime;
        this.unknownKeys = List.copyOf(p.unknownKeys);
    }

    /** @return a builder with every setting at its default and no dimension on */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Loads a configuration from the keys of {@link #KNOWN_KEYS}. Rates are strings such as {@code "60/m"};
     * {@code by_tool} is a map from tool or prompt name to rate; numbers may be numbers or digit strings;
     * booleans may be booleans or {@code "true"}/{@code "false"}. Unknown keys are ignored with one warning
     * that names them all, sorted, and the known keys.
     *
     * @param settings the operator's settings; not modified
     * @return the validated configuration
     * @throws IllegalArgumentException listing every problem found, one per line
     */
    public static LimiterConfig fromMap(Map<String, ?> settings) {
        if (settings == null) {
            throw new IllegalArgumentException("settings=null: a configuration map is required");
        }
        Parser parser = new Parser(settings);
        parser.parse();
        if (!parser.unknownKeys.isEmpty()) {
            LOG.log(System.Logger.Level.WARNING, "Ignoring unknown rate-limit settings " + parser.unknownKeys
                    + "; known settings are " + KNOWN_KEYS);
        }
        return built(parser);
    }

    private static LimiterConfig built(Parser parser) {
        if (parser.memoryMaxKeyBytesGiven) {
            LOG.log(System.Logger.Level.WARNING, RETIRED_MAX_KEY_BYTES);
        }
        return new LimiterConfig(parser);
    }

    /** @return the per-user rate, or {@code null} when the user dimension is off */
    public Rate byUser() {
        return byUser;
    }

    /** @return the per-tenant rate, or {@code null} when the tenant dimension is off */
    public Rate byTenant() {
        return byTenant;
    }

    /** @return normalised (trimmed, lower-case) tool and prompt names and their rates, in configuration order */
    public Map<String, Rate> byTool() {
        return byTool;
    }

    /** @return the algorithm every dimension runs */
    public Algorithm algorithm() {
        return algorithm;
    }

    /** @return {@code memory} (the embedded off-heap backend) or {@code redis} */
    public String backend() {
        return backend;
    }

    /** @return the Redis URL or comma-separated cluster seed list, or {@code null} */
    public String redisUrl() {
        return redisUrl;
    }

    /** @return the first segment of every Redis key */
    public String redisKeyPrefix() {
        return redisKeyPrefix;
    }

    /**
     * @return what a backend failure does: {@link FailMode#LOCAL} unless configured otherwise (with
     *     {@code fail_mode}, or the original's {@code redis_fallback})
     */
    public FailMode failMode() {
        return failMode;
    }

    /** @return enforce, permissive or disabled */
    public Mode mode() {
        return mode;
    }

    /** @return the largest count a rate may have */
    public long maxCount() {
        return maxCount;
    }

    /** @return how many keys the embedded backend holds at most */
    public long memoryMaxKeys() {
        return memoryMaxKeys;
    }

    /**
     * No longer configurable, and to be removed: {@code memory_max_key_bytes} is accepted and ignored with a
     * warning, because the embedded store holds an identity of any length in the same memory.
     *
     * @return {@link #DEFAULT_MEMORY_MAX_KEY_BYTES}, whatever was configured
     */
    public int memoryMaxKeyBytes() {
        return DEFAULT_MEMORY_MAX_KEY_BYTES;
    }

    /**
     * @return the embedded backend's off-heap budget in bytes, or 0 for the store's default (its fixed tables
     *     plus 256 MiB of sliding-window rings)
     */
    public long memoryBudgetBytes() {
        return memoryBudgetBytes;
    }

    /** @return true when {@link #redisUrl()} names a Redis Cluster */
    public boolean redisCluster() {
        return redisCluster;
    }

    /** @return the bound on connecting to Redis */
    public Duration redisConnectTimeout() {
        return redisConnectTimeout;
    }

    /** @return the bound on one Redis command */
    public Duration redisCommandTimeout() {
        return redisCommandTimeout;
    }

    /** @return true when Redis keys carry the tenant: {@code rl:{tenant}:user:alice:60} */
    public boolean redisTenantScopedKeys() {
        return redisTenantScopedKeys;
    }

    /** @return true when scripts read the time from Redis ({@code TIME}) instead of the client's clock */
    public boolean redisServerTime() {
        return redisServerTime;
    }

    /** @return the keys of the loaded map that were not understood, sorted; empty for a builder */
    public List<String> unknownKeys() {
        return unknownKeys;
    }

    @Override
    public String toString() {
        return "LimiterConfig{by_user=" + byUser + ", by_tenant=" + byTenant + ", by_tool=" + byTool
                + ", algorithm=" + algorithm.configName() + ", backend=" + backend + ", mode=" + mode.configName()
                + ", fail_mode=" + failMode.configName() + "}";
    }

    /**
     * Collects settings; {@link #build()} validates them all at once, exactly as {@link #fromMap(Map)} does.
     *
     * <p>Not thread-safe.
     */
    public static final class Builder {
        private final Map<String, Object> settings = new LinkedHashMap<>();
        private final Map<String, Object> tools = new LinkedHashMap<>();

        private Builder() {
        }

        /** @param rate per-user rate, e.g. {@code "60/m"}; {@code null} turns the dimension off @return this */
        public Builder byUser(String rate) {
            return set("by_user", rate);
        }

        /** @param rate per-user rate; {@code null} turns the dimension off @return this */
        public Builder byUser(Rate rate) {
            return set("by_user", rate);
        }

        /** @param rate per-tenant rate, e.g. {@code "600/m"}; {@code null} turns the dimension off @return this */
        public Builder byTenant(String rate) {
            return set("by_tenant", rate);
        }

        /** @param rate per-tenant rate; {@code null} turns the dimension off @return this */
        public Builder byTenant(Rate rate) {
            return set("by_tenant", rate);
        }

        /**
         * @param tool a tool or prompt name (normalised: trimmed, lower-case)
         * @param rate its rate, e.g. {@code "10/s"}
         * @return this
         */
        public Builder byTool(String tool, String rate) {
            tools.put(tool, rate);
            return this;
        }

        /** @param tool a tool or prompt name @param rate its rate @return this */
        public Builder byTool(String tool, Rate rate) {
            tools.put(tool, rate);
            return this;
        }

        /** @param algorithm the algorithm every dimension runs @return this */
        public Builder algorithm(Algorithm algorithm) {
            return set("algorithm", algorithm);
        }

        /** @param backend {@code memory} or {@code redis} @return this */
        public Builder backend(String backend) {
            return set("backend", backend);
        }

        /** @param url {@code redis://}, {@code rediss://}, {@code redis-sentinel://} or a cluster seed list @return this */
        public Builder redisUrl(String url) {
            return set("redis_url", url);
        }

        /** @param prefix the first segment of every Redis key @return this */
        public Builder redisKeyPrefix(String prefix) {
            return set("redis_key_prefix", prefix);
        }

        /**
         * @param maxKeyBytes ignored, with a warning when the configuration is built
         * @return this
         * @deprecated {@code memory_max_key_bytes} is no longer used: the embedded store holds an identity of any
         *     length in the same memory
         */
        @Deprecated
        public Builder memoryMaxKeyBytes(int maxKeyBytes) {
            return set("memory_max_key_bytes", maxKeyBytes);
        }

        /** @param budgetBytes the embedded backend's off-heap budget in bytes @return this */
        public Builder memoryBudgetBytes(long budgetBytes) {
            return set("memory_budget_bytes", budgetBytes);
        }

        /** @param cluster true when the URL names a Redis Cluster @return this */
        public Builder redisCluster(boolean cluster) {
            return set("redis_cluster", cluster);
        }

        /** @param timeout the bound on connecting to Redis, 1 ms to 1 day @return this */
        public Builder redisConnectTimeout(Duration timeout) {
            return set("redis_connect_timeout_ms", timeout);
        }

        /** @param timeout the bound on one Redis command, 1 ms to 1 day @return this */
        public Builder redisCommandTimeout(Duration timeout) {
            return set("redis_command_timeout_ms", timeout);
        }

        /** @param scoped true to put the tenant in every Redis key @return this */
        public Builder redisTenantScopedKeys(boolean scoped) {
            return set("redis_tenant_scoped_keys", scoped);
        }

        /** @param serverTime true to take the time from Redis instead of the client @return this */
        public Builder redisServerTime(boolean serverTime) {
            return set("redis_server_time", serverTime);
        }

        /** @param failMode what a backend failure does @return this */
        public Builder failMode(FailMode failMode) {
            return set("fail_mode", failMode);
        }

        /**
         * The original's key for the fail mode.
         *
         * @param fallback true for {@link FailMode#LOCAL}, false for {@link FailMode#OPEN}; must agree with
         *     {@link #failMode(FailMode)} when both are set
         * @return this
         */
        public Builder redisFallback(boolean fallback) {
            return set("redis_fallback", fallback);
        }

        /** @param mode enforce, permissive or disabled @return this */
        public Builder mode(Mode mode) {
            return set("mode", mode);
        }

        /** @param maxCount the largest count a rate may have @return this */
        public Builder maxCount(long maxCount) {
            return set("max_count", maxCount);
        }

        /** @param maxKeys how many keys the embedded backend holds at most @return this */
        public Builder memoryMaxKeys(long maxKeys) {
            return set("memory_max_keys", maxKeys);
        }

        /**
         * @return the validated configuration
         * @throws IllegalArgumentException listing every problem found
         */
        public LimiterConfig build() {
            Map<String, Object> all = new LinkedHashMap<>(settings);
            if (!tools.isEmpty()) {
                all.put("by_tool", tools);
            }
            Parser parser = new Parser(all);
            parser.parse();
            return built(parser);
        }

        private Builder set(String key, Object value) {
            if (value == null) {
                settings.remove(key);
            } else {
                settings.put(key, value);
            }
            return this;
        }
    }

    /** Reads and validates a settings map, collecting every problem before it throws. */
    private static final class Parser {
        private final Map<String, Object> in = new LinkedHashMap<>();
        private final List<String> problems = new ArrayList<>();
        private final TreeSet<String> unknownKeys = new TreeSet<>();
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
        long memoryMaxKeys = DEFAULT_MEMORY_MAX_KEYS;
        boolean memoryMaxKeyBytesGiven;
        long memoryBudgetBytes;
        boolean redisCluster;
        Duration redisConnectTimeout = DEFAULT_REDIS_CONNECT_TIMEOUT;
        Duration redisCommandTimeout = DEFAULT_REDIS_COMMAND_TIMEOUT;
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
        Parser(Map<?, ?> settings) {
            for (Map.Entry<?, ?> e : settings.entrySet()) {
                Object key = e.getKey();
                if (key instanceof String name) {
                    in.put(name, e.getValue());
                    if (!KNOWN_KEYS.contains(name)) {
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
                String text = String.valueOf(prefix);
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
            if (memoryMaxKeys > MAX_MEMORY_MAX_KEYS) {
                problems.add("memory_max_keys=" + quoteAny(in.get("memory_max_keys")) + ": must be at most "
                        + MAX_MEMORY_MAX_KEYS + " (2^30), the most keys the embedded store holds" + why);
            }
        }

        private <E> E choice(String field, E[] values, Function<E, String> nameOf, E fallback) {
            Object value = in.get(field);
            if (value == null) {
                return fallback;
            }
            for (E e : values) {
                if (e == value) {
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
         * most {@link #MAX_REDIS_TIMEOUT}.
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
                if (d.compareTo(MAX_REDIS_TIMEOUT) > 0) {
                    problems.add(field + "=" + d + ": must be at most " + MAX_REDIS_TIMEOUT.toMillis() + " ms (1 day)");
                    return fallback;
                }
                return d;
            }
            return Duration.ofMillis(positiveLong(field, fallback.toMillis(), MAX_REDIS_TIMEOUT.toMillis(), " (1 day)"));
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
}
