package dev.sluice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.store.KeyedStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.module.ModuleDescriptor;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.spi.ToolProvider;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The engine's shape, read from its compiled classes with the JDK's {@code jdeps} and its module descriptor:
 * dependencies between its packages point one way (the API on the SPI, never back), and the off-heap store is an
 * implementation detail that neither its module descriptor nor its public API passes on to users.
 */
class ModuleStructureTest {
    private static final String ENGINE_MODULE = "dev.sluice.engine";
    private static final String STORE_MODULE = "dev.sluice.store";
    /** A package-level dependency as {@code jdeps -verbose:package} prints it: from, to, and the module of to. */
    private static final Pattern EDGE = Pattern.compile("^\\s+(\\S+)\\s+->\\s+(\\S+)\\s+(\\S+)\\s*$");

    @Test
    void enginePackagesDependOnEachOtherWithoutACycle() {
        Map<String, Set<String>> graph = enginePackageGraph();
        assertEquals(List.of(), cycleIn(graph), "engine package graph " + graph);
    }

    @Test
    void theSpiDependsOnNoOtherEnginePackage() {
        Map<String, Set<String>> graph = enginePackageGraph();
        assertEquals(Set.of(), graph.get("dev.sluice.spi"), "engine package graph " + graph);
    }

    @Test
    void moduleRequiresTheStoreWithoutPassingItOn() throws IOException {
        ModuleDescriptor engine = descriptor();
        List<ModuleDescriptor.Requires> store = engine.requires().stream()
                .filter(r -> r.name().equals(STORE_MODULE)).toList();
        assertEquals(1, store.size(), engine.requires().toString());
        assertEquals(Set.of(), store.getFirst().modifiers(), "requires " + store.getFirst());
    }

    @Test
    void noStoreTypeAppearsInTheExportedApi() throws IOException {
        Set<String> exported = descriptor().exports().stream().filter(e -> !e.isQualified())
                .map(ModuleDescriptor.Exports::source).collect(Collectors.toCollection(TreeSet::new));
        assertTrue(exported.contains("dev.sluice") && exported.contains("dev.sluice.spi"), exported.toString());
        Map<String, Set<String>> api = jdeps(true);
        for (String pkg : exported) {
            Set<String> onStore = api.getOrDefault(pkg, Set.of()).stream()
                    .filter(to -> to.startsWith(STORE_MODULE + " ")).collect(Collectors.toSet());
            assertEquals(Set.of(), onStore, "public signatures of " + pkg + " name the store's packages");
        }
    }

    /** @return each engine package's dependencies on other engine packages */
    private static Map<String, Set<String>> enginePackageGraph() {
        Map<String, Set<String>> graph = new TreeMap<>();
        jdeps(false).forEach((from, targets) -> {
            Set<String> inEngine = new TreeSet<>();
            for (String target : targets) {
                if (target.startsWith(ENGINE_MODULE + " ")) {
                    String pkg = target.substring(ENGINE_MODULE.length() + 1);
                    if (!pkg.equals(from)) {
                        inEngine.add(pkg);
                    }
                }
            }
            graph.put(from, inEngine);
        });
        return graph;
    }

    /**
     * Runs {@code jdeps -verbose:package} on the engine's classes, with the store's on the module path.
     *
     * @param apiOnly {@code -apionly}: only what public and protected signatures of public classes name
     * @return each engine package's dependencies, as {@code "<module> <package>"}
     */
    private static Map<String, Set<String>> jdeps(boolean apiOnly) {
        ToolProvider jdeps = ToolProvider.findFirst("jdeps").orElseThrow(() -> new AssertionError("no jdeps in this JDK"));
        List<String> args = new ArrayList<>(List.of("-verbose:package", "--module-path", location(KeyedStore.class)));
        if (apiOnly) {
            args.add("-apionly");
        }
        args.add(location(RateLimiter.class));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = jdeps.run(new PrintWriter(out), new PrintWriter(err), args.toArray(String[]::new));
        assertEquals(0, status, "jdeps " + args + ": " + err + out);
        Map<String, Set<String>> edges = new TreeMap<>();
        for (String line : out.toString().split("\\R")) {
            Matcher m = EDGE.matcher(line);
            if (m.matches()) {
                edges.computeIfAbsent(m.group(1), k -> new TreeSet<>()).add(m.group(3) + " " + m.group(2));
            }
        }
        assertTrue(edges.containsKey("dev.sluice"), "jdeps printed no package of the engine: " + out);
        return edges;
    }

    /**
     * @return the packages of one cycle, the first repeated at the end, or an empty list when there is none; the
     *     search goes in name order, so the same graph always gives the same cycle
     */
    static List<String> cycleIn(Map<String, Set<String>> graph) {
        Map<String, Integer> state = new TreeMap<>(); // absent: unvisited, 1: on the path, 2: done
        List<String> path = new ArrayList<>();
        for (String start : new TreeSet<>(graph.keySet())) {
            List<String> cycle = visit(start, graph, state, path);
            if (!cycle.isEmpty()) {
                return cycle;
            }
        }
        return List.of();
    }

    private static List<String> visit(String pkg, Map<String, Set<String>> graph, Map<String, Integer> state,
            List<String> path) {
        Integer seen = state.get(pkg);
        if (seen != null) {
            if (seen == 1) {
                List<String> cycle = new ArrayList<>(path.subList(path.indexOf(pkg), path.size()));
                cycle.add(pkg);
                return cycle;
            }
            return List.of();
        }
        state.put(pkg, 1);
        path.add(pkg);
        for (String next : new TreeSet<>(graph.getOrDefault(pkg, Set.of()))) {
            List<String> cycle = visit(next, graph, state, path);
            if (!cycle.isEmpty()) {
                return cycle;
            }
        }
        path.removeLast();
        state.put(pkg, 2);
        return List.of();
    }

    @Test
    void cycleSearchFindsACycleAndOnlyACycle() {
        assertEquals(List.of("a", "b", "a"), cycleIn(Map.of("a", Set.of("b"), "b", Set.of("a"))));
        assertEquals(List.of(), cycleIn(Map.of("a", Set.of("b", "c"), "b", Set.of("c"), "c", Set.of())));
    }

    private static ModuleDescriptor descriptor() throws IOException {
        try (InputStream in = Files.newInputStream(Path.of(location(RateLimiter.class)).resolve("module-info.class"))) {
            return ModuleDescriptor.read(in);
        }
    }

    /** @return the directory or jar a class was loaded from */
    private static String location(Class<?> type) {
        try {
            return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (URISyntaxException e) {
            throw new AssertionError(e);
        }
    }
}
