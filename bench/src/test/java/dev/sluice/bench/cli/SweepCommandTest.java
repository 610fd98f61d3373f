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
    void defaultSizesRunFromAThousandToAHundredMillionKeys() {
        KeyspaceSweep.Settings s = SweepCommand.settings(parse());
        assertEquals(List.of(1_000L, 10_000L, 100_000L, 1_000_000L, 10_000_000L, 100_000_000L), s.sizes());
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
}
