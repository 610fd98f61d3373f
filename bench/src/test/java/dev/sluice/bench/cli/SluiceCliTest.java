package dev.sluice.bench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class SluiceCliTest {
    private final ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
    private final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();

    private int run(String... args) throws Exception {
        try (PrintStream out = new PrintStream(outBytes, true, StandardCharsets.UTF_8);
                PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8)) {
            return SluiceCli.run(List.of(args), out, err);
        }
    }

    private String out() {
        return outBytes.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return errBytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void helpListsTheCommands() throws Exception {
        assertEquals(0, run("--help"));
        assertTrue(out().contains("simulate") && out().contains("validate") && out().contains("sweep")
                && out().contains("jmh"), out());
    }

    @Test
    void eachCommandHasHelp() throws Exception {
        for (String command : List.of("simulate", "validate", "sweep")) {
            assertEquals(0, run(command, "--help"), command);
        }
        assertTrue(out().contains("--users-per-tenant") && out().contains("--shared-rate") && out().contains("--max-keys"));
    }

    @Test
    void badFlagValueExitsWithTwoNamingFlagAndValue() throws Exception {
        assertEquals(2, run("simulate", "--threads", "many"));
        assertTrue(err().contains("--threads=\"many\": not a whole number"), err());
        assertTrue(err().contains("sluice simulate --help"), err());
    }

    @Test
    void badRateIsReportedWithItsFlags() throws Exception {
        assertEquals(2, run("simulate", "--by-user", "abc/m"));
        assertTrue(err().contains("abc/m") && err().contains("--by-user"), err());
    }

    @Test
    void badToolListNamesTheItem() throws Exception {
        assertEquals(2, run("simulate", "--tools", "search"));
        assertTrue(err().contains("--tools=\"search\": item \"search\" is not tool=rate"), err());
    }

    @Test
    void unknownCommandExitsWithTwo() throws Exception {
        assertEquals(2, run("simulte"));
        assertTrue(err().contains("unknown command \"simulte\""), err());
    }

    @Test
    void redisBackendWithoutUrlIsRefused() throws Exception {
        assertEquals(2, run("simulate", "--backend", "redis"));
        assertTrue(err().contains("--backend=\"redis\": needs --redis URL"), err());
    }

    @Test
    void compressedTimeOnRedisIsRefused() throws Exception {
        assertEquals(2, run("simulate", "--redis", "redis://127.0.0.1:1", "--clock", "manual"));
        assertTrue(err().contains("--clock=\"manual\": Redis expires keys on its own clock"), err());
    }

    @Test
    void simulateSummarisesAShortRunOnTheMemoryBackend() throws Exception {
        assertEquals(0, run("simulate", "--tenants", "2", "--users-per-tenant", "5", "--duration", "2m", "--quiet"));
        String out = out();
        assertTrue(out.contains("memory backend"), out);
        assertTrue(out.contains("checks/s"), out);
        assertTrue(out.contains("p99"), out);
        assertTrue(out.contains("X-RateLimit-Limit"), out);
        assertTrue(out.contains("HTTP 429") && out.contains("Retry-After"), out);
        assertTrue(out.contains("backend failures 0"), out);
    }

    @Test
    void simulateRunsWithTwoThreads() throws Exception {
        assertEquals(0, run("simulate", "--tenants", "2", "--users-per-tenant", "4", "--duration", "1m",
                "--threads", "2", "--algorithm", "token_bucket", "--quiet"));
        assertTrue(out().contains("2 threads"), out());
    }

    @Test
    void validatePassesOnTheMemoryBackend() throws Exception {
        assertEquals(0, run("validate", "--users", "10"));
        String out = out();
        assertTrue(out.contains("fixed_window") && out.contains("sliding_window") && out.contains("token_bucket"), out);
        assertTrue(out.contains("allowed 120, blocked 0"), out);
        assertTrue(out.contains("validate: PASS"), out);
    }

    @Test
    void validateFailsWhenTooFewWindowsLetTheFullBucketDominate() throws Exception {
        // Two windows: the token bucket starts full, so only (2 - 1) / 4 = 25% are blocked.
        assertEquals(1, run("validate", "--users", "5", "--windows", "2"));
        assertTrue(out().contains("OUTSIDE 45-55%"), out());
        assertTrue(out().contains("validate: FAIL"), out());
    }
}
