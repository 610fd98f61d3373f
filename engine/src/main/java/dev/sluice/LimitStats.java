package dev.sluice;

/**
 * What one limit has answered since its limiter was made, as counted by {@link RateLimiter#stats()}. Only checks
 * count; {@code peek} and {@code reset} do not.
 *
 * <p>Immutable and thread-safe.
 *
 * @param allowed checks this limit admitted, whatever the other limits of the same request answered (with
 *     {@code all_or_nothing}, a limit that had room counts here even when another limit refused the request)
 * @param refused checks this limit was over; in {@code permissive} mode the request still proceeds, and counts
 *     here
 * @param failed checks against this limit that the backend could not answer, whatever the fail mode then
 *     decided (open, closed, or on the local store)
 */
public record LimitStats(long allowed, long refused, long failed) {
    /** {@return every check counted against this limit: {@code allowed + refused + failed}} */
    public long checks() {
        return allowed + refused + failed;
    }
}
