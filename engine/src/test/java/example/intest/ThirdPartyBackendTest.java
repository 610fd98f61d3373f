package example.intest;

import static example.intest.InTestBackends.withBadlyNamedProvider;
import static example.intest.InTestBackends.withBrokenProvider;
import static example.intest.InTestBackends.withProvider;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.sluice.Decision;
import dev.sluice.Dimension;
import dev.sluice.FailMode;
import dev.sluice.LimiterConfig;
import dev.sluice.ManualClock;
import dev.sluice.Rate;
import dev.sluice.RateLimiter;
import dev.sluice.spi.Outcome;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A backend the engine does not know, {@code in-test}, provided through {@code META-INF/services} as a third
 * party's would be and written against the public API and the SPI only (this package is not the engine's): selected
 * by name from a configuration map, reading its own settings into the configuration's one list of problems, and
 * deciding requests, with the fail mode and the embedded store's ceilings applying to it as to Redis.
 */
class ThirdPartyBackendTest {

    private static String problems(String... lines) {
        return "Invalid rate-limit configuration (" + lines.length + (lines.length == 1 ? " problem" : " problems")
                + "):\n  " + String.join("\n  ", lines);
    }

    private static LimiterConfig fromMap(Map<String, ?> settings) {
        return withProvider(() -> LimiterConfig.fromMap(settings));
    }

    private static String fromMapFailure(Map<String, ?> settings) {
        return assertThrows(IllegalArgumentException.class, () -> fromMap(settings)).getMessage();
    }

    @Test
    void isSelectedByNameFromAMapAndDecidesRequests() {
        LimiterConfig config = fromMap(Map.of("backend", "in-test", "by_user", "2/m", "in_test_max_keys", 10));
        try (RateLimiter limiter = RateLimiter.create(config, ManualClock.atEpochSeconds(1_000))) {
            assertEquals(List.of(true, true, false), List.of(limiter.check("alice", null, null).allowed(),
                    limiter.check("alice", null, null).allowed(), limiter.check("alice", null, null).allowed()));
            Decision bob = limiter.check("bob", null, null);
            assertEquals(List.of(Outcome.ALLOWED, Dimension.USER, 1L, 1_060L),
                    List.of(bob.status(), bob.reportedDimension(), bob.remaining(), bob.resetEpochSeconds()));
            assertEquals(Map.of("keys", 2L), limiter.stats().backend());
            assertEquals(0, limiter.stats().backendFailures());
        }
    }

    @Test
    void readsItsOwnSettingsIntoItsOptions() {
        LimiterConfig config = fromMap(Map.of("backend", " In-Test ", "in_test_max_keys", "7", "in_test_down", "TRUE"));
        assertEquals(List.of("in-test", new InTestOptions(7, true)),
                List.of(config.backend(), config.options(InTestOptions.class)));
    }

    @Test
    void builderSetsItsSettingsWithOption() {
        LimiterConfig config = withProvider(() -> LimiterConfig.builder().backend("in-test").byUser("5/m")
                .option("in_test_max_keys", 3).build());
        assertEquals(new InTestOptions(3, false), config.options(InTestOptions.class));
    }

    @Test
    void badValuesOfItsSettingsAreReportedWithTheOtherProblems() {
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("backend", "in-test");
        settings.put("by_user", "abc/m");
        settings.put("in_test_max_keys", "many");
        settings.put("memory_max_keys", 0);
        settings.put("in_test_down", "maybe");
        assertEquals(problems(
                "by_user=\"abc/m\": count is not a positive integer",
                "memory_max_keys=0: must be a positive integer",
                "in_test_max_keys=\"many\": must be a positive integer",
                "in_test_down=\"maybe\": expected true or false"), fromMapFailure(settings));
    }

    @Test
    void itsSettingsAreCheckedWhenAnotherBackendIsSelected() {
        assertEquals(problems("in_test_max_keys=0: must be a positive integer"),
                fromMapFailure(Map.of("backend", "memory", "in_test_max_keys", 0)));
    }

    @Test
    void refusesAnAlgorithmItDoesNotRunWhenSelected() {
        assertEquals(problems("algorithm=\"token_bucket\": the in-test backend runs fixed_window only"),
                fromMapFailure(Map.of("backend", "in-test", "algorithm", "token_bucket")));
        assertEquals("token_bucket", fromMap(Map.of("algorithm", "token_bucket")).algorithm().configName());
    }

