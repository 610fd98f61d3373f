package dev.sluice.redis;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.LimiterConfig;
import dev.sluice.Rate;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Section 1, "only IllegalArgumentException, whatever the input", for the Redis backend's settings: seeded
 * random values of every type in every {@code redis_*} key, with the backend selected or not. A failure prints
 * its seed; replay it with {@code -Dsluice.seed=<seed>}.
 */
class RedisOptionsRandomInputTest {
    private static final long[] DEFAULT_SEEDS = {1L, 7L, 42L, 20_240_601L};
    private static final int ROUNDS = 500;
    private static final Object[] VALUES = {null, "", " ", "redis://h:1", "redis://h:0", "redis://h:abc",
        "redis-sentinel://h:26379,h2#m", "redis-sentinel://h", "redis://h1,redis://h2", "redis://h1,,", "http://x",
        "rediss://u:p%40w@h:6380/2", "redis://[::1", "redis://redis_cache:6379", "rl", "a:b", " gw", "gw", "\u00a0",
        "\ud800", "%", "true", "FALSE", "yes", "250", " 2000 ", "99999999999999999999", true, false, 0, -1, 250,
        Integer.MAX_VALUE, Long.MAX_VALUE, 86_400_000L, 86_400_001L, 1.5, Duration.ZERO, Duration.ofNanos(1),
        Duration.ofMillis(250), Duration.ofDays(2), Duration.ofSeconds(Long.MAX_VALUE), Duration.ofSeconds(-1),
        Rate.of(5, 60), List.of("redis://h:1"), Map.of("redis_url", "redis://h:1"), new Object()};
    private static final Logger CONFIG_LOG = Logger.getLogger(LimiterConfig.class.getName());

    private Level savedLevel;

    static LongStream seeds() {
        String replay = System.getProperty("sluice.seed");
        return replay == null || replay.isBlank() ? LongStream.of(DEFAULT_SEEDS) : LongStream.of(Long.decode(replay.strip()));
    }

    @BeforeEach
    void quietWarnings() {
        savedLevel = CONFIG_LOG.getLevel();
        CONFIG_LOG.setLevel(Level.OFF);
    }

    @AfterEach
    void restoreWarnings() {
        CONFIG_LOG.setLevel(savedLevel);
    }

    @ParameterizedTest(name = "seed={0}")
    @MethodSource("seeds")
    void buildingEndsInAConfigurationOrOneIllegalArgumentException(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int accepted = 0;
        for (int round = 0; round < ROUNDS; round++) {
            Map<String, Object> settings = new HashMap<>();
            for (String key : RedisOptions.KEYS) {
                if (random.nextInt(3) == 0) {
                    settings.put(key, random.nextBoolean() ? VALUES[random.nextInt(VALUES.length)] : plausible(key, random));
                }
            }
            if (random.nextBoolean()) {
                settings.put("backend", "redis");
            }
            if (random.nextInt(4) == 0) {
                settings.put("fail_mode", "open");
            }
            try {
                LimiterConfig.fromMap(settings).options(RedisOptions.class);
                accepted++;
            } catch (IllegalArgumentException expected) {
                // one exception listing the problems: the property holds
            } catch (RuntimeException | Error e) {
                throw new AssertionError("seed=" + seed + " (replay with -Dsluice.seed=" + seed + ") round=" + round
                        + ": fromMap threw " + e + " for " + settings, e);
            }
        }
        // Both outcomes were exercised, not only the refusal.
        assertTrue(accepted >= ROUNDS / 20, "seed=" + seed + ": accepted " + accepted);
    }

    /** A valid value of the key's own type. */
    private static Object plausible(String key, SplittableRandom random) {
        return switch (key) {
            case "redis_url" -> new String[] {"redis://cache:6379", "redis-sentinel://s1,s2:26380#main",
                "redis://h1:7000,redis://h2:7001"}[random.nextInt(3)];
            case "redis_key_prefix" -> "gw";
            case "redis_connect_timeout_ms", "redis_command_timeout_ms" -> 1 + random.nextLong(86_400_000L);
            default -> random.nextBoolean();
        };
    }
}
