package dev.sluice.redis;

import dev.sluice.Dimension;

/**
 * The Redis key of one dimension, fixed by the system Sluice shares counters with:
 * {@code {prefix}:{dimension}:{value}:{window_seconds}}, e.g. {@code rl:user:alice@example.com:60}, or with
 * tenant-scoped keys on and a tenant present, {@code {prefix}:{tenant}:{dimension}:{value}:{window_seconds}},
 * e.g. {@code rl:acme:user:alice:60}. The braces are placeholders, not Redis hash tags.
 *
 * <p>Stateless and thread-safe.
 */
public final class RedisKeys {
    private final String prefix;
    private final boolean tenantScoped;

    /**
     * @param prefix the first segment of every key ({@code redis_key_prefix})
     * @param tenantScoped true to put the request's tenant after the prefix ({@code redis_tenant_scoped_keys})
     */
    public RedisKeys(String prefix, boolean tenantScoped) {
        this.prefix = prefix;
        this.tenantScoped = tenantScoped;
    }

    /**
     * @param tenant the request's normalised tenant, or {@code null} (then the key is never tenant-scoped)
     * @param dimension the dimension
     * @param value the normalised user, tenant or tool name
     * @param windowSeconds the dimension's window
     * @return the key
     */
    public String key(String tenant, Dimension dimension, String value, long windowSeconds) {
        StringBuilder key = new StringBuilder(prefix.length() + value.length() + 32).append(prefix).append(':');
        if (tenantScoped && tenant != null) {
            key.append(tenant).append(':');
        }
        return key.append(dimension.key()).append(':').append(value).append(':').append(windowSeconds).toString();
    }
}
