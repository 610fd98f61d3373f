package dev.sluice.spi;

import java.util.Arrays;
import java.util.Objects;

/**
 * One request on its way through a backend: what it asks ({@link #operation()}), what it costs
 * ({@link #permits()}), its time, and its entries, each with a slot for the outcome. The engine fills the
 * inputs; the backend writes an outcome for every entry. A batch is reused from request to request and grows to
 * the most entries a request has had, so nothing in it is allocated on the request path once it has grown.
 *
 * <h2>Entries</h2>
 * An entry is one rate of one limit, in the engine's evaluation order (the presets user, tenant and tool, then
 * the custom limits in configuration order): a limit with two rates gives two entries with the same key parts
 * and different windows. An entry's key is named by
 * <ul>
 *   <li>{@link #keySpace(int)}: the name the keys of its limit carry, {@code user}, {@code tenant} or
 *       {@code tool} for the presets and the limit's name for a custom limit;</li>
 *   <li>its parts, {@link #partCount(int)} of them in the limit's attribute order: {@link #attribute(int, int)}
 *       names the request attribute and {@link #part(int, int)} is its normalised value (a preset has one part,
 *       the user, tenant or tool name; a composite key has several);</li>
 *   <li>its window, {@link #windowSeconds(int)}: every rate of a limit has a window of its own, so the window
 *       tells a limit's keys apart.</li>
 * </ul>
 * {@link #count(int)} is the rate in force for the entry, after the limit's overrides.
 *
 * <h2>Outcomes</h2>
 * A backend writes each entry with {@link #allow}, {@link #block} or {@link #unavailable}; an entry it leaves
 * unwritten is {@link Outcome#UNAVAILABLE}. Times are nanosecond deltas from the request's time:
 * {@code resetAfterNanos} until the entry resets (see each algorithm), {@code retryAfterNanos} until a blocked
 * entry admits again.
 * <ul>
 *   <li>{@link Operation#CHECK}: every entry is decided and, when it admits, charged {@link #permits()} units,
 *       even when another entry blocks; with {@link #allOrNothing()}, no entry is charged unless every entry
 *       admits, and an entry that would have admitted a refused request is written as {@link Operation#PEEK}
 *       would write it.</li>
 *   <li>{@link Operation#PEEK}: every entry is written as {@link Operation#CHECK} would write it now, and
 *       nothing is charged.</li>
 *   <li>{@link Operation#RESET}: every entry's key is forgotten and written {@code allow(i, count(i), 0)}.</li>
 *   <li>An entry whose {@link #count(int)} is below {@link #permits()} can never admit the request: it is
 *       written {@code block(i, windowNanos(i), windowNanos(i))} and charged nothing, whatever the operation
 *       (a reset forgets it all the same).</li>
 * </ul>
 *
 * <p>Every method that takes an entry index {@code i} throws {@link IndexOutOfBoundsException} unless
 * {@code 0 <= i < size()}, and every method that takes a part index {@code j} unless
 * {@code 0 <= j < partCount(i)}.
 *
 * <p>Not thread-safe: a batch belongs to one request at a time.
 */
public final class Batch {
    private static final Outcome[] OUTCOMES = Outcome.values();
    private static final byte ALLOWED = (byte) Outcome.ALLOWED.ordinal();
    private static final byte BLOCKED = (byte) Outcome.BLOCKED.ordinal();
    private static final byte UNAVAILABLE = (byte) Outcome.UNAVAILABLE.ordinal();
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    /*
     * References that are the same from request to request (the operation, key spaces, attribute names: the
     * configuration's own strings) are written only when they change. A batch lives long, so it is in the old
     * generation, and every reference store into it runs the collector's write barrier, which on G1 costs a
     * memory fence; a compare costs a load.
     */
    private Operation operation = Operation.CHECK;
    private boolean allOrNothing;
    private long permits = 1;
    private String tenant;
    private long monotonicNanos;
    private long epochNanos;
    private Object attachment;

    private int size;
    private String[] keySpaces = new String[4];
    private int[] partFrom = new int[4];
    private int[] partCounts = new int[4];
    private long[] counts = new long[4];
    private long[] windowSeconds = new long[4];
    // Outcomes as ordinals: a byte store needs no GC write barrier, a reference store does.
    private byte[] outcomes = new byte[4];
    private long[] remaining = new long[4];
    private long[] resetAfterNanos = new long[4];
    private long[] retryAfterNanos = new long[4];

