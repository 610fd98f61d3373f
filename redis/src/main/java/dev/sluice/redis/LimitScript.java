package dev.sluice.redis;

import dev.sluice.Algorithm;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * One algorithm's Lua script, read once from this package's resources, with the SHA-1 that EVALSHA names it
 * by: the algorithm's file ({@code fixed_window.lua}, ...) followed by {@code driver.lua}, which every script
 * shares. Every script takes the same arguments and returns the same shape; {@code docs/redis.md} is the contract.
 *
 * <p>Immutable and thread-safe.
 */
final class LimitScript {
    /**
     * Integers each key contributes to a script's reply: room (1, 0, or a failure), remaining after the charge,
     * reset-after ns, retry-after ns (0 with room).
     */
    static final int REPLY_WIDTH = 4;
    /** Integers before the keys' in a reply: the time the call read from Redis' {@code TIME}, 0 when it read none. */
    static final int REPLY_HEADER = 1;

    /** Operation of a check: charge each key that has room. */
    static final int CHECK = 0;
    /** Operation of a check: charge every key when each has room, else none. */
    static final int CHECK_ALL = 1;
    /** Operation of a check: answer as {@link #CHECK} would, writing nothing. */
    static final int PEEK = 2;
    /** Operation of a check: delete every key. */
    static final int RESET = 3;
    /** Operation of a check: take back what a {@link #CHECK_ALL} of the same time and member charged. */
    static final int UNDO = 4;

    private static final String DRIVER = "driver.lua";

    private final String resource;
    private final String source;
    private final String sha1;

    private LimitScript(String resource, String source) {
        this.resource = resource;
        this.source = source;
        this.sha1 = sha1Hex(source);
    }

    static LimitScript of(Algorithm algorithm) {
        return of(algorithm.configName());
    }

    /**
     * @param algorithm the algorithm's configuration name
     * @throws IllegalArgumentException when the Redis backend has no script for it
     */
    static LimitScript of(String algorithm) {
        if (!List.of("fixed_window", "sliding_window", "token_bucket").contains(algorithm)) {
            throw new IllegalArgumentException("algorithm=\"" + algorithm
                    + "\": the Redis backend has no script for it");
        }
        String resource = algorithm + ".lua";
        return new LimitScript(resource, read(resource) + read(DRIVER));
    }

    String resource() {
        return resource;
    }

    String source() {
        return source;
    }

    String sha1() {
        return sha1;
    }

    private static String read(String resource) {
        try (InputStream in = LimitScript.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("script resource " + resource + " is missing from sluice-redis");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read script resource " + resource, e);
        }
    }

    private static String sha1Hex(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is required of every JDK", e);
        }
    }
}
