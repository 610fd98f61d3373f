package dev.sluice.redis;

import dev.sluice.LimiterConfig;
import dev.sluice.spi.Backend;
import dev.sluice.spi.BackendException;
import dev.sluice.spi.Batch;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.api.async.BaseRedisAsyncCommands;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.protocol.CommandType;
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
import java.util.function.Consumer;

/**
 * The Redis backend: every limiter instance that points at the same Redis shares its counters, and shares
 * them with the system whose key names, value types and units Sluice keeps ({@code docs/redis.md}).
 *
 * <h2>One request, one round trip</h2>
 * A request's entries, any number of them, become keys ({@link RedisKeys}) and go to Redis in one {@code EVALSHA}
 * of the configured algorithm's script, which runs the request's operation on every key and answers for each: a
 * check charges its permits to every key with room for them (to all or none, all-or-nothing), a peek answers the
 * same and writes nothing, a reset deletes the keys. The script is named by its SHA-1; when Redis does not know it
 * ({@code NOSCRIPT}: a restart, a failover, {@code SCRIPT FLUSH}) the call is repeated once as {@code EVAL}, which
 * puts the script back in Redis' cache. On a Redis Cluster the keys are grouped by hash slot and each group is its
 * own part, all issued at once; Lettuce routes each call to the slot's master and follows {@code MOVED}/{@code ASK}.
 * An all-or-nothing check whose keys span slots is peeked on every slot first and charged only when every key has
 * room, with the charges taken back if a slot refuses after all ({@link Check}).
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
    private static final int[] NO_SLOTS = {-1};
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
    private final LongAdder undos = new LongAdder();
    private final LongAdder undoFailures = new LongAdder();
    private final Coalescer.Sender sender = new ScriptSender();
    /** The one coalescer of a standalone or Sentinel connection; null on a Cluster. */
    private final Coalescer single;
    /** A Cluster's coalescers by slot, made on first use; null otherwise. */
    private final AtomicReferenceArray<Coalescer> bySlot;
    private volatile boolean closed;
    private volatile Consumer<Part> beforeSubmit;

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

    /**
     * Runs the batch's operation on every entry's key and writes each entry's outcome, waiting at most the command
     * timeout: a check charges the permits to every entry with room for them (to all or none, all-or-nothing), a
     * peek answers the same and writes nothing, a reset deletes the keys.
     */
    @Override
    public void evaluate(Batch request) {
        if (closed) {
            throw closedException();
        }
        Check check = submit(request);
        try {
            check.result.get(commandTimeoutNanos, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            // Settle the check here so that exactly one outcome is recorded; when a reply won the race, its
            // completion is writing the request now, and join waits for it.
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

    /** The asynchronous form of {@link #evaluate(Batch)}: a timer bounds it by the command timeout. */
    @Override
    @SuppressWarnings("FutureReturnValueIgnored") // the callbacks fail the check on timeout or cancel the timer
    public CompletableFuture<Batch> evaluateAsync(Batch request) {
        if (closed) {
            return CompletableFuture.failedFuture(closedException());
        }
        Check check = submit(request);
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

    /** Builds the request's keys and groups them by slot on the caller's thread, and sends its first phase. */
    private Check submit(Batch request) {
        checks.increment();
        int n = request.size();
        byte[][] allKeys = new byte[n][];
        for (int i = 0; i < n; i++) {
            allKeys[i] = keys.key(request, i).getBytes(StandardCharsets.UTF_8);
        }
        long micros = Math.floorDiv(request.epochNanos(), 1000L);
        byte[] member = slidingWindow
                ? (memberPrefix + Long.toHexString(sequence.incrementAndGet())).getBytes(StandardCharsets.US_ASCII)
                : NO_MEMBER;
        Check check;
        if (single != null || n <= 1) {
            int[] all = new int[n];
            for (int i = 0; i < n; i++) {
                all[i] = i;
            }
            int[] slots = single != null || n == 0 ? NO_SLOTS : new int[] {SlotHash.getSlot(allKeys[0])};
            check = new Check(this, request, micros, member, allKeys, new int[][] {all}, slots);
        } else {
            check = groupedBySlot(request, micros, member, allKeys);
        }
        check.start();
        return check;
    }

    /** A Cluster request: one group of entries per distinct slot, in order of each slot's first entry. */
    private Check groupedBySlot(Batch request, long micros, byte[] member, byte[][] allKeys) {
        int n = allKeys.length;
        int[] slotOf = new int[n];
        int[] distinctSlots = new int[n];
        int[] sizes = new int[n];
        int[] groupOf = new int[n];
        int distinct = 0;
        for (int i = 0; i < n; i++) {
            slotOf[i] = SlotHash.getSlot(allKeys[i]);
            int g = 0;
            while (g < distinct && distinctSlots[g] != slotOf[i]) {
                g++;
            }
            if (g == distinct) {
                distinctSlots[distinct++] = slotOf[i];
            }
            groupOf[i] = g;
            sizes[g]++;
        }
        int[][] groups = new int[distinct][];
        for (int g = 0; g < distinct; g++) {
            groups[g] = new int[sizes[g]];
            sizes[g] = 0;
        }
        for (int i = 0; i < n; i++) {
            int g = groupOf[i];
            groups[g][sizes[g]++] = i;
        }
        return new Check(this, request, micros, member, allKeys, groups, java.util.Arrays.copyOf(distinctSlots, distinct));
    }

    /** Hands {@code part} to its slot's coalescer ({@code slot} -1: the one coalescer of standalone Redis). */
    void submit(int slot, Part part) {
        Consumer<Part> observer = beforeSubmit;
        if (observer != null) {
            observer.accept(part);
        }
        (slot < 0 ? single : slot(slot)).submit(part);
    }

    /**
     * Sees every part just before it is handed to its coalescer, on the thread that hands it over, so that a test
     * can change Redis between the phases of a request; null (no observer) outside tests.
     */
    void beforeSubmit(Consumer<Part> observer) {
        this.beforeSubmit = observer;
    }

    void failed(boolean timeout) {
        failures.increment();
        if (timeout) {
            timeouts.increment();
        }
    }

    void undone() {
        undos.increment();
    }

    void undoFailed() {
        undoFailures.increment();
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
     * {@code failures} (requests that failed), {@code timeouts} (of those, requests without a reply in time),
     * {@code undos} (all-or-nothing requests on a Cluster whose charges on some slots were taken back because another
     * slot refused or failed) and {@code undo_failures} (calls taking a charge back that failed: those charges stay).
     */
    @Override
    public Map<String, Long> stats() {
        return Map.of("checks", checks.sum(), "script_calls", scriptCalls.sum(), "script_call_checks",
                scriptCallChecks.sum(), "script_reloads", reloads.sum(), "failures", failures.sum(), "timeouts",
                timeouts.sum(), "undos", undos.sum(), "undo_failures", undoFailures.sum());
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
            int integers = LimitScript.REPLY_HEADER + keyCount * LimitScript.REPLY_WIDTH;
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
                    p.check().failed(p, cause);
                }
                return;
            }
            long[] values = reply.get();
            long callMicros = values[0];
            int from = LimitScript.REPLY_HEADER;
            for (Part p : parts) {
                if (values[from] == ScriptReply.FAILED) {
                    p.check().failed(p, new BackendException("Redis script " + script.resource() + " failed for this "
                            + "check: a command inside it answered an error, e.g. WRONGTYPE for a key of another type"));
                } else if (values[from] == ScriptReply.OUT_OF_MEMORY) {
                    p.check().failed(p, new BackendException("Redis is out of memory (used_memory above maxmemory, "
                            + "maxmemory-policy noeviction): it refused this check's first write, and nothing was "
                            + "written"));
                } else {
                    p.check().answered(p, values, from, callMicros);
                }
                from += p.keyCount() * LimitScript.REPLY_WIDTH;
            }
        }
    }

    /** A reply of any other shape than the call's keys expect is a failure, never a decision. */
    private BackendException badReply(ScriptReply reply) {
        int keyCount = (reply.get().length - LimitScript.REPLY_HEADER) / LimitScript.REPLY_WIDTH;
        return new BackendException("Redis script " + script.resource() + " replied " + reply.describe() + "; expected "
                + reply.get().length + " non-negative integers (the call's time, then " + LimitScript.REPLY_WIDTH
                + " per key, " + keyCount + (keyCount == 1 ? " key" : " keys") + ")");
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

    static RuntimeException unwrap(Throwable e) {
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
