package dev.sluice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.spi.BackendException;
import java.nio.file.Path;
import java.util.List;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The engine's flight-recorder events: refusals without identities, backend failures, and none by default. */
class EngineEventsTest {
    private static final long T0 = 1_000_000_000_000L;

    @Test
    void aRefusalIsRecordedPerRefusingLimitWithAKeyHashNotTheIdentity(@TempDir Path dir) throws Exception {
        LimiterConfig config = LimiterConfig.builder().byUser("1/m").byTenant("100/m").build();
        List<RecordedEvent> events = record(dir, "dev.sluice.Refused", () -> {
            try (RateLimiter limiter = RateLimiter.create(config, new ManualClock(T0))) {
                assertTrue(limiter.check("alice@example.com", "acme", null).allowed());
                assertFalse(limiter.check("alice@example.com", "acme", null).allowed());
                assertFalse(limiter.check("alice@example.com", "acme", null).allowed());
                assertTrue(limiter.check("bob", "acme", null).allowed());
                assertFalse(limiter.check("bob", "acme", null).allowed());
            }
        });
        assertEquals(3, events.size(), events.toString());
        for (RecordedEvent e : events) {
            assertEquals("user", e.getString("limit"));
            assertEquals(1, e.getLong("count"));
            assertEquals(60, e.getDuration("windowSeconds").toSeconds());
            assertEquals(1, e.getLong("permits"));
            assertTrue(e.getDuration("retryAfterNanos").toNanos() > 0);
            assertFalse(e.toString().contains("alice") || e.toString().contains("bob") || e.toString().contains("acme"), e.toString());
        }
        assertEquals(events.get(0).getLong("keyHash"), events.get(1).getLong("keyHash"), "alice twice: one key");
        assertNotEquals(events.get(0).getLong("keyHash"), events.get(2).getLong("keyHash"), "alice and bob");
    }

    @Test
    void aBackendFailureIsRecordedWithTheFailModeThatDecided(@TempDir Path dir) throws Exception {
        LimiterConfig config = LimiterConfig.builder().byUser("10/m").failMode(FailMode.CLOSED).build();
        List<RecordedEvent> events = record(dir, "dev.sluice.BackendFailure", () -> {
            try (RateLimiter limiter = RateLimiter.create(config, new ManualClock(T0),
                    ScriptedBackend.throwing(new BackendException("down")))) {
                assertFalse(limiter.check("alice", null, null).allowed());
            }
        });
        assertEquals(1, events.size(), events.toString());
        assertEquals("memory", events.get(0).getString("backend"));
        assertEquals("closed", events.get(0).getString("failMode"));
        assertTrue(events.get(0).getString("failure").contains("down"), events.get(0).toString());
    }

    @Test
    void aRecordingWithDefaultSettingsSeesNoSluiceEvent(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("default.jfr");
        try (Recording recording = new Recording()) {
            recording.start();
            try (RateLimiter limiter = RateLimiter.create(LimiterConfig.builder().byUser("1/m").build(), new ManualClock(T0))) {
                limiter.check("alice", null, null);
                limiter.check("alice", null, null);
            }
            recording.stop();
            recording.dump(file);
        }
        assertTrue(RecordingFile.readAllEvents(file).stream()
                .noneMatch(e -> e.getEventType().getName().startsWith("dev.sluice.")));
    }

    private static List<RecordedEvent> record(Path dir, String event, Runnable work) throws Exception {
        Path file = dir.resolve("events.jfr");
        try (Recording recording = new Recording()) {
            recording.enable(event);
            recording.start();
            work.run();
            recording.stop();
            recording.dump(file);
        }
        return RecordingFile.readAllEvents(file).stream().filter(e -> e.getEventType().getName().equals(event)).toList();
    }
}
