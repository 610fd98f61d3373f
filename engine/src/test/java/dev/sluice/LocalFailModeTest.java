package dev.sluice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.spi.BackendException;
import dev.sluice.spi.Batch;
import dev.sluice.spi.Outcome;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Sections 1 and 5, {@code fail_mode: local} (the default): while the backend cannot answer, each request is
 * decided on an embedded store of the limiter's own, with the configured limits and counters apart from the
 * backend's; as soon as the backend answers, decisions come from it again. The Redis module repeats this with
 * a real server that is killed and restarted.
 */
class LocalFailModeTest {
    private static final long T0 = 1_000_000_000_000L;

    /** A remote backend that fails while {@link #down} and otherwise admits with 9 remaining. */
    private static final class FlakyBackend extends ScriptedBackend {
        boolean down;

        FlakyBackend() {
            super(null);
        }

        @Override
        public void evaluate(Batch batch) {
            if (down) {
                throw new BackendException("connection refused");
            }
            for (int i = 0; i < batch.size(); i++) {
                batch.allow(i, 9, 60_000_000_000L);
            }
        }
    }

    private static LimiterConfig.Builder fiveAMinute() {
        return LimiterConfig.builder().byUser("5/m");
    }

    private static String describe(Decision d) {
        return d.status() + " remaining=" + d.remaining();
    }

    @Test
    void isTheDefault() {
        assertEquals(FailMode.LOCAL, fiveAMinute().build().failMode());
    }

