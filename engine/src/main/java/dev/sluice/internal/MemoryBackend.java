package dev.sluice.internal;

import dev.sluice.spi.Backend;
import dev.sluice.spi.BackendContext;
import dev.sluice.spi.Batch;
import dev.sluice.spi.ConfiguredLimit;
import dev.sluice.spi.Operation;
import dev.sluice.store.AcquireResult;
import dev.sluice.store.AcquireStatus;
import dev.sluice.store.Fingerprint;
import dev.sluice.store.KeyedStore;
import dev.sluice.store.StoreBatch;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The embedded backend: every limit's state lives in one off-heap {@link KeyedStore}. An entry's key is the
 * fingerprint of its parts under a seed that names the key space and the window (the Redis key
 * {@code <keySpace>:<value>:<windowSeconds>} without its prefix, as a namespace and a value), so an identity of
 * any length costs the same memory and is hashed once, straight from its {@code String}. A composite key's parts
 * are hashed one after another, each part's 128-bit fingerprint the seed of the next
 * ({@link Fingerprint#of(long, long, String, long[], int)}): no joined string is built, and no choice of values
 * can make two different keys share their parts' hash input.
 *
 * <p>The presets' seeds are the ones this backend has always used, so their keys are unchanged; a custom
 * limit's key space is named by a fingerprint of its name. Seeds of the configuration's key spaces and windows
 * are computed once, here; a key space this backend was not configured with has its seed computed per entry.
 *
 * <p>An entry that costs more than its count ({@link Batch#permits()} above {@link Batch#count(int)}) never
 * reaches the store: it blocks for its window, as the SPI says. A check charges with
 * {@link KeyedStore#acquire(StoreBatch, long)}, or with {@link KeyedStore#acquireAll} when it is all or nothing;
 * a peek answers with {@link KeyedStore#peek(StoreBatch, long)} and a reset forgets with
 * {@link KeyedStore#reset(StoreBatch, long)}.
 *
 * <p>A new key that finds the table at {@code memory_max_keys} live keys, once expired keys around it have
 * been reclaimed, is refused: the dimension blocks with {@code Retry-After} of {@link #TABLE_FULL_RETRY_NANOS}
 * and the {@code table_full} counter rises. It never fails open.
 *
 * <p>Thread-safe; {@code evaluate} never blocks and, after a batch's first use, allocates nothing.
 */
public final class MemoryBackend implements Backend {
    /** The most ring memory the default budget of a {@code sliding_window} limiter may name: 16 GiB. */
    public static final long MAX_DEFAULT_RING_BUDGET_BYTES = 16L << 30;
    /** What a new key is told to wait when the table is full of live keys: 1 s. */
    public static final long TABLE_FULL_RETRY_NANOS = 1_000_000_000L;

    private static final System.Logger LOG = System.getLogger(MemoryBackend.class.getName());
    private static final long FULL_LOG_INTERVAL_NANOS = 60_000_000_000L;

    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    /** The seed under which a custom limit's name is hashed into its key space's namespace. */
    private static final long KEY_SPACE_NAMES = 0x4B45_5953_5041_4345L;
    /** The presets' key spaces, in the order their seeds have always been numbered by. */
    private static final List<String> PRESETS = List.of("user", "tenant", "tool");

    private final KeyedStore store;
    private final Fingerprint fingerprint;
    /** The configuration's key spaces and windows, and the seed of each pair; presets first. */
    private final String[] seedSpaces;
    private final long[] seedWindows;
    private final long[] seeds;
    private final AtomicLong nextFullLog = new AtomicLong(Long.MIN_VALUE);

    /** A caller's scratch space, attached to its batch. */
    private static final class Scratch {
        final StoreBatch requests = new StoreBatch();
        /** The store request of each entry; -1 for an entry that costs more than its count. */
        int[] index = new int[4];
        final long[] lo = new long[1];
    }

    /**
     * Builds the embedded backend's store, and the seeds of the configured key spaces.
     *
     * @param options table size and budget
     * @param context the algorithm and the configured limits
     * @throws IllegalArgumentException when the store cannot be built with those settings, naming them
     */
    public MemoryBackend(MemoryOptions options, BackendContext context) {
        KeyedStore.Builder builder = KeyedStore.builder(MemoryOptions.storeAlgorithm(context.algorithm()))
                .maxKeys(options.maxKeys());
        if (options.budgetBytes() > 0) {
            builder.memoryBudgetBytes(options.budgetBytes());
        } else if (context.algorithm().equals("sliding_window")) {
            builder.memoryBudgetBytes(builder.fixedBytes()
                    + Math.max(ringBudgetFor(options.maxKeys(), MemoryOptions.limitCounts(context)), 1));
        }
        try {
            this.store = builder.build();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Invalid embedded-backend settings (memory_max_keys="
                    + options.maxKeys() + ", memory_budget_bytes=" + options.budgetBytes() + "): "
                    + e.getMessage(), e);
        }
        this.fingerprint = store.fingerprint();
        List<String> spaces = new ArrayList<>();
        List<Long> windows = new ArrayList<>();
        for (ConfiguredLimit limit : context.limits()) {
            boolean known = false;
            for (int k = 0; k < spaces.size(); k++) {
                known |= spaces.get(k).equals(limit.keySpace()) && windows.get(k) == limit.limit().windowSeconds();
            }
            if (!known) {
                spaces.add(limit.keySpace());
                windows.add(limit.limit().windowSeconds());
            }
        }
        this.seedSpaces = spaces.toArray(new String[0]);
        this.seedWindows = new long[seedSpaces.length];
        this.seeds = new long[seedSpaces.length];
        for (int k = 0; k < seedSpaces.length; k++) {
            seedWindows[k] = windows.get(k);
            seeds[k] = computeSeed(seedSpaces[k], seedWindows[k]);
        }
    }

    @Override
    public void evaluate(Batch batch) {
        Scratch scratch = batch.attachment() instanceof Scratch s ? s : attach(batch);
        if (batch.operation() != Operation.CHECK || batch.allOrNothing()) {
            evaluateOther(batch, scratch);
            return;
        }
        // The check that charges whatever admits: every preset's path, kept as short as it was before batches
        // had operations.
        StoreBatch requests = scratch.requests.clear();
        int size = batch.size();
        long permits = batch.permits();
        boolean overCost = false;
        for (int i = 0; i < size; i++) {
            long count = batch.count(i);
            long windowSeconds = batch.windowSeconds(i);
            if (permits > count || batch.partCount(i) != 1) {
                overCost = true;
                break;
            }
            requests.add(fingerprint, seed(batch.keySpace(i), windowSeconds), batch.part(i, 0), permits, count,
                    windowSeconds * NANOS_PER_SECOND);
        }
        if (overCost) {
            evaluateOther(batch, scratch);
            return;
        }
        store.acquire(requests, batch.monotonicNanos());
        for (int i = 0; i < size; i++) {
            write(batch, i, requests.result(i));
        }
    }

    /** Every other batch: composite keys, entries that cost more than their count, all or nothing, peek, reset. */
    private void evaluateOther(Batch batch, Scratch scratch) {
        StoreBatch requests = scratch.requests.clear();
        Operation operation = batch.operation();
        // A reset forgets every key, whatever the request would cost.
        boolean overCost = addKeys(batch, scratch, operation == Operation.RESET ? 1 : batch.permits());
        int[] index = scratch.index;
        long now = batch.monotonicNanos();
        if (operation == Operation.CHECK && !batch.allOrNothing()) {
            store.acquire(requests, now);
            write(batch, requests, index);
        } else if (operation == Operation.CHECK) {
            checkAllOrNothing(batch, requests, index, overCost, now);
        } else if (operation == Operation.PEEK) {
            store.peek(requests, now);
            write(batch, requests, index);
        } else {
            store.reset(requests, now);
            for (int i = 0; i < batch.size(); i++) {
                batch.allow(i, batch.count(i), 0);
            }
        }
    }

    /**
     * Fingerprints every entry's key into the scratch's store batch, at {@code permits} each, and notes each entry's
     * store request in the scratch's index; an entry that costs more than its count gets none.
     *
     * @return true when some entry costs more than its count
     */
    private boolean addKeys(Batch batch, Scratch scratch, long permits) {
        StoreBatch requests = scratch.requests;
        int size = batch.size();
        if (scratch.index.length < size) {
            scratch.index = new int[Math.max(size, 2 * scratch.index.length)];
        }
        int[] index = scratch.index;
        boolean overCost = false;
        for (int i = 0; i < size; i++) {
            long count = batch.count(i);
            long windowSeconds = batch.windowSeconds(i);
            if (permits > count) {
                index[i] = -1;
                overCost = true;
                continue;
            }
            long seed = seed(batch.keySpace(i), windowSeconds);
            long windowNanos = windowSeconds * NANOS_PER_SECOND;
            int parts = batch.partCount(i);
            if (parts == 1) {
                index[i] = requests.add(fingerprint, seed, batch.part(i, 0), permits, count, windowNanos);
            } else {
                index[i] = addComposite(batch, i, parts, seed, scratch.lo, requests, permits, count, windowNanos);
            }
        }
        return overCost;
    }

    /** A composite key's parts hashed one after another, each part's fingerprint the seed of the next. */
    private int addComposite(Batch batch, int i, int parts, long seed, long[] lo, StoreBatch requests, long permits,
            long count, long windowNanos) {
        long hi = fingerprint.of(seed, batch.part(i, 0), lo, 0);
        for (int j = 1; j < parts; j++) {
            hi = fingerprint.of(hi, lo[0], batch.part(i, j), lo, 0);
        }
        return requests.add(hi, lo[0], permits, count, windowNanos);
    }

    /**
     * Charges every entry or none ({@link KeyedStore#acquireAll}). A refused request is answered entry by entry
     * as a peek answers it, after the store has given back what it charged, except that the entry the store
     * refused keeps its refusal; an entry that costs more than its count refuses the request before the store
     * is asked to charge anything.
     */
    private void checkAllOrNothing(Batch batch, StoreBatch requests, int[] index, boolean overCost, long now) {
        int refused = overCost ? -1 : store.acquireAll(requests, now);
        if (!overCost && refused < 0) {
            write(batch, requests, index);
            return;
        }
        AcquireStatus status = AcquireStatus.BLOCKED;
        long resetAfter = 0;
        long retryAfter = 0;
        if (refused >= 0) {
            AcquireResult result = requests.result(refused);
            status = result.status();
            resetAfter = result.resetAfterNanos();
            retryAfter = result.retryAfterNanos();
        }
        store.peek(requests, now);
        write(batch, requests, index);
        for (int i = 0; refused >= 0 && i < batch.size(); i++) {
            if (index[i] == refused) {
                if (status == AcquireStatus.TABLE_FULL) {
                    tableFull(now);
                    batch.block(i, TABLE_FULL_RETRY_NANOS, TABLE_FULL_RETRY_NANOS);
                } else {
                    batch.block(i, resetAfter, retryAfter);
                }
            }
        }
    }

    /** Writes each entry's outcome from its store result; one costing more than its count blocks for its window. */
    private void write(Batch batch, StoreBatch requests, int[] index) {
        for (int i = 0; i < batch.size(); i++) {
            if (index[i] < 0) {
                long windowNanos = batch.windowNanos(i);
                batch.block(i, windowNanos, windowNanos);
            } else {
                write(batch, i, requests.result(index[i]));
            }
        }
    }

    private void write(Batch batch, int i, AcquireResult result) {
        AcquireStatus status = result.status();
        if (status == AcquireStatus.ALLOWED) {
            batch.allow(i, result.remaining(), result.resetAfterNanos());
        } else if (status == AcquireStatus.BLOCKED) {
            batch.block(i, result.resetAfterNanos(), result.retryAfterNanos());
        } else {
            tableFull(batch.monotonicNanos());
            batch.block(i, TABLE_FULL_RETRY_NANOS, TABLE_FULL_RETRY_NANOS);
        }
    }

    /** The seed of a key space's keys at one window: kept for the configuration's, computed for any other. */
    @SuppressWarnings("ReferenceEquality") // identity first: the engine names entries with the configuration's strings
    private long seed(String keySpace, long windowSeconds) {
        String[] spaces = seedSpaces;
        for (int k = 0; k < spaces.length; k++) {
            if (spaces[k] == keySpace && seedWindows[k] == windowSeconds) {
                return seeds[k];
            }
        }
        // Another backend's caller may name a configured key space with a string of its own.
        for (int k = 0; k < spaces.length; k++) {
            if (seedWindows[k] == windowSeconds && spaces[k].equals(keySpace)) {
                return seeds[k];
            }
        }
        return computeSeed(keySpace, windowSeconds);
    }

    /**
     * A preset's namespace is {@code <dimension>:…:<windowSeconds>} as a number, as it always was; a custom
     * limit's is a fingerprint of its name with the window folded in.
     */
    private long computeSeed(String keySpace, long windowSeconds) {
        int preset = PRESETS.indexOf(keySpace);
        if (preset >= 0) {
            return fingerprint.seed(((long) (preset + 1) << 48) ^ windowSeconds);
        }
        long[] lo = new long[1];
        long hi = fingerprint.of(KEY_SPACE_NAMES, keySpace, lo, 0);
        return fingerprint.seed(hi ^ Long.rotateLeft(lo[0], 32) ^ windowSeconds);
    }

    private void tableFull(long now) {
        long next = nextFullLog.get();
        if ((next == Long.MIN_VALUE || now - next >= 0)
                && nextFullLog.compareAndSet(next, now + FULL_LOG_INTERVAL_NANOS)) {
            LOG.log(System.Logger.Level.WARNING, "Embedded rate-limit table full: " + store.size() + " live keys of "
                    + store.capacity() + " (memory_max_keys); new keys are refused until keys expire."
                    + " Refusals so far: " + store.tableFullCount() + ". Raise memory_max_keys to hold more.");
        }
    }

    @Override
    public Map<String, Long> stats() {
        return Map.of(
                "keys", store.size(),
                "capacity", store.capacity(),
                "off_heap_bytes", store.offHeapBytes(),
                "huge_page_bytes", store.hugePageBytes(),
                "table_full", store.tableFullCount(),
                "reclaimed", store.reclaimedCount());
    }

    /**
     * Reclaims expired keys in one pass over the table. The store also reclaims on its own, paced with the
     * requests and whenever a new key finds no room; this is for callers that want memory back sooner.
     *
     * @param nowNanos the current monotonic time
     * @return the number of keys reclaimed
     */
    public long reclaimExpired(long nowNanos) {
        return store.reclaimExpired(nowNanos);
    }

    @Override
    public void close() {
        store.close();
    }

    /**
     * Ring memory for {@code maxKeys} live keys at each of {@code limits}: rings are allocated in chunks as keys
     * arrive, so a budget of it is a ceiling, not a reservation. The configuration refuses a default above
     * {@link #MAX_DEFAULT_RING_BUDGET_BYTES} when it is built.
     *
     * @param maxKeys how many keys the store holds at most
     * @param limits the distinct counts of the configured rates: each is the size of a ring
     * @return bytes, or Long.MAX_VALUE when past the ceiling
     */
    public static long ringBudgetFor(long maxKeys, Collection<Long> limits) {
        long bytes = 0;
        for (long limit : limits) {
            long ring = KeyedStore.Builder.ringBytesFor(limit, maxKeys);
            bytes = ring > MAX_DEFAULT_RING_BUDGET_BYTES - bytes ? Long.MAX_VALUE : bytes + ring;
        }
        return bytes;
    }

    private static Scratch attach(Batch batch) {
        Scratch s = new Scratch();
        batch.attach(s);
        return s;
    }
}