    private int parts;
    private String[] partAttributes = new String[4];
    private String[] partValues = new String[4];
    /** The key space and first part of the key that {@link #rate} adds entries for. */
    private String keySpace;
    private int keyFrom;

    /** Creates an empty batch. */
    public Batch() {
    }

    /**
     * Empties the batch for a check of one permit.
     *
     * @param tenant the request's normalised tenant, or {@code null} when it has none
     * @param monotonicNanos the request's time for the arithmetic
     * @param epochNanos the same instant as wall-clock nanoseconds since the Unix epoch
     * @return this batch
     */
    public Batch begin(String tenant, long monotonicNanos, long epochNanos) {
        return begin(Operation.CHECK, 1, false, tenant, monotonicNanos, epochNanos);
    }

    /**
     * Empties the batch for a new request.
     *
     * @param operation what the request asks
     * @param permits units the request costs on every entry, at least 1
     * @param allOrNothing true when a refused check charges no entry
     * @param tenant the request's normalised tenant, or {@code null} when it has none
     * @param monotonicNanos the request's time for the arithmetic
     * @param epochNanos the same instant as wall-clock nanoseconds since the Unix epoch
     * @return this batch
     * @throws IllegalArgumentException when {@code permits} is below 1 or {@code operation} is null
     */
    @SuppressWarnings("ReferenceEquality") // identity is meant: the same reference need not be stored again
    public Batch begin(Operation operation, long permits, boolean allOrNothing, String tenant, long monotonicNanos,
            long epochNanos) {
        if (permits < 1 || operation == null) {
            throw new IllegalArgumentException(operation == null ? "operation=null: required"
                    : "permits=" + permits + ": must be at least 1");
        }
        if (this.operation != operation) {
            this.operation = operation;
        }
        this.permits = permits;
        this.allOrNothing = allOrNothing;
        if (this.tenant != tenant) {
            this.tenant = tenant;
        }
        this.monotonicNanos = monotonicNanos;
        this.epochNanos = epochNanos;
        this.size = 0;
        this.parts = 0;
        this.keySpace = null;
        return this;
    }

    /**
     * Starts a key: the parts added next name it, and the rates added next are its entries.
     *
     * @param keySpace the name its limit's keys carry
     * @return this batch
     */
    @SuppressWarnings("ReferenceEquality") // identity is meant: the same reference need not be stored again
    public Batch key(String keySpace) {
        if (this.keySpace != keySpace) {
            this.keySpace = keySpace;
        }
        this.keyFrom = parts;
        return this;
    }

    /**
     * Appends a part to the key started last, before any of its rates.
     *
     * @param attribute the request attribute, e.g. {@code api_key}
     * @param value its normalised value
     * @return this batch
     * @throws IllegalStateException when no key was started, or the key already has an entry
     */
    @SuppressWarnings("ReferenceEquality") // identity is meant: the same reference need not be stored again
    public Batch part(String attribute, String value) {
        if (keySpace == null || (size > 0 && partFrom[size - 1] == keyFrom)) {
            throw new IllegalStateException("a part belongs to a key started with key() and precedes its rates");
        }
        if (parts == partValues.length) {
            growParts();
        }
        if (partAttributes[parts] != attribute) {
            partAttributes[parts] = attribute;
        }
        partValues[parts] = value;
        parts++;
        return this;
    }

    /**
     * Appends an entry: the key started last, at one of its rates.
     *
     * @param count units per window, at least 1
     * @param windowSeconds the window, at least 1 second
     * @return the entry's index
     * @throws IllegalStateException when no key with at least one part was started
     */
    @SuppressWarnings("ReferenceEquality") // identity is meant: the same reference need not be stored again
    public int rate(long count, long windowSeconds) {
        if (keySpace == null || parts == keyFrom) {
            throw new IllegalStateException("an entry needs a key started with key() and at least one part()");
        }
        return append(count, windowSeconds);
    }

