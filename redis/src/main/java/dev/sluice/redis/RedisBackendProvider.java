package dev.sluice.redis;

import dev.sluice.spi.Backend;
import dev.sluice.spi.BackendContext;
import dev.sluice.spi.BackendProvider;
import dev.sluice.spi.Settings;
import java.util.List;

/**
 * Answers {@code backend: redis}: reads the {@code redis_*} settings ({@link RedisOptions}) and creates a
 * {@link RedisBackend} from them.
 *
 * <p>Stateless and thread-safe.
 */
public final class RedisBackendProvider implements BackendProvider<RedisOptions> {

    /** Creates the provider; {@link java.util.ServiceLoader} calls this. */
    public RedisBackendProvider() {
    }

    @Override
    public String name() {
        return "redis";
    }

    @Override
    public List<String> keys() {
        return RedisOptions.KEYS;
    }

    @Override
    public RedisOptions parse(Settings settings, BackendContext context) {
        return RedisOptions.parse(settings, context);
    }

    @Override
    public Backend create(RedisOptions options, BackendContext context) {
        return RedisBackend.create(options, context.algorithm());
    }
}
