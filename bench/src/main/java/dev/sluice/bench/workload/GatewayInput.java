package dev.sluice.bench.workload;

import java.nio.charset.StandardCharsets;

/**
 * Identities as a gateway has them before any limiter sees them: bytes of a request (a header, a token's
 * claim), decoded into a new {@code String} for every request. A decoded string has no cached hash code and
 * is never the instance an earlier request used, so an implementation that keys a map by it pays for hashing
 * it, comparing it and building its own key from it, as it would in production; handing every implementation
 * the same pre-built, already-hashed {@code String} would hide exactly that cost from the on-heap peers.
 *
 * <p>Users: 33 ASCII characters, e-mail-like, {@code user-000000042@example-corp.co.uk}, one distinct id per
 * number below 10^9. Tenants: {@code tenant-00} to {@code tenant-99}. Tools: whatever names the workload
 * configures, as bytes.
 *
 * <p>An instance is a pool of request bytes, built once before measuring: {@link #user(int)} decodes one
 * of them. Building is not thread-safe; decoding is (it only reads the pool).
 */
public final class GatewayInput {
    /** Length of every user id, in bytes and in characters (ASCII). */
    public static final int USER_ID_BYTES = 33;
    /** User numbers must be below this to keep their ids distinct. */
    public static final long MAX_USERS = 1_000_000_000L;

    private static final byte[] USER_PREFIX = ascii("user-");
    private static final byte[] USER_DOMAIN = ascii("@example-corp.co.uk");
    private static final int USER_DIGITS = 9;

    private final byte[] users;
    private final int count;

    private GatewayInput(byte[] users, int count) {
        this.users = users;
        this.count = count;
    }

    /**
     * A pool of {@code count} users' request bytes: entry {@code i} holds the id of user {@code numbers[i]}.
     *
     * @param numbers the user number of each entry, each in {@code [0, MAX_USERS)}
     * @return the pool
     */
    public static GatewayInput ofUsers(int[] numbers) {
        byte[] users = new byte[Math.multiplyExact(numbers.length, USER_ID_BYTES)];
        for (int i = 0; i < numbers.length; i++) {
            writeUserId(numbers[i], users, i * USER_ID_BYTES);
        }
        return new GatewayInput(users, numbers.length);
    }

    /**
     * A pool whose entry {@code i} is user {@code i}, for {@code i} in {@code [0, count)}.
     *
     * @param count how many users
     * @return the pool
     */
    public static GatewayInput ofFirstUsers(int count) {
        int[] numbers = new int[count];
        for (int i = 0; i < count; i++) {
            numbers[i] = i;
        }
        return ofUsers(numbers);
    }

    /** @return how many entries the pool holds */
    public int size() {
        return count;
    }

    /**
     * Decodes entry {@code i}: a new string on every call.
     *
     * @param i the entry, in {@code [0, size())}
     * @return the user id
     */
    public String user(int i) {
        return decode(users, i * USER_ID_BYTES, USER_ID_BYTES);
    }

    /**
     * Writes user {@code number}'s id, {@link #USER_ID_BYTES} bytes, into {@code into} at {@code offset}.
     *
     * @param number the user's number, in {@code [0, MAX_USERS)}
     * @param into where the bytes go
     * @param offset where in {@code into}
     */
    public static void writeUserId(long number, byte[] into, int offset) {
        if (number < 0 || number >= MAX_USERS) {
            throw new IllegalArgumentException("number=" + number + ": must be in [0, " + MAX_USERS + ")");
        }
        System.arraycopy(USER_PREFIX, 0, into, offset, USER_PREFIX.length);
        long rest = number;
        for (int d = USER_DIGITS - 1; d >= 0; d--) {
            into[offset + USER_PREFIX.length + d] = (byte) ('0' + rest % 10);
            rest /= 10;
        }
        System.arraycopy(USER_DOMAIN, 0, into, offset + USER_PREFIX.length + USER_DIGITS, USER_DOMAIN.length);
    }

    /** @return user {@code number}'s id as bytes */
    public static byte[] userId(long number) {
        byte[] bytes = new byte[USER_ID_BYTES];
        writeUserId(number, bytes, 0);
        return bytes;
    }

    /** @return tenant {@code number}'s name as bytes, {@code tenant-00} to {@code tenant-99} */
    public static byte[] tenant(int number) {
        if (number < 0 || number > 99) {
            throw new IllegalArgumentException("number=" + number + ": must be in [0, 99]");
        }
        return ascii(String.format(java.util.Locale.ROOT, "tenant-%02d", number));
    }

    /** @return {@code text} as the bytes a request would carry */
    public static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    /** Decodes request bytes as a gateway does: UTF-8, into a new string. */
    public static String decode(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** Decodes {@code length} request bytes at {@code offset}: UTF-8, into a new string. */
    public static String decode(byte[] bytes, int offset, int length) {
        return new String(bytes, offset, length, StandardCharsets.UTF_8);
    }
}
