package dev.sluice;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A configuration's limits made ready for the request path: for each limit in evaluation order, its key's
 * attributes as slots, its rates as an array, and its overrides as one map per key attribute from normalised
 * value to rates. {@link #fill} turns one request into a batch's entries: each limit whose key attributes the
 * request has, at the rates in force for it, one entry per rate.
 *
 * <p>Immutable and thread-safe; {@code fill} allocates nothing once the decision's scratch has grown.
 */
final class LimitPlan {
    private static final int USER = 0;
    private static final int TENANT = 1;
    private static final int TOOL = 2;
    private static final int OTHER = 3;

    private final Compiled[] limits;
    /** The most attributes one limit's key has. */
    final int widestKey;

    /** One limit, compiled. */
    private static final class Compiled {
        final String name;
        final String[] key;
        final int[] slots;
        final Rate[] rates;
        /** Per key attribute, its overrides by normalised value; {@code null} where it has none. */
        final ByValue[] overrides;
        final boolean hasOverrides;

        Compiled(Limit limit) {
            this.name = limit.name();
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

    LimitPlan(List<Limit> limits) {
        this.limits = new Compiled[limits.size()];
        int widest = 0;
        for (int i = 0; i < limits.size(); i++) {
            this.limits[i] = new Compiled(limits.get(i));
            widest = Math.max(widest, this.limits[i].key.length);
        }
        this.widestKey = widest;
    }

    /**
     * Appends the entries of every limit that applies to the request to {@code d}'s batch, which the caller has
     * begun.
     *
     * @param user the user as given
     * @param tenant the normalised tenant, or {@code null}
     * @param tool the tool as given, or {@code null}
     * @param request the request, for caller-set attributes; {@code null} when it has none
     */
    void fill(Decision d, String user, String tenant, String tool, Request request) {
        String[] values = d.keyScratch(widestKey);
        String normalisedUser = null;
        String normalisedTool = null;
        boolean toolDone = false;
        for (Compiled limit : limits) {
            Rate[] rates = limit.rates;
            int overrideOrder = Integer.MAX_VALUE;
            int n = limit.slots.length;
            boolean present = true;
            for (int j = 0; j < n; j++) {
                ByValue byValue = limit.hasOverrides ? limit.overrides[j] : null;
                Map<String, OverrideRates> overrides = byValue == null ? null : byValue.rates;
                String value;
                switch (limit.slots[j]) {
                    case USER -> {
                        if (normalisedUser == null) {
                            normalisedUser = RateLimiter.normaliseUser(user);
                        }
                        value = normalisedUser;
                    }
                    case TENANT -> value = tenant;
                    case TOOL -> {
                        if (!toolDone) {
                            // A name found as given among the normalised names is normalised already: most
                            // requests name a configured tool exactly, and need no trimming or lower-casing.
                            normalisedTool = tool != null && overrides != null && overrides.containsKey(tool)
                                    ? tool : Attributes.normaliseTool(tool);
                            toolDone = true;
                        }
                        value = normalisedTool;
                    }
                    default -> value = request == null ? null : Attributes.normaliseOther(request.other(limit.key[j]));
                }
                if (value == null) {
                    present = false;
                    break;
                }
                values[j] = value;
                if (overrides != null) {
                    OverrideRates o = overrides.get(value);
                    if (o != null && o.order < overrideOrder) {
                        overrideOrder = o.order;
                        rates = o.rates;
                    }
                }
            }
            if (!present || rates.length == 0) {
                continue;
            }
            d.batch.key(limit.name);
            for (int j = 0; j < n; j++) {
                d.batch.part(limit.key[j], values[j]);
            }
            for (Rate rate : rates) {
                d.addRate(rate);
            }
        }
    }
}