    @Test
    void unknownBackendListsTheBackendsThatAreThere() {
        assertEquals(problems("backend=\"hazelcast\": expected one of in-test, memory"),
                fromMapFailure(Map.of("backend", "hazelcast")));
    }

    @Test
    void itsSettingsAreKnownKeysAfterTheEmbeddedBackends() {
        List<String> known = withProvider(LimiterConfig::knownKeys);
        assertEquals(List.of("memory_max_keys", "memory_max_key_bytes", "memory_budget_bytes", "in_test_max_keys",
                "in_test_down"), known.subList(LimiterConfig.CORE_KEYS.size(), known.size()));
    }

    @Test
    void withoutItsProviderItIsAnUnknownBackendAndItsSettingsUnknownKeys() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LimiterConfig.fromMap(Map.of("backend", "in-test")));
        assertEquals(problems("backend=\"in-test\": expected one of memory"), e.getMessage());
        assertEquals(List.of("in_test_max_keys"), LimiterConfig.fromMap(Map.of("in_test_max_keys", 5)).unknownKeys());
    }

    @Test
    void failsClosedWhenItCannotAnswerAndTheFailModeIsClosed() {
        LimiterConfig config = fromMap(Map.of("backend", "in-test", "by_user", "2/m", "in_test_down", true,
                "fail_mode", "closed"));
        try (RateLimiter limiter = RateLimiter.create(config, ManualClock.atEpochSeconds(1_000))) {
            Decision d = limiter.check("alice", null, null);
            assertEquals(List.of(Outcome.FAILED_CLOSED, 503), List.of(d.status(), d.httpStatus()));
            assertEquals(1, limiter.stats().failedClosed());
        }
    }

    @Test
    void isBackedByTheEmbeddedStoreWhenItCannotAnswerAndTheFailModeIsLocal() {
        LimiterConfig config = fromMap(Map.of("backend", "in-test", "by_user", "2/m", "in_test_down", true));
        try (RateLimiter limiter = RateLimiter.create(config, ManualClock.atEpochSeconds(1_000))) {
            assertEquals(List.of(true, true, false), List.of(limiter.check("alice", null, null).allowed(),
                    limiter.check("alice", null, null).allowed(), limiter.check("alice", null, null).allowed()));
            assertEquals(3, limiter.stats().decidedLocally());
        }
    }

    @Test
    void newKeyBeyondItsTableIsDecidedByTheFailMode() {
        LimiterConfig config = fromMap(Map.of("backend", "in-test", "by_user", "5/m", "in_test_max_keys", 1,
                "fail_mode", "open"));
        try (RateLimiter limiter = RateLimiter.create(config, ManualClock.atEpochSeconds(1_000))) {
            assertEquals(Outcome.ALLOWED, limiter.check("alice", null, null).status());
            assertEquals(Outcome.FAILED_OPEN, limiter.check("bob", null, null).status());
            assertEquals(1, limiter.stats().failedOpen());
        }
    }

    @Test
    void embeddedStoresCeilingsApplyToItWithTheLocalFailMode() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> withProvider(
                () -> LimiterConfig.builder().backend("in-test").byUser(Rate.of(5, 8 * 86_400)).build()));
        assertEquals(problems("by_user=5/691200s: window 691200 s exceeds 604800 s (7 days), the longest window the"
                + " embedded store holds (fail_mode local limits on it while the in-test backend cannot answer;"
                + " fail_mode open or closed does not)"), e.getMessage());
        LimiterConfig open = withProvider(() -> LimiterConfig.builder().backend("in-test")
                .byUser(Rate.of(5, 8 * 86_400)).failMode(FailMode.OPEN).build());
        assertEquals(Rate.of(5, 8 * 86_400), open.byUser());
    }

    @Test
    void providerThatThrowsWhileReadingItsSettingsIsAProblemNotACrash() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> withBrokenProvider(() -> LimiterConfig.fromMap(Map.of("by_user", "5/m"))));
        assertEquals(problems("backend \"broken\": its provider failed to read its settings:"
                + " java.lang.IllegalStateException: cannot read broken_setting"), e.getMessage());
    }

    @Test
    void providerWithANameNoSettingCanSelectIsAProblem() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> withBadlyNamedProvider(() -> LimiterConfig.fromMap(Map.of("by_user", "5/m"))));
        assertEquals(problems("backend \"In-Test\" (example.intest.BadlyNamedBackendProvider): a provider has a"
                + " lower-case name, without surrounding white space, and lists the settings it owns"), e.getMessage());
    }
}
