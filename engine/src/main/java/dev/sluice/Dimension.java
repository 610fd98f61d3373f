package dev.sluice;

import dev.sluice.spi.KeySpace;

/**
 * What a limit is counted per. A request is evaluated on each active dimension, in this order.
 *
 * <p>Immutable and thread-safe.
 */
public enum Dimension implements KeySpace {
    /** Per user: {@code user:<user>}. */
    USER("user"),
    /** Per tenant, shared by all its users: {@code tenant:<tenant>}. */
    TENANT("tenant"),
    /** Per tool or prompt name: {@code tool:<tool>}. */
    TOOL("tool");

    private final String key;

    Dimension(String key) {
        this.key = key;
    }

    /** {@return the name used in keys, headers and metadata, e.g. {@code user}} */
    @Override
    public String key() {
        return key;
    }
}
