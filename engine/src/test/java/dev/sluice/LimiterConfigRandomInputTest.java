package dev.sluice;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.internal.MemoryOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Section 1, "only IllegalArgumentException, whatever the input", on seeded random settings maps: values of
 * every type in every known key, keys that are not strings, nested maps; and what is accepted, the embedded
 * backend's {@code create} never refuses. A failure prints its seed; replay it with {@code -Dsluice.seed=<seed>}.
 */
class LimiterConfigRandomInputTest {
    private static final long[] DEFAULT_SEEDS = {1L, 7L, 42L, 20_240_601L};
    private static final int ROUNDS = 2_000;
    private static final String[] STRINGS = {"", " ", "60/m", "+1_000/m", "1__0/m", "5/fortnight", "abc", "0", "1",
        "-5", "42", " 4096 ", "99999999999999999999", "true", "FALSE", "yes", "local", "open", "closed", "memory",
        "redis", "Fixed_Window", "token_bucket", "sliding_window", "enforce", "permissive", "disabled",
        "redis://h:1", "redis://h:0", "redis://h:abc", "redis-sentinel://h:26379,h2#m", "redis-sentinel://h",
        "redis://h1,redis://h2", "redis://h1,,", "http://x", "rl", "a:b", "\u00a0", "2000000/s", "1048575/s",
        "\ud800", "%", "[::1"};
    private static final Logger CONFIG_LOG = Logger.getLogger(LimiterConfig.class.getName());
    /** Every key the configuration and its backends own, and the Redis backend's, unknown here. */
    private static final List<String> KEYS = Stream.concat(LimiterConfig.knownKeys().stream(),
            Stream.of("redis_url", "redis_key_prefix", "redis_cluster", "redis_command_timeout_ms")).toList();

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
        int created = 0;
        for (int round = 0; round < ROUNDS; round++) {
            Map<Object, Object> settings = randomSettings(random);
            @SuppressWarnings("unchecked")
            Map<String, ?> asGiven = (Map<String, ?>) (Map<?, ?>) settings;
            LimiterConfig config;
            try {
                config = LimiterConfig.fromMap(asGiven);
            } catch (IllegalArgumentException expected) {
                continue;
            } catch (RuntimeException | Error e) {
                throw failure(seed, round, settings, "fromMap", e);
            }
            accepted++;
            if (config.backend().equals("memory") && config.options(MemoryOptions.class).maxKeys() <= 4_096) {
                try (RateLimiter limiter = RateLimiter.create(config, ManualClock.atEpochSeconds(1_000))) {
                    limiter.check("alice", "acme", "search");
                    limiter.check(new Request().user("alice").tenant("acme").tool("search").attribute("api_key", "k")
                            .attribute("route", "/r").permits(1 + random.nextInt(3)));
                    created++;
                } catch (RuntimeException | Error e) {
                    throw failure(seed, round, settings, "create of an accepted configuration", e);
                }
            }
        }
        // Both properties were exercised, not only the refusal.
        assertTrue(accepted >= ROUNDS / 20 && created >= ROUNDS / 100,
                "seed=" + seed + ": accepted " + accepted + ", created " + created);
    }

    private static AssertionError failure(long seed, int round, Map<Object, Object> settings, String step, Throwable e) {
        return new AssertionError("seed=" + seed + " (replay with -Dsluice.seed=" + seed + ") round=" + round + ": "
                + step + " threw " + e + " for " + settings, e);
    }

    private static Map<Object, Object> randomSettings(SplittableRandom random) {
        Map<Object, Object> settings = new HashMap<>();
        for (String key : KEYS) {
            if (random.nextInt(3) == 0) {
                settings.put(key, random.nextInt(8) == 0 ? randomValue(random) : plausibleValue(key, random));
            }
        }
        switch (random.nextInt(12)) {
            case 0 -> settings.put(random.nextInt(100), randomValue(random));
            case 1 -> settings.put(null, randomValue(random));
            case 2 -> settings.put("zeta", randomValue(random));
            default -> {
            }
        }
        return settings;
    }

    /** A value of the key's own type, mostly valid, sometimes just past a bound. */
    private static Object plausibleValue(String key, SplittableRandom random) {
        String[] rates = {"5/m", "+60/m", "1_000/h", "1048575/s", "2000000/s", "3/d", " 7 / s "};
        return switch (key) {
            case "by_user", "by_tenant" -> random.nextBoolean() ? rates[random.nextInt(rates.length)]
                    : Rate.of(1 + random.nextLong(1_100_000), 1 + random.nextLong(8L * 86_400));
            case "by_tool" -> random.nextBoolean() ? Map.of("search", rates[random.nextInt(rates.length)])
                    : randomMap(random);
            case "algorithm" -> new String[] {"fixed_window", "sliding_window", "token_bucket"}[random.nextInt(3)];
            case "backend" -> random.nextInt(4) == 0 ? "redis" : "memory";
            case "redis_url" -> new String[] {"redis://cache:6379", "redis-sentinel://s1,s2:26380#main",
                "redis://h1:7000,redis://h2:7001"}[random.nextInt(3)];
            case "redis_key_prefix" -> "gw";
            case "fail_mode" -> new String[] {"local", "open", "closed"}[random.nextInt(3)];
            case "mode" -> new String[] {"enforce", "permissive", "disabled"}[random.nextInt(3)];
            case "max_count" -> 1 + random.nextInt(2_000_000);
            case "memory_max_keys" -> random.nextInt(4) == 0 ? (1L << 30) + random.nextInt(2) : 1 + random.nextInt(4_096);
            case "memory_max_key_bytes" -> random.nextInt(-100, 100_000);
            case "memory_budget_bytes" -> 1L + random.nextLong(64L << 20);
            case "redis_connect_timeout_ms", "redis_command_timeout_ms" -> 1 + random.nextLong(86_400_001L);
            case "limits" -> random.nextInt(4) == 0 ? randomValue(random) : plausibleLimits(random, rates);
            default -> random.nextBoolean();
        };
    }

    /** A list of limits, each mostly of the right shape, with a wrong name, key, rate or override here and there. */
    private static List<Object> plausibleLimits(SplittableRandom random, String[] rates) {
        Object[] names = {"api", "per_key", "l1", "API", "user", "", 42, null};
        Object[] keys = {"user", "tenant", "api_key", "route", List.of("tenant", "api_key"), List.of("user", "route"),
            List.of(), List.of("a", "a"), "Bad-Name", 7};
        List<Object> limits = new ArrayList<>();
        for (int n = random.nextInt(4); n > 0; n--) {
            if (random.nextInt(10) == 0) {
                limits.add(randomMap(random));
                continue;
            }
            Map<Object, Object> limit = new LinkedHashMap<>();
            limit.put("name", names[random.nextInt(random.nextInt(8) == 0 ? names.length : 3)]);
            Object key = keys[random.nextInt(random.nextInt(8) == 0 ? keys.length : 6)];
            limit.put("key", key);
            if (random.nextInt(4) > 0) {
                limit.put("rates", random.nextBoolean() ? rates[random.nextInt(rates.length)]
                        : List.of(rates[random.nextInt(rates.length)], rates[random.nextInt(rates.length)]));
            }
            if (random.nextInt(3) == 0) {
                String attribute = key instanceof String k ? k : key instanceof List<?> l && !l.isEmpty()
                        ? String.valueOf(l.get(0)) : "tenant";
                Map<Object, Object> override = new LinkedHashMap<>();
                override.put(random.nextInt(8) == 0 ? "plan" : attribute,
                        random.nextInt(8) == 0 ? randomValue(random) : STRINGS[random.nextInt(STRINGS.length)]);
                override.put("rates", random.nextInt(8) == 0 ? randomValue(random) : rates[random.nextInt(rates.length)]);
                limit.put("overrides", List.of(override));
            }
            if (random.nextInt(10) == 0) {
                limit.put(random.nextBoolean() ? "rate" : random.nextInt(5), randomValue(random));
            }
            limits.add(limit);
        }
        return limits;
    }

    private static Map<Object, Object> randomMap(SplittableRandom random) {
        Map<Object, Object> map = new HashMap<>();
        int n = random.nextInt(4);
        for (int i = 0; i < n; i++) {
            Object key = switch (random.nextInt(6)) {
                case 0 -> null;
                case 1 -> random.nextInt(10);
                default -> STRINGS[random.nextInt(STRINGS.length)];
            };
            map.put(key, randomValue(random));
        }
        return map;
    }

    private static Object randomValue(SplittableRandom random) {
        return switch (random.nextInt(14)) {
            case 0 -> null;
            case 1 -> random.nextBoolean();
            case 2 -> random.nextInt(-10, 5_000);
            case 3 -> random.nextInt();
            case 4 -> new long[] {Long.MAX_VALUE, Long.MIN_VALUE, 1L << 30, (1L << 30) + 1, 1L << 53, 0L, -1L,
                1_048_576L, 86_400_000L, 86_400_001L}[random.nextInt(10)];
            case 5 -> random.nextDouble() * 100;
            case 6 -> Rate.of(1 + random.nextLong(2_000_000), 1 + random.nextLong(30L * 86_400));
            case 7 -> new Duration[] {Duration.ZERO, Duration.ofNanos(1), Duration.ofMillis(250), Duration.ofDays(2),
                Duration.ofSeconds(Long.MAX_VALUE), Duration.ofSeconds(-1)}[random.nextInt(6)];
            case 8 -> new Object[] {Algorithm.TOKEN_BUCKET, Algorithm.SLIDING_WINDOW, Mode.PERMISSIVE, FailMode.LOCAL,
                FailMode.CLOSED}[random.nextInt(5)];
            case 9 -> List.of("60/m");
            case 10 -> new Object();
            case 11 -> randomString(random);
            default -> STRINGS[random.nextInt(STRINGS.length)];
        };
    }

    private static String randomString(SplittableRandom random) {
        StringBuilder s = new StringBuilder();
        int n = random.nextInt(12);
        for (int i = 0; i < n; i++) {
            s.append((char) (random.nextBoolean() ? random.nextInt(0x20, 0x7F) : random.nextInt(0x10000)));
        }
        return s.toString();
    }
}
