package dev.sluice.spi;

import java.util.List;
import java.util.Objects;

/**
 * What the rest of a configuration tells a backend: the backend it selects, the algorithm every dimension
 * runs, the configured limits, and this backend's {@link BackendRole role}. A provider receives it when it reads
 * its settings and again when it creates its backend.
 *
 * <p>Immutable and thread-safe.
 *
 * @param backend the name the configuration's {@code backend} gives, e.g. {@code memory} or {@code redis}
 * @param algorithm the algorithm's configuration name: {@code fixed_window}, {@code sliding_window} or
 *     {@code token_bucket} (those of {@code dev.sluice.Algorithm}); a backend that does not run the one given
 *     reports it as a problem when the configuration is read
 * @param limits every configured rate, in configuration order: {@code by_user}, {@code by_tenant}, each of
 *     {@code by_tool}, then each rate of each custom limit of {@code limits}, its overrides' rates included;
 *     unmodifiable
 * @param role what this backend is to the configuration
 */
public record BackendContext(String backend, String algorithm, List<ConfiguredLimit> limits, BackendRole role) {

    /**
     * Checks the components.
     *
     * @throws NullPointerException when any component, or any limit, is {@code null}
     */
    public BackendContext {
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(algorithm, "algorithm");
        Objects.requireNonNull(role, "role");
        limits = List.copyOf(limits);
    }
}
