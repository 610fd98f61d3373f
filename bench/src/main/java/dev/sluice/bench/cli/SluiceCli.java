package dev.sluice.bench.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.UsageMessageSpec;
import picocli.CommandLine.MaxValuesExceededException;
import picocli.CommandLine.MissingParameterException;
import picocli.CommandLine.Option;
import picocli.CommandLine.OverwrittenOptionException;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.TypeConversionException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The {@code sluice} command: {@code simulate} (the default), {@code validate}, {@code sweep}, {@code jmh} and
 * {@code serve},
 * parsed by picocli from the commands' annotated fields, which also give every help text. A bad flag prints a
 * message naming the flag and quoting its value and exits with status 2.
 *
 * <p>Not thread-safe: {@link #run} builds its own commands for each command line.
 */
@Command(name = "sluice",
        header = "sluice: try, validate and measure the Sluice rate limiter.",
        synopsisHeading = "%nUsage: ",
        customSynopsis = "sluice [COMMAND] [OPTIONS]      (./sluice at the repository root finds a JDK 22+ for you)",
        description = "Without a command, or when the first argument is a flag, the command is simulate:"
                + " 'sluice --threads 2' is 'sluice simulate --threads 2'.",
        descriptionHeading = "%n",
        optionListHeading = "%n",
        commandListHeading = "%nCommands:%n",
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {
            "0:success",
            "1:a check failed (validate outside its bounds, backend failures)",
            "2:a bad command line"},
        footerHeading = "%n",
        footer = "'sluice COMMAND --help' (or 'sluice help COMMAND') describes a command's options.")
public final class SluiceCli {
    /** The command that runs when none is named. */
    static final String DEFAULT_COMMAND = "simulate";
    static final int USAGE = 2;
    private static final int HELP_WIDTH = 110;
    private static final int LONG_OPTIONS_WIDTH = 24;

    @Option(names = {"-h", "--help"}, usageHelp = true, arity = "0", description = "this text")
    boolean help;

    private SluiceCli() {
    }

    /** @param args the command line */
    public static void main(String[] args) {
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
    static int run(List<String> args, PrintStream out, PrintStream err) {
        CommandLine cli = commandLine(out);
        PrintWriter errWriter = new PrintWriter(err, true, StandardCharsets.UTF_8);
        cli.setErr(errWriter);
        cli.setParameterExceptionHandler((e, given) -> refuse(e.getCommandLine(), message(e, List.of(given)), errWriter));
        cli.setExecutionExceptionHandler((e, failed, parsed) -> {
            if (e instanceof UsageException) {
                return refuse(failed, e.getMessage(), errWriter);
            }
            throw e;
        });
        int status = cli.execute(withCommand(args).toArray(new String[0]));
        cli.getOut().flush();
        return status;
    }

    /** @return the command tree, printing to {@code out}; nothing parsed yet */
    static CommandLine commandLine(PrintStream out) {
        CommandLine cli = new CommandLine(new SluiceCli())
                .addSubcommand(new SimulateCommand(out))
                .addSubcommand(new ValidateCommand(out))
                .addSubcommand(new SweepCommand(out))
                .addSubcommand(new JmhCommand())
                .addSubcommand(new ServeCommand(out))
                .addSubcommand("help", new HelpCommand());
        cli.getSubcommands().get("help").getCommandSpec().usageMessage()
                .header("this text; 'sluice help COMMAND' describes a command's options");
        // A command's header is its line in the list of commands; its own help starts with the usage line.
        for (CommandLine sub : cli.getSubcommands().values()) {
            List<String> sections = new ArrayList<>(sub.getHelpSectionKeys());
            sections.remove(UsageMessageSpec.SECTION_KEY_HEADER_HEADING);
            sections.remove(UsageMessageSpec.SECTION_KEY_HEADER);
            sub.setHelpSectionKeys(sections);
        }
        // The values are read as given: no @file expansion, and JMH's single-dash options are jmh's arguments.
        cli.setExpandAtFiles(false);
        cli.getSubcommands().get("jmh").setUnmatchedOptionsArePositionalParams(true);
        cli.setUsageHelpWidth(HELP_WIDTH);
        cli.setUsageHelpLongOptionsMaxWidth(LONG_OPTIONS_WIDTH);
        cli.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
        return cli;
    }

    /** The default command goes in front of an empty command line and of one that starts with a flag. */
    static List<String> withCommand(List<String> args) {
        if (args.isEmpty() || (args.get(0).startsWith("-") && !args.get(0).equals("-h") && !args.get(0).equals("--help"))) {
            List<String> out = new ArrayList<>(args.size() + 1);
            out.add(DEFAULT_COMMAND);
            out.addAll(args);
            return out;
        }
        return args;
    }

    private static int refuse(CommandLine failed, String message, PrintWriter err) {
        err.println("sluice: " + message);
        boolean top = failed.getParent() == null;
        err.println("Run 'sluice " + (top ? "" : failed.getCommandName() + " ") + "--help' for the options.");
        return USAGE;
    }

    /**
     * @param given the whole command line, for the value of a flag given twice
     * @return what is wrong with the command line, naming the flag and quoting the input
     */
    static String message(ParameterException e, List<String> given) {
        CommandLine failed = e.getCommandLine();
        String command = failed.getCommandName();
        if (e instanceof UnmatchedArgumentException unmatched) {
            String first = unmatched.getUnmatched().get(0);
            if (failed.getParent() == null) {
                return "unknown command \"" + first + "\"; commands: " + String.join(", ", failed.getSubcommands().keySet());
            }
            if (first.startsWith("--") && first.length() > 2) {
                int eq = first.indexOf('=');
                return command + ": unknown flag \"" + (eq < 0 ? first : first.substring(0, eq)) + "\"; known: "
                        + String.join(", ", new TreeSet<>(failed.getCommandSpec().optionsMap().keySet()));
            }
            return command + ": unexpected argument \"" + first + "\"; flags start with -- (see sluice " + command
                    + " --help)";
        }
        if (e instanceof MissingParameterException missing && missing.getMissing().get(0) instanceof OptionSpec option) {
            return option.longestName() + ": needs a value";
        }
        if (e instanceof OverwrittenOptionException twice && twice.getOverwritten() instanceof OptionSpec option) {
            List<String> values = values(given, option.longestName());
            return option.longestName() + "=\"" + (values.size() > 1 ? values.get(1) : "") + "\": given twice (first \""
                    + option.originalStringValues().get(0) + "\")";
        }
        if (e instanceof MaxValuesExceededException) {
            // A switch given a value, --quiet=yes: picocli does not say which, so find it.
            for (String arg : given) {
                int eq = arg.indexOf('=');
                OptionSpec option = eq < 0 ? null : failed.getCommandSpec().findOption(arg.substring(0, eq));
                if (option != null && option.arity().max() == 0) {
                    return option.longestName() + "=\"" + arg.substring(eq + 1) + "\": takes no value";
                }
            }
        }
        if (e.getArgSpec() instanceof OptionSpec option && e.getCause() instanceof TypeConversionException conversion) {
            return option.longestName() + "=\"" + e.getValue() + "\": " + conversion.getMessage();
        }
        return e.getMessage();
    }

    /** @return the values {@code flag} is given in {@code args}, as {@code --flag value} or {@code --flag=value} */
    private static List<String> values(List<String> args, String flag) {
        List<String> values = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            if (args.get(i).startsWith(flag + "=")) {
                values.add(args.get(i).substring(flag.length() + 1));
            } else if (args.get(i).equals(flag) && i + 1 < args.size()) {
                values.add(args.get(i + 1));
            }
        }
        return values;
    }
}
