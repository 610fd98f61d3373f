package dev.sluice.bench.example;

import dev.sluice.LimiterConfig;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * A limiter configuration in a {@code .properties} file: the keys of {@link LimiterConfig#fromMap(Map)}, one per
 * line, and each {@code by_tool} entry as {@code by_tool.<name>}, the name being everything after the first dot.
 *
 * <pre>
 * by_user = 60/m
 * by_tenant = 600/m
 * by_tool.search = 10/s
 * algorithm = token_bucket
 * </pre>
 *
 * <p>Values stay strings; {@code LimiterConfig} reads numbers and booleans from their text and reports every
 * problem at once, naming the key. Stateless and thread-safe.
 */
final class LimiterConfigFile {
    static final String TOOL_PREFIX = "by_tool.";

    private LimiterConfigFile() {
    }

    /**
     * @param file a properties file in UTF-8
     * @return the validated configuration
     * @throws UncheckedIOException when the file cannot be read
     * @throws IllegalArgumentException listing every problem of the settings
     */
    static LimiterConfig load(Path file) {
        try {
            return parse(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e, e);
        }
    }

    /** @return the configuration the properties text describes (see the class comment) */
    static LimiterConfig parse(String text) {
        Properties properties = new Properties();
        try (Reader in = new StringReader(text)) {
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (IllegalArgumentException e) {
            // Properties refuses a malformed unicode escape; every other problem is LimiterConfig's to report.
            throw new IllegalArgumentException("configuration file: " + e.getMessage(), e);
        }
        // Sorted, so that the by_tool order (the order LimiterConfig keeps) does not depend on hashing.
        Map<String, String> sorted = new TreeMap<>();
        properties.stringPropertyNames().forEach(name -> sorted.put(name, properties.getProperty(name)));
        Map<String, Object> settings = new LinkedHashMap<>();
        Map<String, String> byTool = new LinkedHashMap<>();
        sorted.forEach((name, value) -> {
            if (name.startsWith(TOOL_PREFIX)) {
                byTool.put(name.substring(TOOL_PREFIX.length()), value);
            } else {
                settings.put(name, value);
            }
        });
        if (!byTool.isEmpty()) {
            if (settings.containsKey("by_tool")) {
                throw new IllegalArgumentException("by_tool=\"" + settings.get("by_tool") + "\": give each tool as "
                        + TOOL_PREFIX + "<name>, not a by_tool value");
            }
            settings.put("by_tool", byTool);
        }
        return LimiterConfig.fromMap(settings);
    }
}
