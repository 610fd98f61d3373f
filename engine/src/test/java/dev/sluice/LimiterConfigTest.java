package dev.sluice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.sluice.internal.MemoryOptions;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

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
        MemoryOptions memory = c.options(MemoryOptions.class);
        return List.of(String.valueOf(c.byUser()), String.valueOf(c.byTenant()), c.byTool().toString(),
                c.algorithm().toString(), c.backend(), c.failMode().toString(), c.mode().toString(),
                Long.toString(c.maxCount()), Long.toString(memory.maxKeys()), Long.toString(memory.budgetBytes()),
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
        settings.put("backend", "memory");
        settings.put("fail_mode", "local");
        settings.put("redis_fallback", true);
        settings.put("mode", "permissive");
        settings.put("max_count", 5_000);
        settings.put("memory_max_keys", 1_234);
        settings.put("memory_max_key_bytes", 96);
        settings.put("memory_budget_bytes", 1L << 30);
        assertEquals(Set.copyOf(LimiterConfig.knownKeys()), settings.keySet(), "every known key is exercised");

        LimiterConfig built = LimiterConfig.builder().byUser("60/m").byTenant("600/m").byTool("search", "10/s")
                .limit(Limit.named("api").key("tenant", "api_key").rates("10/s", "1000/h").override("tenant", "acme", "100/s"))
                .allOrNothing(true).algorithm(Algorithm.TOKEN_BUCKET).backend("memory").failMode(FailMode.LOCAL).redisFallback(true)
                .mode(Mode.PERMISSIVE).maxCount(5_000).memoryMaxKeyBytes(96).memoryBudgetBytes(1L << 30)
                .memoryMaxKeys(1_234).build();
        assertEquals(describe(built), describe(LimiterConfig.fromMap(settings)));
    }

    @Test
    void defaultsMatchTheSpecification() {
        LimiterConfig c = LimiterConfig.builder().build();
        assertEquals(List.of("null", "null", "{}", "FIXED_WINDOW", "memory", "LOCAL", "ENFORCE", "1000000",
                "1000000", "0", "[]", "[]", "false").toString(), describe(c));
    }

    @Test
    void emptyMapGivesTheBuilderDefaults() {
        assertEquals(describe(LimiterConfig.builder().build()), describe(LimiterConfig.fromMap(Map.of())));
    }

    @Test
    void mapLoaderAcceptsRateObjectsAndNumbersAsDigitStrings() {
        LimiterConfig c = LimiterConfig.fromMap(Map.of("by_user", Rate.of(5, 60), "memory_max_keys", " 42 ",
                "redis_fallback", "TRUE"));
        assertEquals(List.of(Rate.of(5, 60), 42L, FailMode.LOCAL),
                List.of(c.byUser(), c.options(MemoryOptions.class).maxKeys(), c.failMode()));
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
        settings.put("backend", "mongo");
        assertEquals(problems(
                "by_user=\"0/m\": count is not a positive integer",
                "by_tenant=\"5/fortnight\": unit \"fortnight\" is not one of s, sec, second, m, min, minute, h, hr,"
                        + " hour, d, day (plurals accepted)",
                "by_tool[\"search\"]=\"abc/m\": count is not a positive integer",
                "algorithm=\"leaky\": expected one of fixed_window, sliding_window, token_bucket",
                "fail_mode=\"maybe\": expected one of local, open, closed",
                "mode=\"loud\": expected one of enforce, permissive, disabled",
                "backend=\"mongo\": expected one of memory",
                "memory_max_keys=0: must be a positive integer"),
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
    void optionSetsABackendsSettingAsTheMapDoes() {
        LimiterConfig c = LimiterConfig.builder().byUser("5/m").option("memory_max_keys", " 42 ").build();
        assertEquals(42L, c.options(MemoryOptions.class).maxKeys());
    }

    @Test
    void optionIsCheckedByTheBackendThatOwnsIt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LimiterConfig.builder().byUser("0/m").option("memory_budget_bytes", "lots").build());
        assertEquals(problems("by_user=\"0/m\": count is not a positive integer",
                "memory_budget_bytes=\"lots\": must be a positive integer"), e.getMessage());
    }

    @Test
    void optionThatNoBackendOwnsIsAnUnknownKey() {
        LimiterConfig c = LimiterConfig.builder().byUser("5/m").option("redis_url", "redis://cache:6379")
                .option("zeta", 1).build();
        assertEquals(List.of("redis_url", "zeta"), c.unknownKeys());
    }

    @Test
    void optionsOfATypeNoBackendHasAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LimiterConfig.builder().build().options(String.class));
        assertEquals("type=java.lang.String: none of this configuration's backends [memory] has options of that type",
                e.getMessage());
    }

    @Test
    void builderHasNoUnknownKeys() {
        assertEquals(List.of(), LimiterConfig.builder().byUser("1/m").build().unknownKeys());
    }
}
