package dev.sluice.internal;

import dev.sluice.spi.Batch;
import dev.sluice.spi.Outcome;
import java.security.SecureRandom;

/**
 * Commits the engine's flight-recorder events ({@link RefusedEvent}, {@link BackendFailureEvent}). Each method
 * is called only on a path that already left the admitted one (a refusal, a failure), builds its event, and
 * returns after one check when no recording enabled it.
 *
 * <p>Thread-safe and stateless but for the process's hash secret.
 */
public final class Events {
    /** Keys the hashes of refused keys, so that an event never lets anyone recover or test an identity. */
    private static final long SECRET = new SecureRandom().nextLong() | 1;
    private static final long MIX = 0x9E37_79B9_7F4A_7C15L;

    private Events() {
    }

    /**
     * Records one {@link RefusedEvent} per refusing entry of a decided batch, when a recording asks for them.
     *
     * @param batch a batch the backend decided
     */
    public static void refused(Batch batch) {
        RefusedEvent probe = new RefusedEvent();
        if (!probe.isEnabled()) {
            return;
        }
        for (int i = 0; i < batch.size(); i++) {
            if (batch.outcome(i) != Outcome.BLOCKED) {
                continue;
            }
            RefusedEvent event = new RefusedEvent();
            if (event.shouldCommit()) {
                event.limit = batch.keySpace(i);
                event.keyHash = keyHash(batch, i);
                event.count = batch.count(i);
                event.windowSeconds = batch.windowSeconds(i);
                event.retryAfterNanos = batch.retryAfterNanos(i);
                event.permits = batch.permits();
                event.commit();
            }
        }
    }

    /**
     * Records a {@link BackendFailureEvent}, when a recording asks for it.
     *
     * @param backend the backend's name
     * @param failMode what decided the request instead: {@code open}, {@code closed} or {@code local}
     * @param cause the failure, or {@code null} when a limit could not be evaluated
     */
    public static void backendFailure(String backend, String failMode, Throwable cause) {
        BackendFailureEvent event = new BackendFailureEvent();
        if (event.shouldCommit()) {
            event.backend = backend;
            event.failMode = failMode;
            event.failure = cause == null ? "a limit could not be evaluated" : cause.getClass().getName() + ": " + cause.getMessage();
            event.commit();
        }
    }

    /** A keyed hash of an entry's key space and parts: equal keys hash alike within this process. */
    static long keyHash(Batch batch, int i) {
        long h = SECRET ^ batch.keySpace(i).hashCode();
        for (int j = 0; j < batch.partCount(i); j++) {
            h = mix(h ^ batch.attribute(i, j).hashCode());
            h = mix(h ^ batch.part(i, j).hashCode() ^ (long) batch.part(i, j).length() << 32);
        }
        return mix(h ^ batch.windowSeconds(i));
    }

    private static long mix(long h) {
        long x = (h ^ SECRET) * MIX;
        return x ^ Math.unsignedMultiplyHigh(x, SECRET);
    }
}
