package dev.sluice;

import java.time.Instant;

/**
 * The JVM's monotonic clock, {@link System#nanoTime()}, with the wall clock sampled once, when this class is
 * initialised: a request reads one clock, and the wall-clock reading moves exactly as the monotonic one does.
 * The price is that a step of the system's wall clock after that moment (a manual change, an NTP step) is not
 * followed; gradual NTP corrections slew both clocks alike on Linux.
 *
 * <p>Thread-safe and allocation-free.
 */
final class SystemClock implements Clock {
    static final SystemClock INSTANCE = new SystemClock();

    private static final int SAMPLES = 5;

    private final long epochOffsetNanos;

    private SystemClock() {
        // Take the wall clock between two monotonic reads, and keep the tightest of a few such brackets.
        long bestWidth = Long.MAX_VALUE;
        long offset = 0;
        for (int i = 0; i < SAMPLES; i++) {
            long before = System.nanoTime();
            Instant wall = Instant.now();
            long after = System.nanoTime();
            if (after - before < bestWidth) {
                bestWidth = after - before;
                long wallNanos = wall.getEpochSecond() * 1_000_000_000L + wall.getNano();
                offset = wallNanos - (before + (after - before) / 2);
            }
        }
        this.epochOffsetNanos = offset;
    }

    @Override
    public long monotonicNanos() {
        return System.nanoTime();
    }

    @Override
    public long epochOffsetNanos() {
        return epochOffsetNanos;
    }
}
