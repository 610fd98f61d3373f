package dev.sluice.spi;

import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Evaluates and charges every dimension of one request. The engine turns the outcomes into a decision,
 * headers and metadata; a backend knows only keys, rates and time.
 *
 * <p>Implementations must be thread-safe: many threads call {@link #evaluate} at once, each with its own
 * {@link Batch}.
 */
public interface Backend extends AutoCloseable {

    /**
     * Charges one request to every dimension of {@code batch} and writes each dimension's outcome with
     * {@link Batch#allow}, {@link Batch#block} or {@link Batch#unavailable}. Every dimension is charged,
     * even when another one blocks.
     *
     * @param batch the request's dimensions, time and outcome slots
     * @throws RuntimeException when the backend cannot answer at all; the engine applies its fail mode
     */
    void evaluate(Batch batch);

    /**
     * The asynchronous form of {@link #evaluate}, for callers on event loops. The default runs
     * {@link #evaluate} on the calling thread.
     *
     * @param batch as for {@link #evaluate}; the caller does not touch it until the future completes
     * @return a future completed with {@code batch} once its outcomes are written, or exceptionally
     */
    default CompletableFuture<Batch> evaluateAsync(Batch batch) {
        try {
            evaluate(batch);
            return CompletableFuture.completedFuture(batch);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** {@return counters that describe the backend's state, for monitoring; names are backend-specific} */
    default Map<String, Long> stats() {
        return Map.of();
    }

    /** Releases the backend's resources; later calls to {@link #evaluate} fail with {@link IllegalStateException}. */
    @Override
    void close();
}
