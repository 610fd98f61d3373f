package dev.sluice.bench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.bench.sweep.KeyspaceSweep;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class SweepCommandTest {
    private static SweepCommand parse(String... args) {
        CommandLine cli = SluiceCli.commandLine(System.out);
        List<String> line = new ArrayList<>(List.of("sweep"));
        line.addAll(List.of(args));
        cli.parseArgs(line.toArray(new String[0]));
        return (SweepCommand) cli.getSubcommands().get("sweep").getCommand();
    }

    @Test
    void sizesArePowersOfTenBetweenTheBounds() {
        KeyspaceSweep.Settings s = parse("--min-keys", "1k", "--max-keys", "1e5").settings();
        assertEquals(List.of(1_000L, 10_000L, 100_000L), s.sizes());
        assertEquals(List.of("sluice-store", "sluice-store-token", "sluice-fixed", "onheap-fixed", "bucket4j"), s.impls());
    }

    @Test
    void defaultSizesRunFromAThousandToAHundredMillionKeys() {
        KeyspaceSweep.Settings s = parse().settings();
        assertEquals(List.of(1_000L, 10_000L, 100_000L, 1_000_000L, 10_000_000L, 100_000_000L), s.sizes());
    }

    @Test
    void unknownImplementationIsNamed() {
        UsageException e = assertThrows(UsageException.class,
                () -> parse("--impls", "sluice-store,caffeine").settings());
        assertTrue(e.getMessage().startsWith("--impls=\"sluice-store,caffeine\": impl=\"caffeine\": unknown"),
                e.getMessage());
    }

    @Test
    void maxBelowMinIsRefused() {
        UsageException e = assertThrows(UsageException.class,
                () -> parse("--min-keys", "1e6", "--max-keys", "1000").settings());
        assertEquals("--max-keys=\"1000\": below --min-keys 1000000", e.getMessage());
    }
}
