package dev.sluice;

import java.util.Map;

/**
 * A snapshot of a limiter's failure counters and its backend's own counters.
 *
 * <p>Immutable and thread-safe.
 *
 * @param backendFailures requests the backend could not answer (exceptions, timeouts, full tables)
 * @param failedOpen of those, requests allowed because the fail mode is open
 * @param failedClosed of those, requests refused because the fail mode is closed
 * @param backend the backend's own counters, e.g. keys held
 */
public record LimiterStats(long backendFailures, long failedOpen, long failedClosed, Map<String, Long> backend) {
}
