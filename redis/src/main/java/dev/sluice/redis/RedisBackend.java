package dev.sluice.redis;

import dev.sluice.LimiterConfig;
import dev.sluice.spi.Backend;
import dev.sluice.spi.BackendException;
import dev.sluice.spi.Batch;
import dev.sluice.spi.Operation;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.api.async.BaseRedisAsyncCommands;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.protocol.CommandType;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * The Redis backend: every limiter instance that points at the same Redis shares its counters, and shares
 * them with the system whose key names, value types and units Sluice keeps ({@code docs/redis.md}).
 *
 * <h2>One request, one round trip</h2>
 * A request's dimensions become keys ({@link RedisKeys}) and go to Redis in one {@code EVALSHA} of the
 * configured algorithm's script, which charges every key and answers for each. The script is named by its
 * SHA-1; when Redis does not know it ({@code NOSCRIPT}: a restart, a failover, {@code SCRIPT FLUSH}) the call
 * is repeated once as {@code EVAL}, which puts the script back in Redis' cache. On a Redis Cluster the keys are
 * grouped by hash slot and each group is its own part, all issued at once; Lettuce routes each call to the
 * slot's master and follows {@code MOVED}/{@code ASK}.
 *
 * <h2>Coalescing</h2>
 * Checks that arrive while the connection has its most calls in flight share the next call ({@link Coalescer}:
 * one per connection, or per slot on a Cluster): the script evaluates them one after the other, in arrival order,
 * exactly as separate calls would, and answers each. A check still costs one round trip, and a lone caller's check is sent at once;
 * under concurrency Redis runs fewer, larger script calls, and the client writes, reads and times fewer commands.
 *
 * <h2>Time</h2>
 * The script receives each request's time ({@link Batch#epochNanos()}) in microseconds and decides windows from
 * it, not from key expiries, which only reclaim state. With {@code redis_server_time} it reads Redis' {@code TIME}
 * instead (once per call), so instances with skewed clocks agree.
 *
 * <h2>Failures</h2>
 * Every failure surfaces as an exception, from {@link #evaluate} or from the future of {@link #evaluateAsync},
 * within {@code redis_command_timeout_ms} of the call: Redis down or unreachable (a check that finds no
 * connection fails at once), no reply in time, a script error, a reply of the wrong shape. A call that fails
 * fails every check it carries. Each check is bounded on its own: the synchronous caller waits at most the
 * timeout, the asynchronous one is failed by a timer. Exactly one outcome settles a check, and only the reply
 * that settles it writes the batch, so a late reply never touches a batch whose check has timed out. The engine
 * applies the fail mode, logs and counts.
 *
 * <p>Thread-safe; many threads may call {@link #evaluate} and {@link #evaluateAsync} at once, each with its own
 * batch.
 */
public final class RedisBackend implements Backend {
    private static final int SLOTS = SlotHash.SLOT_COUNT;
    private static final int[][] INDICES = {{}, {0}, {0, 1}, {0, 1, 2}};
    private static final byte[] NO_MEMBER = {};

    private final RedisLink link;
    private final LimitScript script;
    private final RedisKeys keys;
    private final boolean serverTime;
    private final boolean slidingWindow;
    private final long commandTimeoutNanos;
    private final String memberPrefix;
    /** The script's SHA-1, its source and the time flag, pre-encoded as RESP bulk strings. */
    private final byte[] shaBulk;
    private final byte[] sourceBulk;
    private final byte[] timeFlag;
    private final AtomicLong sequence = new AtomicLong();
    private final LongAdder checks = new LongAdder();
    private final LongAdder scriptCalls = new LongAdder();
    private final LongAdder scriptCallChecks = new LongAdder();
    private final LongAdder failures = new LongAdder();
    private final LongAdder timeouts = new LongAdder();
    private final LongAdder reloads = new LongAdder();
    private final Coalescer.Sender sender = new ScriptSender();
    /** The one coalescer of a standalone or Sentinel connection; null on a Cluster. */
    private final Coalescer single;
    /** A Cluster's coalescers by slot, made on first use; null otherwise. */
    private final AtomicReferenceArray<Coalescer> bySlot;
    private volatile boolean closed;

    private RedisBackend(RedisOptions options, String algorithm, LimitScript script, RedisLink link) {
        this.link = link;
        this.script = script;
        this.keys = new RedisKeys(options.keyPrefix(), options.tenantScopedKeys());
        this.serverTime = options.serverTime();
        this.slidingWindow = algorithm.equals("sliding_window");
        this.commandTimeoutNanos = options.commandTimeout().toNanos();
        // Sliding-window members must be unique across instances, processes and hosts: a random 64-bit
        // instance id and a per-instance sequence number.
        this.memberPrefix = Long.toHexString(new SecureRandom().nextLong()) + ':';
        this.shaBulk = ScriptArgs.bulk(script.sha1());
        this.sourceBulk = ScriptArgs.bulk(script.source());
        this.timeFlag = ScriptArgs.bulk(serverTime ? "1" : "0");
        this.single = link.cluster() ? null : new Coalescer(sender);
        this.bySlot = link.cluster() ? new AtomicReferenceArray<>(SLOTS) : null;
    }

    /**
     * Creates the backend and connects, waiting at most {@code redis_connect_timeout_ms}; when Redis cannot be
     * reached the backend is still returned, its checks fail (the fail mode applies) and it keeps trying.
     *
     * @param config the limiter's configuration: its algorithm and its {@link RedisOptions}
     * @return the backend; close it to release its connection and threads
     * @throws IllegalArgumentException when {@code redis_url} is missing or unparseable
     */
    public static RedisBackend create(LimiterConfig config) {
        return create(config.options(RedisOptions.class), config.algorithm().configName());
    }

    /**
     * Creates the backend and connects, as {@link #create(LimiterConfig)} does.
     *
     * @param options the {@code redis_*} settings
     * @param algorithm the algorithm's configuration name, e.g. {@code token_bucket}
     * @return the backend; close it to release its connection and threads
     * @throws IllegalArgumentException when {@code redis_url} is missing or unparseable, or the algorithm unknown
     */
    static RedisBackend create(RedisOptions options, String algorithm) {
        LimitScript script = LimitScript.of(algorithm);
        RedisLink link = RedisLink.open(options, script.source());
        link.awaitFirstConnection(options.connectTimeout());
        return new RedisBackend(options, algorithm, script, link);
    }

    @Override
    public void evaluate(Batch batch) {
        if (closed) {
            throw closedException();
        }
        requireSupported(batch);
        Check check = submit(batch);
        try {
            check.result.get(commandTimeoutNanos, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            // Settle the check here so that exactly one outcome is recorded; when a reply won the race, its
            // completion is writing the batch now, and join waits for it.
            check.fail(e);
            join(check.result);
        } catch (ExecutionException e) {
            throw unwrap(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            check.fail(new BackendException("interrupted while waiting for Redis", e));
            join(check.result);
        }
    }

    @Override
    @SuppressWarnings("FutureReturnValueIgnored") // the callbacks fail the check on timeout or cancel the timer
    public CompletableFuture<Batch> evaluateAsync(Batch batch) {
        if (closed) {
            return CompletableFuture.failedFuture(closedException());
        }
        try {
            requireSupported(batch);
        } catch (UnsupportedOperationException e) {
            return CompletableFuture.failedFuture(e);
        }
        Check check = submit(batch);
        if (!check.result.isDone()) {
            CompletableFuture<Void> bound = new CompletableFuture<>();
            bound.orTimeout(commandTimeoutNanos, TimeUnit.NANOSECONDS)
                    .whenComplete((v, e) -> {
                        if (e != null) {
                            check.fail(e instanceof CompletionException && e.getCause() != null ? e.getCause() : e);
                        }
                    });
            check.result.whenComplete((b, e) -> bound.complete(null));
        }
        return check.result;
    }

    /** The scripts charge one permit to keys of one part; peek, reset and all-or-nothing are not written yet. */
    private static void requireSupported(Batch batch) {
        boolean composite = false;
        for (int i = 0; i < batch.size(); i++) {
            composite |= batch.partCount(i) != 1;
        }
        if (batch.operation() != Operation.CHECK || batch.allOrNothing() || batch.permits() != 1 || composite) {
            throw new UnsupportedOperationException("the Redis backend does not yet answer " + batch.operation()
                    + " with permits=" + batch.permits() + (batch.allOrNothing() ? ", all or nothing" : "")
                    + (composite ? ", composite keys" : ""));
        }
    }

    /** Builds the check's keys and arguments on the caller's thread and hands its parts to their coalescers. */
    private Check submit(Batch batch) {
        checks.increment();
        int n = batch.size();
        byte[][] allKeys = new byte[n][];
        for (int i = 0; i < n; i++) {
            allKeys[i] = keys.key(batch.tenant(), batch.keySpace(i), batch.part(i, 0), batch.windowSeconds(i))
                    .getBytes(StandardCharsets.UTF_8);
        }
        long micros = Math.floorDiv(batch.epochNanos(), 1000L);
        byte[] member = slidingWindow
                ? (memberPrefix + Long.toHexString(sequence.incrementAndGet())).getBytes(StandardCharsets.US_ASCII)
                : NO_MEMBER;
        Check check = new Check(batch, n);
        if (single != null) {
            check.expectParts(1);
            single.submit(part(check, indices(n), allKeys, batch, micros, member));
            return check;
        }
        int[] slots = new int[n];
        int distinct = 0;
        for (int i = 0; i < n; i++) {
            slots[i] = SlotHash.getSlot(allKeys[i]);
            boolean seen = false;
            for (int j = 0; j < i; j++) {
                seen |= slots[j] == slots[i];
            }
            distinct += seen ? 0 : 1;
        }
        if (distinct == 1) {
            check.expectParts(1);
            slot(slots[0]).submit(part(check, indices(n), allKeys, batch, micros, member));
            return check;
        }
        // Every part is counted before the first is submitted: a part may be answered before the next is built.
        check.expectParts(distinct);
        Part[] parts = new Part[distinct];
        int[] partSlots = new int[distinct];
        boolean[] taken = new boolean[n];
        int built = 0;
        for (int i = 0; i < n; i++) {
            if (taken[i]) {
                continue;
            }
            int size = 0;
            for (int j = i; j < n; j++) {
                size += slots[j] == slots[i] ? 1 : 0;
            }
            int[] at = new int[size];
            int k = 0;
            for (int j = i; j < n; j++) {
                if (slots[j] == slots[i]) {
                    taken[j] = true;
                    at[k++] = j;
                }
            }
            partSlots[built] = slots[i];
            parts[built++] = part(check, at, allKeys, batch, micros, member);
        }
        for (int i = 0; i < distinct; i++) {
            slot(partSlots[i]).submit(parts[i]);
        }
        return check;
    }

    /** The part of {@code check} for the dimensions {@code at}, its keys and arguments encoded in RESP. */
    private static Part part(Check check, int[] at, byte[][] allKeys, Batch batch, long micros, byte[] member) {
        ScriptArgs.Fragment resp = new ScriptArgs.Fragment();
        for (int i : at) {
            resp.bulk(allKeys[i]);
        }
        int keysEnd = resp.length();
        resp.bulk(micros).bulk(member).bulk(at.length);
        for (int i : at) {
            resp.bulk(batch.count(i)).bulk(batch.windowSeconds(i));
        }
        return new Part(check, at, allKeys[at[0]], resp.toBytes(), keysEnd);
    }

    /** @return {@code 0 .. n-1}, shared for the common sizes */
    private static int[] indices(int n) {
        if (n < INDICES.length) {
            return INDICES[n];
        }
        int[] at = new int[n];
        for (int i = 0; i < n; i++) {
            at[i] = i;
        }
        return at;
    }

    private Coalescer slot(int slot) {
        Coalescer c = bySlot.get(slot);
        if (c == null) {
            bySlot.compareAndSet(slot, null, new Coalescer(sender));
            c = bySlot.get(slot);
        }
        return c;
    }

    /**
     * Counters since creation: {@code checks} (requests evaluated), {@code script_calls} (EVALSHA and EVAL
     * sent; fewer than the checks when concurrent checks share calls), {@code script_call_checks} (the checks
     * those calls carried, a check once per call that carried it: once, or once per slot on a Cluster, and again
     * when NOSCRIPT made its call repeat as EVAL), {@code script_reloads} (NOSCRIPT answered with EVAL),
     * {@code failures} (requests that failed), {@code timeouts} (of those, requests without a reply in time).
     */
    @Override
    public Map<String, Long> stats() {
        return Map.of("checks", checks.sum(), "script_calls", scriptCalls.sum(), "script_call_checks",
                scriptCallChecks.sum(), "script_reloads", reloads.sum(), "failures", failures.sum(), "timeouts",
                timeouts.sum());
    }

    /** Closes the connection and the client's threads. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        link.close();
    }

    /**
     * A request's keys on one slot (all its keys, except on a Cluster whose slots split them), for the batch's
     * dimensions {@code at}, in the script's calling convention, already in RESP: {@code resp} holds the keys up
     * to {@code keysEnd}, then the check's arguments (time, member, key count, each key's limit and window), all
     * captured when the check was submitted, so a call never reads a batch.
     */
    @SuppressWarnings("ArrayRecordComponent") // a carrier of one call's bytes, never compared or hashed
    record Part(Check check, int[] at, byte[] firstKey, byte[] resp, int keysEnd) {
        int keyCount() {
            return at.length;
        }

        /** {@return the script arguments (ARGV) this part adds: time, member, key count, a pair per key} */
        int arguments() {
            return 3 + 2 * at.length;
        }
    }

    /**
     * One request in flight. It settles exactly once: with the replies of all its parts, or with the first
     * failure (a failed call, a timeout, an interrupt). Only the settling thread writes the batch, before it
     * completes {@link #result}; a part answered after the check settled is dropped.
     */
    final class Check {
        private static final VarHandle OUTSTANDING;
        private static final VarHandle SETTLED;

        static {
            try {
                MethodHandles.Lookup lookup = MethodHandles.lookup();
                OUTSTANDING = lookup.findVarHandle(Check.class, "outstanding", int.class);
                SETTLED = lookup.findVarHandle(Check.class, "settled", boolean.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        final CompletableFuture<Batch> result = new CompletableFuture<>();
        private final Batch batch;
        /** {@link LimitScript#REPLY_WIDTH} values per dimension; each part writes only its own dimensions'. */
        private final long[] replies;
        @SuppressWarnings("unused") // through OUTSTANDING
        private volatile int outstanding;
        @SuppressWarnings("unused") // through SETTLED
        private volatile boolean settled;

        Check(Batch batch, int dimensions) {
            this.batch = batch;
            this.replies = new long[dimensions * LimitScript.REPLY_WIDTH];
        }

        void expectParts(int parts) {
            outstanding = parts;
        }

        boolean settled() {
            return settled;
        }

        /** Copies a part's answers; the last part to arrive settles the check. */
        void answered(Part part, long[] values, int from) {
            int[] at = part.at();
            for (int k = 0; k < at.length; k++) {
                System.arraycopy(values, from + k * LimitScript.REPLY_WIDTH, replies, at[k] * LimitScript.REPLY_WIDTH,
                        LimitScript.REPLY_WIDTH);
            }
            // Linearizes here: the decrement that reaches zero follows every other part's copy (each decrement
            // is a volatile read-modify-write after its copy), so the settler sees all replies.
            if ((int) OUTSTANDING.getAndAdd(this, -1) != 1 || !SETTLED.compareAndSet(this, false, true)) {
                return;
            }
            for (int i = 0; i < batch.size(); i++) {
                int r = i * LimitScript.REPLY_WIDTH;
                if (replies[r] == 1) {
                    batch.allow(i, replies[r + 1], replies[r + 2]);
                } else {
                    batch.block(i, replies[r + 2], replies[r + 3]);
                }
            }
            result.complete(batch);
        }

        /** Settles the check with {@code cause} unless it has settled already; counts it. */
        void fail(Throwable cause) {
            if (!SETTLED.compareAndSet(this, false, true)) {
                return;
            }
            failures.increment();
            Throwable c = cause instanceof CompletionException && cause.getCause() != null ? cause.getCause() : cause;
            if (c instanceof TimeoutException || c instanceof RedisCommandTimeoutException) {
                timeouts.increment();
            }
            result.completeExceptionally(unwrap(c));
        }
    }

    /** Sends a coalescer's parts as one script call and hands each part its answers. */
    private final class ScriptSender implements Coalescer.Sender {

        @Override
        public CompletableFuture<ScriptReply> send(Part[] parts) {
            CompletableFuture<RedisLink.Connected> connected = link.connected();
            if (connected.state() == java.util.concurrent.Future.State.SUCCESS) {
                return call(connected.resultNow().commands(), parts);
            }
            return connected.thenCompose(c -> call(c.commands(), parts));
        }

        @SuppressWarnings("FutureReturnValueIgnored") // handle's nested future is flattened by thenCompose
        private CompletableFuture<ScriptReply> call(BaseRedisAsyncCommands<byte[], byte[]> commands, Part[] parts) {
            int keys = 0;
            for (Part p : parts) {
                keys += p.keyCount();
            }
            int keyCount = keys;
            int integers = keyCount * LimitScript.REPLY_WIDTH;
            ScriptReply reply = new ScriptReply(integers);
            scriptCalls.increment();
            scriptCallChecks.add(parts.length);
            return commands.dispatch(CommandType.EVALSHA, reply, new ScriptArgs(shaBulk, timeFlag, parts, keyCount))
                    .toCompletableFuture()
                    .handle((values, e) -> {
                        if (e == null) {
                            return CompletableFuture.completedFuture(reply);
                        }
                        Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
                        if (!(cause instanceof RedisNoScriptException)) {
                            return CompletableFuture.<ScriptReply>failedFuture(cause);
                        }
                        reloads.increment();
                        scriptCalls.increment();
                        scriptCallChecks.add(parts.length);
                        // EVAL runs the script and puts it back in this node's script cache for the next EVALSHA.
                        ScriptReply again = new ScriptReply(integers);
                        return commands.dispatch(CommandType.EVAL, again, new ScriptArgs(sourceBulk, timeFlag, parts,
                                keyCount)).toCompletableFuture().thenApply(v -> again);
                    })
                    .thenCompose(f -> f);
        }

        @Override
        public void deliver(Part[] parts, ScriptReply reply, Throwable failure) {
            Throwable cause = failure;
            if (cause == null && !reply.wellFormed()) {
                cause = badReply(reply);
            }
            if (cause != null) {
                for (Part p : parts) {
                    p.check().fail(cause);
                }
                return;
            }
            long[] values = reply.get();
            int from = 0;
            for (Part p : parts) {
                if (values[from] == ScriptReply.FAILED) {
                    p.check().fail(new BackendException("Redis script " + script.resource() + " failed for this "
                            + "check: a command inside it answered an error, e.g. WRONGTYPE for a key of another type"));
                } else if (values[from] == ScriptReply.OUT_OF_MEMORY) {
                    p.check().fail(new BackendException("Redis is out of memory (used_memory above maxmemory, "
                            + "maxmemory-policy noeviction): it refused this check's first write, and nothing was "
                            + "written"));
                } else {
                    p.check().answered(p, values, from);
                }
                from += p.keyCount() * LimitScript.REPLY_WIDTH;
            }
        }
    }

    /** A reply of any other shape than the call's keys expect is a failure, never a decision. */
    private BackendException badReply(ScriptReply reply) {
        int keyCount = reply.get().length / LimitScript.REPLY_WIDTH;
        return new BackendException("Redis script " + script.resource() + " replied " + reply.describe() + "; expected "
                + reply.get().length + " non-negative integers (" + LimitScript.REPLY_WIDTH + " per key, " + keyCount
                + (keyCount == 1 ? " key" : " keys") + ")");
    }

    private static IllegalStateException closedException() {
        return new IllegalStateException("redis backend is closed");
    }

    private static void join(CompletableFuture<?> f) {
        try {
            f.join();
        } catch (CompletionException e) {
            throw unwrap(e.getCause());
        }
    }

    private static RuntimeException unwrap(Throwable e) {
        Throwable cause = e;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof BackendException be) {
            return be;
        }
        if (cause instanceof IllegalStateException ise && ise.getMessage() != null
                && ise.getMessage().equals("redis backend is closed")) {
            return ise;
        }
        if (cause instanceof TimeoutException) {
            return new BackendException("no reply from Redis within the command timeout", cause);
        }
        return new BackendException("Redis call failed: " + cause, cause);
    }
}
