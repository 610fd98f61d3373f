package dev.sluice;

/**
 * The rate-limit algorithm every dimension of a limiter runs. Semantics: {@code docs/algorithms.md}.
 *
 * <p>Immutable and thread-safe.
 */
public enum Algorithm {
    /** A count per key and window, the window anchored at the key's first request. */
    FIXED_WINDOW("fixed_window"),
    /** A log of admitted requests; admits while fewer than the limit lie in the last window. */
    SLIDING_WINDOW("sliding_window"),
    /** A bucket of {@code count} tokens refilled continuously at {@code count} per window. */
    TOKEN_BUCKET("token_bucket");

    private final String configName;

    Algorithm(String configName) {
        this.configName = configName;
    }

    /** {@return the name used in configuration maps, e.g. {@code fixed_window}} */
    public String configName() {
        return configName;
    }

}
