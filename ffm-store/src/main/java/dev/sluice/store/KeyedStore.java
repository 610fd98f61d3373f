package dev.sluice.store;

/**
 * Off-heap keyed rate-limit state for one {@link StoreAlgorithm}. (Interface skeleton: the implementation
 * arrives with the off-heap store.)
 *
 * <p>Thread-safe; {@code acquire} never blocks and never allocates.
 */
public final class KeyedStore implements AutoCloseable {

    private KeyedStore() {
    }

    /**
     * Starts a builder for a store running {@code algorithm}.
     *
     * @param algorithm the state machine every key runs
     * @return a new builder
     */
    public static Builder builder(StoreAlgorithm algorithm) {
        return new Builder(algorithm);
    }

    /**
     * Charges one unit to {@code key}, creating the key's state when it is new or expired.
     *
     * @param key the key's bytes
     * @param limit units per window, at least 1
     * @param windowNanos the window, at least 1 ms
     * @param nowNanos the current time from one monotonic source per store
     * @param out where the outcome is written
     * @return {@code out.allowed()}
     */
    public boolean acquire(KeyBuffer key, long limit, long windowNanos, long nowNanos, AcquireResult out) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    @Override
    public void close() {
    }

    /**
     * Sizes and builds a {@link KeyedStore}.
     *
     * <p>Not thread-safe.
     */
    public static final class Builder {
        private final StoreAlgorithm algorithm;

        private Builder(StoreAlgorithm algorithm) {
            this.algorithm = algorithm;
        }

        /** @return a new store */
        public KeyedStore build() {
            if (algorithm == null) {
                throw new IllegalArgumentException("algorithm=null: must be set");
            }
            return new KeyedStore();
        }
    }
}
