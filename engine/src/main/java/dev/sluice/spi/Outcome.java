package dev.sluice.spi;

/**
 * The outcome of a check: of one entry of a {@link Batch}, as a backend writes it, and of a whole request, as
 * the engine's decision reports it. One name for both, so that a backend's answer and a caller's verdict read
 * alike.
 *
 * <p>A batch entry is {@link #ALLOWED}, {@link #BLOCKED} or {@link #UNAVAILABLE}. A decision is
 * {@link #ALLOWED}, {@link #BLOCKED}, {@link #UNLIMITED}, {@link #FAILED_OPEN} or {@link #FAILED_CLOSED}.
 *
 * <p>Immutable and thread-safe.
 */
public enum Outcome {
    /** Every limit admitted the request (an entry: this limit admitted it). */
    ALLOWED,
    /**
     * A limit refused the request (an entry: this limit had too little left and recorded nothing). A decision
     * that is blocked in {@code permissive} mode still lets the request through.
     */
    BLOCKED,
    /**
     * An entry the backend could not evaluate (the outcome of an entry no backend has written yet); the engine
     * applies its fail mode. Never the outcome of a decision.
     */
    UNAVAILABLE,
    /** A decision on which no limit applied: none configured for the request, or the limiter is disabled. */
    UNLIMITED,
    /** A decision the backend could not answer, with fail mode open: allowed, without limit headers. */
    FAILED_OPEN,
    /** A decision the backend could not answer, with fail mode closed: refused with HTTP 503. */
    FAILED_CLOSED
}
