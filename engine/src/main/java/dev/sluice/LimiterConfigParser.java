package dev.sluice;

import dev.sluice.internal.MemoryBackendProvider;
import dev.sluice.spi.BackendContext;
import dev.sluice.spi.BackendProvider;
import dev.sluice.spi.BackendRole;
import dev.sluice.spi.ConfiguredLimit;
import dev.sluice.spi.Settings;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.TreeSet;

/**
 * Reads and validates the settings of a {@link LimiterConfig}, from a map or a builder: first the settings of the
 * configuration itself ({@link LimiterConfig#CORE_KEYS}), then, through each backend provider, the settings that
 * provider owns. Every problem is collected before one {@link IllegalArgumentException} lists them all.
 *
 * <p>Not thread-safe: one parser per configuration built.
 */
final class LimiterConfigParser {
    private final Settings settings;
    private final List<String> givenKeys = new ArrayList<>();
    final TreeSet<String> unknownKeys = new TreeSet<>();
    /** Each configured rate with its field and the input as written, for the backends' own checks. */
    final List<ConfiguredLimit> configuredLimits = new ArrayList<>();
    /** Every backend found, with its options, in the order they were read: the embedded one first. */
    final List<BackendSetup<?>> backends = new ArrayList<>();

    Rate byUser;
    Rate byTenant;
    final Map<String, Rate> byTool = new LinkedHashMap<>();
    List<Limit> limits = List.of();
    boolean allOrNothing;
    Algorithm algorithm = Algorithm.FIXED_WINDOW;
    String backend = MemoryBackendProvider.NAME;
    FailMode failMode = FailMode.LOCAL;
    Mode mode = Mode.ENFORCE;
    long maxCount = Rate.DEFAULT_MAX_COUNT;

    /**
     * Copies the settings by iterating their entries, never by looking a key up, so that no map (one with
     * keys of other types than {@code String}, a sorted map that cannot compare them) throws anything but
     * the problems collected here.
     */
    LimiterConfigParser(Map<?, ?> given) {
        Map<String, Object> named = new LinkedHashMap<>();
        List<String> notNamed = new ArrayList<>();
        for (Map.Entry<?, ?> e : given.entrySet()) {
            if (e.getKey() instanceof String name) {
                named.put(name, e.getValue());
                givenKeys.add(name);
            } else {
                notNamed.add(describeKey(e.getKey()) + ": a setting name must be a string");
            }
        }
        settings = Settings.of(named);
        notNamed.forEach(settings::report);
    }

