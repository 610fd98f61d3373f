package dev.sluice.redis;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A {@code redis-server} of the test's own on a free loopback port: started from {@code PATH} (falling back to
 * the binary inside the embedded-redis jar), ready once it answers PING, and stopped by its process id.
 * Nothing is persisted ({@code --save "" --appendonly no}); its working files live in a temporary directory
 * that {@link #close()} deletes.
 *
 * <p>Not thread-safe.
 */
final class LocalRedis implements AutoCloseable {
    private static final long START_TIMEOUT_MILLIS = 15_000;

    private final int port;
    private final Path dir;
    private final List<String> extraArgs;
    private Process process;

    private LocalRedis(int port, Path dir, List<String> extraArgs) {
        this.port = port;
        this.dir = dir;
        this.extraArgs = extraArgs;
    }

    /** Starts a standalone server on a free port and waits until it answers PING. */
    static LocalRedis start() {
        return start(List.of());
    }

    static LocalRedis start(List<String> extraArgs) {
        return startOnPort(freePort(false), extraArgs);
    }

    static LocalRedis startOnPort(int port, List<String> extraArgs) {
        try {
            LocalRedis redis = new LocalRedis(port, Files.createTempDirectory("sluice-redis-" + port + "-"), extraArgs);
            redis.launch();
            return redis;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    int port() {
        return port;
    }

    String url() {
        return "redis://127.0.0.1:" + port;
    }

    RespClient client() {
        return new RespClient(port);
    }

    /** Kills the server (SIGKILL to its pid, as a crash would) and waits for it to exit. */
    void stop() {
        if (process != null) {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            process = null;
        }
    }

    /** Freezes the server (SIGSTOP to its pid): connections stay open and nothing is answered. */
    void suspend() {
        signal("-STOP");
    }

    /** Lets a suspended server run again (SIGCONT to its pid). */
    void resume() {
        signal("-CONT");
    }

    private void signal(String signal) {
        try {
            Process kill = new ProcessBuilder("kill", signal, Long.toString(process.pid())).inheritIO().start();
            if (kill.waitFor() != 0) {
                throw new IllegalStateException("kill " + signal + " " + process.pid() + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Starts the server again on the same port (empty: nothing was persisted). */
    void restart() {
        stop();
        launch();
    }

    @Override
    public void close() {
        stop();
        deleteRecursively(dir);
    }

    private void launch() {
        List<String> command = new ArrayList<>(List.of(RedisBinaries.server().toString(), "--port", Integer.toString(port),
                "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no", "--dir", dir.toString(),
                "--logfile", dir.resolve("redis.log").toString()));
        command.addAll(extraArgs);
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile())
                .redirectOutput(dir.resolve("stdout.log").toFile())
                .redirectErrorStream(true);
        try {
            process = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(START_TIMEOUT_MILLIS);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("redis-server on port " + port + " exited: " + log());
            }
            try (RespClient c = new RespClient(port)) {
                if ("PONG".equals(c.call("PING"))) {
                    return;
                }
            } catch (RuntimeException notYet) {
                sleep(20);
            }
        }
        stop();
        throw new IllegalStateException("redis-server on port " + port + " did not answer PING: " + log());
    }

    private String log() {
        try {
            Path log = dir.resolve("redis.log");
            return Files.exists(log) ? Files.readString(log) : Files.readString(dir.resolve("stdout.log"));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /**
     * A loopback port nobody listens on; with {@code withBus}, port + 10000 (a Cluster node's bus) too.
     */
    static int freePort(boolean withBus) {
        for (int attempt = 0; attempt < 200; attempt++) {
            int port = withBus ? ThreadLocalRandom.current().nextInt(20_000, 30_000) : 0;
            try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                if (!withBus) {
                    return s.getLocalPort();
                }
                try (ServerSocket bus = new ServerSocket(port + 10_000, 1, InetAddress.getLoopbackAddress())) {
                    return port;
                }
            } catch (IOException taken) {
                // try another
            }
        }
        throw new IllegalStateException("no free loopback port");
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static void deleteRecursively(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
        } catch (IOException ignored) {
            // a temporary directory
        }
    }

    /** Where the Redis binaries come from. */
    static final class RedisBinaries {
        private static final String EMBEDDED = "/redis-server-6.2.6-v5-linux-amd64";
        private static Path server;

        private RedisBinaries() {
        }

        static synchronized Path server() {
            if (server == null) {
                server = onPath("redis-server");
                if (server == null) {
                    server = extractEmbedded();
                }
            }
            return server;
        }

        /** @return redis-cli from PATH; the Cluster tests need it ({@code --cluster create}) */
        static Path cli() {
            Path cli = onPath("redis-cli");
            if (cli == null) {
                throw new IllegalStateException("redis-cli is not on PATH; the Cluster tests need it (apt-get install redis-tools)");
            }
            return cli;
        }

        private static Path onPath(String name) {
            String path = System.getenv().getOrDefault("PATH", "");
            for (String d : path.split(File.pathSeparator)) {
                Path p = Path.of(d.isEmpty() ? "." : d, name);
                if (Files.isExecutable(p)) {
                    return p;
                }
            }
            return null;
        }

        private static Path extractEmbedded() {
            try (InputStream in = LocalRedis.class.getResourceAsStream(EMBEDDED)) {
                if (in == null) {
                    throw new IllegalStateException("no redis-server on PATH and no " + EMBEDDED + " in the embedded-redis jar");
                }
                Path target = Files.createTempFile("sluice-redis-server-", "");
                Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
                target.toFile().setExecutable(true);
                target.toFile().deleteOnExit();
                return target;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** @return {@code INFO commandstats} as command name → calls, e.g. {@code evalsha → 12} */
    static Map<String, Long> commandCalls(RespClient c) {
        Map<String, Long> calls = new java.util.TreeMap<>();
        for (String line : ((String) c.call("INFO", "commandstats")).split("\r\n")) {
            if (line.startsWith("cmdstat_")) {
                String name = line.substring("cmdstat_".length(), line.indexOf(':'));
                int at = line.indexOf("calls=") + "calls=".length();
                calls.put(name, Long.parseLong(line.substring(at, line.indexOf(',', at))));
            }
        }
        return calls;
    }
}
