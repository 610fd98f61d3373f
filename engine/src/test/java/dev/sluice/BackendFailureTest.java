package dev.sluice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.spi.BackendException;
import dev.sluice.spi.Batch;
import dev.sluice.spi.Outcome;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Section 1 ({@code fail_mode}) and section 3 (503 mapping): what a request gets when the backend cannot answer. */
class BackendFailureTest {
    private static final long T0 = 1_000_000_000_000L;

    private static RateLimiter limiter(FailMode failMode, ScriptedBackend backend) {
        LimiterConfig config = LimiterConfig.builder().byUser("10/m").byTool("search", "5/s").failMode(failMode)
                .build();
        return RateLimiter.create(config, new ManualClock(T0), backend);
    }

    @Test
    void failOpenAllowsTheRequest() {
        try (RateLimiter limiter = limiter(FailMode.OPEN, ScriptedBackend.throwing(new BackendException("down")))) {
            Decision d = limiter.check("alice", "acme", "search");
            assertTrue(d.allowed());
            assertEquals(Outcome.FAILED_OPEN, d.status());
            assertEquals(200, d.httpStatus());
        }
    }

    @Test
    void failOpenSendsNoHeaders() {
        try (RateLimiter limiter = limiter(FailMode.OPEN, ScriptedBackend.throwing(new BackendException("down")))) {
            Decision d = limiter.check("alice", "acme", "search");
            assertEquals(Map.of(), d.headers());
            assertEquals(Map.of("limited", false, "backend_error", true), d.metadata());
        }
    }

    @Test
    void failOpenIsCountedInStats() {
        try (RateLimiter limiter = limiter(FailMode.OPEN, ScriptedBackend.throwing(new BackendException("down")))) {
            for (int i = 0; i < 3; i++) {
                limiter.check("alice", null, null);
            }
            LimiterStats stats = limiter.stats();
            assertEquals(List.of(3L, 3L, 0L), List.of(stats.backendFailures(), stats.failedOpen(), stats.failedClosed()));
        }
    }

    @Test
    void failClosedRefusesWith503AndRetryAfterOne() {
        try (RateLimiter limiter = limiter(FailMode.CLOSED, ScriptedBackend.throwing(new BackendException("down")))) {
            Decision d = limiter.check("alice", "acme", "search");
            assertFalse(d.allowed());
            assertEquals(Outcome.FAILED_CLOSED, d.status());
            assertEquals(503, d.httpStatus());
            assertEquals("BACKEND_UNAVAILABLE", d.errorCode());
            assertEquals(1, d.retryAfterSeconds());
            assertEquals(List.of(Map.entry("Retry-After", "1")), List.copyOf(d.headers().entrySet()));
        }
    }

    @Test
    void failClosedIsCountedInStats() {
        try (RateLimiter limiter = limiter(FailMode.CLOSED, ScriptedBackend.throwing(new BackendException("down")))) {
            limiter.check("alice", null, null);
            limiter.check("bob", null, null);
            LimiterStats stats = limiter.stats();
            assertEquals(List.of(2L, 0L, 2L), List.of(stats.backendFailures(), stats.failedOpen(), stats.failedClosed()));
        }
    }

    @Test
    void anyRuntimeExceptionFromTheBackendAppliesTheFailMode() {
        try (RateLimiter limiter = limiter(FailMode.CLOSED, ScriptedBackend.throwing(new IllegalStateException("x")))) {
            assertEquals(Outcome.FAILED_CLOSED, limiter.check("alice", null, null).status());
        }
    }

    @Test
    void dimensionMarkedUnavailableFailsOpen() {
        try (RateLimiter limiter = limiter(FailMode.OPEN, new ScriptedBackend(BackendFailureTest::toolUnavailable))) {
            Decision d = limiter.check("alice", null, "search");
            assertEquals(Outcome.FAILED_OPEN, d.status());
            assertEquals(Map.of(), d.headers());
            assertEquals(1, limiter.stats().failedOpen());
        }
    }

    @Test
    void dimensionMarkedUnavailableFailsClosed() {
        try (RateLimiter limiter = limiter(FailMode.CLOSED, new ScriptedBackend(BackendFailureTest::toolUnavailable))) {
            Decision d = limiter.check("alice", null, "search");
            assertEquals(Outcome.FAILED_CLOSED, d.status());
            assertEquals(503, d.httpStatus());
            assertEquals(1, limiter.stats().failedClosed());
        }
    }

    @Test
    void unavailableDimensionOutranksABlockedOne() {
        ScriptedBackend backend = new ScriptedBackend(batch -> {
            batch.block(0, 60_000_000_000L, 60_000_000_000L);
            batch.unavailable(1);
        });
        try (RateLimiter limiter = limiter(FailMode.OPEN, backend)) {
            assertEquals(Outcome.FAILED_OPEN, limiter.check("alice", null, "search").status());
        }
    }

    @Test
    void asyncCheckTurnsAFailedFutureIntoTheFailMode() {
        ScriptedBackend backend = new ScriptedBackend(batch -> {
        }) {
            @Override
            public CompletableFuture<Batch> evaluateAsync(Batch batch) {
                return CompletableFuture.failedFuture(new BackendException("timed out"));
            }
        };
        try (RateLimiter limiter = limiter(FailMode.CLOSED, backend)) {
            Decision d = limiter.checkAsync("alice", null, null).toCompletableFuture().join();
            assertEquals(Outcome.FAILED_CLOSED, d.status());
        }
    }

    @Test
    void requestWithNoActiveDimensionNeverReachesAFailingBackend() {
        ScriptedBackend backend = ScriptedBackend.throwing(new BackendException("down"));
        LimiterConfig config = LimiterConfig.builder().byTenant("1/m").failMode(FailMode.CLOSED).build();
        try (RateLimiter limiter = RateLimiter.create(config, new ManualClock(T0), backend)) {
            assertEquals(Outcome.UNLIMITED, limiter.check("alice", null, null).status());
            assertEquals(0, limiter.stats().backendFailures());
        }
    }

    private static void toolUnavailable(Batch batch) {
        batch.allow(0, 5, 1_000_000_000L);
        batch.unavailable(1);
    }
}
