package dev.sluice.bench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class JmhCommandTest {
    @Test
    void noArgumentsRunTheSuiteWithShortDefaults() {
        assertEquals(List.of("-f", "1", "-wi", "2", "-i", "3", "-w", "1s", "-r", "1s", "dev.sluice.bench.jmh"),
                JmhCommand.jmhArgs(List.of()));
    }

    @Test
    void givenOptionsAndPatternWinOverTheDefaults() {
        assertEquals(List.of("-wi", "2", "-i", "3", "-w", "1s", "-r", "1s", "-f", "3", "SingleKey", "-p", "impl=guava"),
                JmhCommand.jmhArgs(List.of("-f", "3", "SingleKey", "-p", "impl=guava")));
    }

    @Test
    void optionValuesAreNotTakenForAPattern() {
        assertEquals(List.of("-f", "1", "-wi", "2", "-i", "3", "-w", "1s", "-r", "1s", "dev.sluice.bench.jmh", "-t", "4"),
                JmhCommand.jmhArgs(List.of("-t", "4")));
    }

    @Test
    void jmhsOwnOptionsReachItUnchanged() {
        List<String> args = List.of("-f", "3", "SingleKey", "-p", "impl=guava", "-jvmArgsAppend", "-Dx=1", "-prof", "gc",
                "-rf", "json", "-rff", "out.json", "-h");
        CommandLine cli = SluiceCli.commandLine(System.out);
        List<String> line = new ArrayList<>(List.of("jmh"));
        line.addAll(args);
        cli.parseArgs(line.toArray(new String[0]));
        assertEquals(args, ((JmhCommand) cli.getSubcommands().get("jmh").getCommand()).args);
    }

    @Test
    void doubleDashHelpIsTheCommandsOwn() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertEquals(0, SluiceCli.run(List.of("jmh", "--help"), new PrintStream(out, true, StandardCharsets.UTF_8),
                System.err));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("Defaults: " + JmhCommand.DEFAULT_ARGS),
                out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void listingPassesThroughAlone() {
        assertEquals(List.of("-l"), JmhCommand.jmhArgs(List.of("-l")));
    }
}
