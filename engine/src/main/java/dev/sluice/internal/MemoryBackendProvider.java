package dev.sluice.internal;

import dev.sluice.spi.Backend;
import dev.sluice.spi.BackendContext;
import dev.sluice.spi.BackendProvider;
import dev.sluice.spi.Settings;
import java.util.List;

/**
 * The embedded backend, {@code backend: memory}: built in, so the engine lists it first without asking
 * {@link java.util.ServiceLoader}. Its settings are {@link MemoryOptions#KEYS}; it also makes the store that
 * {@code fail_mode: local} decides on while a remote backend cannot answer.
 *
 * <p>Stateless and thread-safe.
 */
public final class MemoryBackendProvider implements BackendProvider<MemoryOptions> {
    /** The name {@code backend} selects the embedded backend by, and the default. */
    public static final String NAME = "memory";

    /** Creates the provider. */
    public MemoryBackendProvider() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<String> keys() {
        return MemoryOptions.KEYS;
    }

    @Override
    public MemoryOptions parse(Settings settings, BackendContext context) {
        return MemoryOptions.parse(settings, context);
    }

    @Override
    public Backend create(MemoryOptions options, BackendContext context) {
        return new MemoryBackend(options, context);
    }
}
