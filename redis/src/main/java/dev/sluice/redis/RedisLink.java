package dev.sluice.redis;

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
 * algorithm's script (on every master of a Cluster), which also opens a Cluster's per-node connections. A
 * check that arrives while an attempt is pending waits for it within its own command bound; a check that
 * finds the last attempt failed fails at once (the engine applies the fail mode), and starts a new attempt
 * when the last one began at least {@link #RETRY_NANOS} ago. Once connected, Lettuce
 * reconnects by itself, with exponential back-off capped at one second. While a standalone or Sentinel
 * connection is down, commands are rejected at once rather than queued, so a dead Redis costs callers no
 * waiting; on a Cluster they wait for the node's connection, at most the command timeout.
 *
 * <h2>Sentinel</h2>
 * With a {@code redis-sentinel://} URL Lettuce asks the Sentinels, in the order listed, for the master's address
 * whenever it connects or reconnects, and connects to the master. After a failover the old master's connection
 * ends (it died, or the Sentinel that demoted it closed its clients' connections), so the reconnection finds
 * the promoted replica; checks fail at once (the fail mode) until then. Each Sentinel's reply is bounded by
 * the command timeout ({@link #target}).
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
     * @param options {@code redis_url}, {@code redis_cluster} and the timeouts
     * @return the link
     * @throws IllegalArgumentException when {@code redis_url} is missing or unparseable
     */
    static RedisLink open(RedisOptions options, String scriptSource) {
        return open(options.url(), options.cluster(), options.connectTimeout(), options.commandTimeout(), scriptSource);
    }

    /** {@link #open(RedisOptions, String)} with the settings it reads, one by one. */
    static RedisLink open(String url, boolean redisCluster, Duration connectTimeout, Duration commandTimeout,
            String scriptSource) {
        Target target = target(url, redisCluster, commandTimeout);
        ClientResources resources = ClientResources.builder()
                .reconnectDelay(Delay.exponential(Duration.ofMillis(10), Duration.ofSeconds(1), 2, TimeUnit.MILLISECONDS))
                .build();
        SocketOptions socket = SocketOptions.builder().connectTimeout(connectTimeout).keepAlive(true).build();
        TimeoutOptions timeouts = TimeoutOptions.enabled(commandTimeout);
        RedisLink link;
        if (target.topology() == Topology.CLUSTER) {
            RedisClusterClient client = RedisClusterClient.create(resources, target.uris());
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
            link = new RedisLink(resources, client, target.uris().get(0), scriptSource);
        }
        link.attempt.set(link.connect());
        return link;
    }

    /** What a {@code redis_url} names. */
    enum Topology {
        /** One server: {@code redis://} or {@code rediss://}. */
        STANDALONE,
        /** A master found through Sentinels: {@code redis-sentinel://}. */
        SENTINEL,
        /** A Cluster, through its seed nodes. */
        CLUSTER
    }

    /**
     * A parsed {@code redis_url}.
     *
     * @param topology what it names
     * @param uris the server's or the Sentinel set's one URI, or a Cluster's seeds
     */
    record Target(Topology topology, List<RedisURI> uris) {
    }

    /**
     * Reads {@code redis_url}:
     * <ul>
     *   <li>{@code redis-sentinel://[[user:]password@]host[:port][,host2[:port2]…][/database]#master}: the master
     *       that the Sentinels, asked in the order given, name; the commas separate Sentinels, so this is never a
     *       Cluster, whatever {@code redis_cluster} says;</li>
     *   <li>several comma-separated {@code redis://} or {@code rediss://} URLs, or one with {@code redis_cluster}:
     *       a Cluster's seed nodes;</li>
     *   <li>else one {@code redis://} or {@code rediss://} server.</li>
     * </ul>
     * Every reply waited for while connecting is bounded by the command timeout: a Sentinel's too (Lettuce's
     * default for each listed Sentinel would be a minute), so a Sentinel that accepts connections and never
     * answers costs one command timeout, then the next Sentinel is asked.
     *
     * @throws IllegalArgumentException naming {@code redis_url} and quoting it (any password masked)
     */
    static Target target(String url, boolean redisCluster, Duration commandTimeout) {
        if (url == null) {
            throw new IllegalArgumentException("redis_url=null: required when backend=\"redis\"");
        }
        String text = url.strip();
        String lower = text.toLowerCase(Locale.ROOT);
        if (lower.startsWith("redis-sentinel://")) {
            if (!text.contains("#") && !lower.contains("sentinelmasterid=")) {
                throw invalid(text, "a Sentinel URL names its master after '#', e.g. "
                        + "redis-sentinel://h:26379,h2:26379/0#mymaster");
            }
            RedisURI uri = uri(text, text, commandTimeout);
            for (RedisURI sentinel : uri.getSentinels()) {
                sentinel.setTimeout(commandTimeout);
            }
            return new Target(Topology.SENTINEL, List.of(uri));
        }
        if (!redisCluster && !text.contains(",")) {
            return new Target(Topology.STANDALONE, List.of(uri(text, text, commandTimeout)));
        }
        List<RedisURI> seeds = new ArrayList<>();
        for (String seed : text.split(",")) {
            if (seed.isBlank()) {
                continue;
            }
            if (seed.strip().toLowerCase(Locale.ROOT).startsWith("redis-sentinel://")) {
                throw invalid(text, "a Cluster seed list holds redis:// and rediss:// URLs; a redis-sentinel:// URL "
                        + "must be the whole redis_url");
            }
            seeds.add(uri(seed, text, commandTimeout));
        }
        return new Target(Topology.CLUSTER, List.copyOf(seeds));
    }

    private static RedisURI uri(String text, String whole, Duration commandTimeout) {
        RedisURI uri;
        try {
            uri = RedisURI.create(text.strip());
        } catch (IllegalArgumentException e) {
            throw invalid(whole, e.getMessage());
        }
        uri.setTimeout(commandTimeout);
        return uri;
    }

    private static IllegalArgumentException invalid(String url, String problem) {
        // A URL may carry credentials: the message, which gets logged, shows the URL without them.
        String shown = url.replaceAll("(?<=//)[^/@]*@", "***@");
        return new IllegalArgumentException("redis_url=\"" + shown + "\": " + problem);
    }

    /** {@return true when this link talks to a Redis Cluster and requests must be split by slot} */
    boolean cluster() {
        return cluster;
    }

    /**
     * @return the connection, possibly still being established; failed when the last attempt failed
     */
    @SuppressWarnings("FutureReturnValueIgnored") // the losing attempt's connection is closed in the background
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
    @SuppressWarnings("FutureReturnValueIgnored") // the thread pools finish shutting down on their own
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
}
