package dev.sluice.bench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.Algorithm;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.TypeConversionException;

/** How the commands read their flags: the value syntaxes, the defaults, and what a bad command line is told. */
class FlagsTest {
    private final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();

    private static Simulation.Settings simulate(String... args) {
        CommandLine cli = SluiceCli.commandLine(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        cli.parseArgs(SluiceCli.withCommand(List.of(args)).toArray(new String[0]));
        return ((SimulateCommand) cli.getSubcommands().get("simulate").getCommand()).settings();
    }

    /** @return what {@code sluice simulate ARGS} prints on stderr, after checking that it exits with 2 */
    private String refused(String... args) {
        PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8);
        List<String> line = new ArrayList<>(List.of("simulate"));
        line.addAll(List.of(args));
        assertEquals(2, SluiceCli.run(line, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), err));
        String text = errBytes.toString(StandardCharsets.UTF_8);
        assertTrue(text.endsWith("Run 'sluice simulate --help' for the options." + System.lineSeparator()), text);
        return text.lines().findFirst().orElseThrow();
    }

    @Test
    void readsSpaceAndEqualsFormsAndSwitches() {
        Simulation.Settings s = simulate("--threads", "4", "--duration=30s", "--quiet");
        assertEquals(4, s.threads());
        assertEquals(Duration.ofSeconds(30), s.duration());
        assertTrue(s.quiet());
    }

    @Test
    void absentFlagsGiveTheirDefaults() {
        Simulation.Settings s = simulate();
        assertEquals("memory", s.backend());
        assertEquals(1, s.threads());
        assertEquals(Duration.ofMinutes(10), s.duration());
        assertFalse(s.realClock());
        assertFalse(s.quiet());
        assertEquals(42, s.seed());
    }

    @Test
    void redisUrlChangesTheDefaultBackendClockAndDuration() {
        Simulation.Settings s = simulate("--redis", "redis://127.0.0.1:1");
        assertEquals("redis", s.backend());
        assertTrue(s.realClock());
        assertEquals(Duration.ofSeconds(30), s.duration());
    }

    @Test
    void unknownFlagIsNamedWithTheKnownOnes() {
        assertEquals("sluice: simulate: unknown flag \"--thread\"; known: --algorithm, --backend, --by-tenant, --by-user,"
                + " --clock, --duration, --help, --load, --quiet, --redis, --seed, --tenants, --threads, --tools,"
                + " --users-per-tenant, --zipf", refused("--thread", "4"));
    }

    @Test
    void badNumberNamesTheFlagAndQuotesTheValue() {
        assertEquals("sluice: --threads=\"x\": not a whole number (examples: 1000, 10k, 2M, 1e6)",
                refused("--threads", "x"));
    }

    @Test
    void numberOutsideItsRangeIsRefused() {
        assertEquals("sluice: --threads=\"0\": must be between 1 and 256", refused("--threads=0"));
    }

    @Test
    void countsAcceptSuffixesAndPowersOfTen() {
        Flags.Count count = new Flags.Count();
        assertEquals(10_000, count.convert("10k"));
        assertEquals(2_000_000, count.convert("2M"));
        assertEquals(100_000_000, count.convert("1e8"));
        assertEquals(1_000_000, count.convert("1_000_000"));
    }

    @Test
    void aCountPastTheLongRangeIsRefusedNamingTheFlag() {
        assertThrows(TypeConversionException.class, () -> new Flags.Count().convert("10e18"));
        assertEquals("sluice: --seed=\"10e18\": not a whole number (examples: 1000, 10k, 2M, 1e6)",
                refused("--seed", "10e18"));
    }

    @Test
    void durationsTakeUnits() {
        Flags.Span span = new Flags.Span();
        assertEquals(Duration.ofMillis(500), span.convert("500ms"));
        assertEquals(Duration.ofMinutes(10), span.convert("10m"));
        assertEquals(Duration.ofHours(2), span.convert("2h"));
        assertEquals("sluice: --duration=\"soon\": not a duration (examples: 500ms, 30s, 10m, 2h)",
                refused("--duration", "soon"));
    }

    @Test
    void choiceListsTheAllowedValues() {
        assertEquals("sluice: --clock=\"wall\": must be one of manual, real", refused("--clock", "wall"));
    }

    @Test
    void choicesIgnoreCaseAndAlgorithmsTakeDashes() {
        Simulation.Settings s = simulate("--clock", "REAL", "--algorithm", "Token-Bucket");
        assertTrue(s.realClock());
        assertEquals(Algorithm.TOKEN_BUCKET, s.algorithm());
    }

    @Test
    void missingValueIsReported() {
        assertEquals("sluice: --threads: needs a value", refused("--threads"));
    }

    @Test
    void aFlagInPlaceOfAValueIsAMissingValue() {
        assertEquals("sluice: --threads: needs a value", refused("--threads", "--quiet"));
    }

    @Test
    void repeatedFlagIsReported() {
        assertEquals("sluice: --threads=\"3\": given twice (first \"2\")", refused("--threads", "2", "--threads", "3"));
    }

    @Test
    void strayArgumentIsReported() {
        assertEquals("sluice: simulate: unexpected argument \"fast\"; flags start with -- (see sluice simulate --help)",
                refused("fast"));
    }

    @Test
    void switchTakesNoValue() {
        assertEquals("sluice: --quiet=\"yes\": takes no value", refused("--quiet=yes"));
    }

    @Test
    void switchTakesNoValueNotEvenTrue() {
        assertEquals("sluice: --quiet=\"true\": takes no value", refused("--quiet=true"));
    }

    @Test
    void aBadRateNamesItsFlag() {
        assertEquals("sluice: --by-tenant=\"8000\": expected <count>/<unit>, e.g. \"60/m\"", refused("--by-tenant", "8000"));
    }
}
