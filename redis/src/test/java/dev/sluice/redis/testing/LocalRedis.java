package dev.sluice.redis.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.stream.Stream;

/**
 * A {@code redis-server} of the caller's own on a free loopback port, from the {@link RedisServerBinary} the
 * caller asks for ({@link RedisServerBinary#defaultServer()} unless it names one), ready once it answers PING,
 * and stopped by its process id, never by name. Nothing is persisted ({@code --save "" --appendonly no}); its
 * working files live in a temporary directory that {@link #close()} deletes. The same class runs a Sentinel:
 * the server in sentinel mode, with a configuration file of the caller's.
 *
 * <p>Also an administration client that goes through no library under test: {@link #commandCalls()},
 * {@link #commandMicros()} and {@link #cpuMicros()} read {@code INFO} over a plain socket ({@link RespClient}),
 * which the Redis tests and the Redis benchmark count round trips and CPU time with.
 *
 * <p>Not thread-safe.
 */
public final class LocalRedis implements AutoCloseable {
    private static final long START_TIMEOUT_MILLIS = 15_000;
    private static final int START_ATTEMPTS = 5;

    private final RedisServerBinary binary;
    private final int port;
    private final Path dir;
    private final List<String> extraArgs;
    /** A Sentinel's configuration file (it rewrites it); null for a data server. */
    private final Path sentinelConfig;
    private Process process;

    private LocalRedis(RedisServerBinary binary, int port, Path dir, List<String> extraArgs, Path sentinelConfig) {
        this.binary = binary;
        this.port = port;
        this.dir = dir;
        this.extraArgs = extraArgs;
        this.sentinelConfig = sentinelConfig;
    }

    /** Starts a standalone server on a free port and waits until it answers PING. */
    public static LocalRedis start() {
        return start(RedisServerBinary.defaultServer(), List.of());
    }

    public static LocalRedis start(List<String> extraArgs) {
        return start(RedisServerBinary.defaultServer(), extraArgs);
    }

    /**
     * Starts {@code binary} on a free port with {@code extraArgs}; another port is tried when one is taken
     * between choosing it and the server binding it.
     */
    public static LocalRedis start(RedisServerBinary binary, List<String> extraArgs) {
        return startOnFreePort(false, port -> startOnPort(binary, port, extraArgs));
    }

    public static LocalRedis startOnPort(int port, List<String> extraArgs) {
        return startOnPort(RedisServerBinary.defaultServer(), port, extraArgs);
    }

    public static LocalRedis startOnPort(RedisServerBinary binary, int port, List<String> extraArgs) {
        LocalRedis redis = new LocalRedis(binary, port, tempDir(port), extraArgs, null);
        redis.launchOrClean();
        return redis;
    }

    /**
     * Starts {@code binary} in sentinel mode on a free port: {@code config} is written to its configuration file
     * (Sentinel rewrites that file as it learns the topology) after {@code port <port>}.
     */
    public static LocalRedis startSentinel(RedisServerBinary binary, String config) {
        return startOnFreePort(false, port -> {
            Path dir = tempDir(port);
            Path file = dir.resolve("sentinel.conf");
            try {
                Files.writeString(file, "port " + port + "\n" + config);
            } catch (IOException e) {
                deleteRecursively(dir);
                throw new UncheckedIOException(e);
            }
            LocalRedis sentinel = new LocalRedis(binary, port, dir, List.of(), file);
            sentinel.launchOrClean();
            return sentinel;
        });
    }

    /** Runs {@code start} on free ports (with their Cluster bus port, when {@code withBus}) until one binds. */
    public static LocalRedis startOnFreePort(boolean withBus, IntFunction<LocalRedis> start) {
        RuntimeException last = null;
        for (int attempt = 0; attempt < START_ATTEMPTS; attempt++) {
            try {
                return start.apply(freePort(withBus));
            } catch (PortTakenException e) {
                last = e;
            }
        }
        throw last;
    }

    public int port() {
        return port;
    }

    /** @return the server's process id, while it runs */
    public long pid() {
        if (process == null) {
            throw new IllegalStateException(binary + " on port " + port + " is not running");
        }
        return process.pid();
    }

    public RedisServerBinary binary() {
        return binary;
    }

    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    public RespClient client() {
        return new RespClient(port);
    }

