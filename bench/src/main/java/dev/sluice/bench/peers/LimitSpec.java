package dev.sluice.bench.peers;

/**
 * The limit every key of a benchmark gets: {@code count} requests per {@code windowSeconds}.
 *
 * @param count requests per window
 * @param windowSeconds the window
 */
public record LimitSpec(long count, long windowSeconds) {
    /** Validates the numbers. */
    public LimitSpec {
        if (count < 1) {
            throw new IllegalArgumentException("count=" + count + ": must be at least 1");
        }
        if (windowSeconds < 1) {
            throw new IllegalArgumentException("windowSeconds=" + windowSeconds + ": must be at least 1");
        }
    }

    /** @return the window in nanoseconds */
    public long windowNanos() {
        return windowSeconds * 1_000_000_000L;
    }

    /** @return the sustained rate in requests per second */
    public double perSecond() {
        return (double) count / windowSeconds;
    }

    /** @return the rate string Sluice's configuration takes, e.g. {@code 100/s} */
    public String rateString() {
        return switch ((int) Math.min(windowSeconds, Integer.MAX_VALUE)) {
            case 1 -> count + "/s";
            case 60 -> count + "/m";
            case 3600 -> count + "/h";
            case 86400 -> count + "/d";
            default -> throw new IllegalArgumentException("windowSeconds=" + windowSeconds
                    + ": the benchmarks use 1, 60, 3600 or 86400");
        };
    }
}
