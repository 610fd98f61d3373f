package dev.sluice.redis;

import dev.sluice.spi.Batch;
import dev.sluice.spi.Operation;
import io.lettuce.core.RedisCommandTimeoutException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;

/**
 * One request in flight: its keys grouped by slot (one group on standalone Redis and Sentinel), the script calls
 * that carry it, and the answer they add up to.
 *
 * <h2>Phases</h2>
 * Most requests take one phase ({@link Phase#ONE}): a part per group, all sent at once, each a script call's share
 * that runs the request's operation on its keys ({@code CHECK}; {@code CHECK_ALL} for all-or-nothing on one slot;
 * {@code PEEK}; {@code RESET}). The answer is written when the last part has answered.
 *
 * <p>An all-or-nothing check whose keys span slots cannot be decided by one script: each master sees only its own
 * keys. It takes up to three phases:
 * <ol>
 * <li>{@link Phase#PROBE}: every group is peeked (read-only). A key without room refuses the request, and nothing
 * was written.
 * <li>{@link Phase#CHARGE}: every key had room, so every group runs {@code CHECK_ALL}, which charges its keys only
 * if each still has room. When every group charged, the request is admitted.
 * <li>{@link Phase#UNDO}: a group found a key without room after all (a concurrent request took it between PROBE
 * and CHARGE), or failed: the groups that charged take their charges back, and the request is refused (or fails).
 * </ol>
 * A refused request therefore holds a charge only in that race, and only until its UNDO has run; an UNDO that fails
 * leaves its group's charge in place (counted as {@code undo_failures}). A group whose CHARGE call failed may have
 * charged (a call that timed out may still run) and is not taken back.
 *
 * <h2>Settling</h2>
 * The request settles exactly once: with the answers of its last phase, with the first failure of a ONE or PROBE
 * part, or when its caller stops waiting (timeout, interrupt). Only the settling thread writes the request, before
 * it completes {@link #result}; a part answered after the request settled is dropped. A request that settles
 * during its CHARGE phase still runs UNDO for the groups that charged: the coalescer hands back the CHARGE parts it
 * no longer sends ({@link #skipped}), and UNDO parts are sent whatever the request's state, so the counters end as
 * if the request had not been charged.
 *
 * <p>Memory ordering: each part writes only its own entries' replies and its own group's flags, then decrements
 * {@code outstanding}; the decrement that reaches zero follows every other part's writes (each is a volatile
 * read-modify-write after them), so the thread that makes it sees all of them. A phase's {@code outstanding} is set
 * before its first part is submitted, by the thread that ended the previous phase.
 *
 * <p>Thread-safe.
 */
final class Check {
    /** The step of a request a part serves. */
    enum Phase { ONE, PROBE, CHARGE, UNDO }

