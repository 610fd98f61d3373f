package dev.sluice.store;

import static dev.sluice.store.StoreTesting.SECOND;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store's flight-recorder events: off by default, and what they carry when a recording asks. */
class StoreEventsTest {
    private static final int MAX_KEYS = 64;
    private static final long WINDOW = 60 * SECOND;
    private static final long NOW = 1_000 * SECOND;

    @Test
    void aRecordingThatAsksSeesFullTablesAndSweeps(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("store.jfr");
        try (Recording recording = new Recording()) {
            recording.enable("dev.sluice.TableFull");
            recording.enable("dev.sluice.Reclaim");
            recording.start();
            fillRefuseAndReclaim();
            recording.stop();
            recording.dump(file);
        }
        List<RecordedEvent> events = RecordingFile.readAllEvents(file);
        List<RecordedEvent> full = named(events, "dev.sluice.TableFull");
        assertEquals(3, full.size(), "one event per refused new key");
        assertEquals(MAX_KEYS, full.get(0).getLong("capacity"));
        assertEquals(MAX_KEYS, full.get(0).getLong("liveKeys"));
        assertEquals(3, full.get(2).getLong("refusals"));

        List<RecordedEvent> sweeps = named(events, "dev.sluice.Reclaim");
        assertTrue(sweeps.stream().anyMatch(e -> e.getString("kind").equals("room")), "a new key made room: " + sweeps);
        RecordedEvent explicit = sweeps.stream().filter(e -> e.getString("kind").equals("explicit")).findFirst()
                .orElseThrow(() -> new AssertionError("no explicit sweep among " + sweeps));
        assertEquals(MAX_KEYS, explicit.getLong("reclaimed"));
        assertEquals(0, explicit.getLong("liveKeys"));
    }

    @Test
    void aRecordingWithDefaultSettingsSeesNone(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("default.jfr");
        try (Recording recording = new Recording()) {
            recording.start();
            fillRefuseAndReclaim();
            recording.stop();
            recording.dump(file);
        }
        List<RecordedEvent> events = RecordingFile.readAllEvents(file);
        assertTrue(events.stream().noneMatch(e -> e.getEventType().getName().startsWith("dev.sluice.")));
    }

    /** Fills a small table, refuses three new keys, then reclaims every key once the windows ended. */
    private static void fillRefuseAndReclaim() {
        try (KeyedStore store = StoreTesting.builder(StoreAlgorithm.FIXED_WINDOW).maxKeys(MAX_KEYS).build()) {
            AcquireResult out = new AcquireResult();
            for (int k = 0; k < MAX_KEYS; k++) {
                assertTrue(store.acquire("live-" + k, 5, WINDOW, NOW, out), "key " + k);
            }
            for (int k = 0; k < 3; k++) {
                store.acquire("new-" + k, 5, WINDOW, NOW + SECOND, out);
                assertEquals(AcquireStatus.TABLE_FULL, out.status());
            }
            assertEquals(MAX_KEYS, store.reclaimExpired(NOW + 2 * WINDOW + 3_600 * SECOND));
        }
    }

    private static List<RecordedEvent> named(List<RecordedEvent> events, String name) {
        return events.stream().filter(e -> e.getEventType().getName().equals(name)).toList();
    }
}
