package dev.sluice.spi;

import java.util.List;

/**
 * A backend that a configuration selects by name ({@code backend: redis}), with the settings it owns
 * ({@code redis_url}, ...). The embedded backend, {@code memory}, is built in; every other provider is found with
 * {@link java.util.ServiceLoader}: list the implementation in
 * {@code META-INF/services/dev.sluice.spi.BackendProvider}, and on the module path declare
 * {@code provides dev.sluice.spi.BackendProvider with ...} as well.
 *
 * <p>Each time a configuration is built, every provider found reads and checks its own settings with
 * {@link #parse}, whether or not the configuration selects it, and records what is wrong in the configuration's
 * one list of problems; the configuration is refused, with every problem, if there is any. A setting is the
 * provider's when its name is in {@link #keys()}: no other provider and no setting of the configuration itself
 * may claim it. {@link #create} then makes the backend of a configuration that was accepted; it must not refuse
 * one for a reason {@link #parse} could have found.
 *
 * <pre>{@code
 * public final class HazelcastBackendProvider implements BackendProvider<HazelcastOptions> {
 *     public String name() { return "hazelcast"; }
 *     public List<String> keys() { return List.of("hazelcast_cluster", "hazelcast_timeout_ms"); }
 *     public HazelcastOptions parse(Settings settings, BackendContext context) {
 *         if (context.role() == BackendRole.SELECTED && !settings.has("hazelcast_cluster")) {
 *             settings.problem("hazelcast_cluster", "required when backend=\"hazelcast\"");
 *         }
 *         return new HazelcastOptions(settings.value("hazelcast_cluster"),
 *                 settings.millis("hazelcast_timeout_ms", Duration.ofSeconds(1), Duration.ofMinutes(1), ""));
 *     }
 *     public Backend create(HazelcastOptions options, BackendContext context) {
 *         return new HazelcastBackend(options, context.algorithm());
 *     }
 * }
 * }</pre>
 *
 * <p>Implementations must be thread-safe and have a public no-argument constructor.
 *
 * @param <O> the provider's options: what {@link #parse} makes of its settings and {@link #create} builds on;
 *     readable by users with {@code LimiterConfig.options(Class)}
 */
public interface BackendProvider<O> {

    /** {@return the name {@code backend} selects this provider by: lower-case, e.g. {@code redis}} */
    String name();

    /**
     * The settings this provider reads.
     *
     * @return the names of the settings this provider owns, in the order its documentation lists them; by
     *     convention each starts with the provider's name, e.g. {@code redis_url}
     */
    List<String> keys();

    /**
     * Reads and checks this provider's settings. Records every problem with {@code settings} (never throws for a
     * bad value) and returns options built from the valid settings and defaults; the configuration is refused
     * whenever a problem was recorded, so the options of a refused configuration are never used.
     *
     * @param settings this provider's settings only, those of {@link #keys()} that were given
     * @param context the rest of the configuration, and this provider's role in it
     * @return the options, given back to {@link #create}
     */
    O parse(Settings settings, BackendContext context);

    /**
     * Creates a backend for a configuration that was accepted.
     *
     * @param options what {@link #parse} returned for that configuration
     * @param context the configuration; its role is {@link BackendRole#SELECTED}, or
     *     {@link BackendRole#LOCAL_FALLBACK} for the embedded backend
     * @return a backend ready for {@link Backend#evaluate}; the limiter that asked for it closes it
     */
    Backend create(O options, BackendContext context);
}
