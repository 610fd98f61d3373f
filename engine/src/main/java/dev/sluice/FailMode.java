package dev.sluice;

/**
 * What a request gets when the backend cannot answer (Redis down or slow, a full off-heap table).
 *
 * <p>Immutable and thread-safe.
 */
public enum FailMode {
    /** Allow the request, without limit headers. */
    OPEN("open"),
    /** Refuse the request: HTTP 503, code {@code BACKEND_UNAVAILABLE}, {@code Retry-After: 1}. */
    CLOSED("closed");

    private final String configName;

    FailMode(String configName) {
        this.configName = configName;
    }

    /** @return the name used in configuration maps */
    public String configName() {
        return configName;
    }
}
