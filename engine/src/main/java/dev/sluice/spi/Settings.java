package dev.sluice.spi;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * Settings as a configuration reads them: the values of a settings map by name, readers for the common types
 * that accept what an operator writes in YAML (numbers as numbers or digit strings, booleans as booleans or
 * {@code "true"}/{@code "false"}, names case-insensitively), and the problems found so far.
 *
 * <p>A reader never throws for a bad value: it records a problem and returns its fallback, so that one pass
 * finds every problem. Every problem names its field and quotes the input, {@code field="input": what is
 * wrong} (a string input in double quotes, any other as {@link String#valueOf}); the configuration lists them all
 * in one {@link IllegalArgumentException}. A {@link BackendProvider} receives a view holding only its own keys
 * ({@link BackendProvider#keys()}), which shares its problems and warnings with the configuration's.
 *
 * <p>Not thread-safe: one configuration is read on one thread.
 */
public final class Settings {
    private final Map<String, Object> values;
    private final List<String> problems;
    private final List<String> warnings;

    private Settings(Map<String, Object> values, List<String> problems, List<String> warnings) {
        this.values = values;
        this.problems = problems;
        this.warnings = warnings;
    }

    /**
     * A reader of settings.
     *
     * @param values settings by name; copied, iterated once and never looked up in, so any map will do
     * @return a reader of those settings, with no problem recorded yet
     */
    public static Settings of(Map<String, ?> values) {
        Map<String, Object> copy = new LinkedHashMap<>();
        for (Map.Entry<String, ?> e : values.entrySet()) {
            copy.put(e.getKey(), e.getValue());
        }
        return new Settings(copy, new ArrayList<>(), new ArrayList<>());
    }

    /**
     * The settings named {@code keys}.
     *
     * @param keys the names to keep
     * @return a view of these settings that holds only {@code keys} and records its problems and warnings with
     *     this reader's
     */
    public Settings only(Collection<String> keys) {
        Map<String, Object> kept = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : values.entrySet()) {
            if (keys.contains(e.getKey())) {
                kept.put(e.getKey(), e.getValue());
            }
        }
        return new Settings(kept, problems, warnings);
    }

    /**
     * A setting's value as given.
     *
     * @param key a setting's name
     * @return its value as given, or {@code null} when it was not given
     */
    public Object value(String key) {
        return values.get(key);
    }

    /**
     * Whether a setting was given.
     *
     * @param key a setting's name
     * @return true when it was given a value other than {@code null}
     */
    public boolean has(String key) {
        return values.get(key) != null;
    }

    /**
     * A boolean setting.
     *
     * @param key a setting's name
     * @param fallback the value when it is absent or invalid
     * @return {@code true} or {@code false}, given as a boolean or as that string in any case
     */
    public boolean bool(String key, boolean fallback) {
        Object value = values.get(key);
        if (value == null) {
            return fallback;
        }
        if (value instanceof Boolean b) {
            return b;
        }
        if (value instanceof String s) {
            String t = s.strip().toLowerCase(Locale.ROOT);
            if (t.equals("true") || t.equals("false")) {
                return t.equals("true");
            }
        }
        problem(key, "expected true or false");
        return fallback;
    }

    /**
     * A positive whole-number setting.
     *
     * @param key a setting's name
     * @param fallback the value when it is absent or invalid
     * @return a positive whole number, given as a Java integer or a string of digits
     */
    public long positiveLong(String key, long fallback) {
        Object value = values.get(key);
        if (value == null) {
            return fallback;
        }
        long v = integer(value);
        if (v > 0) {
            return v;
        }
        problem(key, "must be a positive integer");
        return fallback;
    }

    /**
     * A positive whole-number setting with a ceiling.
     *
     * @param key a setting's name
     * @param fallback the value when it is absent or invalid
     * @param max the largest value accepted
     * @param maxNote what the problem adds after {@code must be at most <max>}, e.g. {@code " (1 day)"}, or empty
     * @return a positive whole number no larger than {@code max}
     */
    public long positiveLong(String key, long fallback, long max, String maxNote) {
        long v = positiveLong(key, fallback);
        if (v > max) {
            problem(key, "must be at most " + max + maxNote);
            return fallback;
        }
        return v;
    }

    /**
     * A duration in milliseconds: a positive whole number of them, or a {@link Duration} of at least 1 ms, which
     * keeps its precision.
     *
     * @param key a setting's name, by convention ending in {@code _ms}
     * @param fallback the value when it is absent or invalid
     * @param max the longest duration accepted
     * @param maxNote what the problem adds after {@code must be at most <max> ms}, e.g. {@code " (1 day)"}, or empty
     * @return the duration
     */
    public Duration millis(String key, Duration fallback, Duration max, String maxNote) {
        Object value = values.get(key);
        if (value == null) {
            return fallback;
        }
        if (value instanceof Duration d) {
            if (d.compareTo(Duration.ofMillis(1)) < 0) {
                problem(key, d, "must be at least 1 ms");
                return fallback;
            }
            if (d.compareTo(max) > 0) {
                problem(key, d, "must be at most " + max.toMillis() + " ms" + maxNote);
                return fallback;
            }
            return d;
        }
        return Duration.ofMillis(positiveLong(key, fallback.toMillis(), max.toMillis(), maxNote));
    }

    /**
     * One of a fixed set of names, case-insensitive and trimmed; a constant of {@code values} itself is accepted
     * too.
     *
     * @param key a setting's name
     * @param values the choices
     * @param nameOf each choice's name in configuration
     * @param fallback the value when it is absent or invalid
     * @param <E> the choices' type
     * @return the choice
     */
    public <E> E choice(String key, E[] values, Function<E, String> nameOf, E fallback) {
        Object value = this.values.get(key);
        if (value == null) {
            return fallback;
        }
        for (E e : values) {
            if (e.equals(value)) {
                return e;
            }
        }
        String wanted = String.valueOf(value).strip().toLowerCase(Locale.ROOT);
        List<String> names = new ArrayList<>();
        for (E e : values) {
            if (nameOf.apply(e).equals(wanted)) {
                return e;
            }
            names.add(nameOf.apply(e));
        }
        problem(key, "expected one of " + String.join(", ", names));
        return fallback;
    }

    /**
     * Records a problem with a setting's value as given: {@code key=<value quoted>: message}.
     *
     * @param key the setting's name
     * @param message what is wrong, without the input
     */
    public void problem(String key, String message) {
        problem(key, values.get(key), message);
    }

    /**
     * Records a problem with an input: {@code field=<input quoted>: message}.
     *
     * @param field the setting's name, or a part of one such as {@code by_tool["search"]}
     * @param input the input the problem is about, quoted when it is a string
     * @param message what is wrong, without the input
     */
    public void problem(String field, Object input, String message) {
        problems.add(field + "=" + quote(input) + ": " + message);
    }

    /**
     * Records a problem with a configured limit: {@code <field>=<input>: message}, as its own problems read.
     *
     * @param limit the limit
     * @param message what is wrong, without the input
     */
    public void problem(ConfiguredLimit limit, String message) {
        problems.add(limit.field() + "=" + limit.input() + ": " + message);
    }

    /**
     * Records a problem that is not about one input's value, e.g. a setting name that is not a string.
     *
     * @param line the whole line, starting with the field it is about
     */
    public void report(String line) {
        problems.add(line);
    }

    /**
     * Records a warning, logged once when the configuration is built, e.g. that a setting is no longer used.
     *
     * @param message the warning
     */
    public void warning(String message) {
        warnings.add(message);
    }

    /** {@return the problems recorded so far, through this reader and every view of it, in order; unmodifiable} */
    public List<String> problems() {
        return Collections.unmodifiableList(problems);
    }

    /** {@return the warnings recorded so far, through this reader and every view of it, in order; unmodifiable} */
    public List<String> warnings() {
        return Collections.unmodifiableList(warnings);
    }

    /**
     * Quotes an input for a problem's message.
     *
     * @param input an input
     * @return a string in double quotes, {@code null} as {@code null}, anything else as {@link String#valueOf}
     */
    public static String quote(Object input) {
        return input instanceof String s ? "\"" + s + "\"" : String.valueOf(input);
    }

    /** {@return {@code value} as a whole number when it is one (a Java integer or a string of digits), else 0} */
    private static long integer(Object value) {
        if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return ((Number) value).longValue();
        }
        if (value instanceof String s && !s.isBlank() && s.strip().chars().allMatch(Character::isDigit)) {
            try {
                return Long.parseLong(s.strip());
            } catch (NumberFormatException tooLarge) {
                return 0;
            }
        }
        return 0;
    }
}
