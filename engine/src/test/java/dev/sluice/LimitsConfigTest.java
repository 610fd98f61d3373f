package dev.sluice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The {@code limits} section and {@code all_or_nothing}: both forms, the presets as limits, and every problem named. */
class LimitsConfigTest {

    private static String problems(String... lines) {
        return "Invalid rate-limit configuration (" + lines.length + (lines.length == 1 ? " problem" : " problems")
                + "):\n  " + String.join("\n  ", lines);
    }

    private static String failure(Object limits) {
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("limits", limits);
        return assertThrows(IllegalArgumentException.class, () -> LimiterConfig.fromMap(settings)).getMessage();
    }

    /** A map that keeps the order its entries are given in, and takes nulls. */
    private static Map<String, Object> map(Object... keysAndValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return m;
    }

    private static List<Object> list(Object... items) {
        return new ArrayList<>(Arrays.asList(items));
    }

    @Test
    void builderAndMapDescribeTheSameLimits() {
        LimiterConfig fromMap = LimiterConfig.fromMap(map("limits", list(
                map("name", "api", "key", list("tenant", "api_key"), "rates", list("10/s", "1000/h"),
                        "overrides", list(map("tenant", "acme", "rates", "100/s"), map("api_key", "k1", "rates",
                                list("1/s")))),
                map("name", "routes", "key", "route", "rates", "5/m"))));
        LimiterConfig built = LimiterConfig.builder()
                .limit(Limit.named("api").key("tenant", "api_key").rates("10/s", "1000/h")
                        .override("tenant", "acme", "100/s").override("api_key", "k1", Rate.of(1, 1)))
                .limit(Limit.named("routes").key("route").rates(Rate.of(5, 60)))
                .build();
        assertEquals(fromMap.limits().toString(), built.limits().toString());
        assertEquals("[api{key=[tenant, api_key], rates=[10/1s, 1000/3600s], overrides=[tenant=acme [100/1s],"
                + " api_key=k1 [1/1s]]}, routes{key=[route], rates=[5/60s]}]", built.limits().toString());
    }

    @Test
    void presetsAreLimitsEvaluatedBeforeTheCustomOnes() {
        LimiterConfig c = LimiterConfig.builder().limit(Limit.named("api").key("api_key").rates("10/s"))
                .byTool("Search", "5/s").byTool("fetch", "1/s").byTenant("600/m").byUser("60/m").build();
        assertEquals("[user{key=[user], rates=[60/60s]}, tenant{key=[tenant], rates=[600/60s]},"
                + " tool{key=[tool], rates=[], overrides=[tool=search [5/1s], tool=fetch [1/1s]]},"
                + " api{key=[api_key], rates=[10/1s]}]", c.limits().toString());
    }

    @Test
    void withoutLimitsOrPresetsThereAreNoLimits() {
        assertEquals(List.of(), LimiterConfig.builder().build().limits());
    }

    @Test
    void overrideValuesAreNormalisedAsRequestValuesAre() {
        LimiterConfig c = LimiterConfig.fromMap(map("limits", list(map("name", "mixed",
                "key", list("user", "tenant", "tool", "route"), "overrides", list(
                        map("user", " a:b ", "rates", "1/s"), map("tenant", "\u00a0Acme ", "rates", "2/s"),
                        map("tool", " SEARCH\t", "rates", "3/s"), map("route", " /v1/Items ", "rates", "4/s"))))));
        List<String> values = c.limits().get(0).overrides().stream().map(Limit.ValueOverride::value).toList();
        assertEquals(List.of("a_b", "Acme", "search", "/v1/Items"), values);
    }

    @Test
    void allOrNothingIsOffByDefaultAndReadLikeEveryBoolean() {
        assertFalse(LimiterConfig.builder().build().allOrNothing());
        assertTrue(LimiterConfig.fromMap(Map.of("all_or_nothing", " TRUE ")).allOrNothing());
        assertTrue(LimiterConfig.builder().allOrNothing(true).build().allOrNothing());
        assertEquals(problems("all_or_nothing=\"sometimes\": expected true or false"),
                assertThrows(IllegalArgumentException.class,
                        () -> LimiterConfig.fromMap(Map.of("all_or_nothing", "sometimes"))).getMessage());
    }

