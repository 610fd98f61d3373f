package dev.sluice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/** The embedded backend's limits as a limiter user meets them: configuration errors, long keys, counters. */
class EmbeddedBackendTest {

    @Test
    void refusesAWindowLongerThanTheStoreHoldsWhenTheLimiterIsBuilt() {
        LimiterConfig config = LimiterConfig.builder().byUser(Rate.of(5, 8 * 86_400)).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RateLimiter.create(config));
        assertEquals("Invalid rate-limit configuration for the embedded backend (1 problem):\n"
                + "  by_user=5/691200s: window 691200 s exceeds the embedded backend's longest window of 604800 s",
                e.getMessage());
    }

    @Test
    void refusesACountAboveTheStoresLargestLimitWhenTheLimiterIsBuilt() {
        LimiterConfig config = LimiterConfig.builder().maxCount(5_000_000).byTool("search", "2000000/s").build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RateLimiter.create(config));
        assertEquals("Invalid rate-limit configuration for the embedded backend (1 problem):\n"
                + "  by_tool[\"search\"]=2000000/1s: count 2000000 exceeds the embedded backend's largest limit 1048575",
                e.getMessage());
    }

    @Test
    void keyLongerThanTheConfiguredMaximumFailsOpenAndIsCounted() {
        LimiterConfig config = LimiterConfig.builder().byUser("5/m").memoryMaxKeyBytes(16).build();
        try (RateLimiter limiter = RateLimiter.create(config, ManualClock.atEpochSeconds(1_000))) {
            Decision d = limiter.check("a-user-name-far-too-long-for-sixteen-bytes", null, null);
            assertTrue(d.allowed());
            assertEquals(Decision.Status.FAILED_OPEN, d.status());
            assertEquals(1, limiter.stats().failedOpen());
        }
    }

    @Test
    void keyLongerThanTheConfiguredMaximumFailsClosedWhenConfiguredSo() {
        LimiterConfig config = LimiterConfig.builder().byUser("5/m").memoryMaxKeyBytes(16)
                .failMode(FailMode.CLOSED).build();
        try (RateLimiter limiter = RateLimiter.create(config, ManualClock.atEpochSeconds(1_000))) {
            Decision d = limiter.check("a-user-name-far-too-long-for-sixteen-bytes", null, null);
            assertFalse(d.allowed());
            assertEquals(503, d.httpStatus());
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
