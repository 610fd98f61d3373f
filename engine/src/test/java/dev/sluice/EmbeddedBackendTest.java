package dev.sluice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.spi.Outcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The embedded backend as a limiter user meets it: ceilings, identities of any length, a full table, sliding-window memory, counters. */
class EmbeddedBackendTest {

    private static String problems(String... lines) {
        return "Invalid rate-limit configuration (" + lines.length + (lines.length == 1 ? " problem" : " problems")
                + "):\n  " + String.join("\n  ", lines);
    }

    @Test
    void windowLongerThanTheStoreHoldsIsRefusedWhenTheConfigurationIsBuilt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LimiterConfig.builder().byUser(Rate.of(5, 8 * 86_400)).build());
        assertEquals(problems("by_user=5/691200s: window 691200 s exceeds 604800 s (7 days), the longest window the"
                + " embedded store holds"), e.getMessage());
    }

    @Test
    void countAboveTheStoresLargestLimitIsRefusedWhenTheConfigurationIsBuilt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LimiterConfig.builder().maxCount(5_000_000).byTool("search", "2000000/s").build());
        assertEquals(problems("by_tool[\"search\"]=\"2000000/s\": count 2000000 exceeds 1048575, the largest limit the"
                + " embedded store holds"), e.getMessage());
    }

    @Test
    void theStoresLargestLimitItselfIsAccepted() {
        LimiterConfig config = LimiterConfig.builder().maxCount(5_000_000).byUser("1048575/s").build();
        try (RateLimiter limiter = RateLimiter.create(config, ManualClock.atEpochSeconds(1_000))) {
            assertEquals(1_048_574, limiter.check("alice", null, null).remaining());
        }
    }

    @Test
    void moreKeysThanTheStoreCanHoldAreRefusedWhenTheConfigurationIsBuilt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LimiterConfig.fromMap(Map.of("by_user", "5/m", "memory_max_keys", (1L << 30) + 1)));
        assertEquals(problems("memory_max_keys=1073741825: must be at most 1073741824 (2^30), the most keys the"
                + " embedded store holds"), e.getMessage());
    }

    @Test
    void budgetBelowWhatTheStoresTablesTakeIsRefusedWhenTheConfigurationIsBuilt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LimiterConfig.fromMap(Map.of("by_user", "5/m", "memory_max_keys", 1_000, "memory_budget_bytes", 1)));
        assertTrue(e.getMessage().startsWith("Invalid rate-limit configuration (1 problem):\n  memory_budget_bytes=1: below"
                + " the "), e.getMessage());
        assertTrue(e.getMessage().endsWith(" bytes the embedded store's table takes for memory_max_keys=1000"),
                e.getMessage());
    }

    @Test
    void everyCeilingProblemIsListedWithTheOtherProblems() {
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("by_user", Rate.of(2_000_000, 30 * 86_400));
        settings.put("max_count", 3_000_000);
        settings.put("memory_max_keys", Long.MAX_VALUE);
        settings.put("mode", "loud");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LimiterConfig.fromMap(settings));
        assertEquals(problems("mode=\"loud\": expected one of enforce, permissive, disabled",
                "by_user=2000000/2592000s: count 2000000 exceeds 1048575, the largest limit the embedded store holds",
                "by_user=2000000/2592000s: window 2592000 s exceeds 604800 s (7 days), the longest window the embedded"
                        + " store holds",
                "memory_max_keys=9223372036854775807: must be at most 1073741824 (2^30), the most keys the embedded"
                        + " store holds"), e.getMessage());
    }

    @Test
    void retiredMaxKeyBytesNoLongerFailsALongKey() {
        LimiterConfig config = LimiterConfig.fromMap(Map.of("by_user", "5/m", "memory_max_key_bytes", 16));
        try (RateLimiter limiter = RateLimiter.create(config, ManualClock.atEpochSeconds(1_000))) {
            Decision d = limiter.check("a-user-name-far-too-long-for-sixteen-bytes", null, null);
            assertEquals(Outcome.ALLOWED, d.status());
            assertEquals(4, d.remaining());
            assertEquals(0, limiter.stats().backendFailures());
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(longs = {-5, 0, 16, 100_000, Long.MAX_VALUE})
    void retiredMaxKeyBytesAcceptsAnyInteger(long value) {
        LimiterConfig config = LimiterConfig.fromMap(Map.of("by_user", "5/m", "memory_max_key_bytes", value));
        assertEquals(Rate.parse("5/m"), config.byUser());
    }

    @Test
    void retiredMaxKeyBytesOfAnotherTypeIsStillAProblem() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LimiterConfig.fromMap(Map.of("memory_max_key_bytes", "sixty-four")));
        assertEquals(problems("memory_max_key_bytes=\"sixty-four\": must be an integer (the setting is no longer used)"),
                e.getMessage());
    }

    @Test
    @SuppressWarnings("deprecation") // the builder method is kept for callers that still set it
    void retiredMaxKeyBytesIsNamedInOneWarning() {
        List<String> warnings = warningsWhile(() -> {
            LimiterConfig.builder().byUser("5/m").memoryMaxKeyBytes(96).build();
            LimiterConfig.builder().byUser("5/m").build();
        });
        assertEquals(List.of("Ignoring memory_max_key_bytes: the setting is no longer used, the embedded store holds"
                + " an identity of any length in the same memory; remove it"), warnings);
    }

    /** Identities of any length and script are limited exactly like a short ASCII one: no cliff, no fail-open. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("identities")
    void identityOfAnyLengthIsLimitedExactlyLikeAlice(String label, String user) {
        LimiterConfig config = LimiterConfig.builder().byUser("5/m").byTenant("100/m").memoryMaxKeys(1_000).build();
        ManualClock clock = ManualClock.atEpochSeconds(1_000);
        try (RateLimiter shortId = RateLimiter.create(config, clock); RateLimiter limiter = RateLimiter.create(config, clock)) {
            for (int i = 0; i < 7; i++) {
                Decision expected = shortId.check("alice", "acme", null);
                Decision actual = limiter.check(user, "acme", null);
                assertEquals(expected.status(), actual.status(), label + " request " + (i + 1));
                assertEquals(expected.headers(), actual.headers(), label + " request " + (i + 1));
                assertEquals(expected.metadata(), actual.metadata(), label + " request " + (i + 1));
                clock.advance(Duration.ofMillis(10));
            }
            assertEquals(0, limiter.stats().failedOpen() + limiter.stats().failedClosed(), "failures");
            // An identity that differs only in its last character is a different user.
            assertTrue(limiter.check(user.substring(0, user.length() - 1) + "#", "other", null).allowed(), label);
        }
    }

    static Stream<Arguments> identities() {
        return Stream.of(
                Arguments.of("57-character e-mail", "firstname.middlename.lastname.department@example-corp.com"),
                Arguments.of("20 CJK characters", "\u5f20\u4f1f\u738b\u82b3\u674e\u5a1c\u5218\u654f\u9648\u9759"
                        + "\u6768\u4e3d\u8d75\u5f3a\u9ec4\u519b\u5468\u52c7\u5434\u6770"),
                Arguments.of("10 KB id", "u".repeat(10 * 1024 - 1) + "z"),
                Arguments.of("URN subject", "urn:example:tenant-42:service-account:deployments-bot-7f3a9c"));
    }

    @Test
    void tenThousandSlidingWindowUsersAtDefaultsAllGetRealDecisionsAndTheStoreRecovers() {
        LimiterConfig config = LimiterConfig.builder().byUser("60/m").algorithm(Algorithm.SLIDING_WINDOW)
                .memoryMaxKeys(10_000).build();
        ManualClock clock = ManualClock.atEpochSeconds(1_000);
        try (RateLimiter limiter = RateLimiter.create(config, clock)) {
            for (int round = 0; round < 3; round++) {
                for (int u = 0; u < 10_000; u++) {
                    Decision d = limiter.check("round" + round + "-user" + u, null, null);
                    assertEquals(Outcome.ALLOWED, d.status(), "round " + round + " user " + u);
                    assertEquals("59", d.headers().get("X-RateLimit-Remaining"), "round " + round + " user " + u);
                }
                clock.advance(Duration.ofMillis(62_000)); // past the window and the reclaim grace: every ring may be reused
            }
            assertEquals(0L, limiter.stats().backend().get("table_full"));
        }
    }

    @Test
    void aNewKeyAtAFullTableIsRefusedNotWavedThroughAndAdmittedOnceKeysExpire() {
        LimiterConfig config = LimiterConfig.builder().byUser("5/m").memoryMaxKeys(100).build();
        ManualClock clock = ManualClock.atEpochSeconds(1_000);
        try (RateLimiter limiter = RateLimiter.create(config, clock)) {
            for (int u = 0; u < 100; u++) {
                assertTrue(limiter.check("user" + u, null, null).allowed(), "user " + u);
            }
            Decision refused = limiter.check("one-too-many", null, null);
            assertFalse(refused.allowed());
            assertEquals(429, refused.httpStatus());
            assertEquals("1", refused.headers().get("Retry-After"));
            assertEquals(1L, limiter.stats().backend().get("table_full"));
            assertEquals(0, limiter.stats().failedOpen() + limiter.stats().failedClosed(), "not a backend failure");
            assertTrue(limiter.check("user7", null, null).allowed(), "keys already held are still served");
            clock.advance(Duration.ofMillis(62_000));
            assertTrue(limiter.check("one-too-many", null, null).allowed(), "admitted once expired keys are reclaimed");
        }
    }

    @Test
    void reportsKeysHeldInItsStatistics() {
        LimiterConfig config = LimiterConfig.builder().byUser("5/m").byTenant("50/m").memoryMaxKeys(1_000).build();
        try (RateLimiter limiter = RateLimiter.create(config, ManualClock.atEpochSeconds(1_000))) {
            limiter.check("alice", "acme", null);
            limiter.check("bob", "acme", null);
            Map<String, Long> stats = limiter.stats().backend();
            assertEquals(3L, stats.get("keys"));
            assertEquals(1_000L, stats.get("capacity"));
            assertEquals(0L, stats.get("table_full"));
        }
    }

    @Test
    void checkAfterCloseThrowsACleanException() {
        RateLimiter limiter = RateLimiter.create(LimiterConfig.builder().byUser("5/m").build());
        limiter.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> limiter.check("alice", null, null));
        assertEquals("limiter is closed", e.getMessage());
    }

    @Test
    void unknownSettingsAreNamedInOneSortedWarning() {
        List<String> messages = warningsWhile(() -> LimiterConfig.fromMap(Map.of("by_user", "5/m", "zeta", 1, "alpha", 2)));
        assertEquals(List.of("Ignoring unknown rate-limit settings [alpha, zeta]; known settings are "
                + LimiterConfig.knownKeys()), messages);
    }

    /** @return the messages {@link LimiterConfig} logged while {@code action} ran */
    private static List<String> warningsWhile(Runnable action) {
        Logger logger = Logger.getLogger(LimiterConfig.class.getName());
        List<String> messages = new ArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                messages.add(record.getMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        logger.addHandler(capture);
        try {
            action.run();
        } finally {
            logger.removeHandler(capture);
        }
        return messages;
    }
}
