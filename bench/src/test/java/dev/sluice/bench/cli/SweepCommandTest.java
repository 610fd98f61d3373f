package dev.sluice.bench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.bench.sweep.KeyspaceSweep;
import java.util.List;
import org.junit.jupiter.api.Test;

class SweepCommandTest {
    private static Options parse(String... args) {
        return Options.parse("sweep", List.of(args), SweepCommand.VALUED, SweepCommand.SWITCHES);
    }

    @Test
    void sizesArePowersOfTenBetweenTheBounds() {
        KeyspaceSweep.Settings s = SweepCommand.settings(parse("--min-keys", "1k", "--max-keys", "1e5"));
        assertEquals(List.of(1_000L, 10_000L, 100_000L), s.sizes());
        assertEquals(SweepCommand.DEFAULT_IMPLS, s.impls());
    }

    @Test
    void unknownImplementationIsNamed() {
        UsageException e = assertThrows(UsageException.class,
                () -> SweepCommand.settings(parse("--impls", "sluice-store,caffeine")));
        assertTrue(e.getMessage().startsWith("--impls=\"sluice-store,caffeine\": impl=\"caffeine\": unknown"),
                e.getMessage());
    }

    @Test
    void maxBelowMinIsRefused() {
        UsageException e = assertThrows(UsageException.class,
                () -> SweepCommand.settings(parse("--min-keys", "1e6", "--max-keys", "1000")));
        assertEquals("--max-keys=\"1000\": below --min-keys 1000000", e.getMessage());
    }

    @Test
    void csvReadsBackWhatItWrote() {
        List<KeyspaceSweep.Row> rows = List.of(
                new KeyspaceSweep.Row("sluice-store", 1000, 53.2, 120.5, 94.0, 1.5, 0, 0, 0.5, ""),
                new KeyspaceSweep.Row("sluice-fixed", 1000, 176.6, 400.0, Double.NaN, 62.7, 2, 13, 0.4,
                        "a note, with a comma"));
        List<KeyspaceSweep.Row> back = SweepCommand.readCsv(SweepCommand.csv(rows));
        assertEquals(rows, back);
    }
}
