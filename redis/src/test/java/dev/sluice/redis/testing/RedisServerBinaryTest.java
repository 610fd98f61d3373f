package dev.sluice.redis.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which redis-server the tests and the Redis benchmark start, by {@code sluice.redis.server} and {@code PATH}. */
class RedisServerBinaryTest {
    @TempDir
    Path dir;

    /** A directory holding a {@code redis-server} that only reports a version, and a PATH naming it. */
    private String pathWithFakeServer() throws IOException {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path fake = bin.resolve("redis-server");
        Files.writeString(fake, "#!/bin/sh\necho 'Redis server v=9.8.7 sha=00000000:0 malloc=libc bits=64'\n");
        Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwx------"));
        return dir.resolve("empty") + File.pathSeparator + bin;
    }

    @Test
    void serverOnPathComesFirst() throws IOException {
        RedisServerBinary chosen = RedisServerBinary.select(null, pathWithFakeServer());
        assertEquals("9.8.7", chosen.version());
        assertEquals("PATH", chosen.source());
        assertEquals(dir.resolve("bin/redis-server"), chosen.path());
    }

    @Test
    void withoutAServerOnPathTheEmbeddedOneIsUsed() {
        RedisServerBinary chosen = RedisServerBinary.select("auto", dir.toString());
        assertEquals("embedded", chosen.source());
        assertTrue(chosen.version().startsWith("6.2."), chosen.toString());
    }

    @Test
    void propertyEmbeddedWinsOverTheServerOnPath() throws IOException {
        assertEquals("embedded", RedisServerBinary.select("embedded", pathWithFakeServer()).source());
    }

    @Test
    void propertyNamingABinaryUsesIt() throws IOException {
        pathWithFakeServer();
        String fake = dir.resolve("bin/redis-server").toString();
        RedisServerBinary chosen = RedisServerBinary.select(fake, null);
        assertEquals("9.8.7", chosen.version());
        assertEquals("sluice.redis.server", chosen.source());
    }

    @Test
    void propertyPathWithoutAServerOnPathIsAnError() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> RedisServerBinary.select("path", dir.toString()));
        assertEquals("sluice.redis.server=path but there is no redis-server on PATH=" + dir, e.getMessage());
    }

    @Test
    void versionSensitiveTestsRunOnTheInstalledServerAndOnTheEmbedded62() throws IOException {
        RedisServerBinary installed = RedisServerBinary.select(null, pathWithFakeServer());
        assertEquals(List.of(installed, RedisServerBinary.embedded()), RedisServerBinary.versions(null, installed));
    }

    @Test
    void versionSensitiveTestsRunOnceWhenTheEmbeddedServerIsTheOnlyOne() {
        RedisServerBinary embedded = RedisServerBinary.select(null, dir.toString());
        assertEquals(List.of(embedded), RedisServerBinary.versions("auto", embedded));
    }

    @Test
    void versionSensitiveTestsRunOnlyOnTheServerThePropertyNames() throws IOException {
        RedisServerBinary installed = RedisServerBinary.select("path", pathWithFakeServer());
        assertEquals(List.of(installed), RedisServerBinary.versions("path", installed));
    }

    @Test
    void withoutTheEmbeddedJarTheErrorSaysHowToProvideAServer() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> RedisServerBinary.extractEmbedded("/redis-server-0.0.0-nowhere"));
        assertEquals("no /redis-server-0.0.0-nowhere on the class path (the com.github.codemonstur:embedded-redis jar)"
                + " to fall back on: put redis-server on PATH (apt-get install redis-server) or name a binary with"
                + " -Dsluice.redis.server=<path>", e.getMessage());
    }

    @Test
    void embeddedBinaryRunsHere() {
        RedisServerBinary embedded = RedisServerBinary.embedded();
        try (LocalRedis redis = LocalRedis.start(embedded, List.of()); RespClient c = redis.client()) {
            assertTrue(((String) c.call("INFO", "server")).contains("redis_version:" + embedded.version()));
        }
    }
}
