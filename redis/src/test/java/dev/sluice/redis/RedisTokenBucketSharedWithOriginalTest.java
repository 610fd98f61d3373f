package dev.sluice.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sluice.Algorithm;
import dev.sluice.Dimension;
import dev.sluice.LimiterConfig;
import dev.sluice.Rate;
import dev.sluice.spi.Batch;
import dev.sluice.spi.Outcome;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Behaviour section 5: the original's Rust engines send whole seconds and their token-bucket script has no
 * guard for {@code now < last_refill}; sharing a bucket with Sluice, such a caller must lose nothing. Measured
 * as: requests made partly by a script of the original's shape ({@code original_token_bucket.lua}, at the
 * whole second) and partly by Sluice (at the exact time) get exactly the decisions that Sluice alone gives the
 * same requests at the same times.
 *
 * <p>Times lie on a grid of 1/8 s and rates refill a power-of-two fraction of a token per step, so the
 * original's float arithmetic is exact and any difference is a lost or gained token, not rounding.
 * Seeded; a failure names its seed.
 */
class RedisTokenBucketSharedWithOriginalTest extends FlushedRedisTest {
    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    private static final long STEP_NANOS = NANOS_PER_SECOND / 8;
    private static final int STEPS = 400;
    private static final String ORIGINAL = script("original_token_bucket.lua");
    private static final RedisKeys KEYS = new RedisKeys("rl", false);

    /** A call of the timeline: its exact time, and whether the original's engine makes it (at the whole second). */
    record Call(long epochNanos, boolean byOriginal) {
        long sentNanos() {
            return byOriginal ? Math.floorDiv(epochNanos, NANOS_PER_SECOND) * NANOS_PER_SECOND : epochNanos;
        }
    }

    @ParameterizedTest(name = "{0}/{1}s seed={2}")
    @CsvSource({"4, 1, 1", "4, 1, 2", "8, 1, 3", "30, 60, 4", "15, 60, 5", "2, 1, 6"})
    void originalEngineSharingABucketGetsSluicesDecisions(long count, long windowSeconds, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        long[] gaps = {0, 0, 1, 1, 1, 2, 3, 4, 8, 20};
        long t = (RedisTestConfigs.nextEpochSecond() + 1) * NANOS_PER_SECOND;
        List<Call> calls = new ArrayList<>();
        for (int i = 0; i < STEPS; i++) {
            t += gaps[random.nextInt(gaps.length)] * STEP_NANOS;
            calls.add(new Call(t, random.nextBoolean()));
        }
        assertSameDecisions(Rate.of(count, windowSeconds), calls, "seed=" + seed);
    }

    /**
     * Sluice leaves three tokens at {@code S + 0.375}; the original then calls three times at {@code S}. Stamped
     * {@code S.375}, the bucket made it compute a negative elapsed time and admit 1 where Sluice at {@code S}
     * admitted 3; stamped {@code S} with the fraction's refill taken off, both admit 1.
     */
    @Test
    void originalEngineInTheSecondOfSluicesWriteSeesWhatSluiceWouldSee() {
        long s = (RedisTestConfigs.nextEpochSecond() + 1) * NANOS_PER_SECOND;
        long sluiceAt = s + 3 * STEP_NANOS;
        long originalAt = s + 5 * STEP_NANOS;
        assertSameDecisions(Rate.of(4, 1), List.of(new Call(sluiceAt, false), new Call(originalAt, true),
                new Call(originalAt, true), new Call(originalAt, true)), "S + 0.375 then three at S");
    }

    /** Runs {@code calls} shared with the original's script on one key and by Sluice alone on another. */
    private static void assertSameDecisions(Rate rate, List<Call> calls, String what) {
        LimiterConfig config = LimiterConfig.builder().backend("redis").redisUrl(redis.url())
                .algorithm(Algorithm.TOKEN_BUCKET).redisCommandTimeout(Duration.ofSeconds(10)).build();
        String refill = new BigDecimal(rate.count()).divide(new BigDecimal(rate.windowSeconds()), MathContext.DECIMAL64)
                .toPlainString();
        List<Boolean> shared = new ArrayList<>();
        List<Boolean> alone = new ArrayList<>();
        try (RedisBackend backend = RedisBackend.create(config)) {
            Batch batch = new Batch();
            String key = KEYS.key(null, Dimension.USER, "shared", rate.windowSeconds());
            for (Call c : calls) {
                if (c.byOriginal()) {
                    long seconds = c.sentNanos() / NANOS_PER_SECOND;
                    shared.add(cli.integer("EVAL", ORIGINAL, "1", key, Long.toString(rate.count()), refill,
                            Long.toString(seconds)) == 1);
                } else {
                    backend.evaluate(batch.begin(null, c.sentNanos(), c.sentNanos()).add("user", "shared", rate.count(), rate.windowSeconds()));
                    shared.add(batch.outcome(0) == Outcome.ALLOWED);
                }
            }
            for (Call c : calls) {
                backend.evaluate(batch.begin(null, c.sentNanos(), c.sentNanos()).add("user", "alone", rate.count(), rate.windowSeconds()));
                alone.add(batch.outcome(0) == Outcome.ALLOWED);
            }
        }
        long admittedShared = shared.stream().filter(b -> b).count();
        long admittedAlone = alone.stream().filter(b -> b).count();
        assertEquals(admittedAlone, admittedShared, what + " " + rate + ": admitted in all");
        for (int i = 0; i < calls.size(); i++) {
            assertEquals(alone.get(i), shared.get(i), what + " " + rate + ": call " + i + " " + calls.get(i));
        }
    }

    private static String script(String resource) {
        try (InputStream in = RedisTokenBucketSharedWithOriginalTest.class.getResourceAsStream(resource)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
