package dev.sluice;

import dev.sluice.spi.Batch;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A configuration's limits made ready for the request path: for each limit in evaluation order, its key's
 * attributes as slots, its rates as an array, and its overrides as one map per key attribute from normalised
 * value to rates. {@link #fill} turns one request into a batch's entries: each limit whose key attributes the
 * request has, at the rates in force for it, one entry per rate.
 *
 * <p>The presets have paths of their own, straight-line code as short as the engine's before limits became data:
 * {@code by_user} and {@code by_tenant} are one batch call each, {@code by_tool} one map lookup. The custom limits
 * follow in a loop of their own; one of one attribute, one rate and no override is one batch call from flat
 * arrays, and every other takes the general path. The presets stay out of the loop on purpose: the JIT compiler
 * unrolls a loop, and a loop holding them grew too large to be compiled into its caller.
 *
 * <p>{@code fill} also notes which limits the request had entries for, as a set of bits in the order of the
 * configuration's limits ({@link Decision#limitsPresent}), for the per-limit counters: a check that every limit
 * allowed is then counted without reading its entries again. A limit past the 64th has no bit.
 *
 * <p>Immutable and thread-safe; {@code fill} allocates nothing once the decision's scratch has grown.
 */
final class LimitPlan {
    private static final int USER = 0;
    private static final int TENANT = 1;
    private static final int TOOL = 2;
    private static final int OTHER = 3;

    /** Shapes: one attribute, one rate, no override, by the attribute's slot; the tool preset; anything else. */
    private static final int ONE_USER = 0;
    private static final int ONE_TENANT = 1;
    private static final int ONE_OTHER = 2;
    private static final int TOOLS = 3;
    private static final int GENERAL = 4;

    /** The presets: each is on when its name is set. */
    private final String userName;
    private final long userBit;
    private final long userCount;
    private final long userWindowSeconds;
    private final String tenantName;
    private final long tenantBit;
    private final long tenantCount;
    private final long tenantWindowSeconds;
    private final Compiled tools;

    /** The custom limits, in configuration order. */
    private final Compiled[] limits;
    private final int[] shapes;
    private final String[] names;
    private final String[] firstAttributes;
    private final long[] counts;
    private final long[] windowSeconds;
    private final long[] bits;
    private final boolean customUsesUser;

    /** One limit, compiled. */
    private static final class Compiled {
        final String name;
        /** This limit's bit in {@link Decision#limitsPresent}: its place among the configuration's limits. */
        final long bit;
        final String[] key;
        final int[] slots;
        final Rate[] rates;
        /** Per key attribute, its overrides by normalised value; {@code null} where it has none. */
        final ByValue[] overrides;
        final boolean hasOverrides;
        /** The tool preset's shape, one attribute {@code tool}, overrides of one rate and none of its own: by name. */
        final Map<String, Rate> toolRates;

        Compiled(Limit limit, int index) {
            this.name = limit.name();
            this.bit = index < Long.SIZE ? 1L << index : 0;
            this.key = limit.key().toArray(new String[0]);
            this.slots = new int[key.length];
            for (int j = 0; j < key.length; j++) {
                slots[j] = switch (key[j]) {
                    case Attributes.USER -> USER;
                    case Attributes.TENANT -> TENANT;
                    case Attributes.TOOL -> TOOL;
                    default -> OTHER;
                };
            }
            this.rates = limit.rates().toArray(new Rate[0]);
            this.overrides = new ByValue[key.length];
            List<Limit.ValueOverride> all = limit.overrides();
            for (int order = 0; order < all.size(); order++) {
                Limit.ValueOverride o = all.get(order);
                int j = limit.key().indexOf(o.attribute());
                if (overrides[j] == null) {
                    overrides[j] = new ByValue();
                }
                overrides[j].rates.put(o.value(), new OverrideRates(order, o.rates().toArray(new Rate[0])));
            }
            this.hasOverrides = !all.isEmpty();
            Map<String, Rate> byTool = new HashMap<>();
            boolean tools = key.length == 1 && slots[0] == TOOL && rates.length == 0;
            for (Limit.ValueOverride o : all) {
                tools &= o.rates().size() == 1;
                byTool.put(o.value(), o.rates().get(0));
            }
            this.toolRates = tools ? byTool : null;
        }

        int shape() {
            if (toolRates != null) {
                return TOOLS;
            }
            if (key.length != 1 || rates.length != 1 || hasOverrides) {
                return GENERAL;
            }
            return switch (slots[0]) {
                case USER -> ONE_USER;
                case TENANT -> ONE_TENANT;
                case OTHER -> ONE_OTHER;
                default -> GENERAL;
            };
        }
    }

    /** One key attribute's overrides, by normalised value. */
    private static final class ByValue {
        final Map<String, OverrideRates> rates = new HashMap<>();
    }

    /** An override's rates and its place in configuration order, which decides between two that match. */
    private static final class OverrideRates {
        final int order;
        final Rate[] rates;

        OverrideRates(int order, Rate[] rates) {
            this.order = order;
            this.rates = rates;
        }
    }

    LimitPlan(List<Limit> all) {
        List<Compiled> custom = new ArrayList<>();
        Compiled user = null;
        Compiled tenant = null;
        Compiled tool = null;
        for (int index = 0; index < all.size(); index++) {
            Compiled c = new Compiled(all.get(index), index);
            // A custom limit never takes a preset's name: the configuration refuses it.
            if (c.name.equals(Attributes.USER) && c.shape() == ONE_USER) {
                user = c;
            } else if (c.name.equals(Attributes.TENANT) && c.shape() == ONE_TENANT) {
                tenant = c;
            } else if (c.name.equals(Attributes.TOOL) && c.shape() == TOOLS) {
                tool = c;
            } else {
                custom.add(c);
            }
        }
        this.userName = user == null ? null : user.name;
        this.userBit = user == null ? 0 : user.bit;
        this.userCount = user == null ? 0 : user.rates[0].count();
        this.userWindowSeconds = user == null ? 0 : user.rates[0].windowSeconds();
        this.tenantName = tenant == null ? null : tenant.name;
        this.tenantBit = tenant == null ? 0 : tenant.bit;
        this.tenantCount = tenant == null ? 0 : tenant.rates[0].count();
        this.tenantWindowSeconds = tenant == null ? 0 : tenant.rates[0].windowSeconds();
        this.tools = tool;
        int n = custom.size();
        this.limits = new Compiled[n];
        this.shapes = new int[n];
        this.names = new String[n];
        this.firstAttributes = new String[n];
        this.counts = new long[n];
        this.windowSeconds = new long[n];
        this.bits = new long[n];
        boolean usesUser = false;
        for (int k = 0; k < n; k++) {
            Compiled c = custom.get(k);
            this.limits[k] = c;
            shapes[k] = c.shape();
            names[k] = c.name;
            bits[k] = c.bit;
            firstAttributes[k] = c.key[0];
            if (c.rates.length > 0) {
                counts[k] = c.rates[0].count();
                windowSeconds[k] = c.rates[0].windowSeconds();
            }
            for (int slot : c.slots) {
                usesUser |= slot == USER;
            }
        }
        this.customUsesUser = usesUser;
    }

    /**
     * Appends the entries of every limit that applies to the request to {@code d}'s batch, which the caller has
     * begun, and sets {@code d}'s {@link Decision#limitsPresent} to the limits that had entries.
     *
     * @param user the user as given
     * @param tenant the normalised tenant, or {@code null}
     * @param tool the tool as given, or {@code null}
     * @param request the request, for caller-set attributes; {@code null} when it has none
     */
    void fill(Decision d, String user, String tenant, String tool, Request request) {
        Batch batch = d.batch;
        long present = 0;
        String normalisedUser = null;
        if (userName != null) {
            normalisedUser = RateLimiter.normaliseUser(user);
            batch.add(userName, Attributes.USER, normalisedUser, userCount, userWindowSeconds);
            present = userBit;
        }
        if (tenantName != null && tenant != null) {
            batch.add(tenantName, Attributes.TENANT, tenant, tenantCount, tenantWindowSeconds);
            present |= tenantBit;
        }
        if (tools != null && tool != null && addTool(batch, tools, tool)) {
            present |= tools.bit;
        }
        if (limits.length > 0) {
            present |= addCustom(d, normalisedUser == null && customUsesUser ? RateLimiter.normaliseUser(user)
                    : normalisedUser, tenant, tool, request);
        }
        d.limitsPresent = present;
    }

    /** The custom limits, in configuration order; returns the bits of those that had entries. */
    private long addCustom(Decision d, String normalisedUser, String tenant, String tool, Request request) {
        Batch batch = d.batch;
        int[] shapes = this.shapes;
        long present = 0;
        for (int k = 0; k < shapes.length; k++) {
            int shape = shapes[k];
            if (shape == ONE_USER) {
                batch.add(names[k], Attributes.USER, normalisedUser, counts[k], windowSeconds[k]);
                present |= bits[k];
            } else if (shape == ONE_TENANT) {
                if (tenant != null) {
                    batch.add(names[k], Attributes.TENANT, tenant, counts[k], windowSeconds[k]);
                    present |= bits[k];
                }
            } else if (addOther(d, k, normalisedUser, tenant, tool, request)) {
                present |= bits[k];
            }
        }
        return present;
    }

    /** A limit of any shape but the commonest two; returns true when it had entries. */
    private boolean addOther(Decision d, int k, String normalisedUser, String tenant, String tool,
            Request request) {
        return switch (shapes[k]) {
            case ONE_OTHER -> {
                String value = request == null ? null
                        : Attributes.normaliseOther(request.other(firstAttributes[k]));
                if (value != null) {
                    d.batch.add(names[k], firstAttributes[k], value, counts[k], windowSeconds[k]);
                }
                yield value != null;
            }
            case TOOLS -> addTool(d.batch, limits[k], tool);
            default -> addGeneral(d, limits[k], normalisedUser, tenant, tool, request);
        };
    }

    /**
     * The tool preset: the tool as given is looked up first, since a name found among the normalised names is
     * normalised already, and most requests name a configured tool exactly; only the rest are trimmed and
     * lower-cased. Returns true when the tool has a rate, and so an entry.
     */
    private static boolean addTool(Batch batch, Compiled limit, String tool) {
        if (tool == null) {
            return false;
        }
        String name = tool;
        Rate rate = limit.toolRates.get(name);
        if (rate == null) {
            name = Attributes.normaliseTool(tool);
            rate = name == null || name.equals(tool) ? null : limit.toolRates.get(name);
        }
        if (rate == null) {
            return false;
        }
        batch.add(limit.name, Attributes.TOOL, name, rate.count(), rate.windowSeconds());
        return true;
    }

    /**
     * Any other limit: every key attribute's value, the first matching override, then an entry per rate. Returns
     * true when it had entries: the request had every key attribute, and a rate applies.
     */
    private static boolean addGeneral(Decision d, Compiled limit, String normalisedUser, String tenant, String tool,
            Request request) {
        Rate[] rates = limit.rates;
        int overrideOrder = Integer.MAX_VALUE;
        int n = limit.slots.length;
        // The first part is kept in a local: then a key of one part needs no scratch.
        String first = null;
        String[] more = n > 1 ? d.keyScratch(n) : null;
        for (int j = 0; j < n; j++) {
            String value = switch (limit.slots[j]) {
                case USER -> normalisedUser;
                case TENANT -> tenant;
                case TOOL -> Attributes.normaliseTool(tool);
                default -> request == null ? null : Attributes.normaliseOther(request.other(limit.key[j]));
            };
            if (value == null) {
                return false;
            }
            if (j == 0) {
                first = value;
            } else {
                more[j] = value;
            }
            ByValue byValue = limit.hasOverrides ? limit.overrides[j] : null;
            OverrideRates o = byValue == null ? null : byValue.rates.get(value);
            if (o != null && o.order < overrideOrder) {
                overrideOrder = o.order;
                rates = o.rates;
            }
        }
        if (rates.length == 0) {
            return false;
        }
        Batch batch = d.batch;
        if (n == 1) {
            batch.add(limit.name, limit.key[0], first, rates[0].count(), rates[0].windowSeconds());
        } else {
            batch.key(limit.name).part(limit.key[0], first);
            for (int j = 1; j < n; j++) {
                batch.part(limit.key[j], more[j]);
            }
            batch.rate(rates[0].count(), rates[0].windowSeconds());
        }
        for (int r = 1; r < rates.length; r++) {
            batch.rate(rates[r].count(), rates[r].windowSeconds());
        }
        return true;
    }
}
