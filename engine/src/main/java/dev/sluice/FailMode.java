package dev.sluice;

/**
 * What a request gets when the backend cannot answer (Redis down, too slow or unreadable; a full off-heap table).
 *
 * <p>Immutable and thread-safe.
 */
public enum FailMode {
    /**
     * Decide the request on an embedded store this limiter keeps for the purpose, with the configured limits,
     * until the backend answers again: each instance then limits on its own, so N instances admit up to N times
     * a limit. The default; {@code redis_fallback: true} in the original's terms. Only a remote backend falls
     * back: when the embedded store itself cannot answer (the limiter's own on {@code backend: memory}, or the
     * fallback), the request is allowed, as with {@link #OPEN}.
     */
    LOCAL("local"),
    /** Allow the request, without limit headers ({@code redis_fallback: false}). */
    OPEN("open"),
    /** Refuse the request: HTTP 503, code {@code BACKEND_UNAVAILABLE}, {@code Retry-After: 1}. */
    CLOSED("closed");

    private final String configName;

    FailMode(String configName) {
        this.configName = configName;
    }

    /** {@return the name used in configuration maps} */
    public String configName() {
        return configName;
    }
}
