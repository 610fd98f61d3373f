package dev.sluice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Section 1: the builder and the map loader, their defaults, and validation that reports every problem at once. */
class LimiterConfigTest {
    private static final String CEILING_HINT = " (raise it with max_count, or LimiterConfig.Builder.maxCount)";

    private static String problems(String... lines) {
        return "Invalid rate-limit configuration (" + lines.length + (lines.length == 1 ? " problem" : " problems")
                + "):\n  " + String.join("\n  ", lines);
    }

    private static String fromMapFailure(Map<String, ?> settings) {
        return assertThrows(IllegalArgumentException.class, () -> LimiterConfig.fromMap(settings)).getMessage();
    }

    private static String describe(LimiterConfig c) {
        return List.of(String.valueOf(c.byUser()), String.valueOf(c.byTenant()), c.byTool().toString(),
                c.algorithm().toString(), c.backend(), String.valueOf(c.redisUrl()), c.redisKeyPrefix(),
                c.failMode().toString(), c.mode().toString(), Long.toString(c.maxCount()),
                Long.toString(c.memoryMaxKeys()),
                Long.toString(c.memoryBudgetBytes()), Boolean.toString(c.redisCluster()),
                c.redisConnectTimeout().toString(), c.redisCommandTimeout().toString(),
                Boolean.toString(c.redisTenantScopedKeys()), Boolean.toString(c.redisServerTime()),
                c.unknownKeys().toString(), c.limits().toString(), Boolean.toString(c.allOrNothing())).toString();
    }

    @Test
    @SuppressWarnings("deprecation") // memoryMaxKeyBytes: still accepted, ignored
    void builderAndMapLoaderAcceptTheSameKeys() {
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("by_user", "60/m");
        settings.put("by_tenant", "600/m");
        settings.put("by_tool", Map.of("search", "10/s"));
        settings.put("limits", List.of(Map.of("name", "api", "key", List.of("tenant", "api_key"),
                "rates", List.of("10/s", "1000/h"), "overrides", List.of(Map.of("tenant", "acme", "rates", "100/s")))));
        settings.put("all_or_nothing", true);
        settings.put("algorithm", "token_bucket");
        settings.put("backend", "redis");
        settings.put("redis_url", "redis://localhost:6379");
        settings.put("redis_key_prefix", "gw");
        settings.put("fail_mode", "local");
        settings.put("redis_fallback", true);
        settings.put("mode", "permissive");
        settings.put("max_count", 5_000);
        settings.put("memory_max_keys", 1_234);
        settings.put("memory_max_key_bytes", 96);
        settings.put("memory_budget_bytes", 1L << 30);
        settings.put("redis_cluster", true);
        settings.put("redis_connect_timeout_ms", 1_500);
        settings.put("redis_command_timeout_ms", 250);
        settings.put("redis_tenant_scoped_keys", true);
        settings.put("redis_server_time", true);
        assertEquals(Set.copyOf(LimiterConfig.KNOWN_KEYS), settings.keySet(), "every known key is exercised");

        LimiterConfig built = LimiterConfig.builder().byUser("60/m").byTenant("600/m").byTool("search", "10/s")
                .limit(Limit.named("api").key("tenant", "api_key").rates("10/s", "1000/h").override("tenant", "acme", "100/s"))
                .allOrNothing(true).algorithm(Algorithm.TOKEN_BUCKET).backend("redis").redisUrl("redis://localhost:6379")
                .redisKeyPrefix("gw").failMode(FailMode.LOCAL).redisFallback(true).mode(Mode.PERMISSIVE).maxCount(5_000)
                .memoryMaxKeyBytes(96).memoryBudgetBytes(1L << 30)
                .memoryMaxKeys(1_234).redisCluster(true).redisConnectTimeout(Duration.ofMillis(1_500))
                .redisCommandTimeout(Duration.ofMillis(250)).redisTenantScopedKeys(true).redisServerTime(true)
                .build();
        assertEquals(describe(built), describe(LimiterConfig.fromMap(settings)));
    }

    @Test
    void defaultsMatchTheSpecification() {
        LimiterConfig c = LimiterConfig.builder().build();
        assertEquals(List.of("null", "null", "{}", "FIXED_WINDOW", "memory", "null", "rl", "LOCAL", "ENFORCE",
                "1000000", "1000000", "0", "false", "PT2S", "PT0.5S", "false", "false", "[]", "[]", "false").toString(),
                describe(c));
    }

