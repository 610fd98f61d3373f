package dev.sluice;

import java.util.Locale;

/**
 * A limit: {@code count} requests per {@code windowSeconds}. Parsed once, when a limiter is configured;
 * the request path never parses a rate string.
 *
 * <p>Rate strings are {@code <count>/<unit>}, white space around either part ignored, the unit
 * case-insensitive: {@code s|sec|secs|second|seconds} (1 s), {@code m|min|mins|minute|minutes} (60 s),
 * {@code h|hr|hrs|hour|hours} (3600 s), {@code d|day|days} (86400 s). The count is a positive integer no
 * larger than a ceiling ({@link #DEFAULT_MAX_COUNT} unless configured otherwise).
 *
 * <p>Immutable and thread-safe.
 */
public final class Rate {
    /** The largest count accepted unless a limiter is configured with another ceiling ({@code max_count}). */
    public static final long DEFAULT_MAX_COUNT = 1_000_000L;

    private final long count;
    private final long windowSeconds;

    private Rate(long count, long windowSeconds) {
        this.count = count;
        this.windowSeconds = windowSeconds;
    }

    /**
     * @param count requests per window, at least 1
     * @param windowSeconds the window, at least 1 second
     * @return the rate
     * @throws IllegalArgumentException naming the argument when either is not positive
     */
    public static Rate of(long count, long windowSeconds) {
        if (count < 1) {
            throw new IllegalArgumentException("count=" + count + ": must be a positive integer");
        }
        if (windowSeconds < 1) {
            throw new IllegalArgumentException("windowSeconds=" + windowSeconds + ": must be at least 1");
        }
        return new Rate(count, windowSeconds);
    }

    /**
     * Parses a rate string with the default ceiling.
     *
     * @param text e.g. {@code "60/m"}
     * @return the rate
     * @throws IllegalArgumentException quoting {@code text} and saying what is wrong with it
     */
    public static Rate parse(String text) {
        return parse(text, DEFAULT_MAX_COUNT);
    }

    /**
     * Parses a rate string.
     *
     * @param text e.g. {@code "60/m"}
     * @param maxCount the largest count accepted
     * @return the rate
     * @throws IllegalArgumentException quoting {@code text} and saying what is wrong with it
     */
    public static Rate parse(String text, long maxCount) {
        String problem = problemWith(text, maxCount);
        if (problem != null) {
            throw new IllegalArgumentException(quote(text) + ": " + problem);
        }
        return parseValid(text);
    }

    /** @return requests allowed per window */
    public long count() {
        return count;
    }

    /** @return the window's length in seconds */
    public long windowSeconds() {
        return windowSeconds;
    }

    /** @return the window's length in nanoseconds */
    public long windowNanos() {
        return windowSeconds * 1_000_000_000L;
    }

    /**
     * Says what is wrong with a rate string, or nothing.
     *
     * @return a message without the input (the caller quotes it), or {@code null} when {@code text} is valid
     */
    static String problemWith(String text, long maxCount) {
        if (text == null) {
            return "a rate is required, e.g. \"60/m\"";
        }
        int slash = text.indexOf('/');
        if (slash < 0) {
            return "expected <count>/<unit>, e.g. \"60/m\"";
        }
        String countPart = text.substring(0, slash).strip();
        String unitPart = text.substring(slash + 1).strip();
        if (!isDigits(countPart)) {
            return "count is not a positive integer";
        }
        long parsedCount = parseCount(countPart);
        if (parsedCount == 0) {
            return "count is not a positive integer";
        }
        if (parsedCount < 0 || parsedCount > maxCount) {
            return ceilingProblem(countPart, maxCount);
        }
        if (unitSeconds(unitPart) < 0) {
            return "unit \"" + unitPart + "\" is not one of s, sec, second, m, min, minute, h, hr, hour, d, day"
                    + " (plurals accepted)";
        }
        return null;
    }

    static String ceilingProblem(String count, long maxCount) {
        return "count " + count + " exceeds the ceiling of " + maxCount
                + " (raise it with max_count, or LimiterConfig.Builder.maxCount)";
    }

    static String quote(String text) {
        return text == null ? "null" : "\"" + text + "\"";
    }

    private static Rate parseValid(String text) {
        int slash = text.indexOf('/');
        return new Rate(parseCount(text.substring(0, slash).strip()), unitSeconds(text.substring(slash + 1).strip()));
    }

    private static boolean isDigits(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    /** @return the count, or -1 when it does not fit in a long */
    private static long parseCount(String digits) {
        try {
            return Long.parseLong(digits);
        } catch (NumberFormatException tooLong) {
            return -1;
        }
    }

    private static long unitSeconds(String unit) {
        return switch (unit.toLowerCase(Locale.ROOT)) {
            case "s", "sec", "secs", "second", "seconds" -> 1;
            case "m", "min", "mins", "minute", "minutes" -> 60;
            case "h", "hr", "hrs", "hour", "hours" -> 3600;
            case "d", "day", "days" -> 86_400;
            default -> -1;
        };
    }

    /** @return the canonical form, e.g. {@code 60/60s} */
    @Override
    public String toString() {
        return count + "/" + windowSeconds + "s";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Rate r && r.count == count && r.windowSeconds == windowSeconds;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(count) * 31 + Long.hashCode(windowSeconds);
    }
}
