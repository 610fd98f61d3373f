package dev.sluice;

import java.lang.System.Logger.Level;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Logs backend failures at ERROR, at most once per interval, with a count of the failures it did not log, so
 * a dead backend does not flood the logs.
 *
 * <p>Thread-safe; only the failure path calls it.
 */
final class FailureLog {
    private static final long INTERVAL_NANOS = 10_000_000_000L;

    private final System.Logger logger;
    private final AtomicLong nextLogNanos = new AtomicLong(Long.MIN_VALUE);
    private final AtomicLong suppressed = new AtomicLong();

    /** @param loggerName the {@link System.Logger} to write to */
    FailureLog(String loggerName) {
        this.logger = System.getLogger(loggerName);
    }

    /**
     * Records one failure and logs it unless one was logged within the interval.
     *
     * @param cause the failure, or {@code null} when the backend reported a dimension it could not evaluate
     * @param failMode what the request got: {@code local} when the embedded store of that fail mode decided it
     */
    void failed(Throwable cause, FailMode failMode) {
        long now = System.nanoTime();
        long next = nextLogNanos.get();
        if ((next != Long.MIN_VALUE && now - next < 0) || !nextLogNanos.compareAndSet(next, now + INTERVAL_NANOS)) {
            suppressed.incrementAndGet();
            return;
        }
        long skipped = suppressed.getAndSet(0);
        String what = cause == null ? "the backend could not evaluate a dimension (table full)" : cause.toString();
        String outcome = failMode == FailMode.LOCAL ? "requests are decided on this instance's embedded store"
                : "requests fail " + failMode.configName();
        String message = "Rate-limit backend failure, " + outcome + ": " + what
                + (skipped > 0 ? " (" + skipped + " more failures since the last report)" : "");
        logger.log(Level.ERROR, message, cause);
    }
}
