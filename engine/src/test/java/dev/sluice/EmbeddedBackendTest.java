package dev.sluice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
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

/** The embedded backend as a limiter user meets it: identities of any length, a full table, sliding-window memory, counters. */
class EmbeddedBackendTest {

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
                    assertEquals(Decision.Status.ALLOWED, d.status(), "round " + round + " user " + u);
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
            LimiterConfig.fromMap(Map.of("by_user", "5/m", "zeta", 1, "alpha", 2));
        } finally {
            logger.removeHandler(capture);
        }
        assertEquals(List.of("Ignoring unknown rate-limit settings [alpha, zeta]; known settings are "
                + LimiterConfig.KNOWN_KEYS), messages);
    }
}
