package dev.sluice;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A limit: a name, the request attributes that key it, one or more rates, and overrides that give particular
 * attribute values rates of their own. Validated as part of a {@link LimiterConfig}; {@link #named(String)}
 * starts one in code, the {@code limits} section of the configuration map describes one in YAML
 * ({@code docs/configuration.md}).
 *
 * <ul>
 *   <li><b>Key</b>: the attributes whose values name the limit's keys: {@code user}, {@code tenant},
 *       {@code tool}, or a caller-set attribute such as {@code api_key} ({@link Request#attribute}). Several
 *       attributes make a composite key: {@code [tenant, api_key]} counts each API key of each tenant apart.
 *       A request without a value for one of them (a blank tenant, an attribute it does not set) is not checked
 *       against the limit; {@code user} always has one ({@code anonymous}).</li>
 *   <li><b>Rates</b>: every rate is enforced, each on a key of its own: {@code 10/s} and {@code 1000/h} together.
 *       Two rates of one limit may not share a window. A limit without rates applies only where an override
 *       matches.</li>
 *   <li><b>Overrides</b>: a value of one of the key's attributes with rates of its own, which replace the limit's
 *       rates for the requests that carry it (tenant {@code acme} at {@code 100/s}). When overrides on several
 *       attributes match one request, the first in configuration order wins.</li>
 * </ul>
 *
 * <p>The presets are limits too ({@link LimiterConfig#limits()}): {@code by_user} is the limit {@code user}
 * keyed by {@code user}, {@code by_tenant} the limit {@code tenant} keyed by {@code tenant}, and {@code by_tool}
 * the limit {@code tool} keyed by {@code tool}, with no rate of its own and one override per configured tool.
 *
 * <p>Immutable and thread-safe.
 */
public final class Limit {
    private final String name;
    private final List<String> key;
    private final List<Rate> rates;
    private final List<ValueOverride> overrides;

    Limit(String name, List<String> key, List<Rate> rates, List<ValueOverride> overrides) {
        this.name = name;
        this.key = List.copyOf(key);
        this.rates = List.copyOf(rates);
        this.overrides = List.copyOf(overrides);
    }

    /**
     * Starts a limit for {@link LimiterConfig.Builder#limit(Limit.Builder)}; nothing is checked until the
     * configuration is built.
     *
     * @param name the limit's name: lower-case letters, digits and {@code _}, starting with a letter; not
     *     {@code user}, {@code tenant} or {@code tool}, which name the presets
     * @return a new builder
     */
    public static Builder named(String name) {
        return new Builder(name);
    }

    /** {@return the limit's name, which its keys, headers and metadata carry} */
    public String name() {
        return name;
    }

    /** {@return the attributes that key the limit, in key order} */
    public List<String> key() {
        return key;
    }

    /** {@return the rates every request the limit applies to is checked against, unless an override matches} */
    public List<Rate> rates() {
        return rates;
    }

    /** {@return the overrides, in configuration order} */
    public List<ValueOverride> overrides() {
        return overrides;
    }

    @Override
    public String toString() {
        return name + "{key=" + key + ", rates=" + rates + (overrides.isEmpty() ? "" : ", overrides=" + overrides)
                + "}";
    }

    /**
     * Rates of their own for the requests whose {@code attribute} has {@code value}.
     *
     * <p>Immutable and thread-safe.
     *
     * @param attribute one of the limit's key attributes
     * @param value the attribute's value, normalised as a request's is (a user's {@code ':'} becomes
     *     {@code '_'}, a tool is lower-cased, every value is trimmed)
     * @param rates the rates that replace the limit's own, at least one
     */
    public record ValueOverride(String attribute, String value, List<Rate> rates) {
        /** Copies {@code rates}. */
        public ValueOverride {
            rates = List.copyOf(rates);
        }

        @Override
        public String toString() {
            return attribute + "=" + value + " " + rates;
        }
    }

    /**
     * Collects a limit's settings as written; {@link LimiterConfig.Builder#build()} validates them with the rest of
     * the configuration, exactly as it validates an entry of the map's {@code limits} section.
     *
     * <p>Not thread-safe.
     */
    public static final class Builder {
        private final String name;
        private final List<String> key = new ArrayList<>();
        private final List<Object> rates = new ArrayList<>();
        private final List<Map<String, Object>> overrides = new ArrayList<>();

        private Builder(String name) {
            this.name = name;
        }

        /**
         * {@return this}
         *
         * @param attributes the attributes that key the limit, in key order; appended to any given before
         */
        public Builder key(String... attributes) {
            key.addAll(Arrays.asList(attributes));
            return this;
        }

        /**
         * {@return this}
         *
         * @param rates rates such as {@code "10/s"}, appended to any given before
         */
        public Builder rates(String... rates) {
            this.rates.addAll(Arrays.asList(rates));
            return this;
        }

        /**
         * {@return this}
         *
         * @param rates rates, appended to any given before
         */
        public Builder rates(Rate... rates) {
            this.rates.addAll(Arrays.asList(rates));
            return this;
        }

        /**
         * {@return this}
         *
         * @param attribute one of the key's attributes
         * @param value the value that gets rates of its own
         * @param rates its rates, such as {@code "100/s"}
         */
        public Builder override(String attribute, String value, String... rates) {
            return addOverride(attribute, value, Arrays.asList(rates));
        }

        /**
         * {@return this}
         *
         * @param attribute one of the key's attributes
         * @param value the value that gets rates of its own
         * @param rates its rates
         */
        public Builder override(String attribute, String value, Rate... rates) {
            return addOverride(attribute, value, Arrays.asList(rates));
        }

        private Builder addOverride(String attribute, String value, List<?> overrideRates) {
            Map<String, Object> override = new LinkedHashMap<>();
            override.put(attribute, value);
            override.put("rates", new ArrayList<>(overrideRates));
            overrides.add(override);
            return this;
        }

        /** {@return the settings as the map form writes them: a snapshot that later calls do not change} */
        Map<String, Object> settings() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", name);
            m.put("key", new ArrayList<>(key));
            m.put("rates", new ArrayList<>(rates));
            if (!overrides.isEmpty()) {
                List<Map<String, Object>> copies = new ArrayList<>();
                for (Map<String, Object> o : overrides) {
                    copies.add(new LinkedHashMap<>(o));
                }
                m.put("overrides", copies);
            }
            return m;
        }
    }
}