    @Test
    void everyProblemOfEveryLimitIsListed() {
        String message = failure(list(
                map("name", "API", "key", list("tenant", "tenant"), "rates", list("10/s", "20/s", "abc/m")),
                map("name", "user", "key", "user", "rate", "1/s"),
                map("name", "ok", "key", list(), "rates", "1/s"),
                map("name", "ok", "key", "route")));
        assertEquals(problems(
                "limits[0].name=\"API\": must be lower-case letters, digits and '_', starting with a letter, at most 64"
                        + " characters",
                "limits[0].key[1]=\"tenant\": named twice in one key",
                "limits[0].rates[1]=\"20/s\": its window of 1 s is limits[0].rates[0]'s too; each rate of a limit"
                        + " needs a window of its own",
                "limits[0].rates[2]=\"abc/m\": count is not a positive integer",
                "limits[1].rate: unknown setting; a limit has name, key, rates, overrides",
                "limits[1].name=\"user\": names the by_user preset; give the limit a name of its own",
                "limits[1]: has no rates and no overrides, so it would never apply; give it rates",
                "limits[2].key=[]: name the attributes that key the limit, e.g. [user] or [tenant, api_key]",
                "limits[3].name=\"ok\": limits[2] has the same name",
                "limits[3]: has no rates and no overrides, so it would never apply; give it rates"), message);
    }

    @Test
    void limitsThatAreNotAListOfMapsAreNamed() {
        assertEquals(problems("limits=\"api\": expected a list of limits, each a map with name, key and rates"),
                failure("api"));
        assertEquals(problems("limits[0]=\"api\": expected a map with name, key, rates and overrides",
                "limits[1]=null: expected a map with name, key, rates and overrides"), failure(list("api", null)));
    }

    @Test
    void missingNameAndKeyAreNamed() {
        assertEquals(problems("limits[0].name=null: a name is required",
                "limits[0].key=null: name the attributes that key the limit, e.g. [user] or [tenant, api_key]"),
                failure(list(map("rates", "1/s"))));
    }

    @Test
    void attributeNamesFollowTheNameRule() {
        assertEquals(problems("limits[0].key[0]=\"Api-Key\": an attribute name must be lower-case letters, digits"
                + " and '_', starting with a letter, at most 64 characters",
                "limits[0].key[1]=42: an attribute name must be lower-case letters, digits and '_', starting with a"
                        + " letter, at most 64 characters"),
                failure(list(map("name", "api", "key", list("Api-Key", 42), "rates", "1/s"))));
    }

    @Test
    void aSettingNameThatIsNotAStringIsNamed() {
        Map<Object, Object> limit = new LinkedHashMap<>(map("name", "api", "key", "user", "rates", "1/s"));
        limit.put(7, "x");
        assertEquals(problems("limits[0][7 (Integer)]: a setting name must be a string"), failure(list(limit)));
    }

    @Test
    void overrideProblemsAreNamed() {
        String message = failure(list(map("name", "api", "key", list("tenant", "api_key"), "overrides", list(
                map("plan", "gold", "rates", "1/s"),
                map("tenant", "acme", "api_key", "k", "rates", "1/s"),
                map("rates", "1/s"),
                map("tenant", "  ", "rates", "1/s"),
                map("tenant", "acme", "rates", list("1/s", "2/s")),
                map("tenant", " acme", "rates", "5/m"),
                map("tenant", "globex"),
                "gold"))));
        assertEquals(problems(
                "limits[0].overrides[0].plan: \"plan\" is not an attribute of the limit's key [tenant, api_key]",
                "limits[0].overrides[1]: name exactly one key attribute and its value besides rates, e.g. {tenant:"
                        + " acme, rates: \"100/s\"}; found [tenant, api_key]",
                "limits[0].overrides[2]: name exactly one key attribute and its value besides rates, e.g. {tenant:"
                        + " acme, rates: \"100/s\"}; found none",
                "limits[0].overrides[3].tenant=\"  \": expected a non-blank value of tenant",
                "limits[0].overrides[4].rates[1]=\"2/s\": its window of 1 s is limits[0].overrides[4].rates[0]'s too;"
                        + " each rate of a limit needs a window of its own",
                "limits[0].overrides[5].tenant=\" acme\": normalises to \"acme\", as limits[0].overrides[4].tenant=\"acme\""
                        + " does",
                "limits[0].overrides[6].rates=null: rates are required, e.g. \"100/s\" or [\"100/s\", \"10000/h\"]",
                "limits[0].overrides[7]=\"gold\": expected a map of one key attribute to its value, and rates, e.g."
                        + " {tenant: acme, rates: \"100/s\"}"), message);
    }

