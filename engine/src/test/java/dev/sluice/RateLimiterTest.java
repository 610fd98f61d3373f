package dev.sluice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
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

    /** The fast path for identities that need nothing done must agree with the definition: strip, blank, replace. */
    @ParameterizedTest
    @ValueSource(strings = {"alice", "a:b", ":", "a:", ":a", "alice ", " alice", "\u2003alice\u3000", "al ice", "\talice\n",
            "x", " ", "\u00a0alice", "alice\u2028", "\ud83d\ude00", "caf\u00e9:1"})
    void userAndTenantNormaliseAsStripBlankAndReplaceDefineThem(String identity) {
        String stripped = identity.strip();
        assertEquals(stripped.isEmpty() ? "anonymous" : stripped.replace(':', '_'), RateLimiter.normaliseUser(identity),
                () -> "user " + identity.codePoints().mapToObj(Integer::toHexString).toList());
        assertEquals(stripped.isEmpty() ? null : stripped, RateLimiter.normaliseTenant(identity),
                () -> "tenant " + identity.codePoints().mapToObj(Integer::toHexString).toList());
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
                assertEquals(Decision.Status.UNLIMITED, limiter.check("alice", "acme", "search").status());
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