    @Test
    void emptyMapGivesTheBuilderDefaults() {
        assertEquals(describe(LimiterConfig.builder().build()), describe(LimiterConfig.fromMap(Map.of())));
    }

    @Test
    void mapLoaderAcceptsRateObjectsAndNumbersAsDigitStrings() {
        LimiterConfig c = LimiterConfig.fromMap(Map.of("by_user", Rate.of(5, 60), "memory_max_keys", " 42 ",
                "redis_cluster", "TRUE"));
        assertEquals(List.of(Rate.of(5, 60), 42L, true), List.of(c.byUser(), c.memoryMaxKeys(), c.redisCluster()));
    }

    @Test
    void choicesAreCaseInsensitiveAndTrimmed() {
        LimiterConfig c = LimiterConfig.fromMap(Map.of("algorithm", " Sliding_Window ", "fail_mode", "CLOSED",
                "mode", "Disabled", "backend", " MEMORY "));
        assertEquals(List.of(Algorithm.SLIDING_WINDOW, FailMode.CLOSED, Mode.DISABLED, "memory"),
                List.of(c.algorithm(), c.failMode(), c.mode(), c.backend()));
    }

    @ParameterizedTest(name = "redis_fallback={0}")
    @CsvSource({"true, LOCAL", "false, OPEN", "'True', LOCAL", "' false ', OPEN"})
    void redisFallbackIsTheOriginalsNameForTheFailMode(String given, FailMode expected) {
        Object value = given.equals("true") || given.equals("false") ? (Object) Boolean.valueOf(given) : given;
        assertEquals(expected, LimiterConfig.fromMap(Map.of("redis_fallback", value)).failMode());
    }

    @ParameterizedTest(name = "fail_mode={0} redis_fallback={1}")
    @CsvSource({"local, true, LOCAL", "open, false, OPEN"})
    void redisFallbackAndFailModeThatAgreeAreAccepted(String failMode, boolean fallback, FailMode expected) {
        assertEquals(expected, LimiterConfig.fromMap(Map.of("fail_mode", failMode, "redis_fallback", fallback)).failMode());
    }

    @ParameterizedTest(name = "fail_mode={0} redis_fallback={1}")
    @CsvSource(delimiter = '|', textBlock = """
            closed | true  | redis_fallback=true: means fail_mode=local, but fail_mode="closed"
            closed | false | redis_fallback=false: means fail_mode=open, but fail_mode="closed"
            local  | false | redis_fallback=false: means fail_mode=open, but fail_mode="local"
            open   | true  | redis_fallback=true: means fail_mode=local, but fail_mode="open"
            """)
    void redisFallbackAndFailModeThatDisagreeAreAProblem(String failMode, boolean fallback, String problem) {
        assertEquals(problems(problem), fromMapFailure(Map.of("fail_mode", failMode, "redis_fallback", fallback)));
    }

