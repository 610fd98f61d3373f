package dev.sluice.spi;

import dev.sluice.LimiterConfig;

/**
 * Creates a backend named in configuration ({@code backend: redis}). Found with {@link java.util.ServiceLoader}.
 *
 * <p>Implementations must be thread-safe.
 */
public interface BackendProvider {

    /** {@return the configuration name this provider answers to, e.g. {@code redis}} */
    String name();

    /**
     * Creates this provider's backend for one limiter; the limiter closes it when it is closed.
     *
     * @param config the validated configuration
     * @return a backend ready for {@link Backend#evaluate}
     */
    Backend create(LimiterConfig config);
}
