package dev.sluice;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A snapshot of a limiter's counters: each limit's allowed, refused and failed checks, the requests the backend
 * could not answer, and the backend's own counters.
 *
 * <p>Immutable and thread-safe.
 *
 * @param limits each limit's counts, by limit name in evaluation order (the presets {@code user}, {@code tenant}
 *     and {@code tool} first, then the custom limits in configuration order); unmodifiable
 * @param backendFailures requests the backend could not answer (exceptions, timeouts, full tables): the sum of
 *     the next three
 * @param failedOpen of those, requests allowed without limits (fail mode open, or nothing left to decide them)
 * @param failedClosed of those, requests refused because the fail mode is closed
 * @param decidedLocally of those, requests decided on the limiter's embedded store (fail mode local)
 * @param backend the backend's own counters, e.g. keys held
 */
public record LimiterStats(Map<String, LimitStats> limits, long backendFailures, long failedOpen,
        long failedClosed, long decidedLocally, Map<String, Long> backend) {
    /** Copies {@code limits}, keeping its order. */
    public LimiterStats {
        limits = Collections.unmodifiableMap(new LinkedHashMap<>(limits));
    }
}
