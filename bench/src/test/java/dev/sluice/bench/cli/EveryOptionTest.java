package dev.sluice.bench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/** Every option of every command is in that command's help, and refuses a bad value by its name. */
class EveryOptionTest {
    /** A bad value for every option that checks its value, by command and option. */
    private static final Map<String, Map<String, String>> BAD = Map.of(
            "simulate", Map.ofEntries(
                    Map.entry("--backend", "disk"),
                    Map.entry("--algorithm", "leaky_bucket"),
                    Map.entry("--tenants", "0"),
                    Map.entry("--users-per-tenant", "many"),
                    Map.entry("--by-user", "60"),
                    Map.entry("--by-tenant", "x/m"),
                    Map.entry("--tools", "search"),
                    Map.entry("--load", "double"),
                    Map.entry("--zipf", "11"),
                    Map.entry("--duration", "long"),
                    Map.entry("--clock", "wall"),
                    Map.entry("--threads", "1.5"),
                    Map.entry("--seed", "abc")),
            "validate", Map.of(
                    "--backend", "redis",
                    "--users", "0",
                    "--windows", "2e6",
                    "--rate", "60/fortnight",
                    "--redis-rate", "0/s",
                    "--shared-rate", "x",
                    "--shared-algorithm", "gcra",
                    "--seed", "seven"),
            "sweep", Map.of(
                    "--min-keys", "0",
                    "--max-keys", "lots",
                    "--impls", "caffeine",
                    "--distribution", "pareto",
                    "--checks", "10",
                    "--budget", "0s",
                    "--seed", "1.5",
                    "--replot", "no-such-folder"),
            "serve", Map.of(
                    "--port", "65536",
                    "--config", "no-such-file.properties"));

    /** Options whose value is free text (a URL, a folder to write), checked only when used. */
    private static final Map<String, Set<String>> FREE = Map.of(
            "simulate", Set.of("--redis"),
            "validate", Set.of("--redis"),
            "sweep", Set.of("--out"));

    @TempDir
    Path dir;

    private final ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
    private final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();

    private int run(String... args) {
        outBytes.reset();
        errBytes.reset();
        return SluiceCli.run(List.of(args), new PrintStream(outBytes, true, StandardCharsets.UTF_8),
                new PrintStream(errBytes, true, StandardCharsets.UTF_8));
    }

    private static Map<String, CommandLine> commands() {
        Map<String, CommandLine> commands = new TreeMap<>(SluiceCli.commandLine(System.out).getSubcommands());
        commands.remove("help");
        return commands;
    }

    @Test
    void everyOptionOfEveryCommandIsInItsHelp() {
        for (Map.Entry<String, CommandLine> command : commands().entrySet()) {
            assertEquals(0, run(command.getKey(), "--help"), command.getKey());
            String help = outBytes.toString(StandardCharsets.UTF_8);
            for (OptionSpec option : command.getValue().getCommandSpec().options()) {
                for (String name : option.names()) {
                    assertTrue(help.contains(name + (option.arity().max() > 0 ? "=" + option.paramLabel() : "")),
                            command.getKey() + " --help lacks " + name + ":\n" + help);
                }
            }
        }
    }

    @Test
    void theTopHelpListsEveryCommand() {
        assertEquals(0, run("--help"));
        String help = outBytes.toString(StandardCharsets.UTF_8);
        for (String command : SluiceCli.commandLine(System.out).getSubcommands().keySet()) {
            assertTrue(help.contains("\n  " + command + " "), command + " missing from:\n" + help);
        }
    }

    @Test
    void helpCommandGivesTheSameTextAsTheFlag() {
        for (String command : commands().keySet()) {
            run(command, "--help");
            String byFlag = outBytes.toString(StandardCharsets.UTF_8);
            assertEquals(0, run("help", command));
            assertEquals(byFlag, outBytes.toString(StandardCharsets.UTF_8), command);
        }
    }

    @Test
    void everyValuedOptionIsEitherCheckedHereOrFreeText() {
        for (Map.Entry<String, CommandLine> command : commands().entrySet()) {
            Set<String> valued = new TreeSet<>();
            for (OptionSpec option : command.getValue().getCommandSpec().options()) {
                if (option.arity().max() > 0) {
                    valued.add(option.longestName());
                }
            }
            Set<String> listed = new TreeSet<>(BAD.getOrDefault(command.getKey(), Map.of()).keySet());
            listed.addAll(FREE.getOrDefault(command.getKey(), Set.of()));
            assertEquals(valued, listed, command.getKey());
        }
    }

    @Test
    void everyCheckedOptionRefusesABadValueNamingItselfAndQuotingTheValue() {
        BAD.forEach((command, values) -> values.forEach((flag, value) -> {
            String given = flag.equals("--replot") ? dir.resolve(value).toString() : value;
            for (List<String> form : List.of(List.of(command, flag, given), List.of(command, flag + "=" + given))) {
                assertEquals(2, run(form.toArray(new String[0])), form.toString());
                String err = errBytes.toString(StandardCharsets.UTF_8);
                assertTrue(err.startsWith("sluice: " + flag + "=\"" + given + "\": "), form + ": " + err);
                assertTrue(err.contains("Run 'sluice " + command + " --help' for the options."), err);
            }
        }));
    }

    @Test
    void everyCommandRefusesAnUnknownFlagNamingIt() {
        for (String command : List.of("simulate", "validate", "sweep")) {
            assertEquals(2, run(command, "--fast"), command);
            String err = errBytes.toString(StandardCharsets.UTF_8);
            assertTrue(err.startsWith("sluice: " + command + ": unknown flag \"--fast\"; known: --"), err);
        }
    }

    @Test
    void flagsWithoutACommandAreTheDefaultCommands() {
        List<String> line = new ArrayList<>(SluiceCli.withCommand(List.of("--threads", "2")));
        assertEquals(List.of("simulate", "--threads", "2"), line);
        assertEquals(List.of("simulate"), SluiceCli.withCommand(List.of()));
        assertEquals(List.of("--help"), SluiceCli.withCommand(List.of("--help")));
        assertEquals(List.of("-h"), SluiceCli.withCommand(List.of("-h")));
    }
}
