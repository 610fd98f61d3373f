package dev.sluice.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.sluice.Algorithm;
import dev.sluice.FailMode;
import dev.sluice.Limit;
import dev.sluice.LimiterConfig;
import dev.sluice.Mode;
import dev.sluice.Rate;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Section 1 for the Redis backend's settings ({@code redis_*}): read and checked by the Redis backend's provider
 * when a configuration is built, into the configuration's one list of problems, with the messages they always had.
 */
class RedisOptionsTest {

    private static String problems(String... lines) {
        return "Invalid rate-limit configuration (" + lines.length + (lines.length == 1 ? " problem" : " problems")
                + "):\n  " + String.join("\n  ", lines);
    }

    private static String fromMapFailure(Map<String, ?> settings) {
        return assertThrows(IllegalArgumentException.class, () -> LimiterConfig.fromMap(settings)).getMessage();
    }

    private static RedisOptions redis(LimiterConfig c) {
        return c.options(RedisOptions.class);
    }

    private static List<String> redisParts(LimiterConfig c) {
        RedisOptions r = redis(c);
        return List.of(c.backend(), String.valueOf(r.url()), r.keyPrefix(), Boolean.toString(r.cluster()),
                r.connectTimeout().toString(), r.commandTimeout().toString(), Boolean.toString(r.tenantScopedKeys()),
                Boolean.toString(r.serverTime()));
    }

    private static String describe(LimiterConfig c) {
        return redisParts(c) + " " + c;
    }

    @Test
    @SuppressWarnings("deprecation") // memoryMaxKeyBytes: still accepted, ignored
    void builderAndMapLoaderAcceptTheSameKeys() {
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("by_user", "60/m");
        settings.put("by_tenant", "600/m");
        settings.put("by_tool", Map.of("search", "10/s"));
        settings.put("limits", List.of(Map.of("name", "api", "key", List.of("tenant", "api_key"), "rates", "10/s")));
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
        assertEquals(Set.copyOf(LimiterConfig.knownKeys()), settings.keySet(), "every known key is exercised");

        LimiterConfig built = LimiterConfig.builder().byUser("60/m").byTenant("600/m").byTool("search", "10/s")
                .limit(Limit.named("api").key("tenant", "api_key").rates("10/s")).allOrNothing(true)
                .algorithm(Algorithm.TOKEN_BUCKET).backend("redis").redisUrl("redis://localhost:6379")
                .redisKeyPrefix("gw").failMode(FailMode.LOCAL).redisFallback(true).mode(Mode.PERMISSIVE).maxCount(5_000)
                .memoryMaxKeyBytes(96).memoryBudgetBytes(1L << 30)
                .memoryMaxKeys(1_234).redisCluster(true).redisConnectTimeout(Duration.ofMillis(1_500))
                .redisCommandTimeout(Duration.ofMillis(250)).redisTenantScopedKeys(true).redisServerTime(true)
                .build();
        assertEquals(describe(built), describe(LimiterConfig.fromMap(settings)));
    }

    @Test
    void optionSetsTheSameSettingsAsTheShorthands() {
        LimiterConfig shorthand = LimiterConfig.builder().backend("redis").redisUrl("redis://cache:6379")
                .redisKeyPrefix("gw").redisCommandTimeout(Duration.ofMillis(250)).redisServerTime(true).build();
        LimiterConfig options = LimiterConfig.builder().backend("redis").option("redis_url", "redis://cache:6379")
                .option("redis_key_prefix", "gw").option("redis_command_timeout_ms", 250)
                .option("redis_server_time", "true").build();
        assertEquals(describe(shorthand), describe(options));
    }

    @Test
    void defaultsMatchTheSpecification() {
        assertEquals(List.of("memory", "null", "rl", "false", "PT2S", "PT0.5S", "false", "false"),
                redisParts(LimiterConfig.builder().build()));
    }

    @Test
    void numbersAndBooleansMayBeStrings() {
        RedisOptions r = redis(LimiterConfig.fromMap(Map.of("redis_cluster", "TRUE", "redis_command_timeout_ms", " 250 ")));
        assertEquals(List.of(true, Duration.ofMillis(250)), List.of(r.cluster(), r.commandTimeout()));
    }

    @Test
    void everyProblemIsListedInOneExceptionWithTheOthers() {
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("by_user", "0/m");
        settings.put("mode", "loud");
        settings.put("memory_max_keys", 0);
        settings.put("redis_cluster", "yes");
        settings.put("backend", "mongo");
        settings.put("redis_key_prefix", "a:b");
        assertEquals(problems(
                "by_user=\"0/m\": count is not a positive integer",
                "mode=\"loud\": expected one of enforce, permissive, disabled",
                "backend=\"mongo\": expected one of memory, redis",
                "memory_max_keys=0: must be a positive integer",
                "redis_cluster=\"yes\": expected true or false",
                "redis_key_prefix=\"a:b\": must be non-blank, without ':' or surrounding white space"),
                fromMapFailure(settings));
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
    void maxCountRaisesTheCeiling() {
        // Beyond the embedded store's largest limit: only Redis, without the local fallback, holds it.
        assertEquals(Rate.of(2_000_000, 1), LimiterConfig.fromMap(Map.of("by_user", "2000000/s", "max_count",
                "2000000", "backend", "redis", "redis_url", "redis://cache:6379", "fail_mode", "open")).byUser());
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
        assertEquals(url.strip(), redis(LimiterConfig.fromMap(Map.of("redis_url", url))).url());
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
        assertEquals(true, redis(LimiterConfig.fromMap(Map.of("redis_url", "redis://h1:7000,redis://h2:7001"))).cluster());
    }

    @Test
    void sentinelListIsNotACluster() {
        assertEquals(false, redis(LimiterConfig.fromMap(Map.of("redis_url",
                "redis-sentinel://h:26379,h2:26379/0#mymaster"))).cluster());
    }

    @Test
    void sentinelUrlWithRedisClusterIsRefused() {
        assertEquals(problems("redis_cluster=true: a redis-sentinel:// URL names one master, not a Cluster"),
                fromMapFailure(Map.of("redis_url", "redis-sentinel://h:26379#m", "redis_cluster", true)));
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
        assertEquals(Duration.ofMillis(1_500), redis(LimiterConfig.builder()
                .redisCommandTimeout(Duration.ofMillis(1_500)).build()).commandTimeout());
    }
}
