package dev.sluice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.spi.Outcome;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Custom limits, the request object and permits on the embedded backend, with exact numbers; the conformance
 * kit runs the same features against every backend.
 */
class RequestLimitsTest {
    private static final long SECOND = 1_000_000_000L;

    private final ManualClock clock = ManualClock.atEpochSeconds(1_000);
    private final Request request = new Request();

    private RateLimiter limiter(LimiterConfig.Builder config) {
        return RateLimiter.create(config.build(), clock);
    }

    private Decision at(RateLimiter limiter, long millis, Request r) {
        clock.setEpochNanos(1_000 * SECOND + millis * 1_000_000L);
        return limiter.check(r);
    }

    @Test
    void compositeKeyCountsEachCombinationApart() {
        try (RateLimiter limiter = limiter(LimiterConfig.builder()
                .limit(Limit.named("api").key("tenant", "api_key").rates("1/m")))) {
            assertTrue(at(limiter, 0, request.clear().tenant("acme").attribute("api_key", "k1")).allowed());
            assertFalse(at(limiter, 0, request).allowed());
            assertTrue(at(limiter, 0, request.clear().tenant("acme").attribute("api_key", "k2")).allowed());
            assertTrue(at(limiter, 0, request.clear().tenant("globex").attribute("api_key", "k1")).allowed());
        }
    }

    @Test
    void compositeKeyPartsAreNeverJoined() {
        try (RateLimiter limiter = limiter(LimiterConfig.builder()
                .limit(Limit.named("api").key("tenant", "api_key").rates("1/m")))) {
            String[][] pairs = {{"a", "bc"}, {"ab", "c"}, {"a|b", "c"}, {"a", "b|c"}, {"a:b", "c"}, {"a", "b:c"},
                {"a\\", "|c"}, {"a", "\\|c"}};
            for (String[] p : pairs) {
                assertTrue(at(limiter, 0, request.clear().tenant(p[0]).attribute("api_key", p[1])).allowed(),
                        p[0] + " + " + p[1]);
            }
        }
    }

    @Test
    void limitIsSkippedWhenTheRequestLacksOneOfItsAttributes() {
        try (RateLimiter limiter = limiter(LimiterConfig.builder()
                .limit(Limit.named("api").key("tenant", "api_key").rates("1/m")))) {
            assertEquals(Outcome.UNLIMITED, at(limiter, 0, request.clear().tenant("acme")).status());
            assertEquals(Outcome.UNLIMITED, at(limiter, 0, request.clear().attribute("api_key", "k")).status());
            assertEquals(Outcome.UNLIMITED, at(limiter, 0, request.clear().tenant("acme").attribute("api_key", " "))
                    .status());
        }
    }

    @Test
    void attributeValuesAreTrimmed() {
        try (RateLimiter limiter = limiter(LimiterConfig.builder().limit(Limit.named("api").key("api_key").rates("1/m")))) {
            assertTrue(at(limiter, 0, request.clear().attribute("api_key", "\u00a0k1 ")).allowed());
            assertFalse(at(limiter, 0, request.clear().attribute("api_key", "k1")).allowed());
            assertTrue(at(limiter, 0, request.clear().attribute("api_key", "K1")).allowed(), "case is kept");
        }
    }

    @Test
    void everyRateOfALimitIsEnforced() {
        try (RateLimiter limiter = limiter(LimiterConfig.builder().limit(Limit.named("api").key("user").rates("2/s", "3/m")))) {
            request.clear().user("alice");
            List<Boolean> allowed = new ArrayList<>();
            for (long t : new long[] {0, 0, 0, 1_000, 2_000, 3_000}) {
                allowed.add(at(limiter, t, request).allowed());
            }
            // The third request is refused by the second's rate but charged to the minute's, as every limit that
            // admits a refused request is charged (all_or_nothing changes that): the minute is then spent.
            assertEquals(List.of(true, true, false, false, false, false), allowed);
            Decision d = at(limiter, 3_000, request);
            assertEquals(List.of("api", "api"), List.of(d.limitName(0), d.limitName(1)));
            assertEquals(List.of(Rate.of(2, 1), Rate.of(3, 60)), List.of(d.dimensionRate(0), d.dimensionRate(1)));
            assertEquals(3, d.limit(), "the minute's rate blocks");
            assertEquals(57, d.retryAfterSeconds());
        }
    }

