package dev.sluice.bench.example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.Algorithm;
import dev.sluice.LimiterConfig;
import dev.sluice.ManualClock;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The server end to end: real HTTP on a loopback port, a limiter on a {@link ManualClock}, so every header value
 * is exact (behaviour spec, sections 2 to 4).
 */
class RateLimitedHttpServerTest {
    private static final long T = 1_700_000_000L;
    private static final List<String> LIMIT_HEADERS = List.of("X-RateLimit-Limit", "X-RateLimit-Remaining",
            "X-RateLimit-Reset", "Retry-After");

    private final ManualClock clock = ManualClock.atEpochSeconds(T);
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private RateLimitedHttpServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        client.close();
    }

    private void start(LimiterConfig config) throws IOException {
        server = RateLimitedHttpServer.start(config, clock, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    }

    /** A GET with the given request headers, as name, value, name, value, ... */
    private HttpResponse<String> get(String... headers) throws IOException, InterruptedException {
        return send("GET", headers);
    }

    private HttpResponse<String> send(String method, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(server.uri().resolve("/api/call"))
                .method(method, HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(30));
        if (headers.length > 0) {
            request.headers(headers);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String header(HttpResponse<?> response, String name) {
        return response.headers().firstValue(name).orElse(null);
    }

    private static void assertLimitHeaders(HttpResponse<?> response, long limit, long remaining, long resetEpochSeconds,
            Long retryAfterSeconds) {
        assertEquals(Long.toString(limit), header(response, "X-RateLimit-Limit"), "X-RateLimit-Limit");
        assertEquals(Long.toString(remaining), header(response, "X-RateLimit-Remaining"), "X-RateLimit-Remaining");
        assertEquals(Long.toString(resetEpochSeconds), header(response, "X-RateLimit-Reset"), "X-RateLimit-Reset");
        assertEquals(retryAfterSeconds == null ? null : Long.toString(retryAfterSeconds), header(response, "Retry-After"),
                "Retry-After");
    }

    private static void assertNoLimitHeaders(HttpResponse<?> response) {
        for (String name : LIMIT_HEADERS) {
            assertEquals(Optional.empty(), response.headers().firstValue(name), name);
        }
    }

    @Test
    void allowsUpToTheUsersLimitWithRateLimitHeaders() throws Exception {
        start(LimiterConfig.builder().byUser("3/m").build());
        for (long remaining = 2; remaining >= 0; remaining--) {
            HttpResponse<String> ok = get("X-User", "alice");
            assertEquals(200, ok.statusCode());
            assertLimitHeaders(ok, 3, remaining, T + 60, null);
            assertEquals("OK\n", ok.body());
        }
    }

    @Test
    void refusesTheRequestPastTheLimitWith429AndRetryAfter() throws Exception {
        start(LimiterConfig.builder().byUser("3/m").build());
        for (int i = 0; i < 3; i++) {
            get("X-User", "alice");
        }
        HttpResponse<String> refused = get("X-User", "alice");
        assertEquals(429, refused.statusCode());
        assertLimitHeaders(refused, 3, 0, T + 60, 60L);
        assertEquals("Rate limit exceeded for user: 3 per 60 s; retry after 60 s\n", refused.body());

        clock.advance(Duration.ofSeconds(45));
        HttpResponse<String> later = get("X-User", "alice");
        assertEquals(429, later.statusCode());
        assertLimitHeaders(later, 3, 0, T + 60, 15L);
    }

    @Test
    void admitsAgainOnceRetryAfterHasPassed() throws Exception {
        start(LimiterConfig.builder().byUser("3/m").build());
        for (int i = 0; i < 3; i++) {
            get("X-User", "alice");
        }
        long retryAfter = Long.parseLong(header(get("X-User", "alice"), "Retry-After"));
        clock.advance(Duration.ofSeconds(retryAfter));
        HttpResponse<String> ok = get("X-User", "alice");
        assertEquals(200, ok.statusCode());
        assertLimitHeaders(ok, 3, 2, T + 120, null);
    }

    @Test
    void otherUsersKeepTheirOwnLimit() throws Exception {
        start(LimiterConfig.builder().byUser("1/m").build());
        assertEquals(200, get("X-User", "alice").statusCode());
        assertEquals(429, get("X-User", "alice").statusCode());
        assertEquals(200, get("X-User", "bob").statusCode());
    }

    /** Spec, section 4: 30/m, 31 requests at t=1000, the 31st gets Retry-After 2 and Reset 1002. */
    @Test
    void tokenBucketRefusalCarriesTheSpecsRetryAfterAndReset() throws Exception {
        start(LimiterConfig.builder().byUser("30/m").algorithm(Algorithm.TOKEN_BUCKET).build());
        for (int i = 0; i < 30; i++) {
            assertEquals(200, get("X-User", "alice").statusCode(), "request " + (i + 1));
        }
        HttpResponse<String> refused = get("X-User", "alice");
        assertEquals(429, refused.statusCode());
        assertLimitHeaders(refused, 30, 0, T + 2, 2L);
    }

    @Test
    void requestsWithoutAUserHeaderShareTheAnonymousUsersLimit() throws Exception {
        start(LimiterConfig.builder().byUser("1/m").build());
        HttpResponse<String> first = get();
        assertEquals(200, first.statusCode());
        assertLimitHeaders(first, 1, 0, T + 60, null);
        assertEquals(429, get().statusCode());
        assertEquals(429, get("X-User", "anonymous").statusCode());
        assertEquals(200, get("X-User", "alice").statusCode());
    }

    @Test
    void requestsWithoutATenantHeaderSkipTheTenantLimit() throws Exception {
        start(LimiterConfig.builder().byTenant("1/m").build());
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> unlimited = get("X-User", "alice");
            assertEquals(200, unlimited.statusCode());
            assertNoLimitHeaders(unlimited);
        }
        assertEquals(200, get("X-User", "alice", "X-Tenant", "acme").statusCode());
        HttpResponse<String> refused = get("X-User", "bob", "X-Tenant", "acme");
        assertEquals(429, refused.statusCode());
        assertLimitHeaders(refused, 1, 0, T + 60, 60L);
    }

    @Test
    void toolHeaderIsNormalisedAndOnlyAConfiguredToolIsLimited() throws Exception {
        start(LimiterConfig.builder().byUser("10/m").byTool("search", "1/m").build());
        HttpResponse<String> first = get("X-User", "alice", "X-Tool", "Search");
        assertEquals(200, first.statusCode());
        assertLimitHeaders(first, 1, 0, T + 60, null);

        HttpResponse<String> refused = get("X-User", "alice", "X-Tool", "SEARCH");
        assertEquals(429, refused.statusCode());
        assertLimitHeaders(refused, 1, 0, T + 60, 60L);
        assertEquals("Rate limit exceeded for tool \"search\": 1 per 60 s; retry after 60 s\n", refused.body());

        // The refused request was charged to the user too (every active dimension is), so 7 of 10 remain.
        HttpResponse<String> otherTool = get("X-User", "alice", "X-Tool", "fetch");
        assertEquals(200, otherTool.statusCode());
        assertLimitHeaders(otherTool, 10, 7, T + 60, null);
    }

    @Test
    void headRequestGetsTheHeadersWithoutABody() throws Exception {
        start(LimiterConfig.builder().byUser("1/m").build());
        HttpResponse<String> ok = send("HEAD", "X-User", "alice");
        assertEquals(200, ok.statusCode());
        assertLimitHeaders(ok, 1, 0, T + 60, null);
        assertEquals("", ok.body());
        HttpResponse<String> refused = send("HEAD", "X-User", "alice");
        assertEquals(429, refused.statusCode());
        assertLimitHeaders(refused, 1, 0, T + 60, 60L);
        assertEquals("", refused.body());
    }

    @Test
    void defaultConfigurationGivesEachUserFiveRequestsAMinute() throws Exception {
        start(RateLimitedHttpServer.defaultConfig());
        for (int i = 0; i < 5; i++) {
            assertEquals(200, get("X-User", "alice", "X-Tenant", "acme").statusCode());
        }
        HttpResponse<String> refused = get("X-User", "alice", "X-Tenant", "acme");
        assertEquals(429, refused.statusCode());
        assertLimitHeaders(refused, 5, 0, T + 60, 60L);
    }

    @Test
    void closeStopsListening() throws Exception {
        start(LimiterConfig.builder().byUser("1/m").build());
        get("X-User", "alice");
        server.close();
        assertThrows(IOException.class, () -> get("X-User", "alice"));
        server = null;
    }

    @Test
    void closingTwiceIsHarmless() throws Exception {
        start(LimiterConfig.builder().byUser("1/m").build());
        server.close();
        server.close();
        server = null;
    }

    @Nested
    class CommandLine {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private final ByteArrayOutputStream err = new ByteArrayOutputStream();

        private int run(String... args) {
            return RateLimitedHttpServer.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8));
        }

        @Test
        void noArgumentsMeanPort8080AndTheDefaultLimits() {
            assertEquals(new RateLimitedHttpServer.Arguments(8080, null, false), RateLimitedHttpServer.Arguments.parse());
        }

        @Test
        void portAndConfigFileAreRead() {
            assertEquals(new RateLimitedHttpServer.Arguments(0, Path.of("limits.properties"), false),
                    RateLimitedHttpServer.Arguments.parse("--port", "0", "--config=limits.properties"));
        }

        @Test
        void aPortThatIsNotANumberIsRefusedWithTheInputQuoted() {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> RateLimitedHttpServer.Arguments.parse("--port", "http"));
            assertEquals("--port=\"http\": expected a port number, 0 to 65535", e.getMessage());
        }

        @Test
        void aPortOutOfRangeIsRefused() {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> RateLimitedHttpServer.Arguments.parse("--port=65536"));
            assertEquals("--port=\"65536\": expected a port number, 0 to 65535", e.getMessage());
        }

        @Test
        void anUnknownOptionIsRefused() {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> RateLimitedHttpServer.Arguments.parse("--bind", "0.0.0.0"));
            assertEquals("\"--bind\": unknown option", e.getMessage());
        }

        @Test
        void anOptionWithoutItsValueIsRefused() {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> RateLimitedHttpServer.Arguments.parse("--config"));
            assertEquals("--config: needs a value", e.getMessage());
        }

        @Test
        void badArgumentsExitWithStatus2AndTheUsage() {
            assertEquals(2, run("--port", "http"));
            String printed = err.toString(StandardCharsets.UTF_8);
            assertTrue(printed.startsWith("--port=\"http\": expected a port number, 0 to 65535\nUsage: "), printed);
            assertEquals("", out.toString(StandardCharsets.UTF_8));
        }

        @Test
        void aMissingConfigFileExitsWithStatus2() {
            assertEquals(2, run("--config", "/nonexistent/limits.properties"));
            String printed = err.toString(StandardCharsets.UTF_8);
            assertTrue(printed.startsWith("cannot read /nonexistent/limits.properties: "), printed);
        }

        @Test
        void helpPrintsTheUsageAndStartsNothing() {
            assertEquals(0, run("--help"));
            assertTrue(out.toString(StandardCharsets.UTF_8).startsWith("Usage: "));
            assertFalse(out.toString(StandardCharsets.UTF_8).contains("Listening"));
        }
    }
}
