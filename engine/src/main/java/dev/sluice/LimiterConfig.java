package dev.sluice;

import dev.sluice.internal.MemoryBackendProvider;
import dev.sluice.spi.Backend;
import dev.sluice.spi.BackendContext;
import dev.sluice.spi.BackendProvider;
import dev.sluice.spi.BackendRole;
import dev.sluice.spi.ConfiguredLimit;
import dev.sluice.spi.Settings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A validated limiter configuration. Built with {@link #builder()} or loaded with {@link #fromMap(Map)} from
 * the keys an operator writes in YAML; both run the same validation, which collects <em>every</em> problem and
 * throws one {@link IllegalArgumentException} listing each with its field and the offending input, e.g.
 * {@code by_tool["search"]="abc/m": count is not a positive integer}. Everything is checked here, once, so that
 * creating a limiter never refuses a configuration this class accepted. No other exception escapes, whatever the
 * input (a map with keys that are not strings included). Keys are described in {@code docs/configuration.md}.
 *
 * <p>The configuration holds what every backend shares: the limits, the algorithm, the mode and the fail mode
 * ({@link #CORE_KEYS}), and which backend decides ({@code backend}). A backend's own settings belong to it: each
 * {@link BackendProvider} (the embedded backend, {@code memory}, built in; any other found with
 * {@link java.util.ServiceLoader}) reads and checks the settings it owns, such as {@code memory_max_keys} or
 * {@code redis_url}, into options of its own ({@link #options(Class)}), and reports its problems into the same
 * exception. A setting that neither the configuration nor any backend owns is ignored with a warning.
 *
 * <p>Immutable and thread-safe.
 */
public final class LimiterConfig {
    /** The settings the configuration itself reads, in documentation order; backends own the others. */
    public static final List<String> CORE_KEYS = List.of(
            "by_user", "by_tenant", "by_tool", "limits", "all_or_nothing", "algorithm", "backend", "fail_mode",
            "redis_fallback", "mode", "max_count");

    private static final System.Logger LOG = System.getLogger(LimiterConfig.class.getName());

    private final Rate byUser;
    private final Rate byTenant;
    private final Map<String, Rate> byTool;
    private final Algorithm algorithm;
    private final String backend;
    private final FailMode failMode;
    private final Mode mode;
    private final long maxCount;
    private final List<Limit> limits;
    private final boolean allOrNothing;
    private final List<ConfiguredLimit> configuredLimits;
    private final List<BackendSetup<?>> backends;
    private final List<String> unknownKeys;

    private LimiterConfig(LimiterConfigParser p) {
        this.byUser = p.byUser;
        this.byTenant = p.byTenant;
        this.byTool = Collections.unmodifiableMap(p.byTool);
        this.algorithm = p.algorithm;
        this.backend = p.backend;
        this.failMode = p.failMode;
        this.mode = p.mode;
        this.maxCount = p.maxCount;
        this.limits = presetsAnd(p.byUser, p.byTenant, p.byTool, p.limits);
        this.allOrNothing = p.allOrNothing;
        this.configuredLimits = List.copyOf(p.configuredLimits);
        this.backends = List.copyOf(p.backends);
        this.unknownKeys = List.copyOf(p.unknownKeys);
    }

    /** The presets as limits, in evaluation order, followed by the custom limits in configuration order. */
    private static List<Limit> presetsAnd(Rate byUser, Rate byTenant, Map<String, Rate> byTool, List<Limit> custom) {
        List<Limit> all = new ArrayList<>();
        if (byUser != null) {
            all.add(new Limit(Attributes.USER, List.of(Attributes.USER), List.of(byUser), List.of()));
        }
        if (byTenant != null) {
            all.add(new Limit(Attributes.TENANT, List.of(Attributes.TENANT), List.of(byTenant), List.of()));
        }
        if (!byTool.isEmpty()) {
            List<Limit.ValueOverride> tools = new ArrayList<>();
            byTool.forEach((tool, rate) -> tools.add(new Limit.ValueOverride(Attributes.TOOL, tool, List.of(rate))));
            all.add(new Limit(Attributes.TOOL, List.of(Attributes.TOOL), List.of(), tools));
        }
        all.addAll(custom);
        return List.copyOf(all);
    }

    /** {@return a builder with every setting at its default and no dimension on} */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Loads a configuration from an operator's settings: the keys of {@link #CORE_KEYS} and those of every backend
     * found ({@link #knownKeys()}). Rates are strings such as {@code "60/m"}; {@code by_tool} is a map from tool or
     * prompt name to rate; numbers may be numbers or digit strings; booleans may be booleans or
     * {@code "true"}/{@code "false"}. Unknown keys are ignored with one warning that names them all, sorted, and
     * the known keys.
     *
     * @param settings the operator's settings; not modified
     * @return the validated configuration
     * @throws IllegalArgumentException listing every problem found, one per line
     */
    public static LimiterConfig fromMap(Map<String, ?> settings) {
        if (settings == null) {
            throw new IllegalArgumentException("settings=null: a configuration map is required");
        }
        return built(new LimiterConfigParser(settings));
    }

    /**
     * The settings a configuration built now understands: {@link #CORE_KEYS}, then the embedded backend's, then
     * those of each backend {@link java.util.ServiceLoader} finds (with the thread's context class loader), by
     * backend name.
     *
     * @return the known keys, in that order
     */
    public static List<String> knownKeys() {
        List<String> known = new ArrayList<>(CORE_KEYS);
        for (BackendProvider<?> provider : LimiterConfigParser.providers(Settings.of(Map.of()))) {
            known.addAll(provider.keys());
        }
        return List.copyOf(known);
    }

    private static LimiterConfig built(LimiterConfigParser parser) {
        parser.parse();
        if (!parser.unknownKeys.isEmpty()) {
            LOG.log(System.Logger.Level.WARNING, "Ignoring unknown rate-limit settings " + parser.unknownKeys
                    + "; known settings are " + parser.knownKeys());
        }
        for (String warning : parser.warnings()) {
            LOG.log(System.Logger.Level.WARNING, warning);
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

    /**
     * Every limit a request is checked against.
     *
     * @return the limits in evaluation order: the presets that are on, as limits ({@code user} keyed by
     *     {@code user}, {@code tenant} keyed by {@code tenant}, {@code tool} keyed by {@code tool} with one override
     *     per {@code by_tool} entry and no rate of its own), then the {@code limits} section in configuration order
     */
    public List<Limit> limits() {
        return limits;
    }

    /**
     * {@return true when a refused request charges no limit ({@code all_or_nothing}); false, the default, charges
     *     every limit that admitted it, as the original did}
     */
    public boolean allOrNothing() {
        return allOrNothing;
    }

    /** {@return the algorithm every dimension runs} */
    public Algorithm algorithm() {
        return algorithm;
    }

    /** {@return the name of the backend that decides: {@code memory} (the embedded backend), {@code redis}, ...} */
    public String backend() {
        return backend;
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

    /**
     * A backend's options, as its provider read them from this configuration's settings (defaults included),
     * whether or not that backend is the one selected, e.g. {@code config.options(RedisOptions.class).url()}.
     *
     * @param type the class of the options, as the backend documents it
     * @param <T> the options' type
     * @return the options of the backend whose options are of that type
     * @throws IllegalArgumentException when no backend of this configuration has options of that type
     */
    public <T> T options(Class<T> type) {
        for (BackendSetup<?> b : backends) {
            if (type.isInstance(b.options())) {
                return type.cast(b.options());
            }
        }
        List<String> names = new ArrayList<>();
        for (BackendSetup<?> b : backends) {
            names.add(b.name());
        }
        throw new IllegalArgumentException("type=" + type.getName() + ": none of this configuration's backends "
                + names + " has options of that type");
    }

    /**
     * The keys given that no part of the configuration reads.
     *
     * @return the keys given that neither the configuration nor any backend owns, sorted: from the loaded map, or
     *     from {@link Builder#option(String, Object)}
     */
    public List<String> unknownKeys() {
        return unknownKeys;
    }

    /** Creates the selected backend; the caller owns and closes it. */
    Backend createBackend() {
        return setup(backend).create(context(BackendRole.SELECTED));
    }

    /** Creates the embedded store {@code fail_mode: local} decides on while a remote backend cannot answer. */
    Backend createLocalFallback() {
        return setup(MemoryBackendProvider.NAME).create(context(BackendRole.LOCAL_FALLBACK));
    }

    private BackendSetup<?> setup(String name) {
        for (BackendSetup<?> b : backends) {
            if (b.name().equals(name)) {
                return b;
            }
        }
        throw new IllegalStateException("backend \"" + name + "\" was accepted but is not set up");
    }

    private BackendContext context(BackendRole role) {
        return new BackendContext(backend, algorithm.configName(), configuredLimits, role);
    }

    @Override
    public String toString() {
        return "LimiterConfig{by_user=" + byUser + ", by_tenant=" + byTenant + ", by_tool=" + byTool
                + (limits.size() > presetCount() ? ", limits=" + limits.subList(presetCount(), limits.size()) : "")
                + (allOrNothing ? ", all_or_nothing=true" : "") + ", algorithm=" + algorithm.configName()
                + ", backend=" + backend + ", mode=" + mode.configName() + ", fail_mode=" + failMode.configName() + "}";
    }

    private int presetCount() {
        return (byUser != null ? 1 : 0) + (byTenant != null ? 1 : 0) + (byTool.isEmpty() ? 0 : 1);
    }

    /**
     * Collects settings; {@link #build()} validates them all at once, exactly as {@link #fromMap(Map)} does.
     *
     * <p>A backend's own settings are given with {@link #option(String, Object)}, under the names and in the
     * forms the map takes, and read and checked by that backend when the configuration is built. The methods
     * named after a setting of the embedded or the Redis backend ({@link #memoryMaxKeys}, {@link #redisUrl}, ...)
     * are shorthands for {@code option} with that name: the backend still owns the setting, and without the
     * backend on the class path (the Redis one is in {@code sluice-redis}) it is an unknown key.
     *
     * <p>Not thread-safe.
     */
    public static final class Builder {
        private final Map<String, Object> settings = new LinkedHashMap<>();
        private final Map<String, Object> tools = new LinkedHashMap<>();
        private final List<Object> limits = new ArrayList<>();

        private Builder() {
        }

        /**
         * Adds a custom limit, after those added before, as an entry of the map's limits section does; the
         * presets ({@code by_user}, {@code by_tenant}, {@code by_tool}) are evaluated before every such limit.
         *
         * @param limit the limit's settings, copied now and validated by {@link #build()}
         * @return this builder
         */
        public Builder limit(Limit.Builder limit) {
            limits.add(limit == null ? null : limit.settings());
            return this;
        }

        /**
         * Chooses what a refused request charges ({@code all_or_nothing}).
         *
         * @param allOrNothing true so that a refused request charges no limit; false (the default) charges every
         *     limit that admitted it
         * @return this builder
         */
        public Builder allOrNothing(boolean allOrNothing) {
            return set("all_or_nothing", allOrNothing);
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
         * Names the backend that decides.
         *
         * @param backend the name of the backend that decides: {@code memory} (the default), {@code redis}, or any
         *     other whose provider is on the class path or module path
         * @return this
         */
        public Builder backend(String backend) {
            return set("backend", backend);
        }

        /**
         * Sets a backend's setting, as the configuration map would hold it, e.g.
         * {@code option("redis_url", "redis://cache:6379")}; the backend that owns the name reads and checks it
         * when the configuration is built. A setting of the configuration itself is set too, though its own method
         * says more.
         *
         * @param key the setting's name
         * @param value its value, in any form the map takes; {@code null} removes it
         * @return this
         * @throws IllegalArgumentException when {@code key} is {@code null}, or is {@code by_tool} (use
         *     {@link #byTool(String, String)})
         */
        public Builder option(String key, Object value) {
            if (key == null || key.equals("by_tool")) {
                throw new IllegalArgumentException("key=" + Settings.quote(key) + ": "
                        + (key == null ? "a setting name is required" : "set tool rates with byTool"));
            }
            return set(key, value);
        }

        /**
         * Shorthand for {@code option("redis_url", url)}.
         *
         * @param url {@code redis://}, {@code rediss://}, {@code redis-sentinel://} or a cluster seed list
         * @return this
         */
        public Builder redisUrl(String url) {
            return set("redis_url", url);
        }

        /**
         * Shorthand for {@code option("redis_key_prefix", prefix)}.
         *
         * @param prefix the first segment of every Redis key
         * @return this
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
         * Shorthand for {@code option("memory_budget_bytes", budgetBytes)}.
         *
         * @param budgetBytes the embedded backend's off-heap budget in bytes
         * @return this
         */
        public Builder memoryBudgetBytes(long budgetBytes) {
            return set("memory_budget_bytes", budgetBytes);
        }

        /**
         * Shorthand for {@code option("redis_cluster", cluster)}.
         *
         * @param cluster true when the URL names a Redis Cluster
         * @return this
         */
        public Builder redisCluster(boolean cluster) {
            return set("redis_cluster", cluster);
        }

        /**
         * Shorthand for {@code option("redis_connect_timeout_ms", timeout)}.
         *
         * @param timeout the bound on connecting to Redis, 1 ms to 1 day
         * @return this
         */
        public Builder redisConnectTimeout(Duration timeout) {
            return set("redis_connect_timeout_ms", timeout);
        }

        /**
         * Shorthand for {@code option("redis_command_timeout_ms", timeout)}.
         *
         * @param timeout the bound on one Redis command, 1 ms to 1 day
         * @return this
         */
        public Builder redisCommandTimeout(Duration timeout) {
            return set("redis_command_timeout_ms", timeout);
        }

        /**
         * Shorthand for {@code option("redis_tenant_scoped_keys", scoped)}.
         *
         * @param scoped true to put the tenant in every Redis key
         * @return this
         */
        public Builder redisTenantScopedKeys(boolean scoped) {
            return set("redis_tenant_scoped_keys", scoped);
        }

        /**
         * Shorthand for {@code option("redis_server_time", serverTime)}.
         *
         * @param serverTime true to take the time from Redis instead of the client
         * @return this
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
         * Shorthand for {@code option("memory_max_keys", maxKeys)}.
         *
         * @param maxKeys how many keys the embedded backend holds at most
         * @return this
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
            if (!limits.isEmpty()) {
                all.put("limits", limits);
            }
            return built(new LimiterConfigParser(all));
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