    @Test
    void twoOverridesOfOneValueAreAnError() {
        assertEquals(problems("limits[0].overrides[1].tenant=\" acme\": normalises to \"acme\", as"
                + " limits[0].overrides[0].tenant=\"acme\" does"),
                failure(list(map("name", "api", "key", "tenant", "overrides", list(
                        map("tenant", "acme", "rates", "1/s"), map("tenant", " acme", "rates", "5/m"))))));
    }

    @Test
    void aLimitWithOverridesNeedsNoRatesOfItsOwn() {
        LimiterConfig c = LimiterConfig.fromMap(map("limits", list(map("name", "vip", "key", "tenant",
                "overrides", list(map("tenant", "acme", "rates", "100/s"))))));
        assertEquals(List.of(), c.limits().get(0).rates());
    }

    @Test
    void limitRatesMeetTheCountCeilingAndTheEmbeddedStoresCeilings() {
        String message = assertThrows(IllegalArgumentException.class, () -> LimiterConfig.builder().maxCount(2_000_000)
                .limit(Limit.named("api").key("api_key").rates("2000001/s", "2000000/m"))
                .build()).getMessage();
        assertEquals(problems("limits[0].rates[0]=\"2000001/s\": count 2000001 exceeds the ceiling of 2000000 (raise it"
                + " with max_count, or LimiterConfig.Builder.maxCount)",
                "limits[0].rates[1]=\"2000000/m\": count 2000000 exceeds 1048575, the largest limit the embedded store"
                        + " holds"), message);
    }

    @Test
    void aWindowTooLongForTheEmbeddedStoreIsNamedWithItsLimit() {
        String message = assertThrows(IllegalArgumentException.class, () -> LimiterConfig.builder()
                .limit(Limit.named("api").key("api_key").override("api_key", "k", Rate.of(1, 8 * 86_400))).build())
                .getMessage();
        assertEquals(problems("limits[0].overrides[0].rates[0]=1/691200s: window 691200 s exceeds 604800 s (7 days), the"
                + " longest window the embedded store holds"), message);
    }

    @Test
    void slidingWindowsOfMoreDistinctCountsThanTheEmbeddedStoreHoldsAreRefused() {
        assertEquals(problems("algorithm=\"sliding_window\": the limits have 257 distinct counts, and the embedded store"
                + " keeps sliding-window logs of at most 256; use fewer distinct counts"),
                assertThrows(IllegalArgumentException.class, () -> tenantsAtDistinctCounts(257).build()).getMessage());
        assertEquals(256, tenantsAtDistinctCounts(256).build().limits().get(0).overrides().size());
    }

    /** A sliding-window configuration whose tenants have {@code n} distinct counts. */
    private static LimiterConfig.Builder tenantsAtDistinctCounts(int n) {
        Limit.Builder perTenant = Limit.named("per_tenant").key("tenant");
        for (int i = 1; i <= n; i++) {
            perTenant.override("tenant", "t" + i, i + "/m");
        }
        return LimiterConfig.builder().algorithm(Algorithm.SLIDING_WINDOW).limit(perTenant).memoryBudgetBytes(1L << 30);
    }

    @Test
    void aMapWhoseKeysCannotBeComparedIsAProblemNotAnException() {
        Map<Object, Object> limit = new TreeMap<>(Map.of(1, "a", 2, "b"));
        assertEquals(problems("limits[0][1 (Integer)]: a setting name must be a string",
                "limits[0][2 (Integer)]: a setting name must be a string", "limits[0].name=null: a name is required",
                "limits[0].key=null: name the attributes that key the limit, e.g. [user] or [tenant, api_key]",
                "limits[0]: has no rates and no overrides, so it would never apply; give it rates"),
                failure(list(limit)));
        Map<Object, Object> override = new TreeMap<>(Map.of(1, "a"));
        assertEquals(problems("limits[0].overrides[0].rates=null: rates are required, e.g. \"100/s\" or"
                + " [\"100/s\", \"10000/h\"]", "limits[0].overrides[0][1 (Integer)]: an attribute name must be a string"),
                failure(list(map("name", "api", "key", "tenant", "overrides", list(override)))));
    }

    @Test
    void builderSnapshotsALimitWhenItIsAdded() {
        Limit.Builder limit = Limit.named("api").key("api_key").rates("10/s");
        LimiterConfig.Builder builder = LimiterConfig.builder().limit(limit);
        limit.rates("20/m");
        assertEquals("[api{key=[api_key], rates=[10/1s]}]", builder.build().limits().toString());
    }
}
