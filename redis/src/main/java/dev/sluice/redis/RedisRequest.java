package dev.sluice.redis;

/**
 * One request as the Redis backend reads it and answers it: what to do ({@link #operation()}), whether a refusal
 * may charge nothing ({@link #allOrNothing()}), how many permits it takes, its time and tenant, and its entries
 * (one per rate of every limit it is checked against), each with its key's parts and the rate in force. The
 * backend writes one outcome per entry with {@link #allow}, {@link #block} or {@link #unavailable}: an entry with
 * room for the permits is answered with what a check leaves it, whether or not it was charged (a peek, an entry
 * of a refused all-or-nothing check); an entry whose count is below the permits is refused for a whole window;
 * a reset answers each entry with its whole count.
 *
 * <p>Entries name distinct keys: no two entries of one request have the same key space, parts and window.
 *
 * <p>Not thread-safe: one request at a time; the backend reads it on the caller's thread when the request is
 * submitted and writes its outcomes once, from the thread that settles it.
 */
interface RedisRequest {

    /** What a request asks of its keys. */
    enum Operation {
        /** Charge the request's permits to every entry that has room for them (all or none with all-or-nothing). */
        CHECK,
        /** Answer what {@link #CHECK} would answer now, writing nothing. */
        PEEK,
        /** Forget every entry's key; each is answered as allowed with its whole count left. */
        RESET
    }

    Operation operation();

    /** {@return true when a refused check must charge no entry: one blocked entry leaves every other uncharged} */
    boolean allOrNothing();

    /** {@return the permits the request takes from every entry, at least 1} */
    long permits();

    /** {@return the request's normalised tenant, or {@code null}: the namespace of tenant-scoped keys} */
    String tenant();

    /** {@return the request's time as nanoseconds since the Unix epoch} */
    long epochNanos();

    /** {@return the number of entries} */
    int size();

    /** {@return the name entry {@code i}'s keys carry: {@code user}, {@code tenant} or {@code tool} for the presets} */
    String keySpace(int i);

    /** {@return how many attributes key entry {@code i} (one for a preset)} */
    int partCount(int i);

    /** {@return the name of attribute {@code j} of entry {@code i}, in the limit's attribute order} */
    String attribute(int i, int j);

    /** {@return the normalised value of attribute {@code j} of entry {@code i}} */
    String part(int i, int j);

    /** {@return the count of the rate in force for entry {@code i}} */
    long count(int i);

    /** {@return the window of the rate in force for entry {@code i}, in whole seconds} */
    long windowSeconds(int i);

    /** Entry {@code i} admitted the request (charged, or as a peek would be). */
    void allow(int i, long remaining, long resetAfterNanos);

    /** Entry {@code i} refused the request. */
    void block(int i, long resetAfterNanos, long retryAfterNanos);

    /** Entry {@code i} could not be evaluated. */
    void unavailable(int i);
}
