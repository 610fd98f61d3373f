package dev.sluice.redis;

import dev.sluice.spi.BackendContext;
import dev.sluice.spi.BackendRole;
import dev.sluice.spi.Settings;
import java.time.Duration;
import java.util.List;

/**
 * The Redis backend's settings ({@code redis_*}), read and checked when a configuration is built, whether or not it
 * selects {@code backend: redis}, so that a mistake in them is found at once; {@code redis_url} is required when
 * it does. Read them from a configuration with {@code config.options(RedisOptions.class)}.
 *
 * <p>Immutable and thread-safe.
 */
public final class RedisOptions {
    /** The settings the Redis backend owns, in documentation order. */
    public static final List<String> KEYS = List.of("redis_url", "redis_key_prefix", "redis_cluster",
            "redis_connect_timeout_ms", "redis_command_timeout_ms", "redis_tenant_scoped_keys", "redis_server_time");
    /** The default first segment of every Redis key. */
    public static final String DEFAULT_KEY_PREFIX = "rl";
    /** The default bound on connecting to Redis. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(2);
    /** The default bound on one Redis command, from sending to reply. */
    public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofMillis(500);
    /** The longest timeout, connecting or per command, a configuration accepts: one day. */
    public static final Duration MAX_TIMEOUT = Duration.ofDays(1);

    private final String url;
    private final String keyPrefix;
    private final boolean cluster;
    private final Duration connectTimeout;
    private final Duration commandTimeout;
    private final boolean tenantScopedKeys;
    private final boolean serverTime;

    private RedisOptions(String url, String keyPrefix, boolean cluster, Duration connectTimeout,
            Duration commandTimeout, boolean tenantScopedKeys, boolean serverTime) {
        this.url = url;
        this.keyPrefix = keyPrefix;
        this.cluster = cluster;
        this.connectTimeout = connectTimeout;
        this.commandTimeout = commandTimeout;
        this.tenantScopedKeys = tenantScopedKeys;
        this.serverTime = serverTime;
    }

    /** {@return the Redis URL or comma-separated cluster seed list ({@code redis_url}), stripped, or {@code null}} */
    public String url() {
        return url;
    }

    /** {@return the first segment of every Redis key ({@code redis_key_prefix})} */
    public String keyPrefix() {
        return keyPrefix;
    }

    /** {@return true when {@link #url()} names a Redis Cluster ({@code redis_cluster}, or a seed list)} */
    public boolean cluster() {
        return cluster;
    }

    /** {@return the bound on connecting to Redis ({@code redis_connect_timeout_ms})} */
    public Duration connectTimeout() {
        return connectTimeout;
    }

    /** {@return the bound on one Redis command ({@code redis_command_timeout_ms})} */
    public Duration commandTimeout() {
        return commandTimeout;
    }

    /** {@return true when keys carry the tenant, {@code rl:{tenant}:user:alice:60} ({@code redis_tenant_scoped_keys})} */
    public boolean tenantScopedKeys() {
        return tenantScopedKeys;
    }

    /**
     * Whose clock the scripts read.
     *
     * @return true when scripts read the time from Redis ({@code TIME}) instead of the client's clock
     *     ({@code redis_server_time})
     */
    public boolean serverTime() {
        return serverTime;
    }

    @Override
    public String toString() {
        // A password in the URL stays out of logs.
        String shown = url == null ? null : url.replaceAll("//[^/@,]*@", "//***@");
        return "RedisOptions{redis_url=" + shown + ", redis_key_prefix="
                + keyPrefix + ", redis_cluster=" + cluster + ", redis_connect_timeout_ms=" + connectTimeout.toMillis()
                + ", redis_command_timeout_ms=" + commandTimeout.toMillis() + ", redis_tenant_scoped_keys="
                + tenantScopedKeys + ", redis_server_time=" + serverTime + "}";
    }

    /** Reads the {@code redis_*} settings, recording every problem with {@code settings}. */
    static RedisOptions parse(Settings settings, BackendContext context) {
        boolean cluster = settings.bool("redis_cluster", false);
        Duration connectTimeout = settings.millis("redis_connect_timeout_ms", DEFAULT_CONNECT_TIMEOUT, MAX_TIMEOUT,
                " (1 day)");
        Duration commandTimeout = settings.millis("redis_command_timeout_ms", DEFAULT_COMMAND_TIMEOUT, MAX_TIMEOUT,
                " (1 day)");
        boolean tenantScopedKeys = settings.bool("redis_tenant_scoped_keys", false);
        boolean serverTime = settings.bool("redis_server_time", false);
        String url = null;
        Object given = settings.value("redis_url");
        if (given != null) {
            String text = given instanceof String u ? u.strip() : "";
            String problem = RedisUrl.problemWith(text);
            if (problem != null) {
                settings.problem("redis_url", problem);
            } else if (RedisUrl.isSentinel(text)) {
                url = text;
                if (cluster) {
                    settings.problem("redis_cluster", "a redis-sentinel:// URL names one master, not a Cluster");
                }
            } else {
                url = text;
                cluster |= text.contains(",");
            }
        } else if (context.role() == BackendRole.SELECTED) {
            settings.problem("redis_url", "required when backend=\"" + context.backend() + "\"");
        }
        String keyPrefix = DEFAULT_KEY_PREFIX;
        Object prefix = settings.value("redis_key_prefix");
        if (prefix != null) {
            String text = prefix instanceof String p ? p : "";
            if (text.isBlank() || text.contains(":") || !text.equals(text.strip())) {
                settings.problem("redis_key_prefix", "must be non-blank, without ':' or surrounding white space");
            } else {
                keyPrefix = text;
            }
        }
        return new RedisOptions(url, keyPrefix, cluster, connectTimeout, commandTimeout, tenantScopedKeys, serverTime);
    }
}
