package dev.sluice.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sluice.Algorithm;
import dev.sluice.Decision;
import dev.sluice.LimiterConfig;
import dev.sluice.ManualClock;
import dev.sluice.RateLimiter;
import dev.sluice.redis.testing.LocalRedis;
import dev.sluice.redis.testing.RespClient;
import dev.sluice.testkit.ModelBackend;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * How the fixed-window script turns a window's end, kept as the key's expiry in whole milliseconds, into the
 * reset and retry-after of each request: the same whole seconds as the exact model, wherever the window's first
 * request falls, and on Redis 6.2 (no {@code PEXPIRETIME}) as on 7.0.
 */
class RedisFixedWindowEndTest {
    private static final long NANOS_PER_MILLI = 1_000_000L;
    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    private static final int ROUNDS = 40;
    private static LocalRedis redis;

    @BeforeAll
    static void startRedis() {
        redis = LocalRedis.start();
    }

    @AfterAll
    static void stopRedis() {
        redis.close();
    }

    /**
     * A window whose first request falls between two milliseconds once ended at the next millisecond, so the
     * first request of a 1 s window was told {@code reset_in} 2 where the model says 1, with the same reset second.
     */
    @ParameterizedTest(name = "{0} first request at +{1} ns")
    @CsvSource({"2/s, 250500000", "2/s, 250000000", "3/m, 999999", "3/m, 17250001", "1/h, 1500"})
    void resetsAreTheModelsWhereverTheFirstRequestFalls(String rate, long firstOffsetNanos) {
        LimiterConfig config = LimiterConfig.builder().backend("redis").redisUrl(redis.url())
                .algorithm(Algorithm.FIXED_WINDOW).byUser(rate).build();
        String user = "end-" + rate.replace('/', '-') + "-" + firstOffsetNanos + "-" + System.nanoTime();
        ManualClock clock = ManualClock.atEpochSeconds(RedisTestConfigs.nextEpochSecond());
        try (RateLimiter onRedis = RateLimiter.create(config, clock, RedisTestConfigs.backendFor(config, redis.url()));
                RateLimiter model = RateLimiter.create(config, clock, new ModelBackend(Algorithm.FIXED_WINDOW))) {
            // A few seconds ahead of Redis' clock, so that no key expires in real time before the requests are made.
            long first = (RedisTestConfigs.nextEpochSecond() + 5) * NANOS_PER_SECOND + firstOffsetNanos;
            // The same instant as the first, then whole seconds and half seconds after it.
            long[] afterFirstMillis = {0, 0, 0, 500, 1_000, 1_000, 1_500, 2_000, 3_000, 59_000, 60_000};
            for (long millis : afterFirstMillis) {
                long at = first + millis * NANOS_PER_MILLI;
                assertEquals(fingerprint(model.check(user, null, null, at)), fingerprint(onRedis.check(user, null, null, at)),
                        rate + ", first request at +" + firstOffsetNanos + " ns, request at first + " + millis + " ms");
            }
        }
    }

    /**
     * Without {@code PEXPIRETIME} (Redis 6.2) the window's end is the server's clock plus {@code PTTL}; reading the
     * clock after {@code PTTL} was a millisecond late whenever the clock ticked in between, about one reading in
     * five thousand, and a request then saw its window end a millisecond later: {@code reset_in} 2 instead of 1 for
     * a 1 s window. Every reading must be exact: 100,000 of them, of which the old script misread 34 on Redis 6.2
     * and 43 on Redis 7.0 (the chance that it misread none is below one in a billion).
     */
    @Test
    void windowEndReadWithoutPexpiretimeIsExactToTheMillisecond() {
        try (LocalRedis server = startWithoutPexpiretime(); RespClient cli = server.client()) {
            int keys = 2_500;
            long endsMillis = (System.currentTimeMillis() / 1000 + 3_600) * 1000 + 123;
            for (int i = 0; i < keys; i++) {
                cli.call("SET", "rl:user:u" + i + ":7200", "1", "PXAT", Long.toString(endsMillis));
            }
            long nowMicros = (endsMillis - 500) * 1000;
            String source = LimitScript.of(Algorithm.FIXED_WINDOW).source();
            List<String> command = new ArrayList<>(List.of("EVAL", source, Integer.toString(keys)));
            for (int i = 0; i < keys; i++) {
                command.add("rl:user:u" + i + ":7200");
            }
            command.add("0");
            for (int i = 0; i < keys; i++) {
                // Time, member, operation CHECK, one permit, one key: its limit and window.
                command.addAll(List.of(Long.toString(nowMicros), "", "0", "1", "1", "1000000", "7200"));
            }
            String[] call = command.toArray(String[]::new);
            int misread = 0;
            for (int round = 0; round < ROUNDS; round++) {
                List<Object> reply = cli.list(call);
                for (int i = 0; i < keys; i++) {
                    misread += (Long) reply.get(1 + 4 * i + 2) == 500 * NANOS_PER_MILLI ? 0 : 1;
                }
            }
            assertEquals(0, misread, "window ends misread out of " + ROUNDS * keys);
        }
    }

    /** Redis 6.2 has no {@code PEXPIRETIME}; a later Redis is started with the command renamed away. */
    private static LocalRedis startWithoutPexpiretime() {
        LocalRedis plain = LocalRedis.start();
        String version;
        try (RespClient cli = plain.client()) {
            String info = (String) cli.call("INFO", "server");
            int at = info.indexOf("redis_version:") + "redis_version:".length();
            version = info.substring(at, info.indexOf("\r\n", at));
        }
        if (Integer.parseInt(version.substring(0, version.indexOf('.'))) < 7) {
            return plain;
        }
        plain.close();
        return LocalRedis.start(List.of("--rename-command", "PEXPIRETIME", "sluice-test-hidden-pexpiretime"));
    }

    private static String fingerprint(Decision d) {
        return "allowed=" + d.allowed() + " remaining=" + d.remaining() + " reset=" + d.resetEpochSeconds() + " resetIn="
                + d.resetInSeconds() + " retryAfter=" + d.retryAfterSeconds() + " metadata=" + d.metadata();
    }
}
