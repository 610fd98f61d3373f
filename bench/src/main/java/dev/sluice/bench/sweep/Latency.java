package dev.sluice.bench.sweep;

import org.HdrHistogram.Histogram;

/**
 * What the sweep records of one implementation at one size: the mean from batches of calls timed as a whole
 * (the clock read once per batch, so its cost vanishes), the percentiles from calls timed one by one (each
 * sample includes one reading of the clock, {@link #clockNanos()}).
 *
 * <p>Not thread-safe.
 */
final class Latency {
    private final Histogram single = new Histogram(3_600_000_000_000L, 3);
    private long batchNanos;
    private long batchCalls;

    /** Records a batch of {@code calls} calls that took {@code nanos} together. */
    void batch(long nanos, int calls) {
        batchNanos += nanos;
        batchCalls += calls;
    }

    /** Records one call that took {@code nanos}. */
    void single(long nanos) {
        single.recordValue(Math.max(0, nanos));
    }

    /** @return mean ns per call over the batches */
    double meanNanos() {
        return batchCalls == 0 ? Double.NaN : (double) batchNanos / batchCalls;
    }

    /** @return ns per call at {@code percentile} (e.g. 99.9) of the calls timed one by one */
    double percentileNanos(double percentile) {
        return single.getTotalCount() == 0 ? Double.NaN : single.getValueAtPercentile(percentile);
    }

    /**
     * @return the median cost of reading the clock, in ns: what each one-by-one sample carries on top of its
     *     call (two back-to-back {@code System.nanoTime()} calls, many times)
     */
    static double clockNanos() {
        Histogram h = new Histogram(1_000_000_000L, 3);
        for (int i = 0; i < 200_000; i++) {
            long t0 = System.nanoTime();
            long t1 = System.nanoTime();
            h.recordValue(Math.max(0, t1 - t0));
        }
        return h.getValueAtPercentile(50);
    }
}