    void parse() {
        maxCount = settings.positiveLong("max_count", maxCount, Rate.MAX_COUNT, "");
        byUser = rate(Dimension.USER.key(), "by_user", settings.value("by_user"));
        byTenant = rate(Dimension.TENANT.key(), "by_tenant", settings.value("by_tenant"));
        parseTools(settings.value("by_tool"));
        LimitsParser limitsParser = new LimitsParser(settings, this::rate);
        limitsParser.parse(settings.value("limits"));
        limits = limitsParser.limits;
        allOrNothing = settings.bool("all_or_nothing", allOrNothing);
        algorithm = settings.choice("algorithm", Algorithm.values(), Algorithm::configName, algorithm);
        failMode = settings.choice("fail_mode", FailMode.values(), FailMode::configName, failMode);
        parseRedisFallback();
        mode = settings.choice("mode", Mode.values(), Mode::configName, mode);
        parseBackends(providers(settings));
        List<String> problems = settings.problems();
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("Invalid rate-limit configuration (" + problems.size()
                    + (problems.size() == 1 ? " problem" : " problems") + "):\n  " + String.join("\n  ", problems));
        }
    }

    /** {@return the warnings the backends recorded, e.g. for a setting that is no longer used} */
    List<String> warnings() {
        return settings.warnings();
    }

    /** {@return the settings the configuration and its backends own, in documentation order} */
    List<String> knownKeys() {
        List<String> known = new ArrayList<>(LimiterConfig.CORE_KEYS);
        for (BackendSetup<?> b : backends) {
            known.addAll(b.provider().keys());
        }
        return known;
    }

    /**
     * The backend providers to read settings with: the embedded backend's first, then those
     * {@link ServiceLoader} finds, by name. A provider whose name is not a lower-case name, or whose name or
     * settings another one already has, is left out, with a problem: the class path holds a faulty provider, two
     * of one backend, or two backends that cannot be told apart.
     */
    static List<BackendProvider<?>> providers(Settings problems) {
        List<BackendProvider<?>> found = new ArrayList<>();
        try {
            Iterator<?> it = ServiceLoader.load(BackendProvider.class).iterator();
            while (it.hasNext()) {
                BackendProvider<?> p = (BackendProvider<?>) it.next();
                if (wellFormed(p, problems)) {
                    found.add(p);
                }
            }
        } catch (ServiceConfigurationError e) {
            problems.report("backend: a backend provider on the class path or module path cannot be loaded: "
                    + e.getMessage());
        }
        found.sort((a, b) -> a.name().compareTo(b.name()));
        found.addFirst(new MemoryBackendProvider());
        List<BackendProvider<?>> kept = new ArrayList<>();
        Map<String, String> owners = new HashMap<>();
        LimiterConfig.CORE_KEYS.forEach(key -> owners.put(key, "the configuration itself"));
        Map<String, BackendProvider<?>> byName = new HashMap<>();
        for (BackendProvider<?> p : found) {
            BackendProvider<?> same = byName.putIfAbsent(p.name(), p);
            if (same != null) {
                problems.report("backend \"" + p.name() + "\": provided by both " + same.getClass().getName() + " and "
                        + p.getClass().getName() + "; keep one of them on the class path or module path");
                continue;
            }
            String taken = null;
            for (String key : p.keys()) {
                taken = taken != null ? taken : owners.get(key) == null ? null : key;
            }
            if (taken != null) {
                problems.report("backend \"" + p.name() + "\" (" + p.getClass().getName() + "): claims the setting "
                        + taken + ", which " + owners.get(taken) + " owns");
                continue;
            }
            p.keys().forEach(key -> owners.put(key, "backend \"" + p.name() + "\""));
            kept.add(p);
        }
        return kept;
    }

    /** {@return true when the provider has a lower-case name and a list of keys; else records a problem} */
    private static boolean wellFormed(BackendProvider<?> p, Settings problems) {
        String name = null;
        try {
            name = p.name();
            if (name != null && !name.isBlank() && name.equals(name.strip().toLowerCase(Locale.ROOT))
                    && p.keys() != null) {
                return true;
            }
        } catch (RuntimeException e) {
            // Reported below, as any other faulty provider.
        }
        problems.report("backend " + Settings.quote(name) + " (" + p.getClass().getName() + "): a provider has a"
                + " lower-case name, without surrounding white space, and lists the settings it owns");
        return false;
    }

    /**
     * Resolves {@code backend} among the providers, then lets every provider read its own settings, with its role:
     * the selected one, the embedded store that {@code fail_mode: local} falls back on, or unused.
     */
    private void parseBackends(List<BackendProvider<?>> providers) {
        Object value = settings.value("backend");
        String name = value == null ? backend : String.valueOf(value).strip().toLowerCase(Locale.ROOT);
        BackendProvider<?> selected = null;
        List<String> names = new ArrayList<>();
        for (BackendProvider<?> p : providers) {
            names.add(p.name());
            if (p.name().equals(name)) {
                selected = p;
            }
        }
        if (selected == null) {
            names.sort(null);
            settings.problem("backend", "expected one of " + String.join(", ", names));
        }
        backend = name;
        TreeSet<String> claimed = new TreeSet<>(LimiterConfig.CORE_KEYS);
        for (BackendProvider<?> p : providers) {
            // Providers are instances from this parse's ServiceLoader pass: the selected one is one of them.
            @SuppressWarnings("ReferenceEquality")
            boolean isSelected = p == selected;
            BackendRole role = isSelected ? BackendRole.SELECTED
                    : p instanceof MemoryBackendProvider && selected != null && failMode == FailMode.LOCAL
                            ? BackendRole.LOCAL_FALLBACK : BackendRole.UNUSED;
            BackendContext context = new BackendContext(name, algorithm.configName(), configuredLimits, role);
            claimed.addAll(p.keys());
            try {
                backends.add(BackendSetup.parse(p, settings.only(p.keys()), context));
            } catch (RuntimeException e) {
                settings.report("backend \"" + p.name() + "\": its provider failed to read its settings: " + e);
            }
        }
        for (String key : givenKeys) {
            if (!claimed.contains(key)) {
                unknownKeys.add(key);
            }
        }
    }

    /**
     * Reads one rate of the limit whose keys carry {@code keySpace}, recording a problem when it has one.
     *
     * @return the rate, or {@code null} when it has a problem or {@code value} is null
     */
    Rate rate(String keySpace, String field, Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof Rate r) {
            if (r.count() > maxCount) {
                settings.problem(field, r, Rate.ceilingProblem(Long.toString(r.count()), maxCount));
                return null;
            }
            configuredLimits.add(new ConfiguredLimit(keySpace, r, field, r.toString()));
            return r;
        }
        if (!(value instanceof String text)) {
            settings.problem(field, value, "expected a rate string such as \"60/m\"");
            return null;
        }
        String problem = Rate.problemWith(text, maxCount);
        if (problem != null) {
            settings.problem(field, text, problem);
            return null;
        }
        Rate r = Rate.parse(text, maxCount);
        configuredLimits.add(new ConfiguredLimit(keySpace, r, field, Settings.quote(text)));
        return r;
    }

    private void parseTools(Object value) {
        if (value == null) {
            return;
        }
        if (!(value instanceof Map<?, ?> tools)) {
            settings.report("by_tool=" + value + ": expected a map from tool name to rate");
            return;
        }
        Map<String, String> firstSpelling = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : tools.entrySet()) {
            if (e.getKey() != null && !(e.getKey() instanceof String)) {
                settings.report("by_tool[" + describeKey(e.getKey()) + "]: a tool name must be a string");
                continue;
            }
            String raw = (String) e.getKey();
            String field = "by_tool[" + Settings.quote(raw) + "]";
            String name = raw == null ? "" : Whitespace.strip(raw).toLowerCase(Locale.ROOT);
            if (name.isEmpty()) {
                settings.report(field + ": tool name is blank");
                continue;
            }
            String earlier = firstSpelling.putIfAbsent(name, raw);
            if (earlier != null) {
                settings.report(field + ": normalises to \"" + name + "\", as by_tool[" + Settings.quote(earlier)
                        + "] does");
                continue;
            }
            Rate r = rate(Dimension.TOOL.key(), field, e.getValue());
            if (r != null) {
                byTool.put(name, r);
            } else if (e.getValue() == null) {
                settings.problem(field, null, "a rate is required, e.g. \"60/m\"");
            }
        }
    }

    /**
     * {@code redis_fallback}, the original's key for the fail mode: {@code true} is {@code fail_mode: local},
     * {@code false} is {@code fail_mode: open}. Given with {@code fail_mode}, the two must agree.
     */
    private void parseRedisFallback() {
        if (!settings.has("redis_fallback")) {
            return;
        }
        int before = settings.problems().size();
        boolean fallback = settings.bool("redis_fallback", true);
        if (settings.problems().size() > before) {
            return;
        }
        FailMode meant = fallback ? FailMode.LOCAL : FailMode.OPEN;
        Object given = settings.value("fail_mode");
        if (given == null) {
            failMode = meant;
        } else if (failMode != meant) {
            settings.problem("redis_fallback", "means fail_mode=" + meant.configName() + ", but fail_mode="
                    + Settings.quote(given instanceof FailMode f ? f.configName() : given));
        }
    }

    /** A key that is not a string, for a message: its value and its type. */
    private static String describeKey(Object key) {
        return key == null ? "null" : key + " (" + key.getClass().getSimpleName() + ")";
    }
}
