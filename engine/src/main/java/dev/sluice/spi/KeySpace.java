package dev.sluice.spi;

/**
 * What a limit is counted per, as a backend sees it: the name its keys carry ({@code user}, {@code tenant},
 * {@code tool}) and its place in the order the engine evaluates dimensions in. The engine's key spaces are the
 * constants of {@code dev.sluice.Dimension}; backends receive them in a {@link Batch}, compare them by
 * identity, and do not implement this interface.
 *
 * <p>Implementations are immutable and thread-safe.
 */
public interface KeySpace {

    /** {@return the name used in keys, headers and metadata, e.g. {@code user}} */
    String key();

    /** {@return the position in evaluation order, from 0 (user) to {@link Batch#MAX_DIMENSIONS} - 1 (tool)} */
    int ordinal();
}
