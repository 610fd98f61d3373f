package dev.sluice;

import dev.sluice.spi.Limit;
import java.util.Locale;

/**
 * A limit: {@code count} requests per {@code windowSeconds}. Parsed once, when a limiter is configured;
 * the request path never parses a rate string.
 *
 * <p>Rate strings are {@code <count>/<unit>}, white space around either part ignored, the unit
 * case-insensitive: {@code s|sec|secs|second|seconds} (1 s), {@code m|min|mins|minute|minutes} (60 s),
 * {@code h|hr|hrs|hour|hours} (3600 s), {@code d|day|days} (86400 s). The count is a positive integer as
 * Python's {@code int()} reads it, which is how the system whose configuration Sluice takes over read it: an
 * optional {@code +}, then decimal digits with single underscores between them ({@code "+60/m"},
 * {@code "1_000/m"}); any Unicode decimal digit counts, as for {@code int()}. It is no larger than a ceiling
 * ({@link #DEFAULT_MAX_COUNT} unless configured otherwise).
 *
 * <p>Every rate lies within {@link #MAX_COUNT} and {@link #MAX_WINDOW_SECONDS}, so no arithmetic on a rate
 * (its window in nanoseconds, a reset time added to the current time) overflows a {@code long}.
 *
 * <p>Immutable and thread-safe.
 */
public final class Rate implements Limit {
    /** The largest count accepted unless a limiter is configured with another ceiling ({@code max_count}). */
    public static final long DEFAULT_MAX_COUNT = 1_000_000L;
    /**
     * The largest count any rate may have, {@code 2^53 - 1}: the largest integer a double holds exactly, so that
     * Redis' Lua numbers hold every count exactly too.
     */
    public static final long MAX_COUNT = (1L << 53) - 1;
    /** The longest window any rate may have: 365 days, in seconds. */
    public static final long MAX_WINDOW_SECONDS = 365L * 86_400;

    private final long count;
    private final long windowSeconds;

    private Rate(long count, long windowSeconds) {
        this.count = count;
        this.windowSeconds = windowSeconds;
    }

    /**
     * Creates a rate of {@code count} requests per {@code windowSeconds}.
     *
     * @param count requests per window, 1 to {@link #MAX_COUNT}
     * @param windowSeconds the window, 1 second to {@link #MAX_WINDOW_SECONDS}
     * @return the rate
     * @throws IllegalArgumentException naming the argument and quoting it when either is out of range
     */
    public static Rate of(long count, long windowSeconds) {
        if (count < 1) {
            throw new IllegalArgumentException("count=" + count + ": must be a positive integer");
        }
        if (count > MAX_COUNT) {
            throw new IllegalArgumentException("count=" + count + ": must be at most " + MAX_COUNT);
        }
        if (windowSeconds < 1) {
            throw new IllegalArgumentException("windowSeconds=" + windowSeconds + ": must be at least 1");
        }
        if (windowSeconds > MAX_WINDOW_SECONDS) {
            throw new IllegalArgumentException("windowSeconds=" + windowSeconds + ": must be at most "
                    + MAX_WINDOW_SECONDS + " (365 days)");
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
     * @param maxCount the largest count accepted, 1 to {@link #MAX_COUNT}
     * @return the rate
     * @throws IllegalArgumentException quoting {@code text} and saying what is wrong with it
     */
    public static Rate parse(String text, long maxCount) {
        if (maxCount < 1 || maxCount > MAX_COUNT) {
            throw new IllegalArgumentException("maxCount=" + maxCount + ": must be between 1 and " + MAX_COUNT);
        }
        String problem = problemWith(text, maxCount);
        if (problem != null) {
            throw new IllegalArgumentException(quote(text) + ": " + problem);
        }
        return parseValid(text);
    }

    /** {@return requests allowed per window} */
    @Override
    public long count() {
        return count;
    }

    /** {@return the window's length in seconds} */
    @Override
    public long windowSeconds() {
        return windowSeconds;
    }

    /** {@return the window's length in nanoseconds} */
    @Override
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
        long parsedCount = parseCount(countPart);
        if (parsedCount == NOT_AN_INTEGER || parsedCount == 0) {
            return "count is not a positive integer";
        }
        if (parsedCount == TOO_LARGE || parsedCount > maxCount) {
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

    /** {@link #parseCount}: the text is not an integer in Python's {@code int()} syntax. */
    private static final long NOT_AN_INTEGER = -1;
    /** {@link #parseCount}: the text is an integer too large for a {@code long}. */
    private static final long TOO_LARGE = -2;

    /**
     * Reads a count as Python's {@code int()} reads a string (the caller has stripped it): an optional
     * {@code +}, then decimal digits (any Unicode decimal digit, as in Python) with at most one {@code _}
     * between two digits. A sign of {@code -} is syntax too, but never a positive count.
     *
     * @return the value, {@link #NOT_AN_INTEGER} or {@link #TOO_LARGE}
     */
    private static long parseCount(String text) {
        int i = text.startsWith("+") ? 1 : 0;
        if (i == text.length()) {
            return NOT_AN_INTEGER;
        }
        long value = 0;
        boolean overflow = false;
        boolean afterDigit = false;
        while (i < text.length()) {
            int c = text.codePointAt(i);
            i += Character.charCount(c);
            if (c == '_') {
                if (!afterDigit || i == text.length()) {
                    return NOT_AN_INTEGER;
                }
                afterDigit = false;
                continue;
            }
            int digit = Character.digit(c, 10);
            if (digit < 0) {
                return NOT_AN_INTEGER;
            }
            afterDigit = true;
            if (!overflow) {
                try {
                    value = Math.addExact(Math.multiplyExact(value, 10), digit);
                } catch (ArithmeticException e) {
                    overflow = true;
                }
            }
        }
        return overflow ? TOO_LARGE : value;
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

    /** {@return the canonical form, e.g. {@code 60/60s}} */
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
