package dev.sluice;

/**
 * One dimension's part of a {@link Decision}: one limit at one of its rates.
 *
 * <p>Immutable and thread-safe.
 *
 * @param name the limit's name: {@code user}, {@code tenant}, {@code tool} or a custom limit's
 * @param dimension the preset, or {@code null} for a custom limit
 * @param allowed true when this dimension admitted the request
 * @param rate its rate, after its limit's overrides
 * @param remaining requests left in it after this one; 0 when it refused
 * @param resetEpochSeconds when it resets, Unix seconds rounded up
 * @param resetInSeconds seconds until it resets (its retry-after when it refused)
 * @param retryAfterSeconds seconds until it admits again when it refused, else 0
 */
public record DimensionResult(String name, Dimension dimension, boolean allowed, Rate rate, long remaining,
        long resetEpochSeconds, long resetInSeconds, long retryAfterSeconds) {
}
