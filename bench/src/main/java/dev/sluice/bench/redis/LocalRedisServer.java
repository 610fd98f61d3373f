package dev.sluice.bench.redis;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A {@code redis-server} of the benchmark's own, from {@code PATH}, on a free loopback port: ready once it answers
 * {@code PING}, stopped by its process id (never by name), nothing persisted. Its working files live in a
 * temporary directory that {@link #close()} deletes. Also the benchmark's only admin client: it reads
 * {@code INFO commandstats} over a plain socket, so those reads go through neither library under test.
 *
 * <p>Not thread-safe: one trial's setup and teardown use it.
 */
final class LocalRedisServer implements AutoCloseable {
    private static final long START_TIMEOUT_MILLIS = 15_000;

    private final int port;
    private final Path dir;
    private final Process process;

    private LocalRedisServer(int port, Path dir, Process process) {
        this.port = port;
        this.dir = dir;
        this.process = process;
    }

    /** Starts a standalone server on a free loopback port and waits until it answers PING. */
    static LocalRedisServer start() {
        Path binary = onPath("redis-server");
        if (binary == null) {
            throw new IllegalStateException("redis-server is not on PATH (apt-get install redis-server)");
        }
        int port = freePort();
        try {
            Path dir = Files.createTempDirectory("sluice-bench-redis-" + port + "-");
            List<String> command = List.of(binary.toString(), "--port", Integer.toString(port), "--bind", "127.0.0.1",
                    "--save", "", "--appendonly", "no", "--daemonize", "no", "--dir", dir.toString(),
                    "--logfile", dir.resolve("redis.log").toString());
            Process process = new ProcessBuilder(command).directory(dir.toFile())
                    .redirectOutput(dir.resolve("stdout.log").toFile()).redirectErrorStream(true).start();
            LocalRedisServer server = new LocalRedisServer(port, dir, process);
            server.awaitPing();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + binary + " on port " + port, e);
        }
    }

    String url() {
        return "redis://127.0.0.1:" + port;
    }

    long pid() {
        return process.pid();
    }

    /** @return {@code INFO commandstats} as command name → calls, e.g. {@code evalsha → 12} */
    Map<String, Long> commandCalls() {
        return commandStat("calls");
    }

    /** @return {@code INFO commandstats} as command name → microseconds Redis spent in it, e.g. {@code evalsha → 96} */
    Map<String, Long> commandMicros() {
        return commandStat("usec");
    }

    /** @return the CPU time redis-server has used since it started ({@code INFO cpu}: user + system), in µs */
    long cpuMicros() {
        double seconds = 0;
        for (String line : call("INFO", "cpu").split("\r\n")) {
            if (line.startsWith("used_cpu_user:") || line.startsWith("used_cpu_sys:")) {
                seconds += Double.parseDouble(line.substring(line.indexOf(':') + 1));
            }
        }
        return Math.round(seconds * 1e6);
    }

    private Map<String, Long> commandStat(String field) {
        Map<String, Long> values = new TreeMap<>();
        for (String line : call("INFO", "commandstats").split("\r\n")) {
            if (line.startsWith("cmdstat_")) {
                String name = line.substring("cmdstat_".length(), line.indexOf(':'));
                int at = line.indexOf(field + "=") + field.length() + 1;
                values.put(name, Long.parseLong(line.substring(at, line.indexOf(',', at))));
            }
        }
        return values;
    }

    /** Kills the server's pid and deletes its directory. */
    @Override
    public void close() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
        } catch (IOException ignored) {
            // a temporary directory
        }
    }

    private void awaitPing() {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(START_TIMEOUT_MILLIS);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("redis-server on port " + port + " exited; see " + dir.resolve("redis.log"));
            }
            try {
                if ("PONG".equals(call("PING"))) {
                    return;
                }
            } catch (UncheckedIOException notYet) {
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
        }
        close();
        throw new IllegalStateException("redis-server on port " + port + " did not answer PING");
    }

    /** One command on a fresh connection; answers a simple or bulk string (all this class needs). */
    private String call(String... args) {
        StringBuilder request = new StringBuilder("*").append(args.length).append("\r\n");
        for (String a : args) {
            request.append('$').append(a.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(a).append("\r\n");
        }
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(5_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = socket.getInputStream();
            String header = readLine(in);
            return switch (header.charAt(0)) {
                case '+' -> header.substring(1);
                case '$' -> {
                    int length = Integer.parseInt(header.substring(1));
                    byte[] body = in.readNBytes(length);
                    yield new String(body, StandardCharsets.UTF_8);
                }
                default -> throw new IllegalStateException("redis-server answered " + header + " to " + args[0]);
            };
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = in.read()) != '\n') {
            if (c < 0) {
                throw new IOException("connection closed");
            }
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }

    private static Path onPath(String name) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path p = Path.of(d.isEmpty() ? "." : d, name);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free loopback port", e);
        }
    }
}
