package dev.sluice.spi;

import java.util.Objects;

/**
 * One limit of a configuration, as its backends see it: the dimension it counts, the limit, and where it was set,
 * so that a backend refusing it (a ceiling of its own) can name the field and quote the input as the
 * configuration's other problems do, with {@link Settings#problem(ConfiguredLimit, String)}.
 *
 * <p>Immutable and thread-safe.
 *
 * @param dimension the dimension ({@code dev.sluice.Dimension}); every limit of {@code by_tool} counts {@code tool}
 * @param limit the limit, the same object every request of that dimension carries in its {@link Batch}
 * @param field the setting, e.g. {@code by_user} or {@code by_tool["search"]}
 * @param input the input as written, quoted when it was a string, e.g. {@code "60/m"}
 */
public record ConfiguredLimit(KeySpace dimension, Limit limit, String field, String input) {

    /**
     * Checks the components.
     *
     * @throws NullPointerException when any component is {@code null}
     */
    public ConfiguredLimit {
        Objects.requireNonNull(dimension, "dimension");
        Objects.requireNonNull(limit, "limit");
        Objects.requireNonNull(field, "field");
        Objects.requireNonNull(input, "input");
    }
}
