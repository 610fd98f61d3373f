package dev.sluice;

import dev.sluice.spi.Settings;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads and validates the {@code limits} section of a configuration: a list of limits, each a map of
 * {@code name}, {@code key}, {@code rates} and {@code overrides}. Adds every problem it finds to the
 * configuration's list, each naming its field by position ({@code limits[0].rates[1]}) and quoting the input.
 *
 * <p>Not thread-safe: one parser per configuration built.
 */
final class LimitsParser {
    static final List<String> FIELDS = List.of("name", "key", "rates", "overrides");
    private static final Set<String> RESERVED = Set.of(Attributes.USER, Attributes.TENANT, Attributes.TOOL);

    /** Reads one rate, recording its problem when it has one: the configuration's own rate reader. */
    interface RateReader {
        /** {@return the rate, or {@code null} after recording a problem (or when {@code value} is null)} */
        Rate rate(String keySpace, String field, Object value);
    }

    private final Settings settings;
    private final RateReader reader;
    private final Map<String, String> fieldOfName = new HashMap<>();
    final List<Limit> limits = new ArrayList<>();

    LimitsParser(Settings settings, RateReader reader) {
        this.settings = settings;
        this.reader = reader;
    }

    void parse(Object value) {
        if (value == null) {
            return;
        }
        if (!(value instanceof List<?> list)) {
            settings.report("limits=" + quote(value)
                    + ": expected a list of limits, each a map with name, key and rates");
            return;
        }
        for (int i = 0; i < list.size(); i++) {
            Limit limit = limit("limits[" + i + "]", list.get(i));
            if (limit != null) {
                limits.add(limit);
            }
        }
    }

