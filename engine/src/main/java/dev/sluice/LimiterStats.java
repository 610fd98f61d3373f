package dev.sluice;

import java.util.Map;

/**
 * A snapshot of a limiter's failure counters and its backend's own counters.
 *
 * <p>Immutable and thread-safe.
 *
 * @param backendFailures requests the backend could not answer (exceptions, timeouts, full tables): the sum of
 *     the next three
 * @param failedOpen of those, requests allowed without limits (fail mode open, or nothing left to decide them)
 * @param failedClosed of those, requests refused because the fail mode is closed
 * @param decidedLocally of those, requests decided on the limiter's embedded store (fail mode local)
 * @param backend the backend's own counters, e.g. keys held
 */
public record LimiterStats(long backendFailures, long failedOpen, long failedClosed, long decidedLocally,
        Map<String, Long> backend) {
}
