package dev.sluice.bench.report;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The versions of JMH and of the peer libraries that this jar was built with, so that the report never types
 * one into its prose: {@code versions.properties} beside this class, which Maven fills in from
 * {@code bench/pom.xml} and the parent pom when it copies the file (resource filtering). The JVM's version
 * is not here: the report takes it from the JMH results, which say what the forks ran on.
 *
 * <p>Thread-safe: immutable.
 *
 * @param jmh e.g. {@code 1.37}
 * @param bucket4j e.g. {@code 8.19.0}
 * @param resilience4j e.g. {@code 2.4.0}
 * @param guava e.g. {@code 33.8.0-jre}
 * @param agrona e.g. {@code 2.6.0}
 */
record BuildVersions(String jmh, String bucket4j, String resilience4j, String guava, String agrona) {
    static final String RESOURCE = "versions.properties";

    /** @return the versions of the build this class comes from */
    static BuildVersions load() {
        Properties p = properties();
        return new BuildVersions(get(p, "jmh"), get(p, "bucket4j"), get(p, "resilience4j"), get(p, "guava"),
                get(p, "agrona"));
    }

    /** @return {@code versions.properties} as the build wrote it */
    static Properties properties() {
        Properties p = new Properties();
        try (InputStream in = BuildVersions.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing beside " + BuildVersions.class.getName()
                        + "; build with Maven, which writes it");
            }
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }

    private static String get(Properties p, String name) {
        String v = p.getProperty(name);
        if (v == null || v.isBlank() || v.startsWith("${")) {
            throw new IllegalStateException(RESOURCE + ": " + name + "=\"" + v + "\": not filled in by the build");
        }
        return v;
    }
}
