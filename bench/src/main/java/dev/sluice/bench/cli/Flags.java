package dev.sluice.bench.cli;

import dev.sluice.Algorithm;
import dev.sluice.Rate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.TypeConversionException;

/**
 * What the commands' flags accept: picocli converters for the value syntaxes ({@code 10k}, {@code 1e6},
 * {@code 90s}, {@code 60/m}, a name from a list), and the checks that need a flag's own bounds. A converter
 * that refuses a value says only what is wrong; {@link SluiceCli} puts the flag and the quoted input in front,
 * e.g. {@code --threads="x": not a whole number (examples: 1000, 10k, 2M, 1e6)}. The checks here throw
 * {@link UsageException} with the same shape.
 *
 * <p>Thread-safe: the converters hold only their list of allowed values.
 */
final class Flags {
    private Flags() {
    }

    /** Whole numbers, with {@code _} separators, a {@code k}, {@code M} or {@code G} suffix or a power of ten. */
    static final class Count implements ITypeConverter<Long> {
        @Override
        public Long convert(String raw) {
            try {
                return parseCount(raw);
            } catch (NumberFormatException e) {
                throw new TypeConversionException("not a whole number (examples: 1000, 10k, 2M, 1e6)");
            }
        }
    }

    /** A TCP port, 0 to 65535. */
    static final class Port implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String raw) {
            try {
                int port = Integer.parseInt(raw.strip());
                if (port >= 0 && port <= 65_535) {
                    return port;
                }
            } catch (NumberFormatException notANumber) {
                // reported below
            }
            throw new TypeConversionException("expected a port number, 0 to 65535");
        }
    }

    /** Decimal numbers, e.g. {@code 1.5}. */
    static final class Decimal implements ITypeConverter<Double> {
        @Override
        public Double convert(String raw) {
            try {
                return Double.parseDouble(raw.strip());
            } catch (NumberFormatException e) {
                throw new TypeConversionException("not a number");
            }
        }
    }

    /** Positive durations: a number and a unit, {@code ns}, {@code us}, {@code ms}, {@code s} (or none), {@code m}, {@code h}, {@code d}. */
    static final class Span implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String raw) {
            Duration d;
            try {
                d = parseDuration(raw);
            } catch (NumberFormatException e) {
                throw new TypeConversionException("not a duration (examples: 500ms, 30s, 10m, 2h)");
            }
            if (d.isNegative() || d.isZero()) {
                throw new TypeConversionException("must be positive");
            }
            return d;
        }
    }

    /** Rate strings as the configuration takes them, {@code COUNT/UNIT}; the value stays the text given. */
    static final class RateText implements ITypeConverter<String> {
        @Override
        public String convert(String raw) {
            try {
                Rate.parse(raw);
            } catch (IllegalArgumentException e) {
                // Rate's message starts with the quoted input, which the flag's prefix already gives.
                String quoted = "\"" + raw + "\": ";
                String problem = e.getMessage();
                throw new TypeConversionException(problem.startsWith(quoted) ? problem.substring(quoted.length()) : problem);
            }
            return raw;
        }
    }

    /**
     * One of a fixed list of names, compared in lower case after stripping; also the list the help shows
     * ({@code ${COMPLETION-CANDIDATES}}), so the two cannot differ.
     */
    abstract static class Choice implements ITypeConverter<String>, Iterable<String> {
        private final List<String> allowed;

        Choice(List<String> allowed) {
            this.allowed = List.copyOf(allowed);
        }

        @Override
        public String convert(String raw) {
            String v = raw.strip().toLowerCase(Locale.ROOT);
            if (!allowed.contains(v)) {
                throw new TypeConversionException("must be one of " + String.join(", ", allowed));
            }
            return v;
        }

        @Override
        public Iterator<String> iterator() {
            return allowed.iterator();
        }
    }

    /** An algorithm by its configuration name; {@code -} may stand for {@code _}, case does not matter. */
    static final class AlgorithmName implements ITypeConverter<Algorithm>, Iterable<String> {
        @Override
        public Algorithm convert(String raw) {
            String v = raw.strip().toLowerCase(Locale.ROOT).replace('-', '_');
            for (Algorithm a : Algorithm.values()) {
                if (a.configName().equals(v)) {
                    return a;
                }
            }
            throw new TypeConversionException("must be one of " + String.join(", ", this));
        }

        @Override
        public Iterator<String> iterator() {
            return Arrays.stream(Algorithm.values()).map(Algorithm::configName).iterator();
        }
    }

    /**
     * @param flag the flag's name, e.g. {@code --threads}
     * @return {@code value}, when it is within {@code [min, max]}
     * @throws UsageException naming the flag and quoting its input otherwise
     */
    static long within(CommandSpec spec, String flag, long value, long min, long max) {
        if (value < min || value > max) {
            throw refused(spec, flag, "must be between " + min + " and " + max);
        }
        return value;
    }

    /** {@link #within(CommandSpec, String, long, long, long)} for decimal numbers. */
    static double within(CommandSpec spec, String flag, double value, double min, double max) {
        if (!(value >= min && value <= max)) {
            throw refused(spec, flag, "must be between " + min + " and " + max);
        }
        return value;
    }

    /** @return the comma-separated items of {@code raw}, trimmed, empty ones dropped; at least one */
    static List<String> items(CommandSpec spec, String flag, String raw) {
        List<String> out = new ArrayList<>();
        for (String part : raw.split(",")) {
            if (!part.isBlank()) {
                out.add(part.strip());
            }
        }
        if (out.isEmpty()) {
            throw refused(spec, flag, "needs at least one item");
        }
        return out;
    }

    /** @return a {@link UsageException} for {@code flag}'s input: {@code --flag="input": problem} */
    static UsageException refused(CommandSpec spec, String flag, String problem) {
        return new UsageException(flag + "=\"" + input(spec.findOption(flag)) + "\": " + problem);
    }

    /** @return the text given for {@code option} on the command line, or its default when it was not given */
    static String input(OptionSpec option) {
        List<String> given = option.originalStringValues();
        return given.isEmpty() ? option.defaultValue() : given.get(given.size() - 1);
    }

    static long parseCount(String raw) {
        String s = raw.strip().replace("_", "");
        if (s.isEmpty()) {
            throw new NumberFormatException(raw);
        }
        int e = s.toLowerCase(Locale.ROOT).indexOf('e');
        if (e > 0) {
            long mantissa = Long.parseLong(s.substring(0, e));
            int exponent = Integer.parseInt(s.substring(e + 1));
            if (exponent < 0 || exponent > 18) {
                throw new NumberFormatException(raw);
            }
            try {
                return Math.multiplyExact(mantissa, (long) Math.pow(10, exponent));
            } catch (ArithmeticException overflow) {
                throw new NumberFormatException(raw);
            }
        }
        long scale = switch (s.charAt(s.length() - 1)) {
            case 'k', 'K' -> 1_000L;
            case 'M' -> 1_000_000L;
            case 'G' -> 1_000_000_000L;
            default -> 1L;
        };
        String digits = scale == 1 ? s : s.substring(0, s.length() - 1);
        try {
            return Math.multiplyExact(Long.parseLong(digits), scale);
        } catch (ArithmeticException overflow) {
            throw new NumberFormatException(raw);
        }
    }

    static Duration parseDuration(String raw) {
        String s = raw.strip().toLowerCase(Locale.ROOT);
        int split = 0;
        while (split < s.length() && (Character.isDigit(s.charAt(split)) || s.charAt(split) == '.')) {
            split++;
        }
        if (split == 0) {
            throw new NumberFormatException(raw);
        }
        double amount = Double.parseDouble(s.substring(0, split));
        double unitNanos = switch (s.substring(split)) {
            case "ns" -> 1;
            case "us" -> 1e3;
            case "ms" -> 1e6;
            case "s", "" -> 1e9;
            case "m", "min" -> 60e9;
            case "h" -> 3600e9;
            case "d" -> 86400e9;
            default -> throw new NumberFormatException(raw);
        };
        return Duration.ofNanos(Math.round(amount * unitNanos));
    }
}