    private static final VarHandle OUTSTANDING;
    private static final VarHandle SETTLED;
    private static final VarHandle FAILURE;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            OUTSTANDING = lookup.findVarHandle(Check.class, "outstanding", int.class);
            SETTLED = lookup.findVarHandle(Check.class, "settled", boolean.class);
            FAILURE = lookup.findVarHandle(Check.class, "failure", Throwable.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final CompletableFuture<Batch> result = new CompletableFuture<>();
    private final RedisBackend backend;
    private final Batch request;
    private final Operation operation;
    private final boolean allOrNothing;
    private final long permits;
    private final long micros;
    private final byte[] member;
    private final byte[][] keys;
    private final long[] counts;
    private final long[] windows;
    /** The entries of each slot's group, in request order; one group on standalone Redis. */
    private final int[][] groups;
    /** The slot of each group, or -1 on standalone Redis. */
    private final int[] slots;
    /** {@link LimitScript#REPLY_WIDTH} values per entry; each part writes only its own entries'. */
    private final long[] replies;
    /** Per group, in the CHARGE phase: whether its CHECK_ALL charged its keys. */
    private final boolean[] charged;
    /** Per group, in the CHARGE phase: the time in microseconds its call decided at. */
    private final long[] chargeMicros;
    @SuppressWarnings("unused") // through OUTSTANDING
    private volatile int outstanding;
    @SuppressWarnings("unused") // through SETTLED
    private volatile boolean settled;
    @SuppressWarnings("unused") // through FAILURE
    private volatile Throwable failure;

    Check(RedisBackend backend, Batch request, long micros, byte[] member, byte[][] keys, int[][] groups,
            int[] slots) {
        this.backend = backend;
        this.request = request;
        this.operation = request.operation();
        this.allOrNothing = request.allOrNothing();
        this.permits = request.permits();
        this.micros = micros;
        this.member = member;
        this.keys = keys;
        this.groups = groups;
        this.slots = slots;
        int n = keys.length;
        this.counts = new long[n];
        this.windows = new long[n];
        for (int i = 0; i < n; i++) {
            counts[i] = request.count(i);
            windows[i] = request.windowSeconds(i);
        }
        this.replies = new long[n * LimitScript.REPLY_WIDTH];
        this.charged = new boolean[groups.length];
        this.chargeMicros = new long[groups.length];
    }

    /** Sends the request's first phase. */
    void start() {
        if (keys.length == 0) {
            settle();
        } else if (operation == Operation.RESET) {
            send(Phase.ONE, LimitScript.RESET, null);
        } else if (operation == Operation.PEEK) {
            send(Phase.ONE, LimitScript.PEEK, null);
        } else if (!allOrNothing) {
            send(Phase.ONE, LimitScript.CHECK, null);
        } else if (groups.length == 1) {
            send(Phase.ONE, LimitScript.CHECK_ALL, null);
        } else {
            send(Phase.PROBE, LimitScript.PEEK, null);
        }
    }

    boolean settled() {
        return settled;
    }

    /**
     * Copies a part's answers; the last part of a phase ends it.
     *
     * @param values the call's reply
     * @param from where the part's answers start in it
     * @param callMicros the time the call read from Redis, or 0 when it used the request's
     */
    void answered(Part part, long[] values, int from, long callMicros) {
        if (part.phase() == Phase.UNDO) {
            if (countDown()) {
                finish();
            }
            return;
        }
        int[] at = part.at();
        for (int k = 0; k < at.length; k++) {
            System.arraycopy(values, from + k * LimitScript.REPLY_WIDTH, replies, at[k] * LimitScript.REPLY_WIDTH,
                    LimitScript.REPLY_WIDTH);
        }
        if (part.phase() == Phase.CHARGE) {
            charged[part.group()] = roomFor(at);
            chargeMicros[part.group()] = callMicros != 0 ? callMicros : micros;
        }
        if (!countDown()) {
            return;
        }
        switch (part.phase()) {
            case ONE -> settle();
            case PROBE -> {
                if (roomFor(null)) {
                    if (!settled) {
                        send(Phase.CHARGE, LimitScript.CHECK_ALL, null);
                    }
                } else {
                    settle();
                }
            }
            default -> afterCharge();
        }
    }

    /** A part's call failed, or the script failed for its check. */
    void failed(Part part, Throwable cause) {
        switch (part.phase()) {
            case ONE, PROBE -> fail(cause);
            case CHARGE -> {
                // Whether it charged is unknown (a call that timed out may have run): it is not taken back.
                FAILURE.compareAndSet(this, null, cause);
                if (countDown()) {
                    afterCharge();
                }
            }
            case UNDO -> {
                backend.undoFailed();
                if (countDown()) {
                    finish();
                }
            }
        }
    }

    /** The coalescer did not send {@code part}: its request had settled. */
    void skipped(Part part) {
        if (part.phase() == Phase.CHARGE && countDown()) {
            afterCharge();
        }
    }

    /** Settles the request with {@code cause} unless it has settled already; counts it. */
    void fail(Throwable cause) {
        if (!SETTLED.compareAndSet(this, false, true)) {
            return;
        }
        Throwable c = cause instanceof CompletionException && cause.getCause() != null ? cause.getCause() : cause;
        backend.failed(c instanceof TimeoutException || c instanceof RedisCommandTimeoutException);
        result.completeExceptionally(RedisBackend.unwrap(c));
    }

    private boolean countDown() {
        return (int) OUTSTANDING.getAndAdd(this, -1) == 1;
    }

    private void afterCharge() {
        int undo = 0;
        for (boolean c : charged) {
            undo += c ? 1 : 0;
        }
        if (undo == groups.length) {
            settle();
        } else if (undo == 0) {
            finish();
        } else {
            backend.undone();
            send(Phase.UNDO, LimitScript.UNDO, charged);
        }
    }

    /** Ends a refused or failed all-or-nothing request once nothing of it stays charged. */
    private void finish() {
        Throwable f = failure;
        if (f != null) {
            fail(f);
        } else {
            settle();
        }
    }

    /** {@return whether every entry of {@code at} (every entry, when null) had room for the permits} */
    private boolean roomFor(int[] at) {
        int n = at == null ? keys.length : at.length;
        for (int k = 0; k < n; k++) {
            if (replies[(at == null ? k : at[k]) * LimitScript.REPLY_WIDTH] != 1) {
                return false;
            }
        }
        return true;
    }

    /**
     * Writes every entry's outcome. An entry with room reports what a check leaves it, charged or not: a peek, and
     * an entry of a refused all-or-nothing check, answer what the check would have.
     */
    private void settle() {
        if (!SETTLED.compareAndSet(this, false, true)) {
            return;
        }
        Batch r = request;
        for (int i = 0; i < keys.length; i++) {
            int at = i * LimitScript.REPLY_WIDTH;
            if (operation == Operation.RESET) {
                r.allow(i, counts[i], 0);
            } else if (replies[at] == 1) {
                r.allow(i, replies[at + 1], replies[at + 2]);
            } else {
                r.block(i, replies[at + 2], replies[at + 3]);
            }
        }
        result.complete(r);
    }

    /** Sends a part for each group ({@code only} the groups marked there, when not null) with {@code operation}. */
    private void send(Phase phase, int operation, boolean[] only) {
        int count = 0;
        for (int g = 0; g < groups.length; g++) {
            count += only == null || only[g] ? 1 : 0;
        }
        // Every part is counted before the first is submitted: a part may be answered before the next is built.
        outstanding = count;
        Part[] parts = new Part[count];
        int built = 0;
        for (int g = 0; g < groups.length; g++) {
            if (only == null || only[g]) {
                parts[built++] = part(g, phase, operation);
            }
        }
        for (Part p : parts) {
            backend.submit(slots[p.group()], p);
        }
    }

    private Part part(int group, Phase phase, int operation) {
        int[] at = groups[group];
        ScriptArgs.Fragment resp = new ScriptArgs.Fragment();
        for (int i : at) {
            resp.bulk(keys[i]);
        }
        int keysEnd = resp.length();
        resp.bulk(micros).bulk(member).bulk(operation).bulk(permits).bulk(at.length);
        for (int i : at) {
            resp.bulk(counts[i]).bulk(windows[i]);
            if (operation == LimitScript.UNDO) {
                // A fixed window's end in milliseconds: the charge's time plus its reset (a whole number of µs).
                resp.bulk(Math.floorDiv(chargeMicros[group] + replies[i * LimitScript.REPLY_WIDTH + 2] / 1000, 1000));
            }
        }
        return new Part(this, group, at, keys[at[0]], resp.toBytes(), keysEnd, operation, phase);
    }
}
