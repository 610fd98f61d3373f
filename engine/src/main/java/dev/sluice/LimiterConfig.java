package dev.sluice;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
            "fail_mode", "redis_fallback", "mode", "max_count", "memory_max_keys", "memory_max_key_bytes",
            "memory_budget_bytes", "redis_cluster", "redis_connect_timeout_ms", "redis_command_timeout_ms",
            "redis_tenant_scoped_keys", "redis_server_time");

    /** The default number of keys the embedded backend holds. */
    public static final long DEFAULT_MEMORY_MAX_KEYS = 1_000_000L;
    /** The most keys the embedded backend can be configured to hold: 2^30. */
    public static final long MAX_MEMORY_MAX_KEYS = 1L << 30;
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

    private LimiterConfig(LimiterConfigParser p) {
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

    /** {@return a builder with every setting at its default and no dimension on} */
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
        LimiterConfigParser parser = new LimiterConfigParser(settings);
        parser.parse();
        if (!parser.unknownKeys.isEmpty()) {
            LOG.log(System.Logger.Level.WARNING, "Ignoring unknown rate-limit settings " + parser.unknownKeys
                    + "; known settings are " + KNOWN_KEYS);
        }
        return built(parser);
    }

    private static LimiterConfig built(LimiterConfigParser parser) {
        if (parser.memoryMaxKeyBytesGiven) {
            LOG.log(System.Logger.Level.WARNING, RETIRED_MAX_KEY_BYTES);
        }
        return new LimiterConfig(parser);
    }

    /** {@return the per-user rate, or {@code null} when the user dimension is off} */
    public Rate byUser() {
        return byUser;
    }

    /** {@return the per-tenant rate, or {@code null} when the tenant dimension is off} */
    public Rate byTenant() {
        return byTenant;
    }

    /** {@return normalised (trimmed, lower-case) tool and prompt names and their rates, in configuration order} */
    public Map<String, Rate> byTool() {
        return byTool;
    }

    /** {@return the algorithm every dimension runs} */
    public Algorithm algorithm() {
        return algorithm;
    }

    /** {@return {@code memory} (the embedded off-heap backend) or {@code redis}} */
    public String backend() {
        return backend;
    }

    /** {@return the Redis URL or comma-separated cluster seed list, or {@code null}} */
    public String redisUrl() {
        return redisUrl;
    }

    /** {@return the first segment of every Redis key} */
    public String redisKeyPrefix() {
        return redisKeyPrefix;
    }

    /**
     * {@return what a backend failure does: {@link FailMode#LOCAL} unless configured otherwise (with
     *     {@code fail_mode}, or the original's {@code redis_fallback})}
     */
    public FailMode failMode() {
        return failMode;
    }

    /** {@return enforce, permissive or disabled} */
    public Mode mode() {
        return mode;
    }

    /** {@return the largest count a rate may have} */
    public long maxCount() {
        return maxCount;
    }

    /** {@return how many keys the embedded backend holds at most} */
    public long memoryMaxKeys() {
        return memoryMaxKeys;
    }


    /**
     * {@return the embedded backend's off-heap budget in bytes, or 0 for the store's default (its fixed tables
     *     plus 256 MiB of sliding-window rings)}
     */
    public long memoryBudgetBytes() {
        return memoryBudgetBytes;
    }

    /** {@return true when {@link #redisUrl()} names a Redis Cluster} */
    public boolean redisCluster() {
        return redisCluster;
    }

    /** {@return the bound on connecting to Redis} */
    public Duration redisConnectTimeout() {
        return redisConnectTimeout;
    }

    /** {@return the bound on one Redis command} */
    public Duration redisCommandTimeout() {
        return redisCommandTimeout;
    }

    /** {@return true when Redis keys carry the tenant: {@code rl:{tenant}:user:alice:60}} */
    public boolean redisTenantScopedKeys() {
        return redisTenantScopedKeys;
    }

    /** {@return true when scripts read the time from Redis ({@code TIME}) instead of the client's clock} */
    public boolean redisServerTime() {
        return redisServerTime;
    }

    /** {@return the keys of the loaded map that were not understood, sorted; empty for a builder} */
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

        /**
         * Limits each user ({@code by_user}).
         *
         * @param rate per-user rate, e.g. {@code "60/m"}; {@code null} turns the dimension off
         * @return this builder
         */
        public Builder byUser(String rate) {
            return set("by_user", rate);
        }

        /**
         * Limits each user ({@code by_user}).
         *
         * @param rate per-user rate; {@code null} turns the dimension off
         * @return this builder
         */
        public Builder byUser(Rate rate) {
            return set("by_user", rate);
        }

        /**
         * Limits each tenant, all of its users together ({@code by_tenant}).
         *
         * @param rate per-tenant rate, e.g. {@code "600/m"}; {@code null} turns the dimension off
         * @return this builder
         */
        public Builder byTenant(String rate) {
            return set("by_tenant", rate);
        }

        /**
         * Limits each tenant, all of its users together ({@code by_tenant}).
         *
         * @param rate per-tenant rate; {@code null} turns the dimension off
         * @return this builder
         */
        public Builder byTenant(Rate rate) {
            return set("by_tenant", rate);
        }

        /**
         * Limits calls to one tool or prompt ({@code by_tool}).
         *
         * @param tool a tool or prompt name (normalised: trimmed, lower-case)
         * @param rate its rate, e.g. {@code "10/s"}
         * @return this builder
         */
        public Builder byTool(String tool, String rate) {
            tools.put(tool, rate);
            return this;
        }

        /**
         * Limits calls to one tool or prompt ({@code by_tool}).
         *
         * @param tool a tool or prompt name (normalised: trimmed, lower-case)
         * @param rate its rate
         * @return this builder
         */
        public Builder byTool(String tool, Rate rate) {
            tools.put(tool, rate);
            return this;
        }

        /**
         * Chooses the algorithm ({@code algorithm}).
         *
         * @param algorithm the algorithm every dimension runs
         * @return this builder
         */
        public Builder algorithm(Algorithm algorithm) {
            return set("algorithm", algorithm);
        }

        /**
         * Chooses where the counters live ({@code backend}).
         *
         * @param backend {@code memory} or {@code redis}
         * @return this builder
         */
        public Builder backend(String backend) {
            return set("backend", backend);
        }

        /**
         * Says where Redis is ({@code redis_url}).
         *
         * @param url {@code redis://}, {@code rediss://}, {@code redis-sentinel://} or a cluster seed list
         * @return this builder
         */
        public Builder redisUrl(String url) {
            return set("redis_url", url);
        }

        /**
         * Sets the prefix of Sluice's Redis keys ({@code redis_key_prefix}).
         *
         * @param prefix the first segment of every Redis key
         * @return this builder
         */
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

        /**
         * Caps the embedded backend's off-heap memory ({@code memory_budget_bytes}).
         *
         * @param budgetBytes the embedded backend's off-heap budget in bytes
         * @return this builder
         */
        public Builder memoryBudgetBytes(long budgetBytes) {
            return set("memory_budget_bytes", budgetBytes);
        }

        /**
         * Says whether {@link #redisUrl(String)} names a Redis Cluster ({@code redis_cluster}).
         *
         * @param cluster true when the URL names a Redis Cluster
         * @return this builder
         */
        public Builder redisCluster(boolean cluster) {
            return set("redis_cluster", cluster);
        }

        /**
         * Bounds the time to connect to Redis ({@code redis_connect_timeout_ms}).
         *
         * @param timeout the bound on connecting to Redis, 1 ms to 1 day
         * @return this builder
         */
        public Builder redisConnectTimeout(Duration timeout) {
            return set("redis_connect_timeout_ms", timeout);
        }

        /**
         * Bounds the time one Redis command may take ({@code redis_command_timeout_ms}).
         *
         * @param timeout the bound on one Redis command, 1 ms to 1 day
         * @return this builder
         */
        public Builder redisCommandTimeout(Duration timeout) {
            return set("redis_command_timeout_ms", timeout);
        }

        /**
         * Chooses whether Redis keys carry the tenant ({@code redis_tenant_scoped_keys}).
         *
         * @param scoped true to put the tenant in every Redis key
         * @return this builder
         */
        public Builder redisTenantScopedKeys(boolean scoped) {
            return set("redis_tenant_scoped_keys", scoped);
        }

        /**
         * Chooses whose clock the Redis scripts use ({@code redis_server_time}).
         *
         * @param serverTime true to take the time from Redis instead of the client
         * @return this builder
         */
        public Builder redisServerTime(boolean serverTime) {
            return set("redis_server_time", serverTime);
        }

        /**
         * Chooses what a backend failure does ({@code fail_mode}).
         *
         * @param failMode what a backend failure does
         * @return this builder
         */
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

        /**
         * Chooses whether decisions are enforced ({@code mode}).
         *
         * @param mode enforce, permissive or disabled
         * @return this builder
         */
        public Builder mode(Mode mode) {
            return set("mode", mode);
        }

        /**
         * Caps the count of every configured rate ({@code max_count}).
         *
         * @param maxCount the largest count a rate may have
         * @return this builder
         */
        public Builder maxCount(long maxCount) {
            return set("max_count", maxCount);
        }

        /**
         * Sizes the embedded backend's table ({@code memory_max_keys}).
         *
         * @param maxKeys how many keys the embedded backend holds at most
         * @return this builder
         */
        public Builder memoryMaxKeys(long maxKeys) {
            return set("memory_max_keys", maxKeys);
        }

        /**
         * Validates every setting at once and creates the configuration.
         *
         * @return the validated configuration
         * @throws IllegalArgumentException listing every problem found
         */
        public LimiterConfig build() {
            Map<String, Object> all = new LinkedHashMap<>(settings);
            if (!tools.isEmpty()) {
                all.put("by_tool", tools);
            }
            LimiterConfigParser parser = new LimiterConfigParser(all);
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
}
