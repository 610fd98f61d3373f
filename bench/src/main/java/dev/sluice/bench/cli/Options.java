package dev.sluice.bench.cli;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The parsed flags of one subcommand: {@code --name value}, {@code --name=value}, and bare switches. Every
 * getter checks its value and throws {@link UsageException} naming the flag and quoting the input, e.g.
 * {@code --threads="x": not a whole number}.
 *
 * <p>Not thread-safe.
 */
public final class Options {
    private final String command;
    private final Map<String, String> values = new LinkedHashMap<>();
    private final Set<String> switches;

    private Options(String command, Set<String> switches) {
        this.command = command;
        this.switches = switches;
    }

    /**
     * @param command the subcommand, for messages
     * @param args the arguments after the subcommand
     * @param valued the flags that take a value, without {@code --}
     * @param switches the flags that take none, without {@code --}
     * @return the parsed options
     * @throws UsageException for an unknown flag, a missing value, a repeated flag or a stray argument
     */
    public static Options parse(String command, List<String> args, Set<String> valued, Set<String> switches) {
        Options o = new Options(command, switches);
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (!arg.startsWith("--") || arg.length() == 2) {
                throw new UsageException(command + ": unexpected argument \"" + arg + "\"; flags start with --"
                        + " (see sluice " + command + " --help)");
            }
            String name = arg.substring(2);
            String value = null;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            if (switches.contains(name)) {
                if (value != null) {
                    throw new UsageException("--" + name + "=\"" + value + "\": takes no value");
                }
                value = "true";
            } else if (valued.contains(name)) {
                if (value == null) {
                    if (i + 1 >= args.size() || args.get(i + 1).startsWith("--")) {
                        throw new UsageException("--" + name + ": needs a value");
                    }
                    value = args.get(++i);
                }
            } else {
                Set<String> known = new TreeSet<>(valued);
                known.addAll(switches);
                throw new UsageException(command + ": unknown flag \"--" + name + "\"; known: --"
                        + String.join(", --", known));
            }
            if (o.values.containsKey(name)) {
                throw new UsageException("--" + name + "=\"" + value + "\": given twice (first \"" + o.values.get(name) + "\")");
            }
            o.values.put(name, value);
        }
        return o;
    }

    /** @return the subcommand these options belong to */
    public String command() {
        return command;
    }

    /** @return whether the flag was given */
    public boolean has(String name) {
        return values.containsKey(name);
    }

    /** @return whether the switch was given */
    public boolean flag(String name) {
        if (!switches.contains(name)) {
            throw new IllegalArgumentException("--" + name + " is not a switch of " + command);
        }
        return values.containsKey(name);
    }

    /** @return the raw value, or {@code fallback} when the flag is absent */
    public String string(String name, String fallback) {
        return values.getOrDefault(name, fallback);
    }

    /** @return the value as a whole number within {@code [min, max]}; accepts {@code 10k}, {@code 2M}, {@code 1e6} */
    public long longValue(String name, long fallback, long min, long max) {
        String raw = values.get(name);
        if (raw == null) {
            return fallback;
        }
        long v;
        try {
            v = parseCount(raw);
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + "=\"" + raw + "\": not a whole number (examples: 1000, 10k, 2M, 1e6)");
        }
        if (v < min || v > max) {
            throw new UsageException("--" + name + "=\"" + raw + "\": must be between " + min + " and " + max);
        }
        return v;
    }

    /** @return the value as an int within {@code [min, max]} */
    public int intValue(String name, int fallback, int min, int max) {
        return (int) longValue(name, fallback, min, max);
    }

    /** @return the value as a number within {@code [min, max]} */
    public double doubleValue(String name, double fallback, double min, double max) {
        String raw = values.get(name);
        if (raw == null) {
            return fallback;
        }
        double v;
        try {
            v = Double.parseDouble(raw.strip());
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + "=\"" + raw + "\": not a number");
        }
        if (!(v >= min && v <= max)) {
            throw new UsageException("--" + name + "=\"" + raw + "\": must be between " + min + " and " + max);
        }
        return v;
    }

    /** @return the value as a duration such as {@code 500ms}, {@code 30s}, {@code 10m}, {@code 2h}; positive */
    public Duration duration(String name, Duration fallback) {
        String raw = values.get(name);
        if (raw == null) {
            return fallback;
        }
        try {
            Duration d = parseDuration(raw);
            if (d.isNegative() || d.isZero()) {
                throw new UsageException("--" + name + "=\"" + raw + "\": must be positive");
            }
            return d;
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + "=\"" + raw + "\": not a duration (examples: 500ms, 30s, 10m, 2h)");
        }
    }

    /** @return the value, which must be one of {@code allowed} (compared in lower case) */
    public String choice(String name, String fallback, List<String> allowed) {
        String raw = values.get(name);
        if (raw == null) {
            return fallback;
        }
        String v = raw.strip().toLowerCase(Locale.ROOT);
        if (!allowed.contains(v)) {
            throw new UsageException("--" + name + "=\"" + raw + "\": must be one of " + String.join(", ", allowed));
        }
        return v;
    }

    /** @return the comma-separated items of the value, trimmed, empty ones dropped */
    public List<String> list(String name, List<String> fallback) {
        String raw = values.get(name);
        if (raw == null) {
            return fallback;
        }
        List<String> out = new ArrayList<>();
        for (String part : raw.split(",")) {
            if (!part.isBlank()) {
                out.add(part.strip());
            }
        }
        if (out.isEmpty()) {
            throw new UsageException("--" + name + "=\"" + raw + "\": needs at least one item");
        }
        return out;
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
            return Math.multiplyExact(mantissa, (long) Math.pow(10, exponent));
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
