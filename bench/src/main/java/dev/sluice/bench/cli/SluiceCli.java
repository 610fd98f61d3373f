package dev.sluice.bench.cli;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;

/**
 * The {@code sluice} command: {@code simulate} (the default), {@code validate}, {@code sweep} and {@code jmh}.
 * A bad flag prints a message naming the flag and its value and exits with status 2.
 */
public final class SluiceCli {
    static final String HELP = """
            sluice: try, validate and measure the Sluice rate limiter.

            Usage: sluice [COMMAND] [OPTIONS]      (./sluice at the repository root finds a JDK 22+ for you)

            Commands:
              simulate   (default) replay a multi-tenant workload and summarise the decisions, throughput
                         and latency; e.g. sluice simulate --algorithm sliding_window --threads 2
              validate   the behaviour specification's validation scenarios: ~50% blocked at twice the
                         limit for each algorithm, and three instances sharing a limit through Redis
              sweep      latency and memory per key as the keyspace grows from 10^3 to 10^8 keys,
                         Sluice against the on-heap map and Bucket4j; writes CSV and a PNG chart
              jmh        run the JMH benchmarks against Bucket4j, Resilience4j, Guava and the raw floor
              help       this text; 'sluice COMMAND --help' describes a command's options

            Exit status: 0 success, 1 a check failed (validate outside its bounds, backend failures),
            2 a bad command line.
            """;

    private SluiceCli() {
    }

    /** @param args the command line */
    public static void main(String[] args) throws Exception {
        int status = run(Arrays.asList(args), System.out, System.err);
        System.out.flush();
        if (status != 0) {
            System.exit(status);
        }
    }

    /**
     * Runs one command line.
     *
     * @return the exit status
     */
    static int run(List<String> args, PrintStream out, PrintStream err) throws Exception {
        String command = "simulate";
        List<String> rest = args;
        if (!args.isEmpty() && !args.get(0).startsWith("-")) {
            command = args.get(0);
            rest = args.subList(1, args.size());
        } else if (!args.isEmpty() && (args.get(0).equals("--help") || args.get(0).equals("-h"))) {
            command = "help";
        }
        try {
            return switch (command) {
                case "help" -> {
                    out.print(HELP);
                    yield 0;
                }
                case "simulate" -> {
                    Options o = Options.parse(command, rest, SimulateCommand.VALUED, SimulateCommand.SWITCHES);
                    if (o.flag("help")) {
                        out.print(SimulateCommand.HELP);
                        yield 0;
                    }
                    yield SimulateCommand.run(o, out);
                }
                case "validate" -> {
                    Options o = Options.parse(command, rest, ValidateCommand.VALUED, ValidateCommand.SWITCHES);
                    if (o.flag("help")) {
                        out.print(ValidateCommand.HELP);
                        yield 0;
                    }
                    yield ValidateCommand.run(o, out);
                }
                case "sweep" -> {
                    Options o = Options.parse(command, rest, SweepCommand.VALUED, SweepCommand.SWITCHES);
                    if (o.flag("help")) {
                        out.print(SweepCommand.HELP);
                        yield 0;
                    }
                    yield SweepCommand.run(o, rest, out);
                }
                case "jmh" -> JmhCommand.run(rest, out);
                default -> throw new UsageException("unknown command \"" + command
                        + "\"; commands: simulate, validate, sweep, jmh, help");
            };
        } catch (UsageException e) {
            err.println("sluice: " + e.getMessage());
            boolean known = List.of("simulate", "validate", "sweep", "jmh").contains(command);
            err.println("Run 'sluice " + (known ? command + " " : "") + "--help' for the options.");
            return 2;
        }
    }
}