    /** Kills the server (SIGKILL to its pid, as a crash would) and waits for it to exit. */
    public void stop() {
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
    public void suspend() {
        signal("-STOP");
    }

    /** Lets a suspended server run again (SIGCONT to its pid). */
    public void resume() {
        signal("-CONT");
    }

    private void signal(String signal) {
        try {
            Process kill = new ProcessBuilder(killProgram(), signal, Long.toString(process.pid())).inheritIO().start();
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

    /** The JDK sends only SIGTERM and SIGKILL; kill(1) by its full path, so that no PATH is needed. */
    private static String killProgram() {
        for (String candidate : List.of("/bin/kill", "/usr/bin/kill")) {
            if (Files.isExecutable(Path.of(candidate))) {
                return candidate;
            }
        }
        return "kill";
    }

    /** Starts the server again on the same port (empty: nothing was persisted). */
    public void restart() {
        stop();
        launch();
    }

    @Override
    public void close() {
        stop();
        deleteRecursively(dir);
    }

    /** @return the server's log so far, for failure messages */
    public String log() {
        try {
            Path log = dir.resolve("redis.log");
            return Files.exists(log) ? Files.readString(log) : Files.readString(dir.resolve("stdout.log"));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    private static Path tempDir(int port) {
        try {
            return Files.createTempDirectory("sluice-redis-" + port + "-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void launchOrClean() {
        try {
            launch();
        } catch (RuntimeException e) {
            deleteRecursively(dir);
            throw e;
        }
    }

    private void launch() {
        List<String> command = new ArrayList<>();
        command.add(binary.path().toString());
        if (sentinelConfig != null) {
            command.addAll(List.of(sentinelConfig.toString(), "--sentinel"));
        } else {
            command.addAll(List.of("--port", Integer.toString(port), "--save", "", "--appendonly", "no"));
        }
        command.addAll(List.of("--bind", "127.0.0.1", "--daemonize", "no", "--dir", dir.toString(),
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
                String log = log();
                process = null;
                if (log.contains("Address already in use")) {
                    throw new PortTakenException(port, log);
                }
                throw new IllegalStateException(binary + " on port " + port + " exited: " + log);
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
        throw new IllegalStateException(binary + " on port " + port + " did not answer PING: " + log());
    }

    /** The port was free when chosen and taken by the time the server bound it. */
    public static final class PortTakenException extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        PortTakenException(int port, String log) {
            super("port " + port + " was taken before redis-server bound it: " + log);
        }
    }

    /**
     * A loopback port nobody listens on; with {@code withBus}, port + 10000 (a Cluster node's bus) too.
     */
    public static int freePort(boolean withBus) {
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

    public static void sleep(long millis) {
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

    /** @return {@code INFO commandstats} as command name → calls, e.g. {@code evalsha → 12} */
    public Map<String, Long> commandCalls() {
        try (RespClient c = client()) {
            return commandCalls(c);
        }
    }

    /** @return {@code INFO commandstats} as command name → microseconds Redis spent in it, e.g. {@code evalsha → 96} */
    public Map<String, Long> commandMicros() {
        try (RespClient c = client()) {
            return commandStat(c, "usec");
        }
    }

    /** @return the CPU time the server has used since it started ({@code INFO cpu}: user + system), in µs */
    public long cpuMicros() {
        double seconds = 0;
        try (RespClient c = client()) {
            for (String line : c.string("INFO", "cpu").split("\r\n")) {
                if (line.startsWith("used_cpu_user:") || line.startsWith("used_cpu_sys:")) {
                    seconds += Double.parseDouble(line.substring(line.indexOf(':') + 1));
                }
            }
        }
        return Math.round(seconds * 1e6);
    }

    /**
     * @param c a connection to any server, e.g. one node of a Cluster
     * @return {@code INFO commandstats} as command name → calls, e.g. {@code evalsha → 12}
     */
    public static Map<String, Long> commandCalls(RespClient c) {
        return commandStat(c, "calls");
    }

    /** @return one field of every {@code cmdstat_<name>:calls=…,usec=…,…} line of {@code INFO commandstats} */
    private static Map<String, Long> commandStat(RespClient c, String field) {
        Map<String, Long> values = new TreeMap<>();
        for (String line : c.string("INFO", "commandstats").split("\r\n")) {
            if (line.startsWith("cmdstat_")) {
                String name = line.substring("cmdstat_".length(), line.indexOf(':'));
                int at = line.indexOf(field + "=") + field.length() + 1;
                values.put(name, Long.parseLong(line.substring(at, line.indexOf(',', at))));
            }
        }
        return values;
    }
}
