package dev.sluice.redis.testing;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code redis-server} program the tests and the Redis benchmark start their servers from: where it is, where
 * it came from and the version it reports.
 *
 * <h2>Which server</h2>
 * The system property {@value #PROPERTY} chooses:
 * <ul>
 *   <li>unset, blank or {@code auto}: {@code redis-server} from {@code PATH}, else the embedded one;</li>
 *   <li>{@code embedded}: the Redis 6.2 binary inside the {@code com.github.codemonstur:embedded-redis} jar,
 *       extracted once per JVM into a temporary directory of its own; the jar is a test dependency of
 *       {@code sluice-redis}, and {@code bench/target/sluice.jar} leaves it out (so the benchmark needs a
 *       {@code redis-server} on {@code PATH} or named by the property);</li>
 *   <li>{@code path}: {@code redis-server} from {@code PATH}, and an error when there is none;</li>
 *   <li>anything else: the path of a {@code redis-server} binary.</li>
 * </ul>
 * The tests that run against every supported version ({@link #versions()}) get, when the property is unset or
 * {@code auto}, the server from {@code PATH} and the embedded one, unless both report the same version; when it
 * names one server, only that one.
 *
 * <p>Nothing here needs {@code redis-cli} or any other program on {@code PATH}: a Cluster is formed and a
 * Sentinel set up with plain commands ({@link RespClient}).
 *
 * <p>Thread-safe.
 *
 * @param path the executable
 * @param version what it reports, e.g. {@code 7.0.15}
 * @param source where it was found: {@code PATH}, {@code embedded} or {@code sluice.redis.server}
 */
public record RedisServerBinary(Path path, String version, String source) {
    public static final String PROPERTY = "sluice.redis.server";
    private static final Pattern VERSION = Pattern.compile("\\bv=(\\d+\\.\\d+\\.\\d+)");
    private static RedisServerBinary chosen;
    private static RedisServerBinary embedded;

    /** @return the server the tests start when they need one of any version, per {@value #PROPERTY} */
    public static synchronized RedisServerBinary defaultServer() {
        if (chosen == null) {
            chosen = select(System.getProperty(PROPERTY), System.getenv("PATH"));
        }
        return chosen;
    }

    /**
     * @return the servers the version-sensitive tests run against: the default server, then the embedded 6.2
     *     one when the default is another version and {@value #PROPERTY} does not name a server
     */
    public static List<RedisServerBinary> versions() {
        return versions(System.getProperty(PROPERTY), defaultServer());
    }

    /** {@link #versions()} with the property's value and the default server as arguments. */
    public static List<RedisServerBinary> versions(String override, RedisServerBinary first) {
        List<RedisServerBinary> all = new ArrayList<>(List.of(first));
        if (isAuto(override)) {
            RedisServerBinary oldest = embedded();
            if (!oldest.version().equals(first.version())) {
                all.add(oldest);
            }
        }
        return List.copyOf(all);
    }

    /**
     * The lookup itself, with the property's value and {@code PATH} as arguments.
     *
     * @param override the value of {@value #PROPERTY}, or null
     * @param pathVariable a {@code PATH}: directories separated by {@link File#pathSeparator}, or null
     * @return the server to use
     */
    public static RedisServerBinary select(String override, String pathVariable) {
        String choice = override == null ? "" : override.strip();
        if (isAuto(choice)) {
            Path installed = onPath("redis-server", pathVariable);
            return installed != null ? of(installed, "PATH") : embedded();
        }
        if (choice.equals("embedded")) {
            return embedded();
        }
        if (choice.equals("path")) {
            Path installed = onPath("redis-server", pathVariable);
            if (installed == null) {
                throw new IllegalStateException(PROPERTY + "=path but there is no redis-server on PATH=" + pathVariable);
            }
            return of(installed, "PATH");
        }
        Path given = Path.of(choice);
        if (!Files.isExecutable(given)) {
            throw new IllegalStateException(PROPERTY + "=\"" + choice + "\": not an executable file, nor auto, embedded or path");
        }
        return of(given, PROPERTY);
    }

    /** @return the embedded Redis 6.2, extracted on first use */
    public static synchronized RedisServerBinary embedded() {
        if (embedded == null) {
            embedded = of(extractEmbedded(embeddedResource()), "embedded");
        }
        return embedded;
    }

    /** @return the major and minor version, e.g. 7.0 */
    public String majorMinor() {
        return version.substring(0, version.indexOf('.', version.indexOf('.') + 1));
    }

    /** Names the server in test names and failure messages: {@code redis 6.2.11 (embedded)}. */
    @Override
    public String toString() {
        return "redis " + version + " (" + source + ")";
    }

    private static boolean isAuto(String choice) {
        return choice == null || choice.isBlank() || choice.strip().equals("auto");
    }

    private static RedisServerBinary of(Path path, String source) {
        return new RedisServerBinary(path, versionOf(path), source);
    }

    public static Path onPath(String name, String pathVariable) {
        if (pathVariable == null) {
            return null;
        }
        for (String dir : pathVariable.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path p = Path.of(dir, name);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }

    private static String versionOf(Path binary) {
        try {
            Process p = new ProcessBuilder(binary.toString(), "--version").redirectErrorStream(true).start();
            String out;
            try (InputStream in = p.getInputStream()) {
                out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
            Matcher m = VERSION.matcher(out);
            if (!m.find()) {
                throw new IllegalStateException(binary + " --version printed no version: " + out);
            }
            return m.group(1);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + binary + " --version", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The embedded-redis jar's binary for this platform (resource names of version 1.4.x). */
    private static String embeddedResource() {
        String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
        boolean arm = arch.equals("aarch64") || arch.equals("arm64");
        boolean x64 = arch.equals("amd64") || arch.equals("x86_64");
        if (os.contains("linux") && x64) {
            return "/redis-server-6.2.6-v5-linux-amd64";
        } else if (os.contains("linux") && arm) {
            return "/redis-server-6.2.7-linux-arm64";
        } else if (os.contains("mac") && x64) {
            return "/redis-server-6.2.6-v5-darwin-amd64";
        } else if (os.contains("mac") && arm) {
            return "/redis-server-6.2.6-v5-darwin-arm64";
        }
        throw new IllegalStateException("no redis-server on PATH and the embedded-redis jar has no binary for " + os
                + "/" + arch + "; install redis-server");
    }

    /** Copies the binary at {@code resource} (a class-path resource) into a new temporary directory. */
    static Path extractEmbedded(String resource) {
        try (InputStream in = RedisServerBinary.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("no " + resource + " on the class path (the com.github.codemonstur:"
                        + "embedded-redis jar) to fall back on: put redis-server on PATH (apt-get install redis-server)"
                        + " or name a binary with -D" + PROPERTY + "=<path>");
            }
            // A directory of this JVM's own: no other run can replace the binary while its servers use it.
            Path dir = Files.createTempDirectory("sluice-redis-bin-");
            dir.toFile().deleteOnExit();
            Path target = dir.resolve("redis-server");
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
            target.toFile().deleteOnExit();
            if (!target.toFile().setExecutable(true, true)) {
                throw new IllegalStateException("cannot make " + target + " executable");
            }
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
