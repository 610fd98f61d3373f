package dev.sluice.redis;

import dev.sluice.Algorithm;
import dev.sluice.LimiterConfig;
import dev.sluice.Rate;
import dev.sluice.spi.Backend;
import dev.sluice.spi.BackendException;
import dev.sluice.spi.Batch;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.async.RedisScriptingAsyncCommands;
import io.lettuce.core.cluster.SlotHash;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The Redis backend: every limiter instance that points at the same Redis shares its counters, and shares
 * them with the system whose key names, value types and units Sluice keeps ({@code docs/redis.md}).
 *
 * <h2>One request, one script call</h2>
 * A request's dimensions become keys ({@link RedisKeys}) and go to Redis in one {@code EVALSHA} of the
 * configured algorithm's script, which charges every key and answers for each. The script is named by its
 * SHA-1; when Redis does not know it ({@code NOSCRIPT}: a restart, a failover, {@code SCRIPT FLUSH}) the call
 * is repeated once as {@code EVAL}, which puts the script back in Redis' cache. On a Redis Cluster the keys are
 * grouped by hash slot and each group is one script call, all issued at once; Lettuce routes each call to the
 * slot's master and follows {@code MOVED}/{@code ASK}.
 *
 * <h2>Time</h2>
 * The script receives the request's time ({@link Batch#epochNanos()}) in microseconds and decides windows from
 * it, not from key expiries, which only reclaim state. With {@code redis_server_time} it reads Redis' {@code TIME}
 * instead, so instances with skewed clocks agree.
 *
 * <h2>Failures</h2>
 * Every failure surfaces as an exception, from {@link #evaluate} or from the future of {@link #evaluateAsync},
 * within {@code redis_command_timeout_ms} of the call: Redis down or unreachable (a check that finds no
 * connection fails at once), no reply in time, a script error, a reply of the wrong shape. The engine applies the fail mode, logs and counts. A late reply never touches the batch.
 *
 * <p>Thread-safe; many threads may call {@link #evaluate} and {@link #evaluateAsync} at once, each with its own
 * batch.
 */
public final class RedisBackend implements Backend {
    private static final ScriptOutputType REPLY = ScriptOutputType.MULTI;

    private final RedisLink link;
    private final LimitScript script;
    private final RedisKeys keys;
    private final boolean serverTime;
    private final boolean slidingWindow;
    private final long commandTimeoutNanos;
    private final String memberPrefix;
    private final AtomicLong sequence = new AtomicLong();
    private final LongAdder checks = new LongAdder();
    private final LongAdder scriptCalls = new LongAdder();
    private final LongAdder failures = new LongAdder();
    private final LongAdder timeouts = new LongAdder();
    private final LongAdder reloads = new LongAdder();
    private volatile boolean closed;

    private RedisBackend(LimiterConfig config, LimitScript script, RedisLink link) {
        this.link = link;
        this.script = script;
        this.keys = new RedisKeys(config.redisKeyPrefix(), config.redisTenantScopedKeys());
        this.serverTime = config.redisServerTime();
        this.slidingWindow = config.algorithm() == Algorithm.SLIDING_WINDOW;
        this.commandTimeoutNanos = config.redisCommandTimeout().toNanos();
        // Sliding-window members must be unique across instances, processes and hosts: a random 64-bit
        // instance id and a per-instance sequence number.
        this.memberPrefix = Long.toHexString(new SecureRandom().nextLong()) + ':';
    }

    /**
     * Creates the backend and connects, waiting at most {@code redis_connect_timeout_ms}; when Redis cannot be
     * reached the backend is still returned, its checks fail (the fail mode applies) and it keeps trying.
     *
     * @param config the limiter's configuration: algorithm, {@code redis_url} and the other {@code redis_*} settings
     * @return the backend; close it to release its connection and threads
     * @throws IllegalArgumentException when {@code redis_url} is missing or unparseable
     */
    public static RedisBackend create(LimiterConfig config) {
        LimitScript script = LimitScript.of(config.algorithm());
        RedisLink link = RedisLink.open(config, script.source());
        link.awaitFirstConnection(config.redisConnectTimeout());
        return new RedisBackend(config, script, link);
    }

    @Override
    public void evaluate(Batch batch) {
        Pending pending = start(batch);
        try {
            pending.result().get(commandTimeoutNanos, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            // The bound's own timer fires at the same moment; settle the bounded future here so that exactly
            // one outcome is recorded and the batch is never written after this method returns.
            pending.bounded().completeExceptionally(e);
            join(pending.result());
        } catch (ExecutionException e) {
            throw unwrap(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            pending.bounded().completeExceptionally(e);
            throw new BackendException("interrupted while waiting for Redis", e);
        }
    }

    @Override
    public CompletableFuture<Batch> evaluateAsync(Batch batch) {
        return start(batch).result();
    }

    /**
     * A check in flight: {@code bounded} completes once, with the replies or with a failure (the command
     * bound's timeout among them), and only its completion writes the batch, in {@code result}.
     */
    private record Pending(CompletableFuture<Void> bounded, CompletableFuture<Batch> result) {
    }

    private Pending start(Batch batch) {
        if (closed) {
            CompletableFuture<Void> failed = CompletableFuture.failedFuture(new IllegalStateException("redis backend is closed"));
            return new Pending(failed, CompletableFuture.failedFuture(new IllegalStateException("redis backend is closed")));
        }
        checks.increment();
        int n = batch.size();
        String[] allKeys = new String[n];
        for (int i = 0; i < n; i++) {
            allKeys[i] = keys.key(batch.tenant(), batch.dimension(i), batch.value(i), batch.rate(i).windowSeconds());
        }
        String now = Long.toString(Math.floorDiv(batch.epochNanos(), 1000L));
        String member = slidingWindow ? memberPrefix + Long.toHexString(sequence.incrementAndGet()) : "";

        long[] replies = new long[n * LimitScript.REPLY_WIDTH];
        CompletableFuture<Void> all = link.connected().thenCompose(c -> {
            if (!link.cluster() || n == 1) {
                return call(c.commands(), allKeys, indices(n), batch, now, member, replies);
            }
            return callPerSlot(c.commands(), allKeys, batch, now, member, replies);
        });
        CompletableFuture<Void> bounded = new CompletableFuture<>();
        all.whenComplete((v, e) -> {
            if (e == null) {
                bounded.complete(null);
            } else {
                bounded.completeExceptionally(e);
            }
        });
        bounded.orTimeout(commandTimeoutNanos, TimeUnit.NANOSECONDS);
        CompletableFuture<Batch> result = bounded.handle((v, e) -> {
            if (e != null) {
                failures.increment();
                Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
                if (cause instanceof TimeoutException || cause instanceof RedisCommandTimeoutException) {
                    timeouts.increment();
                }
                throw unwrap(cause);
            }
            for (int i = 0; i < n; i++) {
                int at = i * LimitScript.REPLY_WIDTH;
                if (replies[at] == 1) {
                    batch.allow(i, replies[at + 1], replies[at + 2]);
                } else {
                    batch.block(i, replies[at + 2], replies[at + 3]);
                }
            }
            return batch;
        });
        return new Pending(bounded, result);
    }

    /**
     * Counters since creation: {@code checks} (requests evaluated), {@code script_calls} (EVALSHA and EVAL
     * sent), {@code script_reloads} (NOSCRIPT answered with EVAL), {@code failures} (requests that failed),
     * {@code timeouts} (of those, requests without a reply in time).
     */
    @Override
    public Map<String, Long> stats() {
        return Map.of("checks", checks.sum(), "script_calls", scriptCalls.sum(), "script_reloads", reloads.sum(),
                "failures", failures.sum(), "timeouts", timeouts.sum());
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

    private CompletableFuture<Void> callPerSlot(RedisScriptingAsyncCommands<String, String> commands,
            String[] allKeys, Batch batch, String now, String member, long[] replies) {
        int n = allKeys.length;
        int[] slots = new int[n];
        for (int i = 0; i < n; i++) {
            slots[i] = SlotHash.getSlot(allKeys[i]);
        }
        CompletableFuture<?>[] calls = new CompletableFuture<?>[n];
        int groups = 0;
        boolean[] taken = new boolean[n];
        for (int i = 0; i < n; i++) {
            if (taken[i]) {
                continue;
            }
            int size = 0;
            int[] group = new int[n];
            for (int j = i; j < n; j++) {
                if (!taken[j] && slots[j] == slots[i]) {
                    taken[j] = true;
                    group[size++] = j;
                }
            }
            int[] members = Arrays.copyOf(group, size);
            String[] groupKeys = new String[size];
            for (int k = 0; k < size; k++) {
                groupKeys[k] = allKeys[members[k]];
            }
            calls[groups++] = call(commands, groupKeys, members, batch, now, member, replies);
        }
        return CompletableFuture.allOf(Arrays.copyOf(calls, groups));
    }

    /** One script call for {@code callKeys}, whose replies go to the batch indices {@code at}. */
    private CompletableFuture<Void> call(RedisScriptingAsyncCommands<String, String> commands, String[] callKeys,
            int[] at, Batch batch, String now, String member, long[] replies) {
        String[] args = new String[LimitScript.FIXED_ARGS + 2 * at.length];
        args[0] = now;
        args[1] = serverTime ? "1" : "0";
        args[2] = member;
        for (int k = 0; k < at.length; k++) {
            Rate rate = batch.rate(at[k]);
            args[LimitScript.FIXED_ARGS + 2 * k] = Long.toString(rate.count());
            args[LimitScript.FIXED_ARGS + 2 * k + 1] = Long.toString(rate.windowSeconds());
        }
        scriptCalls.increment();
        CompletableFuture<List<Object>> reply = commands.<List<Object>>evalsha(script.sha1(), REPLY, callKeys, args)
                .toCompletableFuture()
                .exceptionallyCompose(e -> {
                    Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
                    if (!(cause instanceof RedisNoScriptException)) {
                        return CompletableFuture.failedFuture(cause);
                    }
                    reloads.increment();
                    scriptCalls.increment();
                    // EVAL runs the script and puts it back in this node's script cache for the next EVALSHA.
                    return commands.<List<Object>>eval(script.source(), REPLY, callKeys, args).toCompletableFuture();
                });
        return reply.thenAccept(r -> read(r, at, replies));
    }

    /** Checks the reply's shape and copies it; a reply of any other shape is a failure, never a decision. */
    private void read(List<Object> reply, int[] at, long[] replies) {
        if (reply == null || reply.size() != at.length * LimitScript.REPLY_WIDTH) {
            throw badReply(reply, at.length);
        }
        for (int k = 0; k < at.length; k++) {
            for (int f = 0; f < LimitScript.REPLY_WIDTH; f++) {
                Object value = reply.get(k * LimitScript.REPLY_WIDTH + f);
                if (!(value instanceof Long number) || number < 0 || (f == 0 && number > 1)) {
                    throw badReply(reply, at.length);
                }
                replies[at[k] * LimitScript.REPLY_WIDTH + f] = number;
            }
        }
    }

    private BackendException badReply(Object reply, int keyCount) {
        String shown = String.valueOf(reply);
        if (shown.length() > 200) {
            shown = shown.substring(0, 200) + "...";
        }
        return new BackendException("Redis script " + script.resource() + " replied " + shown + "; expected "
                + keyCount * LimitScript.REPLY_WIDTH + " non-negative integers (" + LimitScript.REPLY_WIDTH
                + " per key)");
    }

    private static int[] indices(int n) {
        int[] at = new int[n];
        for (int i = 0; i < n; i++) {
            at[i] = i;
        }
        return at;
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
