package dev.sluice.redis.testing;

import io.lettuce.core.cluster.SlotHash;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A Redis Cluster of three masters and no replicas on loopback: three {@link LocalRedis} nodes with
 * {@code --cluster-enabled yes} (each with its own temporary directory for {@code nodes.conf}), joined with plain
 * commands as {@code redis-cli --cluster create} would join them (no {@code redis-cli} needed), and ready once
 * every node reports {@code cluster_state:ok} and knows the others.
 *
 * <h2>Forming it</h2>
 * Each node is given a third of the 16384 slots ({@code CLUSTER ADDSLOTS}, which 6.2 has; {@code ADDSLOTSRANGE}
 * came in 7.0) and its own config epoch ({@code CLUSTER SET-CONFIG-EPOCH} 1, 2, 3, allowed while a node knows
 * no other), so no epoch collision needs resolving; then the first node meets the others
 * ({@code CLUSTER MEET}) and gossip spreads the rest.
 *
 * <p>Not thread-safe.
 */
public final class LocalRedisCluster implements AutoCloseable {
    private static final int MASTERS = 3;
    private static final long READY_TIMEOUT_SECONDS = 30;

    private final List<LocalRedis> nodes = new ArrayList<>();

    private LocalRedisCluster() {
    }

    /** Starts a cluster of the default server ({@link RedisServerBinary#defaultServer()}). */
    public static LocalRedisCluster start() {
        return start(RedisServerBinary.defaultServer());
    }

    public static LocalRedisCluster start(RedisServerBinary binary) {
        LocalRedisCluster cluster = new LocalRedisCluster();
        try {
            for (int i = 0; i < MASTERS; i++) {
                cluster.nodes.add(LocalRedis.startOnFreePort(true, port -> LocalRedis.startOnPort(binary, port,
                        List.of("--cluster-enabled", "yes", "--cluster-config-file", "nodes-" + port + ".conf",
                                "--cluster-node-timeout", "5000"))));
            }
            cluster.form();
            cluster.awaitOk();
            return cluster;
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    public List<LocalRedis> nodes() {
        return nodes;
    }

    /** @return the seed list Sluice is configured with: every node's URL, comma-separated */
    public String url() {
        return nodes.stream().map(LocalRedis::url).collect(Collectors.joining(","));
    }

    private void form() {
        for (int i = 0; i < MASTERS; i++) {
            int from = i * SlotHash.SLOT_COUNT / MASTERS;
            int to = (i + 1) * SlotHash.SLOT_COUNT / MASTERS;
            List<String> command = new ArrayList<>(List.of("CLUSTER", "ADDSLOTS"));
            for (int slot = from; slot < to; slot++) {
                command.add(Integer.toString(slot));
            }
            try (RespClient c = nodes.get(i).client()) {
                c.call(command.toArray(String[]::new));
                c.call("CLUSTER", "SET-CONFIG-EPOCH", Integer.toString(i + 1));
            }
        }
        try (RespClient first = nodes.get(0).client()) {
            for (int i = 1; i < MASTERS; i++) {
                first.call("CLUSTER", "MEET", "127.0.0.1", Integer.toString(nodes.get(i).port()));
            }
        }
    }

    private void awaitOk() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(READY_TIMEOUT_SECONDS);
        for (LocalRedis node : nodes) {
            while (true) {
                String info;
                try (RespClient c = node.client()) {
                    info = (String) c.call("CLUSTER", "INFO");
                }
                if (info.contains("cluster_state:ok") && info.contains("cluster_known_nodes:" + MASTERS)) {
                    break;
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("node " + node.port() + " of " + node.binary() + " is not ready after "
                            + READY_TIMEOUT_SECONDS + " s: " + info);
                }
                LocalRedis.sleep(50);
            }
        }
    }

    @Override
    public void close() {
        for (LocalRedis node : nodes) {
            node.close();
        }
    }
}
