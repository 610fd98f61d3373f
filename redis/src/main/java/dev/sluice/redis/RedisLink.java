package dev.sluice.redis;

import dev.sluice.LimiterConfig;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.async.BaseRedisAsyncCommands;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.protocol.ProtocolVersion;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The Lettuce client, its resources and its one connection (standalone, Sentinel-discovered or Cluster), and
 * the policy for getting that connection.
 *
 * <h2>Connecting</h2>
 * The first connection is attempted when the backend is created; creation waits for it at most the connect
 * timeout, and a limiter starts even while Redis is down. Connecting includes {@code SCRIPT LOAD} of the
 * algorithm's script (on every master of a Cluster), which also opens a Cluster's per-node connections. A check that arrives while an attempt is pending waits for it within its own command
 * bound; a check that finds the last attempt failed fails at once (the engine applies the fail mode), and
 * starts a new attempt when the last one began at least {@link #RETRY_NANOS} ago. Once connected, Lettuce
 * reconnects by itself, with exponential back-off capped at one second. While a standalone or Sentinel
 * connection is down, commands are rejected at once rather than queued, so a dead Redis costs callers no
 * waiting; on a Cluster they wait for the node's connection, at most the command timeout.
 *
 * <p>Thread-safe.
 */
final class RedisLink implements AutoCloseable {
    private static final long RETRY_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(2);

    private final ClientResources resources;
    private final AbstractRedisClient client;
    private final RedisURI standaloneUri;
    private final String scriptSource;
    private final boolean cluster;
    private final AtomicReference<Attempt> attempt = new AtomicReference<>();
    private volatile boolean closed;

    /** One connection attempt: when it started and the commands it yields. */
    private record Attempt(long startedNanos, CompletableFuture<Connected> connected) {
    }

    /**
     * An open connection and its asynchronous commands. Keys and values are bytes: the backend encodes keys once
     * and writes numbers as ASCII digits itself, so Lettuce copies bytes and converts nothing.
     */
    record Connected(StatefulConnection<byte[], byte[]> connection, BaseRedisAsyncCommands<byte[], byte[]> commands) {
    }

    private RedisLink(ClientResources resources, AbstractRedisClient client, RedisURI standaloneUri,
            String scriptSource) {
        this.resources = resources;
        this.scriptSource = scriptSource;
        this.client = client;
        this.standaloneUri = standaloneUri;
        this.cluster = client instanceof RedisClusterClient;
    }

    /**
     * Creates the client for the configured URL and starts connecting.
     *
     * @param config {@code redis_url}, {@code redis_cluster} and the timeouts
     * @return the link
     */
    static RedisLink open(LimiterConfig config, String scriptSource) {
        String url = config.redisUrl();
        if (url == null) {
            throw new IllegalArgumentException("redis_url=null: required when backend=\"redis\"");
        }
        ClientResources resources = ClientResources.builder()
                .reconnectDelay(Delay.exponential(Duration.ofMillis(10), Duration.ofSeconds(1), 2, TimeUnit.MILLISECONDS))
                .build();
        SocketOptions socket = SocketOptions.builder().connectTimeout(config.redisConnectTimeout()).keepAlive(true).build();
        TimeoutOptions timeouts = TimeoutOptions.enabled(config.redisCommandTimeout());
        // A Sentinel URL lists its sentinels comma-separated; it names one master, never a Cluster.
        boolean sentinel = url.strip().toLowerCase(Locale.ROOT).startsWith("redis-sentinel://");
        RedisLink link;
        if (config.redisCluster() && !sentinel) {
            RedisClusterClient client = RedisClusterClient.create(resources, uris(url, config));
            client.setOptions(ClusterClientOptions.builder()
                    .socketOptions(socket)
                    .timeoutOptions(timeouts)
                    .protocolVersion(ProtocolVersion.RESP2)
                    .autoReconnect(true)
                    // Not REJECT_COMMANDS: a Cluster connection opens its per-node connections on first use,
                    // and a command written while that connection is still opening must wait for it, not fail.
                    // The command timeout still bounds every call.
                    .disconnectedBehavior(ClientOptions.DisconnectedBehavior.DEFAULT)
                    // Adaptive refresh (on MOVED, ASK, persistent reconnects) is Lettuce 7's default; the
                    // periodic refresh also catches topology changes no command has run into yet.
                    .topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
                            .enablePeriodicRefresh(Duration.ofSeconds(30))
                            .build())
                    .build());
            link = new RedisLink(resources, client, null, scriptSource);
        } else {
            RedisClient client = RedisClient.create(resources);
            client.setOptions(ClientOptions.builder()
                    .socketOptions(socket)
                    .timeoutOptions(timeouts)
                    .protocolVersion(ProtocolVersion.RESP2)
                    .autoReconnect(true)
                    .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                    .build());
            link = new RedisLink(resources, client, uri(url, config), scriptSource);
        }
        link.attempt.set(link.connect());
        return link;
    }

    /** @return true when this link talks to a Redis Cluster and requests must be split by slot */
    boolean cluster() {
        return cluster;
    }

    /**
     * @return the connection, possibly still being established; failed when the last attempt failed
     */
    CompletableFuture<Connected> connected() {
        Attempt current = attempt.get();
        CompletableFuture<Connected> f = current.connected();
        if (f.isCompletedExceptionally() && !closed && System.nanoTime() - current.startedNanos() >= RETRY_NANOS) {
            Attempt next = connect();
            if (attempt.compareAndSet(current, next)) {
                return next.connected();
            }
            next.connected().thenAccept(c -> c.connection().closeAsync());
            return attempt.get().connected();
        }
        return f;
    }

    private Attempt connect() {
        long started = System.nanoTime();
        CompletableFuture<Connected> f;
        if (client instanceof RedisClusterClient clusterClient) {
            // Lettuce's cluster connectAsync expects the topology loaded; load it first, without blocking.
            // Loading the script on every master also opens the per-node connections before the first check.
            f = clusterClient.refreshPartitionsAsync().toCompletableFuture()
                    .thenCompose(loaded -> clusterClient.connectAsync(ByteArrayCodec.INSTANCE))
                    .thenCompose(c -> warm(c.async().upstream().commands().scriptLoad(scriptSource)
                            .toCompletableFuture(), new Connected(c, c.async())));
        } else {
            f = ((RedisClient) client).connectAsync(ByteArrayCodec.INSTANCE, standaloneUri).toCompletableFuture()
                    .thenCompose(c -> warm(c.async().scriptLoad(scriptSource).toCompletableFuture(),
                            new Connected(c, c.async())));
        }
        return new Attempt(started, f);
    }

    /** Waits for the script load, whose failure is not the connection's: EVALSHA falls back to EVAL. */
    private static CompletableFuture<Connected> warm(CompletableFuture<?> scriptLoad, Connected connected) {
        return scriptLoad.handle((loaded, failure) -> connected);
    }

    /**
     * Waits, at most {@code timeout}, for the first connection attempt, so that a limiter created while Redis
     * is up answers its first checks from Redis. Returns normally either way.
     */
    void awaitFirstConnection(Duration timeout) {
        try {
            attempt.get().connected().get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            // Checks fail (and the fail mode applies) until a later attempt connects.
        }
    }

    /** Closes the connection, the client and its thread pools; waits at most a few seconds. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        Attempt last = attempt.get();
        if (last != null) {
            CompletableFuture<Connected> f = last.connected();
            if (f.state() == java.util.concurrent.Future.State.SUCCESS) {
                f.resultNow().connection().close();
            }
        }
        try {
            client.shutdown(Duration.ZERO, SHUTDOWN_TIMEOUT);
        } finally {
            resources.shutdown(0, SHUTDOWN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private static RedisURI uri(String text, LimiterConfig config) {
        RedisURI uri = RedisURI.create(text.strip());
        uri.setTimeout(config.redisCommandTimeout());
        return uri;
    }

    private static List<RedisURI> uris(String seeds, LimiterConfig config) {
        List<RedisURI> out = new ArrayList<>();
        for (String seed : seeds.split(",")) {
            if (!seed.isBlank()) {
                out.add(uri(seed, config));
            }
        }
        return out;
    }
}
