package dev.sluice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.spi.Backend;
import dev.sluice.spi.BackendException;
import dev.sluice.spi.Batch;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A check that a close overtakes ends as a check on a closed limiter does, synchronous or not: with
 * {@code IllegalStateException("limiter is closed")} or a decision, never with a decision made from a failure
 * the close caused (a remote backend fails the calls its close cuts off).
 */
class CloseRaceTest {
    private static final long T0 = 1_000_000_000_000L;

    /** A backend whose asynchronous answers wait for the test, and whose close fails the waiting ones. */
    private static final class PendingBackend implements Backend {
        final CompletableFuture<Batch> pending = new CompletableFuture<>();
        Batch asked;
        Runnable onEvaluate = () -> {
        };

        @Override
        public void evaluate(Batch batch) {
            onEvaluate.run();
            throw new BackendException("connection closed");
        }

        @Override
        public CompletableFuture<Batch> evaluateAsync(Batch batch) {
            asked = batch;
            return pending;
        }

        @Override
        public void close() {
            pending.completeExceptionally(new BackendException("connection closed"));
        }
    }

    private static RateLimiter limiter(FailMode failMode, Backend backend) {
        return RateLimiter.create(LimiterConfig.builder().byUser("5/m").failMode(failMode).build(),
                new ManualClock(T0), backend);
    }

    private static IllegalStateException closedFailure(CompletionStage<Decision> stage) {
        CompletionException e = assertThrows(CompletionException.class, () -> stage.toCompletableFuture().join());
        return assertInstanceOf(IllegalStateException.class, e.getCause());
    }

    @ParameterizedTest
    @EnumSource(FailMode.class)
    void asyncCheckThatTheCloseFailsEndsInIllegalStateNotInTheFailMode(FailMode failMode) {
        PendingBackend backend = new PendingBackend();
        RateLimiter limiter = limiter(failMode, backend);
        CompletionStage<Decision> stage = limiter.checkAsync("alice", null, null);
        limiter.close();
        assertEquals("limiter is closed", closedFailure(stage).getMessage());
        assertEquals(0, limiter.stats().backendFailures());
    }

    @ParameterizedTest
    @EnumSource(FailMode.class)
    void syncCheckThatTheCloseFailsEndsInIllegalStateNotInTheFailMode(FailMode failMode) {
        PendingBackend backend = new PendingBackend();
        RateLimiter limiter = limiter(failMode, backend);
        backend.onEvaluate = limiter::close;
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> limiter.check("alice", null, null));
        assertEquals("limiter is closed", e.getMessage());
        assertEquals(0, limiter.stats().backendFailures());
    }

    @Test
    void asyncCheckAnsweredBeforeTheCloseKeepsItsDecision() {
        PendingBackend backend = new PendingBackend();
        RateLimiter limiter = limiter(FailMode.CLOSED, backend);
        CompletionStage<Decision> stage = limiter.checkAsync("alice", null, null);
        backend.asked.allow(0, 4, 60_000_000_000L);
        backend.pending.complete(backend.asked);
        limiter.close();
        assertTrue(stage.toCompletableFuture().join().allowed());
    }

    @Test
    void asyncCheckOnAClosedLimiterThrowsAtOnce() {
        RateLimiter limiter = limiter(FailMode.OPEN, new PendingBackend());
        limiter.close();
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> limiter.checkAsync("alice", null, null));
        assertEquals("limiter is closed", e.getMessage());
    }
}
