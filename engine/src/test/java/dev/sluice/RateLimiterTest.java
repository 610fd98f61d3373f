package dev.sluice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.spi.Outcome;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Section 2: what the engine hands a backend (normalised identities, dimension order) and when it calls it at all. */
class RateLimiterTest {
    private static final long T0 = 1_000_000_000_000L;

    private static LimiterConfig.Builder allDimensions() {
        return LimiterConfig.builder().byUser("10/m").byTenant("10/m").byTool("search", "10/m");
    }

    private static List<String> requestsFor(LimiterConfig config, String user, String tenant, String tool) {
        ScriptedBackend backend = ScriptedBackend.admitting();
        try (RateLimiter limiter = RateLimiter.create(config, new ManualClock(T0), backend)) {
            limiter.check(user, tenant, tool);
        }
        return backend.requests;
    }

    @Test
    void backendReceivesTrimmedUserWithColonsReplaced() {
        assertEquals(List.of("tenant=null user:a_b_c"), requestsFor(allDimensions().build(), "  a:b:c ", null, null));
    }

    /** Python's str.isspace() set, which is what trimming means (section 2). */
    static IntStream pythonWhitespace() {
        return IntStream.concat(IntStream.concat(IntStream.rangeClosed(0x09, 0x0D), IntStream.rangeClosed(0x1C, 0x20)),
                IntStream.concat(IntStream.of(0x85, 0xA0, 0x1680), IntStream.concat(IntStream.rangeClosed(0x2000, 0x200A),
                        IntStream.of(0x2028, 0x2029, 0x202F, 0x205F, 0x3000))));
    }

    /** Characters Python does not strip, among them some Java or other languages would. */
    static IntStream notPythonWhitespace() {
        return IntStream.of(0x00, 0x08, 0x0E, 0x1B, 0x84, 0x86, 0xAD, 0x180E, 0x200B, 0x200C, 0x200D, 0x2060, 0x3001,
                0xFEFF, 'a', ':');
    }

