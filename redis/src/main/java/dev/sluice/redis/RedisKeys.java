package dev.sluice.redis;

import dev.sluice.Dimension;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The Redis key of one dimension, fixed by the system Sluice shares counters with:
 * {@code {prefix}:{dimension}:{value}:{window_seconds}}, e.g. {@code rl:user:alice@example.com:60}, or with
 * tenant-scoped keys on and a tenant present, {@code {prefix}:{tenant}:{dimension}:{value}:{window_seconds}},
 * e.g. {@code rl:acme:user:alice:60}. The braces are placeholders, not Redis hash tags.
 *
 * <h2>Unambiguous for every input</h2>
 * A tenant-scoped key's tenant segment has every {@code ':'} replaced by {@code '_'}, as a user's value always
 * has, and so has the tenant dimension's value in such a key: otherwise the user {@code q} of the tenant
 * {@code p:user:q:tenant:p} would be {@code rl:p:user:q:tenant:p:user:q:60}, the tenant key of the tenant
 * {@code p:user:q}. With the tenant one segment, the segments after the prefix are the tenant, the dimension, the
 * value and the window, and no user or tenant string can name another one's key. An unscoped key keeps its value
 * as it is: its dimension and window are fixed segments, so the value is whatever lies between them.
 *
 * <h2>Bounded</h2>
 * An identity segment (a user, a tenant, in the namespace or as a value) whose UTF-8 exceeds
 * {@link #MAX_IDENTITY_BYTES} is replaced by {@code sha256:} and the 64 lower-case hex digits of the SHA-256 of
 * that UTF-8, so that no client can make Redis hold an arbitrarily large key; at or below the bound the segment is
 * written as it is. The digest form cannot be a plain segment: it contains a {@code ':'}, which a user and a
 * tenant-scoped tenant never keep, and an unscoped tenant value that has exactly the digest form is itself
 * replaced by its digest. Two segments therefore share a key only when their SHA-256 digests collide. Tool names
 * are the operator's own configuration and are written as configured.
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
     * Builds the key that holds one dimension's counter for one request, in the form the class comment gives.
     *
     * @param tenant the request's normalised tenant, or {@code null} (then the key is never tenant-scoped)
     * @param dimension the dimension
     * @param value the normalised user, tenant or tool name
     * @param windowSeconds the dimension's window
     * @return the key
     */
    public String key(String tenant, Dimension dimension, String value, long windowSeconds) {
        return key(tenant, dimension.key(), value, windowSeconds);
    }

    /**
     * Builds the key that holds one limit's counter for one request at one of its rates: a preset's as the class
     * comment gives it, a custom limit's with its name in the dimension's place.
     *
     * @param tenant the request's normalised tenant, or {@code null} (then the key is never tenant-scoped)
     * @param keySpace the name the limit's keys carry: {@code user}, {@code tenant}, {@code tool} or a custom
     *     limit's name
     * @param value the key's normalised value
     * @param windowSeconds the window
     * @return the key
     */
    public String key(String tenant, String keySpace, String value, long windowSeconds) {
        boolean scoped = tenantScoped && tenant != null;
        StringBuilder key = new StringBuilder(prefix.length() + 48 + Math.min(value.length(), 2 * DIGEST_HEX))
                .append(prefix).append(':');
        if (scoped) {
            key.append(bounded(tenant.replace(':', '_'))).append(':');
        }
        key.append(keySpace).append(':');
        if (keySpace.equals(Dimension.TOOL.key())) {
            key.append(value);
        } else {
            key.append(bounded(scoped && keySpace.equals(Dimension.TENANT.key()) ? value.replace(':', '_') : value));
        }
        return key.append(':').append(windowSeconds).toString();
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
