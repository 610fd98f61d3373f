package dev.sluice.bench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class OptionsTest {
    private static final Set<String> VALUED = Set.of("threads", "duration", "load", "clock", "tools", "max-keys");
    private static final Set<String> SWITCHES = Set.of("quiet", "help");

    private static Options parse(String... args) {
        return Options.parse("simulate", List.of(args), VALUED, SWITCHES);
    }

    @Test
    void readsSpaceAndEqualsFormsAndSwitches() {
        Options o = parse("--threads", "4", "--duration=30s", "--quiet");
        assertEquals(4, o.intValue("threads", 1, 1, 64));
        assertEquals(Duration.ofSeconds(30), o.duration("duration", Duration.ZERO));
        assertTrue(o.flag("quiet"));
        assertFalse(o.flag("help"));
    }

    @Test
    void absentFlagsGiveTheirDefaults() {
        Options o = parse();
        assertEquals(7, o.intValue("threads", 7, 1, 64));
        assertEquals("manual", o.choice("clock", "manual", List.of("manual", "real")));
    }

    @Test
    void unknownFlagIsNamedWithTheKnownOnes() {
        UsageException e = assertThrows(UsageException.class, () -> parse("--thread", "4"));
        assertEquals("simulate: unknown flag \"--thread\"; known: --clock, --duration, --help, --load, --max-keys,"
                + " --quiet, --threads, --tools", e.getMessage());
    }

    @Test
    void badNumberNamesTheFlagAndQuotesTheValue() {
        UsageException e = assertThrows(UsageException.class, () -> parse("--threads", "x").intValue("threads", 1, 1, 64));
        assertEquals("--threads=\"x\": not a whole number (examples: 1000, 10k, 2M, 1e6)", e.getMessage());
    }

    @Test
    void numberOutsideItsRangeIsRefused() {
        UsageException e = assertThrows(UsageException.class, () -> parse("--threads=0").intValue("threads", 1, 1, 64));
        assertEquals("--threads=\"0\": must be between 1 and 64", e.getMessage());
    }

    @Test
    void countsAcceptSuffixesAndPowersOfTen() {
        assertEquals(10_000, parse("--max-keys", "10k").longValue("max-keys", 0, 1, Long.MAX_VALUE));
        assertEquals(2_000_000, parse("--max-keys", "2M").longValue("max-keys", 0, 1, Long.MAX_VALUE));
        assertEquals(100_000_000, parse("--max-keys", "1e8").longValue("max-keys", 0, 1, Long.MAX_VALUE));
        assertEquals(1_000_000, parse("--max-keys", "1_000_000").longValue("max-keys", 0, 1, Long.MAX_VALUE));
    }

    @Test
    void durationsTakeUnits() {
        assertEquals(Duration.ofMillis(500), Options.parseDuration("500ms"));
        assertEquals(Duration.ofMinutes(10), Options.parseDuration("10m"));
        assertEquals(Duration.ofHours(2), Options.parseDuration("2h"));
        UsageException e = assertThrows(UsageException.class, () -> parse("--duration", "soon").duration("duration", null));
        assertEquals("--duration=\"soon\": not a duration (examples: 500ms, 30s, 10m, 2h)", e.getMessage());
    }

    @Test
    void choiceListsTheAllowedValues() {
        UsageException e = assertThrows(UsageException.class,
                () -> parse("--clock", "wall").choice("clock", "manual", List.of("manual", "real")));
        assertEquals("--clock=\"wall\": must be one of manual, real", e.getMessage());
    }

    @Test
    void missingValueIsReported() {
        UsageException e = assertThrows(UsageException.class, () -> parse("--threads"));
        assertEquals("--threads: needs a value", e.getMessage());
    }

    @Test
    void repeatedFlagIsReported() {
        UsageException e = assertThrows(UsageException.class, () -> parse("--threads", "2", "--threads", "3"));
        assertEquals("--threads=\"3\": given twice (first \"2\")", e.getMessage());
    }

    @Test
    void strayArgumentIsReported() {
        UsageException e = assertThrows(UsageException.class, () -> parse("fast"));
        assertEquals("simulate: unexpected argument \"fast\"; flags start with -- (see sluice simulate --help)",
                e.getMessage());
    }

    @Test
    void switchTakesNoValue() {
        UsageException e = assertThrows(UsageException.class, () -> parse("--quiet=yes"));
        assertEquals("--quiet=\"yes\": takes no value", e.getMessage());
    }
}
