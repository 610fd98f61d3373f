package dev.sluice.redis;

import dev.sluice.LimiterConfig;
import dev.sluice.spi.Backend;
import dev.sluice.spi.BackendProvider;

/**
 * Answers {@code backend: redis}: creates a {@link RedisBackend} from the configuration's {@code redis_*}
 * settings.
 *
 * <p>Stateless and thread-safe.
 */
public final class RedisBackendProvider implements BackendProvider {

    /** Creates the provider; {@link java.util.ServiceLoader} calls this. */
    public RedisBackendProvider() {
    }

    @Override
    public String name() {
        return "redis";
    }

    @Override
    public Backend create(LimiterConfig config) {
        return RedisBackend.create(config);
    }
}