    private static String hex(int codePoint) {
        return String.format("U+%04X", codePoint);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pythonWhitespace")
    void userTenantAndToolAreStrippedOfEveryCharacterPythonStrips(int codePoint) {
        String pad = Character.toString(codePoint);
        assertEquals(List.of("tenant=acme user:alice tenant:acme tool:search"),
                requestsFor(allDimensions().build(), pad + "alice" + pad + pad, pad + "acme" + pad,
                        pad + pad + "SEARCH" + pad), hex(codePoint));
        assertEquals(List.of("tenant=null user:anonymous"), requestsFor(allDimensions().build(), pad, pad, pad),
                hex(codePoint));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("notPythonWhitespace")
    void charactersPythonDoesNotStripArePartOfTheIdentity(int codePoint) {
        String pad = Character.toString(codePoint);
        String user = (pad + "alice" + pad).replace(':', '_');
        assertEquals(List.of("tenant=" + pad + "acme" + pad + " user:" + user + " tenant:" + pad + "acme" + pad),
                requestsFor(allDimensions().build(), pad + "alice" + pad, pad + "acme" + pad, pad + "search"),
                hex(codePoint));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pythonWhitespace")
    void toolNamesInTheConfigurationAreStrippedAsPythonStrips(int codePoint) {
        String pad = Character.toString(codePoint);
        assertEquals(List.of("search"),
                List.copyOf(LimiterConfig.builder().byTool(pad + "Search" + pad, "1/m").build().byTool().keySet()),
                hex(codePoint));
    }

    /** The fast path for identities that need nothing done must agree with the definition: strip, blank, replace. */
    @ParameterizedTest
    @ValueSource(strings = {"alice", "a:b", ":", "a:", ":a", "alice ", " alice", "\u2003alice\u3000", "al ice", "\talice\n",
            "x", " ", "\u00a0alice", "alice\u2028", "\ud83d\ude00", "caf\u00e9:1", "\u0085a\u202f", "\u2007",
            "\u200balice\ufeff", "\u001falice\u001c"})
    void userAndTenantNormaliseAsStripBlankAndReplaceDefineThem(String identity) {
        String stripped = pythonStrip(identity);
        assertEquals(stripped.isEmpty() ? "anonymous" : stripped.replace(':', '_'), RateLimiter.normaliseUser(identity),
                () -> "user " + identity.codePoints().mapToObj(Integer::toHexString).toList());
        assertEquals(stripped.isEmpty() ? null : stripped, RateLimiter.normaliseTenant(identity),
                () -> "tenant " + identity.codePoints().mapToObj(Integer::toHexString).toList());
    }

    /** The definition, written the slow way: drop leading and trailing members of Python's set. */
    private static String pythonStrip(String s) {
        Set<Integer> space = pythonWhitespace().boxed().collect(Collectors.toSet());
        int[] cps = s.codePoints().toArray();
        int from = 0;
        int to = cps.length;
        while (from < to && space.contains(cps[from])) {
            from++;
        }
        while (to > from && space.contains(cps[to - 1])) {
            to--;
        }
        return new String(cps, from, to - from);
    }

    @Test
    void backendReceivesAnonymousForNullUser() {
        assertEquals(List.of("tenant=null user:anonymous"), requestsFor(allDimensions().build(), null, null, null));
    }

    @Test
    void backendReceivesAnonymousForBlankUser() {
        assertEquals(List.of("tenant=null user:anonymous"), requestsFor(allDimensions().build(), " \t", null, null));
    }

    @Test
    void backendReceivesTrimmedTenant() {
        assertEquals(List.of("tenant=Acme user:alice tenant:Acme"),
                requestsFor(allDimensions().build(), "alice", " Acme ", null));
    }

    @Test
    void backendReceivesNoTenantForABlankOne() {
        assertEquals(List.of("tenant=null user:alice"), requestsFor(allDimensions().build(), "alice", "  ", null));
    }

    @Test
    void backendReceivesTheTenantButNoTenantDimensionWhenByTenantIsOff() {
        LimiterConfig config = LimiterConfig.builder().byUser("10/m").build();
        assertEquals(List.of("tenant=acme user:alice"), requestsFor(config, "alice", "acme", null));
    }

    @Test
    void backendReceivesTrimmedLowerCaseToolAfterUserAndTenant() {
        assertEquals(List.of("tenant=acme user:alice tenant:acme tool:search"),
                requestsFor(allDimensions().build(), "alice", "acme", " SeArCh "));
    }

    @Test
    void unconfiguredToolNeverReachesTheBackend() {
        LimiterConfig config = LimiterConfig.builder().byTool("search", "10/m").build();
        assertEquals(List.of(), requestsFor(config, "alice", "acme", "fetch"));
    }

    @Test
    void disabledModeNeverChargesTheBackend() {
        ScriptedBackend backend = ScriptedBackend.admitting();
        LimiterConfig config = allDimensions().mode(Mode.DISABLED).build();
        try (RateLimiter limiter = RateLimiter.create(config, new ManualClock(T0), backend)) {
            for (int i = 0; i < 10; i++) {
                assertEquals(Outcome.UNLIMITED, limiter.check("alice", "acme", "search").status());
            }
        }
        assertEquals(List.of(), backend.requests);
    }

    @Test
    void explicitTimeIsWhatTheBackendSees() {
        long[] seen = new long[2];
        ScriptedBackend backend = new ScriptedBackend(b -> {
            seen[0] = b.monotonicNanos();
            seen[1] = b.epochNanos();
            b.allow(0, 1, 1_000_000_000L);
        });
        LimiterConfig config = LimiterConfig.builder().byUser("10/m").build();
        try (RateLimiter limiter = RateLimiter.create(config, new ManualClock(T0), backend)) {
            Decision d = limiter.check("alice", null, null, 5_000_500_000_000L);
            assertEquals(List.of(5_000_500_000_000L, 5_000_500_000_000L), List.of(seen[0], seen[1]));
            assertEquals(5_002, d.resetEpochSeconds());
        }
    }

    @Test
    void closingTheLimiterClosesItsBackend() {
        ScriptedBackend backend = ScriptedBackend.admitting();
        RateLimiter limiter = RateLimiter.create(allDimensions().build(), new ManualClock(T0), backend);
        limiter.close();
        assertTrue(backend.closed);
    }

    @Test
    void closedLimiterRefusesToCheck() {
        RateLimiter limiter = RateLimiter.create(allDimensions().build(), new ManualClock(T0), ScriptedBackend.admitting());
        limiter.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> limiter.check("alice", null, null));
        assertEquals("limiter is closed", e.getMessage());
    }

    @Test
    void nullConfigIsRejectedByName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RateLimiter.create(null, new ManualClock(T0), ScriptedBackend.admitting()));
        assertEquals("config=null: required", e.getMessage());
    }
}
