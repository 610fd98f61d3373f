package dev.sluice.bench.example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.Algorithm;
import dev.sluice.LimiterConfig;
import dev.sluice.redis.RedisOptions;
import dev.sluice.Rate;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LimiterConfigFileTest {
    @TempDir
    Path dir;

    @Test
    void readsTheMapKeysAndEachToolAsByToolDotName() {
        LimiterConfig config = LimiterConfigFile.parse("""
                # limits of the example server
                by_user = 60/m
                by_tenant: 600/m
                by_tool.search = 10/s
                by_tool.Fetch = 5/s
                algorithm = token_bucket
                """);
        assertEquals(Rate.of(60, 60), config.byUser());
        assertEquals(Rate.of(600, 60), config.byTenant());
        assertEquals(Map.of("fetch", Rate.of(5, 1), "search", Rate.of(10, 1)), config.byTool());
        assertEquals(Algorithm.TOKEN_BUCKET, config.algorithm());
    }

    @Test
    void numbersAndBooleansAreReadFromTheirText() {
        LimiterConfig config = LimiterConfigFile.parse("""
                by_user = 60/m
                backend = redis
                redis_url = redis://127.0.0.1:6379
                redis_command_timeout_ms = 250
                redis_tenant_scoped_keys = true
                """);
        RedisOptions redis = config.options(RedisOptions.class);
        assertEquals(250, redis.commandTimeout().toMillis());
        assertTrue(redis.tenantScopedKeys());
    }

    @Test
    void everyProblemIsReportedWithItsKeyAndInput() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LimiterConfigFile.parse("""
                by_user = 60
                by_tool.search = abc/m
                """));
        assertEquals("""
                Invalid rate-limit configuration (2 problems):
                  by_user="60": expected <count>/<unit>, e.g. "60/m"
                  by_tool["search"]="abc/m": count is not a positive integer""", e.getMessage());
    }

    @Test
    void aByToolValueBesideByToolDotNamesIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LimiterConfigFile.parse("""
                by_tool = search
                by_tool.search = 10/s
                """));
        assertEquals("by_tool=\"search\": give each tool as by_tool.<name>, not a by_tool value", e.getMessage());
    }

    @Test
    void loadsAFile() throws IOException {
        Path file = Files.writeString(dir.resolve("limits.properties"), "by_user = 2/s\n");
        assertEquals(Rate.of(2, 1), LimiterConfigFile.load(file).byUser());
    }

    @Test
    void aMissingFileNamesThePath() {
        Path missing = dir.resolve("missing.properties");
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> LimiterConfigFile.load(missing));
        assertTrue(e.getMessage().startsWith("cannot read " + missing + ": "), e.getMessage());
    }
}
