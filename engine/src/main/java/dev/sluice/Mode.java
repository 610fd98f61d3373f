package dev.sluice;

/**
 * Whether a limiter blocks, only reports, or does nothing.
 *
 * <p>Immutable and thread-safe.
 */
public enum Mode {
    /** Count every request and block those over a limit. */
    ENFORCE("enforce"),
    /** Count and report as {@link #ENFORCE} does, but never block. */
    PERMISSIVE("permissive"),
    /** Count nothing; every request is allowed without limits. */
    DISABLED("disabled");

    private final String configName;

    Mode(String configName) {
        this.configName = configName;
    }

    /** {@return the name used in configuration maps} */
    public String configName() {
        return configName;
    }
}