    @Test
    void builderRedisFallbackThatDisagreesWithTheFailModeIsAProblem() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LimiterConfig.builder().failMode(FailMode.CLOSED).redisFallback(false).build());
        assertEquals(problems("redis_fallback=false: means fail_mode=open, but fail_mode=\"closed\""), e.getMessage());
    }

    @Test
    void redisFallbackThatIsNotABooleanIsAProblem() {
        assertEquals(problems("redis_fallback=\"yes\": expected true or false"),
                fromMapFailure(Map.of("redis_fallback", "yes")));
    }

    @Test
    void embeddedCeilingsApplyToRedisWithTheLocalFailMode() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LimiterConfig.builder()
                .backend("redis").redisUrl("redis://cache:6379").byUser(Rate.of(5, 8 * 86_400)).build());
        assertEquals(problems("by_user=5/691200s: window 691200 s exceeds 604800 s (7 days), the longest window the"
                + " embedded store holds (fail_mode local limits on it while Redis cannot answer; fail_mode open or"
                + " closed does not)"), e.getMessage());
    }

    @ParameterizedTest
    @EnumSource(value = FailMode.class, names = {"OPEN", "CLOSED"})
    void embeddedCeilingsDoNotApplyToRedisWithoutTheLocalFailMode(FailMode failMode) {
        LimiterConfig c = LimiterConfig.builder().backend("redis").redisUrl("redis://cache:6379")
                .byUser(Rate.of(5, 8 * 86_400)).memoryMaxKeys(1L << 40).failMode(failMode).build();
        assertEquals(Rate.of(5, 8 * 86_400), c.byUser());
    }

    @Test
    void toolRateProblemNamesTheToolAndQuotesTheInput() {
        assertEquals(problems("by_tool[\"search\"]=\"abc/m\": count is not a positive integer"),
                fromMapFailure(Map.of("by_tool", Map.of("search", "abc/m"))));
    }

    @Test
    void everyProblemIsListedInOneException() {
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("by_user", "0/m");
        settings.put("by_tenant", "5/fortnight");
        settings.put("by_tool", Map.of("search", "abc/m"));
        settings.put("algorithm", "leaky");
        settings.put("fail_mode", "maybe");
        settings.put("mode", "loud");
        settings.put("memory_max_keys", 0);
        settings.put("redis_cluster", "yes");
        settings.put("backend", "mongo");
        settings.put("redis_key_prefix", "a:b");
        assertEquals(problems(
                "by_user=\"0/m\": count is not a positive integer",
                "by_tenant=\"5/fortnight\": unit \"fortnight\" is not one of s, sec, second, m, min, minute, h, hr,"
                        + " hour, d, day (plurals accepted)",
                "by_tool[\"search\"]=\"abc/m\": count is not a positive integer",
                "algorithm=\"leaky\": expected one of fixed_window, sliding_window, token_bucket",
                "fail_mode=\"maybe\": expected one of local, open, closed",
                "mode=\"loud\": expected one of enforce, permissive, disabled",
                "memory_max_keys=0: must be a positive integer",
                "redis_cluster=\"yes\": expected true or false",
                "backend=\"mongo\": expected one of memory, redis",
                "redis_key_prefix=\"a:b\": must be non-blank, without ':' or surrounding white space"),
                fromMapFailure(settings));
    }

    @Test
    void builderListsEveryRateProblemInOneException() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LimiterConfig.builder().byUser("-1/m").byTenant("").byTool("search", "1.5/s").build());
        assertEquals(problems(
                "by_user=\"-1/m\": count is not a positive integer",
                "by_tenant=\"\": expected <count>/<unit>, e.g. \"60/m\"",
                "by_tool[\"search\"]=\"1.5/s\": count is not a positive integer"), e.getMessage());
    }

    @Test
    void countAboveTheCeilingSaysHowToRaiseIt() {
        assertEquals(problems("by_user=\"1000001/m\": count 1000001 exceeds the ceiling of 1000000" + CEILING_HINT),
                fromMapFailure(Map.of("by_user", "1000001/m")));
    }

    @Test
    void maxCountRaisesTheCeiling() {
        // Beyond the embedded store's largest limit: only Redis, without the local fallback, holds it.
        assertEquals(Rate.of(2_000_000, 1), LimiterConfig.fromMap(Map.of("by_user", "2000000/s", "max_count",
                "2000000", "backend", "redis", "redis_url", "redis://cache:6379", "fail_mode", "open")).byUser());
    }

    @Test
    void maxCountLowersTheCeiling() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LimiterConfig.builder().maxCount(10).byTool("search", "11/m").build());
        assertEquals(problems("by_tool[\"search\"]=\"11/m\": count 11 exceeds the ceiling of 10" + CEILING_HINT),
                e.getMessage());
    }

    @Test
    void maxCountBeyondTheLargestCountIsAProblemInTheList() {
        assertEquals(problems("max_count=9223372036854775807: must be at most 9007199254740991"),
                fromMapFailure(Map.of("max_count", Long.MAX_VALUE, "by_user", "5/m")));
    }

    @Test
    void rateObjectAboveTheCeilingIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LimiterConfig.builder().byUser(Rate.of(2_000_000, 60)).build());
        assertEquals(problems("by_user=2000000/60s: count 2000000 exceeds the ceiling of 1000000" + CEILING_HINT),
                e.getMessage());
    }

    @Test
    void nonStringRateIsRejected() {
        assertEquals(problems("by_user=60: expected a rate string such as \"60/m\""),
                fromMapFailure(Map.of("by_user", 60)));
    }

    @Test
    void toolNamesAreTrimmedAndLowerCased() {
        LimiterConfig c = LimiterConfig.builder().byTool(" Web_Search ", "1/m").byTool("FETCH", "2/s").build();
        assertEquals(List.of("web_search", "fetch"), List.copyOf(c.byTool().keySet()));
    }

    @Test
    void toolNamesThatNormaliseToTheSameNameAreRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LimiterConfig.builder().byTool("Search", "1/m").byTool(" search ", "2/m").build());
        assertEquals(problems("by_tool[\" search \"]: normalises to \"search\", as by_tool[\"Search\"] does"),
                e.getMessage());
    }

    @Test
    void blankToolNameIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LimiterConfig.builder().byTool("  ", "1/m").build());
        assertEquals(problems("by_tool[\"  \"]: tool name is blank"), e.getMessage());
    }

    @Test
    void missingToolRateIsRejected() {
        Map<String, Object> tools = new HashMap<>();
        tools.put("search", null);
        assertEquals(problems("by_tool[\"search\"]=null: a rate is required, e.g. \"60/m\""),
                fromMapFailure(Map.of("by_tool", tools)));
    }

    @Test
    void toolMapThatIsNotAMapIsRejected() {
        assertEquals(problems("by_tool=search: expected a map from tool name to rate"),
                fromMapFailure(Map.of("by_tool", "search")));
    }

    @Test
    void redisBackendRequiresAUrl() {
        assertEquals(problems("redis_url=null: required when backend=\"redis\""),
                fromMapFailure(Map.of("backend", "redis")));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "redis://localhost:6379",
        "redis://localhost",
        "rediss://cache.internal:6380/2",
        "redis://user:p%40ss@10.0.0.7:6379/0?timeout=5s&clientName=gw",
        "redis://:secret@cache-1.example.com:65535",
        "redis://[::1]:6379",
        "redis://h1:7000,redis://h2:7001,redis://h3:7002",
        " redis://h1:7000 , rediss://h2:7001 ",
        "redis-sentinel://h:26379,h2:26379/0#mymaster",
        "redis-sentinel://pw@s1,s2:26380,s3?sentinelMasterId=main",
        "redis-sentinel://s1:26379/3?timeout=2s#main",
    })
    void redisUrlsTheClientReadsAsWrittenAreAccepted(String url) {
        assertEquals(url.strip(), LimiterConfig.fromMap(Map.of("redis_url", url)).redisUrl());
    }

    @ParameterizedTest(name = "\"{0}\"")
    @CsvSource(delimiter = '|', quoteCharacter = '\'', textBlock = """
            http://x                      | scheme "http" is not one of redis, rediss, redis-sentinel
            REDIS://h:1                   | scheme "REDIS" is not one of redis, rediss, redis-sentinel (schemes are lower-case)
            localhost:6379                | expected redis://, rediss:// or redis-sentinel:// URLs, comma-separated for cluster seeds
            ''                            | expected redis://, rediss:// or redis-sentinel:// URLs, comma-separated for cluster seeds
            redis://                      | has no host
            redis://:6379                 | has no host
            redis://h:0                   | port "0" is not a number from 1 to 65535
            redis://h:65536               | port "65536" is not a number from 1 to 65535
            redis://h:abc                 | port "abc" is not a number from 1 to 65535
            redis://h:                    | port "" is not a number from 1 to 65535
            redis://h:99999999999         | port "99999999999" is not a number from 1 to 65535
            redis://h:6379:1              | port "6379:1" is not a number from 1 to 65535
            redis://redis_cache:6379      | host "redis_cache" is not a host name or IP address
            'redis://h h:1'               | host "h h" is not a host name or IP address
            redis://[::1                  | host "[::1" opens an IPv6 literal with '[' and never closes it
            redis://h:6379/x              | database "x" is not a number
            redis://user:p@ss@h:1         | has more than one '@': write an '@' in a user name or password as %40
            'redis://h?clientName=a b'    | is not a valid URL (Illegal character in query at index 22)
            'redis://h1:7000,h2:7001'     | seed 2 of 2 ("h2:7001") expected redis://, rediss:// or redis-sentinel:// URLs, comma-separated for cluster seeds
            'redis://h1:7000,,redis://h3' | seed 2 of 3 ("") is empty
            'redis://h1,redis://h2:0'     | seed 2 of 2 ("redis://h2:0") port "0" is not a number from 1 to 65535
            'redis://h1,redis-sentinel://s#m' | seed 2 of 2 ("redis-sentinel://s#m") a redis-sentinel:// URL lists its sentinels itself and is never one of several cluster seeds
            redis-sentinel://h:26379      | a Sentinel URL names its master: add #<master>, e.g. redis-sentinel://host:26379#mymaster
            'redis-sentinel://h:26379,,h2#m' | sentinel 2 of 3 has no host
            'redis-sentinel://h,h2:abc#m' | sentinel 2 of 2 port "abc" is not a number from 1 to 65535
            'redis-sentinel://[::1]:26379#m' | IPv6 literals are not supported in a Sentinel list; use a host name
            'redis-sentinel://h/x#m'      | database "x" is not a number
            """)
    void malformedRedisUrlIsRefusedWhenTheConfigurationIsBuilt(String url, String problem) {
        assertEquals(problems("redis_url=\"" + url + "\": " + problem), fromMapFailure(Map.of("redis_url", url)));
    }

    @Test
    void redisUrlThatIsNotAStringIsRefused() {
        assertEquals(problems("redis_url=6379: expected redis://, rediss:// or redis-sentinel:// URLs, comma-separated"
                + " for cluster seeds"), fromMapFailure(Map.of("redis_url", 6379)));
    }

    @Test
    void seedListImpliesACluster() {
        assertEquals(true, LimiterConfig.fromMap(Map.of("redis_url", "redis://h1:7000,redis://h2:7001")).redisCluster());
    }

    @Test
    void sentinelListIsNotACluster() {
        assertEquals(false, LimiterConfig.fromMap(Map.of("redis_url", "redis-sentinel://h:26379,h2:26379/0#mymaster"))
                .redisCluster());
    }

    @Test
    void sentinelUrlWithRedisClusterIsRefused() {
        assertEquals(problems("redis_cluster=true: a redis-sentinel:// URL names one master, not a Cluster"),
                fromMapFailure(Map.of("redis_url", "redis-sentinel://h:26379#m", "redis_cluster", true)));
    }

    @Test
    void settingNameThatIsNotAStringIsAProblemNotAClassCastException() {
        Map<Object, Object> settings = new LinkedHashMap<>();
        settings.put(42, "5/m");
        settings.put("by_user", "5/m");
        settings.put(null, "x");
        @SuppressWarnings("unchecked")
        Map<String, ?> asGiven = (Map<String, ?>) (Map<?, ?>) settings;
        assertEquals(problems("42 (Integer): a setting name must be a string", "null: a setting name must be a string"),
                fromMapFailure(asGiven));
    }

    @Test
    void toolNameThatIsNotAStringIsAProblem() {
        assertEquals(problems("by_tool[42 (Integer)]: a tool name must be a string"),
                fromMapFailure(Map.of("by_tool", Map.of(42, "1/m"))));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"redis_connect_timeout_ms", "redis_command_timeout_ms"})
    void timeoutTooLargeForTheClientIsRefusedWhenTheConfigurationIsBuilt(String field) {
        assertEquals(problems(field + "=9223372036854775807: must be at most 86400000 (1 day)"),
                fromMapFailure(Map.of(field, Long.MAX_VALUE)));
    }

    @Test
    void builderTimeoutTooLargeForMillisecondsIsAProblemNotAnArithmeticException() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LimiterConfig.builder().redisConnectTimeout(Duration.ofSeconds(Long.MAX_VALUE))
                        .redisCommandTimeout(Duration.ZERO).build());
        assertEquals(problems("redis_connect_timeout_ms=PT2562047788015215H30M7S: must be at most 86400000 ms (1 day)",
                "redis_command_timeout_ms=PT0S: must be at least 1 ms"), e.getMessage());
    }

    @Test
    void builderTimeoutKeepsItsPrecision() {
        assertEquals(Duration.ofMillis(1_500), LimiterConfig.builder().redisCommandTimeout(Duration.ofMillis(1_500))
                .build().redisCommandTimeout());
    }

    @Test
    void nullMapIsRejected() {
        assertEquals("settings=null: a configuration map is required", fromMapFailure(null));
    }

    @Test
    void unknownKeysAreListedSorted() {
        LimiterConfig c = LimiterConfig.fromMap(new LinkedHashMap<>(Map.of("zeta", 1, "by_user", "1/m", "alpha", 2,
                "Algorithm", "x")));
        assertEquals(List.of("Algorithm", "alpha", "zeta"), c.unknownKeys());
    }

    @Test
    void builderHasNoUnknownKeys() {
        assertEquals(List.of(), LimiterConfig.builder().byUser("1/m").build().unknownKeys());
    }
}
