package dev.sluice.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The versions the report prints are the build's, and the build's are the libraries it measured. */
class BuildVersionsTest {
    /** A name and a version after it, as prose writes them: "Bucket4j 8.19.0", "JMH 1.37". */
    private static final Pattern NAMED_VERSION = Pattern.compile("\\b([A-Z][A-Za-z0-9]*) (\\d+\\.\\d+[0-9A-Za-z.-]*)");

    @TempDir
    Path dir;

    /** @return versions.properties as the build wrote it, read without {@link BuildVersions} */
    private static Properties written() throws Exception {
        Properties p = new Properties();
        try (InputStream in = BuildVersionsTest.class.getResourceAsStream("/dev/sluice/bench/report/versions.properties")) {
            p.load(in);
        }
        return p;
    }

    private String render(Path results) throws Exception {
        Path doc = dir.resolve("benchmarks.md");
        BenchmarkReport.main(new String[] {results.toString(), doc.toString()});
        return Files.readString(doc, StandardCharsets.UTF_8);
    }

    @Test
    void theBuildFilledInEveryVersion() throws Exception {
        Properties p = written();
        assertEquals(Set.of("jmh", "bucket4j", "resilience4j", "guava", "agrona"), p.stringPropertyNames());
        for (String name : p.stringPropertyNames()) {
            assertFalse(p.getProperty(name).isBlank() || p.getProperty(name).contains("${"), name + "=" + p.getProperty(name));
        }
        BuildVersions v = BuildVersions.load();
        assertEquals(p.getProperty("jmh"), v.jmh());
        assertEquals(p.getProperty("bucket4j"), v.bucket4j());
        assertEquals(p.getProperty("resilience4j"), v.resilience4j());
        assertEquals(p.getProperty("guava"), v.guava());
        assertEquals(p.getProperty("agrona"), v.agrona());
    }

    @Test
    void theReportPrintsTheBuildsVersions() throws Exception {
        Properties p = written();
        String doc = render(Path.of(BuildVersionsTest.class.getResource("fixture/results").toURI()));
        assertTrue(doc.contains("JMH " + p.getProperty("jmh") + " benchmarks"), doc);
        assertTrue(doc.contains("| `bucket4j` | Bucket4j " + p.getProperty("bucket4j") + " local"), doc);
        assertTrue(doc.contains("| `resilience4j` | Resilience4j " + p.getProperty("resilience4j") + " `AtomicRateLimiter`"), doc);
        assertTrue(doc.contains("| `guava` | Guava " + p.getProperty("guava") + " `RateLimiter`"), doc);
        assertTrue(doc.contains("in Agrona " + p.getProperty("agrona") + "'s `Object2LongHashMap`"), doc);
        assertTrue(doc.contains("| `bucket4j` | Bucket4j " + p.getProperty("bucket4j") + " `LettuceBasedProxyManager`"), doc);
    }

    @Test
    void everyVersionInTheGeneratorsProseIsOneOfTheBuilds() throws Exception {
        // Only the Redis results: the document is the generator's prose and the Redis section, with no JVM line
        // and no run information (which quote the machine's own versions).
        Path results = dir.resolve("results");
        Path fixture = Path.of(BuildVersionsTest.class.getResource("fixture/results/redis").toURI());
        Files.createDirectories(results.resolve("redis"));
        try (Stream<Path> files = Files.list(fixture)) {
            for (Path f : files.filter(f -> f.toString().endsWith(".json")).toList()) {
                Files.copy(f, results.resolve("redis").resolve(f.getFileName()));
            }
        }
        String doc = render(results);
        Properties p = written();
        Set<String> built = new HashSet<>();
        p.stringPropertyNames().forEach(name -> built.add(p.getProperty(name)));
        Matcher m = NAMED_VERSION.matcher(doc);
        int found = 0;
        while (m.find()) {
            assertTrue(built.contains(m.group(2)), "\"" + m.group() + "\" is not a version of the build " + built);
            found++;
        }
        assertEquals(6, found, "JMH, Bucket4j twice, Resilience4j, Guava, Agrona");
    }

    @Test
    void theBuildsVersionsAreTheLibrariesOnTheClassPath() throws Exception {
        Properties p = written();
        assertEquals(p.getProperty("jmh"), pomVersion("org.openjdk.jmh", "jmh-core"));
        assertEquals(p.getProperty("bucket4j"), pomVersion("com.bucket4j", "bucket4j_jdk17-core"));
        assertEquals(p.getProperty("guava"), pomVersion("com.google.guava", "guava"));
        assertEquals(p.getProperty("resilience4j"),
                io.github.resilience4j.ratelimiter.RateLimiter.class.getPackage().getImplementationVersion());
        assertEquals(p.getProperty("agrona"),
                org.agrona.collections.Object2LongHashMap.class.getPackage().getImplementationVersion());
    }

    private static String pomVersion(String group, String artifact) throws Exception {
        Properties p = new Properties();
        try (InputStream in = BuildVersionsTest.class.getClassLoader()
                .getResourceAsStream("META-INF/maven/" + group + "/" + artifact + "/pom.properties")) {
            p.load(in);
        }
        return p.getProperty("version");
    }
}