    @Test
    void allowedRequestReportsTheRateWithFewestRemaining() {
        try (RateLimiter limiter = limiter(LimiterConfig.builder().limit(Limit.named("api").key("user").rates("5/s", "3/m")))) {
            Decision d = at(limiter, 0, request.clear().user("alice"));
            assertEquals(List.of("X-RateLimit-Limit", "3", "X-RateLimit-Remaining", "2", "X-RateLimit-Reset", "1060"),
                    flatten(d.headers()));
        }
    }

    @Test
    void overrideGivesAValueRatesOfItsOwn() {
        try (RateLimiter limiter = limiter(LimiterConfig.builder().limit(Limit.named("per_tenant").key("tenant")
                .rates("1/m").override("tenant", "acme", "3/m")))) {
            assertEquals(2, at(limiter, 0, request.clear().tenant("acme")).remaining());
            assertEquals(0, at(limiter, 0, request.clear().tenant("globex")).remaining());
            assertEquals(3, at(limiter, 0, request.clear().tenant(" acme ")).limit());
        }
    }

    @Test
    void firstMatchingOverrideInConfigurationOrderWins() {
        try (RateLimiter limiter = limiter(LimiterConfig.builder().limit(Limit.named("api").key("tenant", "api_key")
                .rates("1/m").override("api_key", "k1", "7/m").override("tenant", "acme", "5/m")))) {
            assertEquals(7, at(limiter, 0, request.clear().tenant("acme").attribute("api_key", "k1")).limit());
            assertEquals(5, at(limiter, 0, request.clear().tenant("acme").attribute("api_key", "k2")).limit());
        }
    }

    @Test
    void limitWithoutRatesAppliesOnlyWhereAnOverrideMatches() {
        try (RateLimiter limiter = limiter(LimiterConfig.builder().limit(Limit.named("vip").key("tenant")
                .override("tenant", "acme", "1/m")))) {
            assertEquals(Outcome.UNLIMITED, at(limiter, 0, request.clear().tenant("globex")).status());
            assertTrue(at(limiter, 0, request.clear().tenant("acme")).allowed());
            assertFalse(at(limiter, 0, request).allowed());
        }
    }

    @Test
    void customLimitsComeAfterThePresetsInConfigurationOrder() {
        try (RateLimiter limiter = limiter(LimiterConfig.builder().limit(Limit.named("b").key("user").rates("9/m"))
                .limit(Limit.named("a").key("tenant").rates("9/m")).byTool("search", "9/m").byUser("9/m"))) {
            Decision d = at(limiter, 0, request.clear().user("alice").tenant("acme").tool("search"));
            assertEquals(List.of("user", "tool", "b", "a"),
                    List.of(d.limitName(0), d.limitName(1), d.limitName(2), d.limitName(3)));
            assertEquals(List.of(Dimension.USER, Dimension.TOOL), List.of(d.dimension(0), d.dimension(1)));
            assertNull(d.dimension(2));
        }
    }

    @Test
    void customLimitAppearsInMetadataAndHeadersUnderItsName() {
        try (RateLimiter limiter = limiter(LimiterConfig.builder().byUser("5/m").limit(Limit.named("api").key("user")
                .rates("1/m")))) {
            at(limiter, 0, request.clear().user("alice"));
            Decision d = at(limiter, 10_000, request);
            assertEquals("api", d.reportedLimit());
            assertNull(d.reportedDimension());
            assertEquals("{limited=true, remaining=0, reset_in=50, dimensions={violated=[{dimension=api, limited=true,"
                    + " remaining=0, reset_in=50}], allowed=[{dimension=user, limited=true, remaining=3, reset_in=50}]}}",
                    d.metadata().toString());
            assertEquals("Rate limit exceeded for api: 1 per 60 s; retry after 50 s", d.description());
            assertEquals("\"user\";q=5;w=60, \"api\";q=1;w=60", d.ietfHeaders().get("RateLimit-Policy"));
        }
    }

