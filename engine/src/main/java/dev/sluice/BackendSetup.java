package dev.sluice;

import dev.sluice.spi.Backend;
import dev.sluice.spi.BackendContext;
import dev.sluice.spi.BackendProvider;
import dev.sluice.spi.Settings;

/**
 * A backend provider with the options it made of one configuration's settings, kept together so that the
 * options go back to the provider that made them.
 *
 * <p>Immutable and thread-safe when the options are.
 */
record BackendSetup<O>(BackendProvider<O> provider, O options) {

    static <O> BackendSetup<O> parse(BackendProvider<O> provider, Settings settings, BackendContext context) {
        return new BackendSetup<>(provider, provider.parse(settings, context));
    }

    String name() {
        return provider.name();
    }

    Backend create(BackendContext context) {
        return provider.create(options, context);
    }
}
