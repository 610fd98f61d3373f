package dev.sluice.redis.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * A master, one replica and Sentinels watching them as {@value #MASTER_NAME}, all {@link LocalRedis} processes
 * of one {@link RedisServerBinary} on loopback (a Sentinel is the same server in sentinel mode, so the embedded
 * 6.2 binary serves as well as an installed one). Ready once the replica is in sync and every Sentinel knows the
 * master and the replica: all that one Sentinel needs to fail over. Several Sentinels find each other through
 * the master within a few seconds ({@code SENTINEL SENTINELS}); a failover they must agree on needs that too.
 *
 * <p>Sentinels are told a master is down after {@value #DOWN_AFTER_MILLIS} ms without an answer, so a killed
 * master is replaced within a few seconds.
 *
 * <p>Not thread-safe.
 */
public final class LocalRedisSentinel implements AutoCloseable {
    public static final String MASTER_NAME = "mymaster";
    private static final long DOWN_AFTER_MILLIS = 1_000;
    private static final long READY_TIMEOUT_SECONDS = 30;

    private final RedisServerBinary binary;
    private final List<LocalRedis> data = new ArrayList<>();
    private final List<LocalRedis> sentinels = new ArrayList<>();

    private LocalRedisSentinel(RedisServerBinary binary) {
        this.binary = binary;
    }

    /**
     * Starts a master, a replica of it and {@code sentinelCount} Sentinels, with a quorum of a majority of them.
     */
    public static LocalRedisSentinel start(RedisServerBinary binary, int sentinelCount) {
        LocalRedisSentinel set = new LocalRedisSentinel(binary);
        try {
            // Diskless replication without its default delay (5 s on 7.0): the replica syncs at once.
            List<String> replication = List.of("--repl-diskless-sync", "yes", "--repl-diskless-sync-delay", "0");
            LocalRedis master = LocalRedis.start(binary, replication);
            set.data.add(master);
            List<String> replicaArgs = new ArrayList<>(replication);
            replicaArgs.addAll(List.of("--replicaof", "127.0.0.1", Integer.toString(master.port())));
            set.data.add(LocalRedis.start(binary, replicaArgs));
            String config = "sentinel monitor " + MASTER_NAME + " 127.0.0.1 " + master.port() + " " + (sentinelCount / 2 + 1)
                    + "\nsentinel down-after-milliseconds " + MASTER_NAME + " " + DOWN_AFTER_MILLIS
                    + "\nsentinel failover-timeout " + MASTER_NAME + " 10000"
                    + "\nsentinel parallel-syncs " + MASTER_NAME + " 1\n";
            for (int i = 0; i < sentinelCount; i++) {
                set.sentinels.add(LocalRedis.startSentinel(binary, config));
            }
            set.awaitReplicaInSync(set.replica());
            set.await("every Sentinel to know the replica", () -> {
                for (LocalRedis s : set.sentinels) {
                    try (RespClient c = s.client()) {
                        if (c.list("SENTINEL", "REPLICAS", MASTER_NAME).isEmpty()) {
                            return false;
                        }
                    }
                }
                return true;
            }, set::describe);
            return set;
        } catch (RuntimeException e) {
            set.close();
            throw e;
        }
    }

    /** @return the server that was started as the master */
    public LocalRedis master() {
        return data.get(0);
    }

    /** @return the server that was started as the replica */
    public LocalRedis replica() {
        return data.get(1);
    }

    public List<LocalRedis> sentinels() {
        return sentinels;
    }

    /** @return {@code redis-sentinel://127.0.0.1:<port>,…/0#mymaster}, with every Sentinel's address */
    public String url() {
        return url(sentinels.stream().map(LocalRedis::port).toList());
    }

    /** @return a Sentinel URL naming the Sentinels on {@code ports}, in that order */
    public static String url(List<Integer> ports) {
        return "redis-sentinel://" + ports.stream().map(p -> "127.0.0.1:" + p).collect(Collectors.joining(","))
                + "/0#" + MASTER_NAME;
    }

    /** Waits until {@code replica} has the master's data and stays connected to it (a full sync done). */
    public void awaitReplicaInSync(LocalRedis replica) {
        await("replica " + replica.port() + " to be in sync", () -> {
            try (RespClient c = replica.client()) {
                return ((String) c.call("INFO", "replication")).contains("master_link_status:up");
            }
        }, this::describe);
    }

    /** Waits until every Sentinel answers {@code server}'s address for the master. */
    public void awaitMasterIs(LocalRedis server) {
        await("every Sentinel to name port " + server.port() + " as the master", () -> {
            for (LocalRedis s : sentinels) {
                try (RespClient c = s.client()) {
                    List<Object> address = c.list("SENTINEL", "GET-MASTER-ADDR-BY-NAME", MASTER_NAME);
                    if (address == null || !Integer.toString(server.port()).equals(address.get(1))) {
                        return false;
                    }
                }
            }
            return true;
        }, this::describe);
    }

    /** The servers' roles and the Sentinels' logs, for a failure message. */
    public String describe() {
        StringBuilder sb = new StringBuilder(binary.toString());
        for (LocalRedis d : data) {
            sb.append("\n--- server ").append(d.port()).append(":\n").append(tail(d.log()));
        }
        for (LocalRedis s : sentinels) {
            sb.append("\n--- sentinel ").append(s.port()).append(":\n").append(tail(s.log()));
        }
        return sb.toString();
    }

    private static String tail(String log) {
        return log.length() <= 4_000 ? log : "…" + log.substring(log.length() - 4_000);
    }

    private void await(String what, BooleanSupplier done, Supplier<String> diagnostics) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(READY_TIMEOUT_SECONDS);
        while (true) {
            try {
                if (done.getAsBoolean()) {
                    return;
                }
            } catch (RuntimeException notYet) {
                // a server that is starting, or the master just killed
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("gave up waiting " + READY_TIMEOUT_SECONDS + " s for " + what + ": "
                        + diagnostics.get());
            }
            LocalRedis.sleep(50);
        }
    }

    @Override
    public void close() {
        for (LocalRedis s : sentinels) {
            s.close();
        }
        for (LocalRedis d : data) {
            d.close();
        }
    }
}