    /**
     * Appends an entry whose key has one part named after its key space, as the presets' keys have: the same as
     * {@code key(keySpace).part(keySpace, value).rate(count, windowSeconds)}.
     *
     * @param keySpace the key space, which is also the attribute's name, e.g. {@code user}
     * @param value the attribute's normalised value
     * @param count units per window
     * @param windowSeconds the window
     * @return this batch
     */
    public Batch add(String keySpace, String value, long count, long windowSeconds) {
        add(keySpace, keySpace, value, count, windowSeconds);
        return this;
    }

    /**
     * Appends an entry whose key has one part, in one call: the same as
     * {@code key(keySpace).part(attribute, value).rate(count, windowSeconds)}, so that {@link #rate} may add the
     * key's other rates after it.
     *
     * @param keySpace the name the keys of the entry's limit carry
     * @param attribute the request attribute, e.g. {@code user}
     * @param value its normalised value
     * @param count units per window, at least 1
     * @param windowSeconds the window, at least 1 second
     * @return the entry's index
     */
    @SuppressWarnings("ReferenceEquality") // identity is meant: the same reference need not be stored again
    public int add(String keySpace, String attribute, String value, long count, long windowSeconds) {
        int p = parts;
        if (p == partValues.length) {
            growParts();
        }
        if (partAttributes[p] != attribute) {
            partAttributes[p] = attribute;
        }
        partValues[p] = value;
        parts = p + 1;
        if (this.keySpace != keySpace) {
            this.keySpace = keySpace;
        }
        this.keyFrom = p;
        return append(count, windowSeconds);
    }

    /** Writes the next entry: the key started last ({@code keyFrom} to {@code parts}), at one rate. */
    @SuppressWarnings("ReferenceEquality") // identity is meant: the same reference need not be stored again
    private int append(long count, long windowSeconds) {
        int i = size;
        if (i == keySpaces.length) {
            grow();
        }
        if (keySpaces[i] != keySpace) {
            keySpaces[i] = keySpace;
        }
        partFrom[i] = keyFrom;
        partCounts[i] = parts - keyFrom;
        counts[i] = count;
        this.windowSeconds[i] = windowSeconds;
        outcomes[i] = UNAVAILABLE;
        remaining[i] = 0;
        resetAfterNanos[i] = 0;
        retryAfterNanos[i] = 0;
        size = i + 1;
        return i;
    }

    // Growth lives apart from the methods that append, so that they stay small enough to compile into their callers.
    private void growParts() {
        partAttributes = Arrays.copyOf(partAttributes, parts * 2);
        partValues = Arrays.copyOf(partValues, parts * 2);
    }

    private void grow() {
        int n = keySpaces.length * 2;
        keySpaces = Arrays.copyOf(keySpaces, n);
        partFrom = Arrays.copyOf(partFrom, n);
        partCounts = Arrays.copyOf(partCounts, n);
        counts = Arrays.copyOf(counts, n);
        windowSeconds = Arrays.copyOf(windowSeconds, n);
        outcomes = Arrays.copyOf(outcomes, n);
        remaining = Arrays.copyOf(remaining, n);
        resetAfterNanos = Arrays.copyOf(resetAfterNanos, n);
        retryAfterNanos = Arrays.copyOf(retryAfterNanos, n);
    }

    // ---- the request -----------------------------------------------------------------------------------------

    /** {@return what the request asks} */
    public Operation operation() {
        return operation;
    }

    /** {@return true when a refused {@link Operation#CHECK} charges no entry} */
    public boolean allOrNothing() {
        return allOrNothing;
    }

    /** {@return units the request costs on every entry, at least 1} */
    public long permits() {
        return permits;
    }

    /** {@return the request's normalised tenant, or {@code null}; for backends whose keys name the tenant} */
    public String tenant() {
        return tenant;
    }

    /** {@return the request's time for the arithmetic} */
    public long monotonicNanos() {
        return monotonicNanos;
    }

    /** {@return the request's time as nanoseconds since the Unix epoch} */
    public long epochNanos() {
        return epochNanos;
    }

    // ---- entries ---------------------------------------------------------------------------------------------

    /** {@return the number of entries} */
    public int size() {
        return size;
    }

    /**
     * {@return the name the keys of the entry's limit carry}
     *
     * @param i index below {@link #size()}
     */
    public String keySpace(int i) {
        return keySpaces[check(i)];
    }