    @Test
    void permitsAreTakenFromEveryLimit() {
        try (RateLimiter limiter = limiter(LimiterConfig.builder().byUser("5/m").limit(Limit.named("api").key("user")
                .rates("10/m")))) {
            Decision d = at(limiter, 0, request.clear().user("alice").permits(3));
            assertEquals(List.of(2L, 7L), List.of(d.dimensionRemaining(0), d.dimensionRemaining(1)));
            assertEquals(3, d.permits());
            assertFalse(at(limiter, 0, request.permits(3)).allowed(), "3 more do not fit in the 2 left");
            Decision one = at(limiter, 0, request.permits(2));
            assertTrue(one.allowed());
            assertEquals(List.of(0L, 2L), List.of(one.dimensionRemaining(0), one.dimensionRemaining(1)),
                    "the refused request was charged on the limit that admitted it");
        }
    }

    @Test
    void requestCostingMoreThanALimitsCountIsRefusedForAWindowAndChargesItNothing() {
        try (RateLimiter limiter = limiter(LimiterConfig.builder().limit(Limit.named("api").key("user").rates("5/m")))) {
            Decision d = at(limiter, 0, request.clear().user("alice").permits(6));
            assertFalse(d.allowed());
            assertEquals(429, d.httpStatus());
            assertEquals(List.of("X-RateLimit-Limit", "5", "X-RateLimit-Remaining", "0", "X-RateLimit-Reset", "1060",
                    "Retry-After", "60"), flatten(d.headers()));
            assertEquals("Rate limit exceeded for api: 5 per 60 s; the request costs 6, more than the limit ever admits",
                    d.description());
            assertEquals(4, at(limiter, 0, request.permits(1)).remaining(), "nothing was charged");
        }
    }

    @Test
    void permitsMustBePositive() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> request.permits(0));
        assertEquals("permits=0: must be at least 1", e.getMessage());
    }

    @Test
    void requestGivesThePresetsTheSameDecisionsAsTheThreeStrings() {
        LimiterConfig config = LimiterConfig.builder().byUser("3/m").byTenant("5/m").byTool("search", "2/m").build();
        ManualClock other = ManualClock.atEpochSeconds(1_000);
        try (RateLimiter byStrings = RateLimiter.create(config, clock);
                RateLimiter byRequest = RateLimiter.create(config, other)) {
            String[][] calls = {{" alice ", "acme", " SEARCH"}, {"a:b", null, "search"}, {null, " ", "fetch"},
                {"alice", "acme", "search"}, {"alice", "acme", "search"}, {"bob", "acme", null}};
            Decision reused = new Decision();
            for (String[] c : calls) {
                String expected = byStrings.check(c[0], c[1], c[2]).toString() + byStrings.check(c[0], c[1], c[2]).metadata();
                byRequest.check(request.clear().user(c[0]).tenant(c[1]).tool(c[2]), reused);
                String first = reused.toString();
                byRequest.check(request, reused);
                assertEquals(expected, first + reused.metadata(), String.join(",", String.valueOf(c[0])));
            }
        }
    }

    @Test
    void attributesNamedAfterTheIdentitiesSetThem() {
        request.clear().attribute("user", "u").attribute("tenant", "t").attribute("tool", "x").attribute("route", "r");
        assertEquals(List.of("u", "t", "x", "r"),
                List.of(request.user(), request.tenant(), request.tool(), request.attribute("route")));
        request.attribute("route", "s");
        assertEquals("s", request.attribute("route"));
        assertNull(request.clear().attribute("route"));
        assertEquals(1, request.permits());
    }

    @Test
    void aRequestHoldsAnyNumberOfAttributes() {
        LimiterConfig.Builder config = LimiterConfig.builder();
        for (int i = 0; i < 12; i++) {
            config.limit(Limit.named("l" + i).key("a" + i).rates("1/m"));
        }
        try (RateLimiter limiter = limiter(config)) {
            request.clear();
            for (int i = 0; i < 12; i++) {
                request.attribute("a" + i, "v");
            }
            Decision d = at(limiter, 0, request);
            assertEquals(12, d.dimensionCount());
            assertFalse(at(limiter, 0, request).allowed());
        }
    }

    private static List<String> flatten(Map<String, String> headers) {
        List<String> out = new ArrayList<>();
        headers.forEach((k, v) -> {
            out.add(k);
            out.add(v);
        });
        return out;
    }
}
