package dev.sluice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.sluice.spi.Batch;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Section 2 (aggregation) and section 3 (rounding, clamping) with exact backend answers, so that the
 * tie-breaking rules are pinned to the nanosecond. The conformance kit covers the same rules with real
 * arithmetic.
 */
class AggregationTest {
    private static final long SECOND = 1_000_000_000L;
    private static final long T0 = 2_000 * SECOND;

    private static Decision check(Consumer<Batch> answers) {
        LimiterConfig config = LimiterConfig.builder().byUser("10/m").byTenant("20/m").byTool("search", "5/s").build();
        try (RateLimiter limiter = RateLimiter.create(config, new ManualClock(T0), new ScriptedBackend(answers))) {
            return limiter.check("alice", "acme", "search");
        }
    }

    @Test
    void blockedRequestReportsTheSmallestRetryAfter() {
        Decision d = check(b -> {
            b.block(0, 5 * SECOND, 5 * SECOND);
            b.allow(1, 3, 60 * SECOND);
            b.block(2, 3 * SECOND, 3 * SECOND);
        });
        assertEquals(Dimension.TOOL, d.reportedDimension());
        assertEquals(3, d.retryAfterSeconds());
    }

    @Test
    void blockedTieGoesToTheEarlierDimension() {
        Decision d = check(b -> {
            b.allow(0, 3, 60 * SECOND);
            b.block(1, 4 * SECOND, 4 * SECOND);
            b.block(2, 4 * SECOND, 4 * SECOND);
        });
        assertEquals(Dimension.TENANT, d.reportedDimension());
    }

    @Test
    void blockedRetryAftersAreComparedInTheWholeSecondsShown() {
        // 1.5 s and 1.2 s are both shown as 2 s: a tie, which goes to the earlier dimension.
        Decision d = check(b -> {
            b.block(0, 1_500_000_000L, 1_500_000_000L);
            b.allow(1, 3, 60 * SECOND);
            b.block(2, 1_200_000_000L, 1_200_000_000L);
        });
        assertEquals(Dimension.USER, d.reportedDimension());
        assertEquals(2, d.retryAfterSeconds());
    }

    @Test
    void blockedRequestShowsZeroRemainingWhateverOtherDimensionsHave() {
        Decision d = check(b -> {
            b.allow(0, 7, 60 * SECOND);
            b.allow(1, 3, 60 * SECOND);
            b.block(2, SECOND, SECOND);
        });
        assertFalse(d.allowed());
        assertEquals(0, d.remaining());
        assertEquals("0", d.headers().get("X-RateLimit-Remaining"));
    }

    @Test
    void allowedRequestReportsTheFewestRemaining() {
        Decision d = check(b -> {
            b.allow(0, 5, 60 * SECOND);
            b.allow(1, 2, 60 * SECOND);
            b.allow(2, 7, SECOND);
        });
        assertEquals(Dimension.TENANT, d.reportedDimension());
        assertEquals(2, d.remaining());
        assertEquals(20, d.limit());
    }

    @Test
    void allowedTieGoesToTheEarlierDimension() {
        Decision d = check(b -> {
            b.allow(0, 4, 60 * SECOND);
            b.allow(1, 2, 60 * SECOND);
            b.allow(2, 2, SECOND);
        });
        assertEquals(Dimension.TENANT, d.reportedDimension());
    }

    @Test
    void remainingIsNeverNegative() {
        Decision d = check(b -> {
            for (int i = 0; i < b.size(); i++) {
                b.allow(i, -3, SECOND);
            }
        });
        assertEquals("0", d.headers().get("X-RateLimit-Remaining"));
    }

    @Test
    void retryAfterOfAnInstantIsStillOneSecond() {
        Decision d = check(b -> {
            b.allow(0, 1, SECOND);
            b.allow(1, 1, SECOND);
            b.block(2, 0, 0);
        });
        assertEquals("1", d.headers().get("Retry-After"));
    }

    @Test
    void resetIsRoundedUpToTheNextWholeSecond() {
        Decision d = check(b -> {
            b.allow(0, 1, 1);
            b.allow(1, 2, SECOND);
            b.allow(2, 2, SECOND);
        });
        assertEquals(Long.toString(T0 / SECOND + 1), d.headers().get("X-RateLimit-Reset"));
    }

    @Test
    void reusedDecisionAfterAFailureAggregatesABlockedRequest() {
        LimiterConfig config = LimiterConfig.builder().byUser("10/m").byTool("search", "5/s").build();
        boolean[] fail = {true};
        ScriptedBackend backend = new ScriptedBackend(b -> {
            if (fail[0]) {
                throw new IllegalStateException("down");
            }
            b.block(0, 2 * SECOND, 2 * SECOND);
            b.block(1, SECOND, SECOND);
        });
        try (RateLimiter limiter = RateLimiter.create(config, new ManualClock(T0), backend)) {
            Decision d = new Decision();
            limiter.check("alice", null, "search", d);
            fail[0] = false;
            limiter.check("alice", null, "search", d);
            assertEquals(Dimension.TOOL, d.reportedDimension());
            assertEquals(List.of(Map.entry("X-RateLimit-Limit", "5"), Map.entry("X-RateLimit-Remaining", "0"),
                    Map.entry("X-RateLimit-Reset", Long.toString(T0 / SECOND + 1)), Map.entry("Retry-After", "1")),
                    List.copyOf(d.headers().entrySet()));
        }
    }
}
