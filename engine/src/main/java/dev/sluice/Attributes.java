package dev.sluice;

import java.util.Locale;

/**
 * The request attributes limits are keyed by: the three every request has a place for ({@code user},
 * {@code tenant}, {@code tool}) and the ones a caller sets by name ({@link Request#attribute}). Says which
 * names are valid and how each attribute's value is normalised, at configuration time (override values) and at
 * request time alike, so that an override matches exactly the requests it names.
 *
 * <p>Stateless and thread-safe.
 */
final class Attributes {
    static final String USER = "user";
    static final String TENANT = "tenant";
    static final String TOOL = "tool";
    /** The longest limit or attribute name. */
    static final int MAX_NAME_LENGTH = 64;
    static final String NAME_RULE = "lower-case letters, digits and '_', starting with a letter, at most "
            + MAX_NAME_LENGTH + " characters";

    private Attributes() {
    }

    /** {@return true when {@code name} is a valid limit or attribute name} */
    static boolean validName(String name) {
        int n = name.length();
        if (n == 0 || n > MAX_NAME_LENGTH || name.charAt(0) < 'a' || name.charAt(0) > 'z') {
            return false;
        }
        for (int i = 1; i < n; i++) {
            char c = name.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) {
                return false;
            }
        }
        return true;
    }

    /**
     * {@return the value as keys carry it, or {@code null} when the request has none: the user is trimmed, blank
     *     becomes {@code anonymous} and every {@code ':'} becomes {@code '_'}; the tool is trimmed and lower-cased; the
     *     tenant and every other attribute are trimmed; a blank tenant, tool or other attribute is none}
     *
     * @param attribute an attribute's name
     * @param value a value as a caller gave it, or {@code null}
     */
    static String normalise(String attribute, String value) {
        return switch (attribute) {
            case USER -> RateLimiter.normaliseUser(value);
            case TENANT -> RateLimiter.normaliseTenant(value);
            case TOOL -> normaliseTool(value);
            default -> normaliseOther(value);
        };
    }

    /** {@return the tool trimmed and lower-cased, or {@code null} when blank} */
    static String normaliseTool(String tool) {
        if (tool == null) {
            return null;
        }
        String t = Whitespace.strip(tool).toLowerCase(Locale.ROOT);
        return t.isEmpty() ? null : t;
    }

    /** {@return a caller-set attribute's value trimmed, or {@code null} when blank} */
    static String normaliseOther(String value) {
        if (value == null) {
            return null;
        }
        if (Whitespace.unpadded(value)) {
            return value;
        }
        String v = Whitespace.strip(value);
        return v.isEmpty() ? null : v;
    }
}
