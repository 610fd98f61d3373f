package dev.sluice.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** docs/memory-layout.md shows the layout classes' constants and diagrams; this keeps them equal. */
class LayoutDocumentationTest {
    private static final Path DOC = Path.of("..", "docs", "memory-layout.md");
    private static final Pattern ROW = Pattern.compile("^\\| (\\w*(?:Layout|Reclaimer))\\.(\\w+) \\| (-?\\d+) \\|$");

    @Test
    void documentedConstantsEqualCode() throws Exception {
        int checked = 0;
        for (String line : Files.readAllLines(DOC)) {
            Matcher row = ROW.matcher(line);
            if (row.matches()) {
                Field field = Class.forName("dev.sluice.store." + row.group(1)).getDeclaredField(row.group(2));
                field.setAccessible(true);
                assertEquals(Long.parseLong(row.group(3)), ((Number) field.get(null)).longValue(), row.group(1) + "." + row.group(2));
                checked++;
            }
        }
        assertTrue(checked >= 20, "constants checked: " + checked);
    }

    @Test
    void documentedDiagramsAreTheLayoutClassesDiagrams() throws IOException {
        String doc = Files.readString(DOC);
        for (String layout : List.of("SlotLayout", "StateWordLayout", "RingLayout")) {
            Path source = Path.of("src", "main", "java", "dev", "sluice", "store", layout + ".java");
            for (String line : Files.readAllLines(source)) {
                String stripped = line.replaceFirst("^\\s*\\*", "").strip();
                if (stripped.startsWith("+-") || stripped.matches("^\\d[\\d ]+$")) {
                    assertTrue(doc.contains(stripped), layout + " diagram line missing from the doc: " + stripped);
                }
            }
        }
    }

    @Test
    void aSlotIs24BytesAndAKeyTwoSlots() {
        assertEquals(24, SlotLayout.slotBytes(StoreAlgorithm.FIXED_WINDOW));
        assertEquals(24, SlotLayout.slotBytes(StoreAlgorithm.TOKEN_BUCKET));
        assertEquals(32, SlotLayout.slotBytes(StoreAlgorithm.SLIDING_WINDOW_LOG));
        assertEquals(2_000_000, SlotLayout.homeSlotsFor(1_000_000));
        assertEquals(2_000_063, SlotLayout.tableSlots(SlotLayout.homeSlotsFor(1_000_000)));
        assertEquals(48_001_512, KeyedStore.builder(StoreAlgorithm.FIXED_WINDOW).maxKeys(1_000_000).fixedBytes());
    }

    /** At most 64 off-heap bytes per key for fixed window and token bucket, whatever the keys' length. */
    @ParameterizedTest(name = "{0} keys")
    @ValueSource(longs = {1_000, 1_000_000, 10_000_000, 100_000_000})
    void fixedWindowAndTokenBucketTakeAtMost64BytesPerKey(long maxKeys) {
        for (StoreAlgorithm algorithm : List.of(StoreAlgorithm.FIXED_WINDOW, StoreAlgorithm.TOKEN_BUCKET)) {
            long bytes = KeyedStore.builder(algorithm).maxKeys(maxKeys).fixedBytes();
            assertTrue(bytes <= 64 * maxKeys, algorithm + " at " + maxKeys + " keys: " + (double) bytes / maxKeys + " B/key");
        }
    }
}