    /** {@return the limit, or {@code null} when it has a problem} */
    private Limit limit(String field, Object value) {
        if (!(value instanceof Map<?, ?> entries)) {
            settings.report(field + "=" + quote(value) + ": expected a map with name, key, rates and overrides");
            return null;
        }
        int before = settings.problems().size();
        Map<String, Object> in = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : entries.entrySet()) {
            if (!(e.getKey() instanceof String setting)) {
                settings.report(field + "[" + describeKey(e.getKey()) + "]: a setting name must be a string");
            } else if (!FIELDS.contains(setting)) {
                settings.report(field + "." + setting + ": unknown setting; a limit has " + String.join(", ", FIELDS));
            } else {
                in.put(setting, e.getValue());
            }
        }
        String name = name(field, in.get("name"));
        List<String> key = key(field + ".key", in.get("key"));
        // A rate is named by its limit's key space; a limit without a valid name is refused, whatever names it.
        String keySpace = name == null ? field : name;
        List<Rate> rates = rates(keySpace, field + ".rates", in.get("rates"), false);
        List<Limit.ValueOverride> overrides = overrides(keySpace, field + ".overrides", in.get("overrides"), key);
        if (rates != null && rates.isEmpty() && overrides != null && overrides.isEmpty()) {
            settings.report(field + ": has no rates and no overrides, so it would never apply; give it rates");
        }
        if (settings.problems().size() > before) {
            return null;
        }
        return new Limit(name, key, rates, overrides);
    }

    private String name(String owner, Object value) {
        String field = owner + ".name";
        if (value == null) {
            settings.report(field + "=null: a name is required");
            return null;
        }
        if (!(value instanceof String name) || !Attributes.validName(name)) {
            settings.report(field + "=" + quote(value) + ": must be " + Attributes.NAME_RULE);
            return null;
        }
        if (RESERVED.contains(name)) {
            settings.report(field + "=" + quote(value) + ": names the by_" + name
                    + " preset; give the limit a name of its own");
            return null;
        }
        String earlier = fieldOfName.putIfAbsent(name, owner);
        if (earlier != null) {
            settings.report(field + "=" + quote(value) + ": " + earlier + " has the same name");
            return null;
        }
        return name;
    }

    /** {@return the key's attributes, or {@code null} after a problem} */
    private List<String> key(String field, Object value) {
        if (value == null) {
            settings.report(field + "=null: name the attributes that key the limit, e.g. [user] or [tenant, api_key]");
            return null;
        }
        List<?> items = value instanceof List<?> l ? l : List.of(value);
        if (items.isEmpty()) {
            settings.report(field + "=[]: name the attributes that key the limit, e.g. [user] or [tenant, api_key]");
            return null;
        }
        int before = settings.problems().size();
        List<String> key = new ArrayList<>();
        for (int j = 0; j < items.size(); j++) {
            String itemField = value instanceof List<?> ? field + "[" + j + "]" : field;
            Object item = items.get(j);
            if (!(item instanceof String attribute) || !Attributes.validName(attribute)) {
                settings.report(itemField + "=" + quote(item) + ": an attribute name must be " + Attributes.NAME_RULE);
            } else if (key.contains(attribute)) {
                settings.report(itemField + "=" + quote(item) + ": named twice in one key");
            } else {
                key.add(attribute);
            }
        }
        return settings.problems().size() > before ? null : key;
    }

    /**
     * {@return the rates, empty when none were given, or {@code null} after a problem}
     *
     * @param required true when at least one rate must be given
     */
    private List<Rate> rates(String keySpace, String field, Object value, boolean required) {
        if (value == null) {
            if (required) {
                settings.report(field + "=null: rates are required, e.g. \"100/s\" or [\"100/s\", \"10000/h\"]");
                return null;
            }
            return List.of();
        }
        List<?> items = value instanceof List<?> l ? l : List.of(value);
        if (items.isEmpty() && required) {
            settings.report(field + "=[]: rates are required, e.g. \"100/s\" or [\"100/s\", \"10000/h\"]");
            return null;
        }
        int before = settings.problems().size();
        List<Rate> rates = new ArrayList<>();
        List<String> fields = new ArrayList<>();
        for (int j = 0; j < items.size(); j++) {
            String itemField = value instanceof List<?> ? field + "[" + j + "]" : field;
            Object item = items.get(j);
            if (item == null) {
                settings.report(itemField + "=null: a rate is required, e.g. \"60/m\"");
                continue;
            }
            Rate rate = reader.rate(keySpace, itemField, item);
            if (rate == null) {
                continue;
            }
            for (int k = 0; k < rates.size(); k++) {
                if (rates.get(k).windowSeconds() == rate.windowSeconds()) {
                    settings.report(itemField + "=" + quote(item) + ": its window of " + rate.windowSeconds() + " s is "
                            + fields.get(k) + "'s too; each rate of a limit needs a window of its own");
                }
            }
            rates.add(rate);
            fields.add(itemField);
        }
        return settings.problems().size() > before ? null : rates;
    }

    /** {@return the overrides, empty when none were given, or {@code null} after a problem} */
    private List<Limit.ValueOverride> overrides(String keySpace, String field, Object value, List<String> key) {
        if (value == null) {
            return List.of();
        }
        if (!(value instanceof List<?> items)) {
            settings.report(field + "=" + quote(value)
                    + ": expected a list of overrides, e.g. [{tenant: acme, rates: \"100/s\"}]");
            return null;
        }
        int before = settings.problems().size();
        List<Limit.ValueOverride> overrides = new ArrayList<>();
        Map<String, String> fieldOfValue = new HashMap<>();
        for (int j = 0; j < items.size(); j++) {
            Limit.ValueOverride o = override(keySpace, field + "[" + j + "]", items.get(j), key, fieldOfValue);
            if (o != null) {
                overrides.add(o);
            }
        }
        return settings.problems().size() > before ? null : overrides;
    }

    private Limit.ValueOverride override(String keySpace, String field, Object value, List<String> key,
            Map<String, String> fieldOfValue) {
        if (!(value instanceof Map<?, ?> entries)) {
            settings.report(field + "=" + quote(value)
                    + ": expected a map of one key attribute to its value, and rates,"
                    + " e.g. {tenant: acme, rates: \"100/s\"}");
            return null;
        }
        // Entries are iterated, never looked up, so that no map (one whose keys cannot be compared) throws.
        List<Object> attributes = new ArrayList<>();
        Object ratesValue = null;
        Object raw = null;
        for (Map.Entry<?, ?> e : entries.entrySet()) {
            if ("rates".equals(e.getKey())) {
                ratesValue = e.getValue();
            } else {
                attributes.add(e.getKey());
                raw = e.getValue();
            }
        }
        int before = settings.problems().size();
        List<Rate> rates = rates(keySpace, field + ".rates", ratesValue, true);
        if (attributes.size() != 1) {
            settings.report(field + ": name exactly one key attribute and its value besides rates, e.g. {tenant: acme,"
                    + " rates: \"100/s\"}; found " + (attributes.isEmpty() ? "none" : describeKeys(attributes)));
            return null;
        }
        Object attributeKey = attributes.get(0);
        if (!(attributeKey instanceof String attribute)) {
            settings.report(field + "[" + describeKey(attributeKey) + "]: an attribute name must be a string");
            return null;
        }
        String valueField = field + "." + attribute;
        if (key != null && !key.contains(attribute)) {
            settings.report(valueField + ": " + quote(attribute) + " is not an attribute of the limit's key " + key);
            return null;
        }
        String normalised = raw instanceof String s && !Whitespace.strip(s).isEmpty()
                ? Attributes.normalise(attribute, s) : null;
        if (normalised == null) {
            settings.report(valueField + "=" + quote(raw) + ": expected a non-blank value of " + attribute);
            return null;
        }
        String earlier = fieldOfValue.putIfAbsent(attribute + "\u0000" + normalised, valueField + "=" + quote(raw));
        if (earlier != null) {
            settings.report(valueField + "=" + quote(raw) + ": normalises to \"" + normalised + "\", as " + earlier
                    + " does");
            return null;
        }
        return settings.problems().size() > before ? null : new Limit.ValueOverride(attribute, normalised, rates);
    }

    private static String quote(Object value) {
        return Settings.quote(value);
    }

    private static String describeKey(Object key) {
        return key == null ? "null" : key + " (" + key.getClass().getSimpleName() + ")";
    }

    private static String describeKeys(List<Object> keys) {
        List<String> described = new ArrayList<>();
        for (Object k : keys) {
            described.add(k instanceof String s ? s : describeKey(k));
        }
        return described.toString();
    }
}
