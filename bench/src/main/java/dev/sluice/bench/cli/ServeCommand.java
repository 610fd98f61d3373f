package dev.sluice.bench.cli;

import dev.sluice.bench.example.RateLimitedHttpServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code sluice serve}: the example HTTP server ({@link RateLimitedHttpServer}, docs/example-http.md), which
 * limits requests by their {@code X-User}, {@code X-Tenant} and {@code X-Tool} headers and answers 429 with
 * the rate-limit headers. The command returns once the server listens; the server's own thread keeps the JVM
 * running until it is stopped.
 *
 * <p>Not thread-safe: one command line at a time.
 */
@Command(name = "serve", sortOptions = false, abbreviateSynopsis = true,
        synopsisHeading = "Usage: ", descriptionHeading = "%n", footerHeading = "%n",
        header = "the example HTTP server: limits requests by their X-User, X-Tenant and X-Tool headers",
        description = {
            "sluice serve: listen on the loopback address and answer every request with the limiter's decision:"
                + " 200 with X-RateLimit-Limit, -Remaining and -Reset, or 429 with Retry-After as well."
                + " Without --config: 5/m per user, 50/m per tenant, 2/m for the tool 'search'. Ctrl-C stops it."},
        optionListHeading = "%nOptions (defaults in brackets):%n",
        footer = "Example: sluice serve --port 8080, then: curl -i -H 'X-User: alice' http://127.0.0.1:8080/")
final class ServeCommand implements Callable<Integer> {
    private final PrintStream out;

    @Spec
    CommandSpec spec;

    @Option(names = "--port", paramLabel = "PORT", converter = Flags.Port.class,
            description = "port to listen on, 0 for any free one [${DEFAULT-VALUE}]")
    int port = RateLimitedHttpServer.DEFAULT_PORT;

    @Option(names = "--config", paramLabel = "FILE",
            description = "limiter settings as a properties file (by_user = 60/m, by_tool.search = 10/s, ...)")
    Path config;

    @Option(names = {"-h", "--help"}, usageHelp = true, arity = "0", description = "this text")
    boolean help;

    ServeCommand(PrintStream out) {
        this.out = out;
    }

    @Override
    public Integer call() {
        ByteArrayOutputStream problems = new ByteArrayOutputStream();
        int status = RateLimitedHttpServer.serve(port, config, out, new PrintStream(problems, true, StandardCharsets.UTF_8));
        String problem = problems.toString(StandardCharsets.UTF_8).strip();
        if (status == SluiceCli.USAGE) {
            throw new UsageException("--config=\"" + config + "\": " + problem);
        }
        if (status != 0) {
            spec.commandLine().getErr().println("sluice: " + problem);
        }
        return status;
    }
}
