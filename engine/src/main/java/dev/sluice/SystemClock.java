package dev.sluice;

/** The JVM's clocks. Thread-safe and allocation-free. */
final class SystemClock implements Clock {
    static final SystemClock INSTANCE = new SystemClock();

    private SystemClock() {
    }

    @Override
    public long monotonicNanos() {
        return System.nanoTime();
    }

    @Override
    public long epochNanos() {
        return System.currentTimeMillis() * 1_000_000L;
    }
}