    @Test
    void enforcesTheConfiguredLimitWhileTheBackendFails() {
        try (RateLimiter limiter = RateLimiter.create(fiveAMinute().build(), new ManualClock(T0),
                ScriptedBackend.throwing(new BackendException("connection refused")))) {
            List<String> decisions = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                decisions.add(describe(limiter.check("alice", null, null)));
            }
            assertEquals(List.of("ALLOWED remaining=4", "ALLOWED remaining=3", "ALLOWED remaining=2",
                    "ALLOWED remaining=1", "ALLOWED remaining=0", "BLOCKED remaining=0"), decisions);
            Decision refused = limiter.check("alice", null, null);
            assertEquals(Map.of("X-RateLimit-Limit", "5", "X-RateLimit-Remaining", "0",
                    "X-RateLimit-Reset", Long.toString(T0 / 1_000_000_000L + 60), "Retry-After", "60"), refused.headers());
            assertEquals(429, refused.httpStatus());
        }
    }

    @Test
    void isCountedInStats() {
        try (RateLimiter limiter = RateLimiter.create(fiveAMinute().build(), new ManualClock(T0),
                ScriptedBackend.throwing(new BackendException("connection refused")))) {
            for (int i = 0; i < 7; i++) {
                limiter.check("alice", null, null);
            }
            LimiterStats stats = limiter.stats();
            assertEquals(List.of(7L, 0L, 0L, 7L),
                    List.of(stats.backendFailures(), stats.failedOpen(), stats.failedClosed(), stats.decidedLocally()));
        }
    }

    @Test
    void decisionsComeFromTheBackendAsSoonAsItAnswersAndTheLocalCountersStayApart() {
        FlakyBackend backend = new FlakyBackend();
        try (RateLimiter limiter = RateLimiter.create(fiveAMinute().build(), new ManualClock(T0), backend)) {
            List<String> decisions = new ArrayList<>();
            backend.down = true;
            decisions.add(describe(limiter.check("alice", null, null)));
            decisions.add(describe(limiter.check("alice", null, null)));
            backend.down = false;
            decisions.add(describe(limiter.check("alice", null, null)));
            backend.down = true;
            decisions.add(describe(limiter.check("alice", null, null)));
            assertEquals(List.of("ALLOWED remaining=4", "ALLOWED remaining=3", "ALLOWED remaining=9",
                    "ALLOWED remaining=2"), decisions);
            assertEquals(3, limiter.stats().decidedLocally());
        }
    }

    @Test
    void dimensionTheBackendCouldNotEvaluateIsDecidedLocallyWithTheOthers() {
        ScriptedBackend backend = new ScriptedBackend(batch -> {
            batch.allow(0, 9, 60_000_000_000L);
            batch.unavailable(1);
        });
        LimiterConfig config = fiveAMinute().byTool("search", "2/m").build();
        try (RateLimiter limiter = RateLimiter.create(config, new ManualClock(T0), backend)) {
            limiter.check("alice", null, "search");
            Decision d = limiter.check("alice", null, "search");
            assertEquals(List.of(Dimension.TOOL, 0L, 3L), List.of(d.reportedDimension(), d.remaining(),
                    d.dimensionRemaining(0)));
            assertEquals(2, limiter.stats().decidedLocally());
        }
    }

    @Test
    void asynchronousFailureIsDecidedLocally() {
        ScriptedBackend backend = new ScriptedBackend(batch -> {
        }) {
            @Override
            public CompletableFuture<Batch> evaluateAsync(Batch batch) {
                return CompletableFuture.failedFuture(new BackendException("timed out"));
            }
        };
        try (RateLimiter limiter = RateLimiter.create(fiveAMinute().build(), new ManualClock(T0), backend)) {
            for (int i = 0; i < 5; i++) {
                limiter.checkAsync("alice", null, null).toCompletableFuture().join();
            }
            Decision sixth = limiter.checkAsync("alice", null, null).toCompletableFuture().join();
            assertEquals("BLOCKED remaining=0", describe(sixth));
        }
    }

    @Test
    void permissiveModeReportsTheLocalVerdictButAllows() {
        try (RateLimiter limiter = RateLimiter.create(fiveAMinute().mode(Mode.PERMISSIVE).build(), new ManualClock(T0),
                ScriptedBackend.throwing(new BackendException("connection refused")))) {
            for (int i = 0; i < 5; i++) {
                limiter.check("alice", null, null);
            }
            Decision d = limiter.check("alice", null, null);
            assertEquals(List.of(true, true), List.of(d.allowed(), d.exceeded()));
        }
    }

    @Test
    void customLimitsCompositeKeysAndPermitsAreDecidedLocally() {
        LimiterConfig config = LimiterConfig.builder().limit(Limit.named("api").key("tenant", "api_key")
                .rates("5/m", "8/h").override("tenant", "acme", "10/m", "20/h")).build();
        try (RateLimiter limiter = RateLimiter.create(config, new ManualClock(T0),
                ScriptedBackend.throwing(new BackendException("connection refused")))) {
            Request request = new Request().tenant("acme").attribute("api_key", "k1").permits(4);
            Decision d = limiter.check(request);
            assertEquals(List.of(6L, 16L), List.of(d.dimensionRemaining(0), d.dimensionRemaining(1)));
            assertEquals(1, limiter.check(request.clear().tenant("globex").attribute("api_key", "k1").permits(4))
                    .remaining());
            assertEquals(2, limiter.stats().decidedLocally());
        }
    }

    @Test
    void allOrNothingHoldsOnTheLocalStore() {
        LimiterConfig config = fiveAMinute().allOrNothing(true).limit(Limit.named("api").key("user").rates("2/m")).build();
        try (RateLimiter limiter = RateLimiter.create(config, new ManualClock(T0),
                ScriptedBackend.throwing(new BackendException("connection refused")))) {
            Request request = new Request().user("alice");
            limiter.check(request.permits(2));
            assertFalse(limiter.check(request.permits(1)).allowed(), "the api limit is spent");
            assertEquals(2, limiter.peek(request).dimensionRemaining(0),
                    "3 left to the user, less the peeked request's 1: the refused request took nothing");
        }
    }

    @Test
    void peekIsAnsweredLocallyAndChargesNothing() {
        try (RateLimiter limiter = RateLimiter.create(fiveAMinute().build(), new ManualClock(T0),
                ScriptedBackend.throwing(new BackendException("connection refused")))) {
            Request alice = new Request().user("alice");
            limiter.check(alice);
            assertEquals(List.of("ALLOWED remaining=3", "ALLOWED remaining=3"),
                    List.of(describe(limiter.peek(alice)), describe(limiter.peek(alice))));
            assertEquals(3, limiter.stats().decidedLocally());
        }
    }

    @Test
    void resetForgetsTheLocalStoresKeysAndReportsTheBackendsFailure() {
        FlakyBackend backend = new FlakyBackend();
        try (RateLimiter limiter = RateLimiter.create(fiveAMinute().build(), new ManualClock(T0), backend)) {
            backend.down = true;
            Request alice = new Request().user("alice");
            for (int i = 0; i < 5; i++) {
                limiter.check(alice);
            }
            assertFalse(limiter.check(alice).allowed());
            BackendException e = assertThrows(BackendException.class, () -> limiter.reset(alice));
            assertEquals("connection refused", e.getMessage());
            assertTrue(limiter.check(alice).allowed(), "the local store forgot alice");
        }
    }

    @Test
    void embeddedBackendHasNothingToFallBackToAndRefusesANewKeyItCannotHold() {
        LimiterConfig config = fiveAMinute().memoryMaxKeys(1).build();
        try (RateLimiter limiter = RateLimiter.create(config, new ManualClock(T0))) {
            assertEquals(Outcome.ALLOWED, limiter.check("alice", null, null).status());
            Decision full = limiter.check("bob", null, null);
            assertEquals(Outcome.BLOCKED, full.status());
            assertEquals(List.of(0L, 0L), List.of(limiter.stats().failedOpen(), limiter.stats().decidedLocally()));
        }
    }
}
