package dev.sluice.spi;

import java.util.Objects;

/**
 * One rate of a configuration, as its backends see it: the key space of its limit, the rate, and where it was
 * set, so that a backend refusing it (a ceiling of its own) can name the field and quote the input as the
 * configuration's other problems do, with {@link Settings#problem(ConfiguredLimit, String)}. Every rate of every
 * limit is one, overrides' rates included: these are all the rates a {@link Batch} entry can carry.
 *
 * <p>Immutable and thread-safe.
 *
 * @param keySpace the name the keys of its limit carry, as {@link Batch#keySpace(int)} gives it: {@code user},
 *     {@code tenant} or {@code tool} for the presets (every rate of {@code by_tool} is {@code tool}'s), the
 *     limit's name for a custom limit
 * @param limit the rate: its count and window, as a {@link Batch} entry at this rate carries them
 * @param field the setting, e.g. {@code by_user}, {@code by_tool["search"]} or {@code limits[0].rates[1]}
 * @param input the input as written, quoted when it was a string, e.g. {@code "60/m"}
 */
public record ConfiguredLimit(String keySpace, Limit limit, String field, String input) {

    /**
     * Checks the components.
     *
     * @throws NullPointerException when any component is {@code null}
     */
    public ConfiguredLimit {
        Objects.requireNonNull(keySpace, "keySpace");
        Objects.requireNonNull(limit, "limit");
        Objects.requireNonNull(field, "field");
        Objects.requireNonNull(input, "input");
    }
}
