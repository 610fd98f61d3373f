package dev.sluice;

/**
 * One dimension's part of a {@link Decision}.
 *
 * <p>Immutable and thread-safe.
 *
 * @param dimension which dimension
 * @param allowed true when this dimension admitted the request
 * @param rate its limit
 * @param remaining requests left in it after this one; 0 when it refused
 * @param resetEpochSeconds when it resets, Unix seconds rounded up
 * @param resetInSeconds seconds until it resets (its retry-after when it refused)
 * @param retryAfterSeconds seconds until it admits again when it refused, else 0
 */
public record DimensionResult(Dimension dimension, boolean allowed, Rate rate, long remaining,
        long resetEpochSeconds, long resetInSeconds, long retryAfterSeconds) {
}
