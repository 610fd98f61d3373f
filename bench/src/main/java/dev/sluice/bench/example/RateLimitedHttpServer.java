package dev.sluice.bench.example;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.sluice.Clock;
import dev.sluice.Decision;
import dev.sluice.LimiterConfig;
import dev.sluice.RateLimiter;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * An HTTP server that rate-limits every request by who sends it, as a gateway in front of an API would: the
 * user, tenant and tool come from the {@value #USER_HEADER}, {@value #TENANT_HEADER} and {@value #TOOL_HEADER}
 * request headers, one {@link RateLimiter#check(String, String, String)} decides, and the answer carries the
 * decision's headers ({@link Decision#headers()}):
 *
 * <ul>
 *   <li>allowed: 200, {@code X-RateLimit-Limit}, {@code X-RateLimit-Remaining}, {@code X-RateLimit-Reset};</li>
 *   <li>refused: 429, the same three and {@code Retry-After}, and the decision's description as the body;</li>
 *   <li>no limit applies (no configured dimension matches the request): 200 without those headers;</li>
 *   <li>the backend failed and {@code fail_mode} is {@code closed}: 503 with {@code Retry-After: 1}.</li>
 * </ul>
 *
 * A missing header is an absent identity, as for {@code check}: no {@value #USER_HEADER} is the user
 * {@code anonymous} (all such requests share that user's limit), no {@value #TENANT_HEADER} skips the tenant
 * limit, no {@value #TOOL_HEADER} skips the tool limits. Any method and path are limited alike; {@code HEAD} gets
 * the headers without a body.
 *
 * <p>Run it with {@code java --enable-native-access=ALL-UNNAMED -cp bench/target/sluice.jar
 * dev.sluice.bench.example.RateLimitedHttpServer [--port N] [--config FILE]}: port {@value #DEFAULT_PORT} on
 * loopback and {@link #defaultConfig()} unless told otherwise; {@code FILE} is read by {@link LimiterConfigFile}.
 * {@code docs/example-http.md} shows it with curl.
 *
 * <p>Thread-safe: requests run on virtual threads and share one limiter; {@link #close()} may be called from any
 * thread.
 */
public final class RateLimitedHttpServer implements AutoCloseable {
    /** The request header naming the user. */
    public static final String USER_HEADER = "X-User";
    /** The request header naming the tenant. */
    public static final String TENANT_HEADER = "X-Tenant";
    /** The request header naming the tool or prompt. */
    public static final String TOOL_HEADER = "X-Tool";
    /** The port {@link #main(String[])} listens on without {@code --port}. */
    public static final int DEFAULT_PORT = 8080;

    static final String USAGE = """
            Usage: java --enable-native-access=ALL-UNNAMED -cp bench/target/sluice.jar \\
                       dev.sluice.bench.example.RateLimitedHttpServer [--port N] [--config FILE]

            An HTTP server on 127.0.0.1 that rate-limits each request by its X-User, X-Tenant and X-Tool
            headers and answers 200, or 429 with Retry-After, with the X-RateLimit-* headers.

              --port N        port to listen on, 0 for any free one [%d]
              --config FILE   limiter settings as a properties file (by_user = 60/m, by_tool.search = 10/s, ...)
                              [by_user = 5/m, by_tenant = 50/m, by_tool.search = 2/m]
            """.formatted(DEFAULT_PORT);

    private final HttpServer http;
    private final ExecutorService requests;
    private final RateLimiter limiter;

    private RateLimitedHttpServer(HttpServer http, ExecutorService requests, RateLimiter limiter) {
        this.http = http;
        this.requests = requests;
        this.limiter = limiter;
    }

    /**
     * The limits {@link #main(String[])} runs without {@code --config}, small enough to reach by hand: 5 requests
     * a minute per user, 50 per tenant, 2 a minute for the tool {@code search}, fixed windows, in memory.
     *
     * @return the configuration
     */
    public static LimiterConfig defaultConfig() {
        return LimiterConfig.builder().byUser("5/m").byTenant("50/m").byTool("search", "2/m").build();
    }

    /**
     * Starts a server on the system clock.
     *
     * @param config the limits
     * @param address where to listen; port 0 picks a free one ({@link #port()})
     * @return the running server; close it to stop it and release the limiter
     * @throws IOException when the address cannot be bound
     */
    public static RateLimitedHttpServer start(LimiterConfig config, InetSocketAddress address) throws IOException {
        return start(config, Clock.system(), address);
    }

    /**
     * Starts a server whose limiter reads {@code clock}.
     *
     * @param config the limits
     * @param clock where the limiter's time comes from (a {@link dev.sluice.ManualClock} in tests)
     * @param address where to listen; port 0 picks a free one ({@link #port()})
     * @return the running server; close it to stop it and release the limiter
     * @throws IOException when the address cannot be bound
     */
    public static RateLimitedHttpServer start(LimiterConfig config, Clock clock, InetSocketAddress address)
            throws IOException {
        RateLimiter limiter = RateLimiter.create(config, clock);
        HttpServer http;
        try {
            http = HttpServer.create(address, 0);
        } catch (IOException | RuntimeException e) {
            limiter.close();
            throw e;
        }
        ExecutorService requests = Executors.newVirtualThreadPerTaskExecutor();
        RateLimitedHttpServer server = new RateLimitedHttpServer(http, requests, limiter);
        http.createContext("/", server::answer);
        http.setExecutor(requests);
        http.start();
        return server;
    }

    /** @return the port the server listens on */
    public int port() {
        return http.getAddress().getPort();
    }

    /** @return {@code http://<address>:<port>/} */
    public URI uri() {
        InetSocketAddress address = http.getAddress();
        return URI.create("http://" + address.getAddress().getHostAddress() + ":" + address.getPort() + "/");
    }

    /**
     * Stops listening and closes the connections, waits for the requests still being handled (so none checks a
     * closed limiter), then releases the limiter. Idempotent.
     */
    @Override
    public void close() {
        http.stop(0);
        requests.close();
        limiter.close();
    }

    private void answer(HttpExchange exchange) throws IOException {
        try (exchange) {
            Headers in = exchange.getRequestHeaders();
            Decision decision = limiter.check(in.getFirst(USER_HEADER), in.getFirst(TENANT_HEADER),
                    in.getFirst(TOOL_HEADER));
            Headers out = exchange.getResponseHeaders();
            decision.headers().forEach(out::set);
            out.set("Content-Type", "text/plain; charset=utf-8");
            byte[] body = (body(decision) + "\n").getBytes(StandardCharsets.UTF_8);
            if (exchange.getRequestMethod().equals("HEAD")) {
                exchange.sendResponseHeaders(decision.httpStatus(), -1);
            } else {
                exchange.sendResponseHeaders(decision.httpStatus(), body.length);
                exchange.getResponseBody().write(body);
            }
        }
    }

    /** The reason a refused request gets (never naming the user or tenant), or {@code OK}. */
    private static String body(Decision decision) {
        if (decision.allowed()) {
            return "OK";
        }
        return decision.description() != null ? decision.description() : decision.reason();
    }

    /**
     * Starts the server and returns, leaving it running until the JVM is stopped (Ctrl-C closes it).
     *
     * @param args {@code [--port N] [--config FILE]}, or {@code --help}
     */
    public static void main(String[] args) {
        int status = run(args, System.out, System.err);
        if (status != 0) {
            System.exit(status);
        }
    }

    /**
     * @return 0 when the server is running (or help was asked for), 2 for bad arguments or settings, 1 when the
     *     address cannot be bound
     */
    static int run(String[] args, PrintStream out, PrintStream err) {
        Arguments arguments;
        try {
            arguments = Arguments.parse(args);
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            err.print(USAGE);
            return 2;
        }
        if (arguments.help()) {
            out.print(USAGE);
            return 0;
        }
        int status = serve(arguments.port(), arguments.config(), out, err);
        if (status == 2) {
            err.print(USAGE);
        }
        return status;
    }

    /**
     * Starts the server on the loopback address and returns, leaving it running until the JVM is stopped
     * (Ctrl-C closes it): what {@link #main(String[])} and {@code sluice serve} do once their options are read.
     *
     * @param port where to listen, 0 to 65535 (0: any free port)
     * @param configFile a properties file of limiter settings, or {@code null} for {@link #defaultConfig()}
     * @param out where the listening address is announced
     * @param err where problems are reported
     * @return 0 when the server is running, 2 when the settings are refused, 1 when the address cannot be bound
     */
    public static int serve(int port, Path configFile, PrintStream out, PrintStream err) {
        LimiterConfig config;
        try {
            config = configFile == null ? defaultConfig() : LimiterConfigFile.load(configFile);
        } catch (IllegalArgumentException | UncheckedIOException e) {
            err.println(e.getMessage());
            return 2;
        }
        InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
        RateLimitedHttpServer server;
        try {
            server = start(config, address);
        } catch (IOException e) {
            err.println("cannot listen on " + address + ": " + e.getMessage());
            return 1;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "rate-limited-http-server-close"));
        out.println("Listening on " + server.uri() + " with " + config + "; limiting by the " + USER_HEADER + ", "
                + TENANT_HEADER + " and " + TOOL_HEADER + " headers. Ctrl-C stops it.");
        return 0;
    }

    /**
     * The command line.
     *
     * @param port where to listen, 0 to 65535
     * @param config the configuration file, or {@code null} for {@link #defaultConfig()}
     * @param help true when {@code --help} was given
     */
    record Arguments(int port, Path config, boolean help) {

        /** @throws IllegalArgumentException naming the option and quoting the input */
        static Arguments parse(String... args) {
            int port = DEFAULT_PORT;
            Path config = null;
            List<String> rest = new ArrayList<>(List.of(args));
            while (!rest.isEmpty()) {
                String option = rest.remove(0);
                String value = null;
                int equals = option.indexOf('=');
                if (option.startsWith("--") && equals > 0) {
                    value = option.substring(equals + 1);
                    option = option.substring(0, equals);
                }
                switch (option) {
                    case "--help", "-h" -> {
                        return new Arguments(port, config, true);
                    }
                    case "--port" -> port = port(value != null ? value : next(option, rest));
                    case "--config" -> config = Path.of(value != null ? value : next(option, rest));
                    default -> throw new IllegalArgumentException(quote(option) + ": unknown option");
                }
            }
            return new Arguments(port, config, false);
        }

        private static String next(String option, List<String> rest) {
            if (rest.isEmpty()) {
                throw new IllegalArgumentException(option + ": needs a value");
            }
            return rest.remove(0);
        }

        private static int port(String text) {
            try {
                int port = Integer.parseInt(text.strip());
                if (port >= 0 && port <= 65_535) {
                    return port;
                }
            } catch (NumberFormatException notANumber) {
                // reported below
            }
            throw new IllegalArgumentException("--port=" + quote(text) + ": expected a port number, 0 to 65535");
        }

        private static String quote(String text) {
            return "\"" + text.replace("\"", "\\\"") + "\"";
        }
    }
}
