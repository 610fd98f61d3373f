package dev.sluice.redis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A Redis Cluster of three masters and no replicas on loopback: three {@link LocalRedis} nodes with
 * {@code --cluster-enabled yes} (each with its own temporary directory for {@code nodes.conf}), joined with
 * {@code redis-cli --cluster create}, ready once every node reports {@code cluster_state:ok}.
 *
 * <p>Not thread-safe.
 */
final class LocalRedisCluster implements AutoCloseable {
    private final List<LocalRedis> nodes = new ArrayList<>();

    private LocalRedisCluster() {
    }

    static LocalRedisCluster start() {
        LocalRedisCluster cluster = new LocalRedisCluster();
        try {
            for (int i = 0; i < 3; i++) {
                cluster.nodes.add(startNode());
            }
            cluster.create();
            cluster.awaitOk();
            return cluster;
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    List<LocalRedis> nodes() {
        return nodes;
    }

    /** @return the seed list Sluice is configured with: every node's URL, comma-separated */
    String url() {
        return nodes.stream().map(LocalRedis::url).collect(Collectors.joining(","));
    }

    private static LocalRedis startNode() {
        RuntimeException last = null;
        for (int attempt = 0; attempt < 5; attempt++) {
            int port = LocalRedis.freePort(true);
            try {
                return LocalRedis.startOnPort(port, List.of("--cluster-enabled", "yes",
                        "--cluster-config-file", "nodes-" + port + ".conf", "--cluster-node-timeout", "5000"));
            } catch (RuntimeException e) {
                last = e;
            }
        }
        throw last;
    }

    private void create() {
        List<String> command = new ArrayList<>(List.of(LocalRedis.RedisBinaries.cli().toString(), "--cluster", "create"));
        for (LocalRedis node : nodes) {
            command.add("127.0.0.1:" + node.port());
        }
        command.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
        try {
            Path log = Files.createTempFile("sluice-cluster-create-", ".log");
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("redis-cli --cluster create did not finish: " + Files.readString(log));
            }
            String output = Files.readString(log);
            Files.deleteIfExists(log);
            if (p.exitValue() != 0) {
                throw new IllegalStateException("redis-cli --cluster create failed: " + output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void awaitOk() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        for (LocalRedis node : nodes) {
            while (true) {
                try (RespClient c = node.client()) {
                    if (((String) c.call("CLUSTER", "INFO")).contains("cluster_state:ok")) {
                        break;
                    }
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("node " + node.port() + " never reported cluster_state:ok");
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
