package dev.sluice.bench.peers;

/**
 * One rate-limit decision per request, for the identities a gateway decoded from it: the common face that
 * Sluice and its peers wear in the benchmarks, so that every implementation runs the same workload on the same
 * identities. Each implementation builds its own keys from them, as it would in production: Sluice its
 * dimension keys, the map-based peers {@code "user:" + user} and so on, so building keys is part of what is
 * measured.
 *
 * <p>Implementations built for {@link TimeMode#SYNTHETIC} read time from the {@code nowNanos} argument (or a
 * clock the caller advances) and must be driven by one thread; those built for {@link TimeMode#REAL} ignore
 * it and read the system clock, and are thread-safe unless {@link Impl#threadSafe()} says otherwise. A
 * handle from {@link #handle()} belongs to one thread.
 */
public interface KeyedLimiter extends AutoCloseable {

    /**
     * A per-thread view: holds whatever a call reuses (Sluice's {@code Decision}).
     */
    interface Handle {
        /**
         * Charges one request to its user.
         *
         * @param user the user's id as the request carried it, e.g. {@code user-000000042@example-corp.co.uk}
         * @param nowNanos the request's time for synthetic-time implementations
         * @return true when admitted
         */
        boolean tryAcquire(String user, long nowNanos);

        /**
         * Charges one request to three dimensions, user, tenant and tool, each evaluated and charged even when
         * another refuses.
         *
         * @return true when every dimension admitted
         */
        boolean tryAcquire3(String user, String tenant, String tool, long nowNanos);
    }

    /** @return a new per-thread handle */
    Handle handle();

    /** @return how many keys the implementation holds, or -1 when it does not say */
    default long keys() {
        return -1;
    }

    /** @return off-heap bytes the implementation reports, or -1 when it does not say */
    default long offHeapBytes() {
        return -1;
    }

    /** @return requests the implementation could not evaluate (Sluice: backend failures, which fail open); 0 for peers */
    default long failures() {
        return 0;
    }

    @Override
    default void close() {
    }
}
