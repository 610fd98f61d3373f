package dev.sluice.redis;

import dev.sluice.Dimension;
import dev.sluice.spi.Batch;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The Redis key of one limit's entry: {@code {prefix}:{keySpace}:{value}:{window_seconds}}, or with tenant-scoped
 * keys on and a tenant present, {@code {prefix}:{tenant}:{keySpace}:{value}:{window_seconds}}. The braces are
 * placeholders, not Redis hash tags. For the presets the format is fixed by the system Sluice shares counters
 * with: the key space is the dimension ({@code user}, {@code tenant}, {@code tool}) and the value is the request's,
 * e.g. {@code rl:user:alice@example.com:60} or {@code rl:acme:user:alice:60}.
 *
 * <h2>Unambiguous for every input</h2>
 * A tenant-scoped key's tenant segment has every {@code ':'} replaced by {@code '_'}, as a user's value always
 * has, and so has the tenant dimension's value in such a key: otherwise the user {@code q} of the tenant
 * {@code p:user:q:tenant:p} would be {@code rl:p:user:q:tenant:p:user:q:60}, the tenant key of the tenant
 * {@code p:user:q}. With the tenant one segment, the segments after the prefix are the tenant, the dimension, the
 * value and the window, and no user or tenant string can name another one's key. An unscoped key keeps its value
 * as it is: its dimension and window are fixed segments, so the value is whatever lies between them.
 *
 * <h2>Custom limits and composite values</h2>
 * A limit other than a preset writes its name as the key space and the request's values of its attributes as the
 * value: one attribute gives the value alone ({@code rl:per_key:k-123:60}), several give {@code attr:value} pairs
 * joined by {@code '|'} in the limit's attribute order ({@code rl:per_route:api_key:k-123|route:/v1/search:60}).
 * Every value, attribute name and key space is escaped first, so that no input can name another key:
 * {@code ':'} becomes {@code %3A}, {@code '|'} becomes {@code %7C} and the escape character {@code '%'} itself
 * becomes {@code %25}. The escape is one to one, so two values share a key only when they are equal ({@code a:b}
 * and {@code a_b} stay apart, as on the embedded backend; a user's {@code ':'} is already {@code '_'} before it
 * gets here). An escaped value then contains no {@code ':'} and no {@code '|'}, and {@code '%'} only as the start
 * of an escape, so a composite value splits back into its attributes and values one way only. A key has a fixed number of segments for its limit (one value segment for
 * one attribute, the attribute count plus one for several), and the inner segments of a composite value hold a
 * {@code '|'}, which no tenant, name, attribute or escaped value holds: no request of one limit or tenant can
 * name a key of another. The presets are not escaped; their keys stay the original's byte for byte.
 *
 * <h2>Bounded</h2>
 * An identity segment (a user, a tenant, in the namespace or as a value) or a custom limit's whole value (after
 * escaping, every pair and separator included) whose UTF-8 exceeds {@link #MAX_IDENTITY_BYTES} is replaced by
 * {@code sha256:} and the 64 lower-case hex digits of the SHA-256 of that UTF-8, so that no client can make Redis
 * hold an arbitrarily large key; at or below the bound the segment is written as it is. The digest form cannot be
 * a plain segment: it contains a {@code ':'}, which a user, a tenant-scoped tenant and an escaped value never
 * keep, and a value that has exactly the digest form anyway (an unscoped tenant) is itself replaced by its digest.
 * Two segments therefore share a key only when their SHA-256 digests collide. Tool names of the {@code tool}
 * preset are the operator's own configuration and are written as configured.
 *
 * <p>Stateless and thread-safe.
 */
public final class RedisKeys {
    /**
     * The longest identity segment written as it is, in bytes of UTF-8: every e-mail address (at most 254
     * octets, RFC 5321) and every OpenID Connect subject (at most 255 ASCII characters) fits.
     */
    public static final int MAX_IDENTITY_BYTES = 256;

    private static final String DIGEST_MARK = "sha256:";
    private static final int DIGEST_HEX = 64;
    private static final String USER = Dimension.USER.key();
    private static final String TENANT = Dimension.TENANT.key();
    private static final String TOOL = Dimension.TOOL.key();

    private final String prefix;
    private final boolean tenantScoped;

    /**
     * Creates the key scheme of one limiter's configuration.
     *
     * @param prefix the first segment of every key ({@code redis_key_prefix})
     * @param tenantScoped true to put the request's tenant after the prefix ({@code redis_tenant_scoped_keys})
     */
    public RedisKeys(String prefix, boolean tenantScoped) {
        this.prefix = prefix;
        this.tenantScoped = tenantScoped;
    }

    /**
     * The key of a preset's entry.
     *
     * @param tenant the request's normalised tenant, or {@code null} (then the key is never tenant-scoped)
     * @param dimension the dimension
     * @param value the normalised user, tenant or tool name
     * @param windowSeconds the dimension's window
     * @return the key
     */
    public String key(String tenant, Dimension dimension, String value, long windowSeconds) {
        return preset(tenant, dimension.key(), value, windowSeconds);
    }

    /**
     * The key of entry {@code i} of {@code request}: a preset's as {@link #key(String, Dimension, String, long)}
     * writes it, any other limit's with its escaped, possibly composite value.
     */
    String key(Batch request, int i) {
        String keySpace = request.keySpace(i);
        int parts = request.partCount(i);
        if (parts == 1 && isPreset(keySpace) && keySpace.equals(request.attribute(i, 0))) {
            return preset(request.tenant(), keySpace, request.part(i, 0), request.windowSeconds(i));
        }
        StringBuilder value = new StringBuilder(32 * parts);
        if (parts == 1) {
            escape(request.part(i, 0), value);
        } else {
            for (int j = 0; j < parts; j++) {
                if (j > 0) {
                    value.append('|');
                }
                escape(request.attribute(i, j), value);
                value.append(':');
                escape(request.part(i, j), value);
            }
        }
        StringBuilder key = namespace(request.tenant(), keySpace.length() + 48 + Math.min(value.length(), 2 * DIGEST_HEX));
        escape(keySpace, key);
        return key.append(':').append(bounded(value.toString())).append(':').append(request.windowSeconds(i)).toString();
    }

    private String preset(String tenant, String keySpace, String value, long windowSeconds) {
        boolean scoped = tenantScoped && tenant != null;
        StringBuilder key = namespace(tenant, 48 + Math.min(value.length(), 2 * DIGEST_HEX)).append(keySpace).append(':');
        if (keySpace.equals(TOOL)) {
            key.append(value);
        } else {
            key.append(bounded(scoped && keySpace.equals(TENANT) ? value.replace(':', '_') : value));
        }
        return key.append(':').append(windowSeconds).toString();
    }

    /** {@return a builder holding the prefix and, for a tenant-scoped key, the tenant segment, each with its ':'} */
    private StringBuilder namespace(String tenant, int more) {
        StringBuilder key = new StringBuilder(prefix.length() + more).append(prefix).append(':');
        if (tenantScoped && tenant != null) {
            key.append(bounded(tenant.replace(':', '_'))).append(':');
        }
        return key;
    }

    private static boolean isPreset(String keySpace) {
        return keySpace.equals(USER) || keySpace.equals(TENANT) || keySpace.equals(TOOL);
    }

    /**
     * Appends {@code text} escaped: {@code ':'} as {@code %3A}, {@code '|'} as {@code %7C}, {@code '%'} as
     * {@code %25}, every other character as it is.
     */
    static void escape(String text, StringBuilder into) {
        for (int k = 0; k < text.length(); k++) {
            char c = text.charAt(k);
            switch (c) {
                case ':' -> into.append("%3A");
                case '|' -> into.append("%7C");
                case '%' -> into.append("%25");
                default -> into.append(c);
            }
        }
    }

    /** {@return {@code segment}, or its digest when it is too long or has the digest's own form} */
    static String bounded(String segment) {
        // A UTF-16 unit is 1 to 3 bytes of UTF-8: short strings need no count, long ones no check.
        boolean tooLong = segment.length() > MAX_IDENTITY_BYTES
                || (segment.length() * 3 > MAX_IDENTITY_BYTES
                        && segment.getBytes(StandardCharsets.UTF_8).length > MAX_IDENTITY_BYTES);
        return tooLong || looksLikeDigest(segment) ? digest(segment.getBytes(StandardCharsets.UTF_8)) : segment;
    }

    private static boolean looksLikeDigest(String segment) {
        if (segment.length() != DIGEST_MARK.length() + DIGEST_HEX || !segment.startsWith(DIGEST_MARK)) {
            return false;
        }
        for (int i = DIGEST_MARK.length(); i < segment.length(); i++) {
            char c = segment.charAt(i);
            if ((c < '0' || c > '9') && (c < 'a' || c > 'f')) {
                return false;
            }
        }
        return true;
    }

    private static String digest(byte[] utf8) {
        try {
            return DIGEST_MARK + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(utf8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JDK", e);
        }
    }
}