    /**
     * {@return how many parts name the entry's key, at least 1}
     *
     * @param i index below {@link #size()}
     */
    public int partCount(int i) {
        return partCounts[check(i)];
    }

    /**
     * {@return the name of the request attribute that part {@code j} of the key is}
     *
     * @param i index below {@link #size()}
     * @param j index below {@link #partCount(int) partCount(i)}
     */
    public String attribute(int i, int j) {
        return partAttributes[partIndex(i, j)];
    }

    /**
     * {@return part {@code j} of the entry's key: the attribute's normalised value}
     *
     * @param i index below {@link #size()}
     * @param j index below {@link #partCount(int) partCount(i)}
     */
    public String part(int i, int j) {
        return partValues[partIndex(i, j)];
    }

    /**
     * {@return units per window of the rate in force for the entry}
     *
     * @param i index below {@link #size()}
     */
    public long count(int i) {
        return counts[check(i)];
    }

    /**
     * {@return the entry's window in seconds}
     *
     * @param i index below {@link #size()}
     */
    public long windowSeconds(int i) {
        return windowSeconds[check(i)];
    }

    /**
     * {@return the entry's window in nanoseconds}
     *
     * @param i index below {@link #size()}
     */
    public long windowNanos(int i) {
        return windowSeconds[check(i)] * NANOS_PER_SECOND;
    }

    // ---- outcomes --------------------------------------------------------------------------------------------

    /**
     * Records that entry {@code i} admits the request (charged, unless the operation charges nothing).
     *
     * @param i index below {@link #size()}
     * @param remainingAfter units left after this request, not negative
     * @param resetAfter nanoseconds until the entry resets
     */
    public void allow(int i, long remainingAfter, long resetAfter) {
        outcomes[check(i)] = ALLOWED;
        remaining[i] = Math.max(0, remainingAfter);
        resetAfterNanos[i] = Math.max(0, resetAfter);
        retryAfterNanos[i] = 0;
    }

    /**
     * Records that entry {@code i} refuses the request.
     *
     * @param i index below {@link #size()}
     * @param resetAfter nanoseconds until the entry resets
     * @param retryAfter nanoseconds until the entry admits the request
     */
    public void block(int i, long resetAfter, long retryAfter) {
        outcomes[check(i)] = BLOCKED;
        remaining[i] = 0;
        resetAfterNanos[i] = Math.max(0, resetAfter);
        retryAfterNanos[i] = Math.max(0, retryAfter);
    }

    /**
     * Records that the backend could not evaluate entry {@code i}.
     *
     * @param i index below {@link #size()}
     */
    public void unavailable(int i) {
        outcomes[check(i)] = UNAVAILABLE;
    }

    /**
     * {@return {@link Outcome#ALLOWED}, {@link Outcome#BLOCKED} or {@link Outcome#UNAVAILABLE} (also for an entry no
     *     backend has written)}
     *
     * @param i index below {@link #size()}
     */
    public Outcome outcome(int i) {
        return OUTCOMES[outcomes[check(i)]];
    }

    /**
     * {@return units left after the request}
     *
     * @param i index below {@link #size()}
     */
    public long remaining(int i) {
        return remaining[check(i)];
    }

    /**
     * {@return nanoseconds until the entry resets}
     *
     * @param i index below {@link #size()}
     */
    public long resetAfterNanos(int i) {
        return resetAfterNanos[check(i)];
    }

    /**
     * {@return nanoseconds until a blocked entry admits the request, else 0}
     *
     * @param i index below {@link #size()}
     */
    public long retryAfterNanos(int i) {
        return retryAfterNanos[check(i)];
    }

    /** {@return the object a backend attached to this batch with {@link #attach}, or {@code null}} */
    public Object attachment() {
        return attachment;
    }

    /**
     * Keeps a backend's per-caller scratch state (key buffers, result holders) with the batch, so that the
     * backend needs no thread-local lookup.
     *
     * @param attachment the scratch state
     */
    public void attach(Object attachment) {
        this.attachment = attachment;
    }

    // Objects.checkIndex is an intrinsic: the accessors stay small enough to inline on the request path.
    private int check(int i) {
        return Objects.checkIndex(i, size);
    }

    private int partIndex(int i, int j) {
        return partFrom[i] + Objects.checkIndex(j, partCounts[check(i)]);
    }
}
