package dev.sluice.bench.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class SweepTableTest {
    private static KeyspaceSweep.Row row(String impl, long keys, double mean, String note) {
        return new KeyspaceSweep.Row(impl, keys, mean, mean * 2, mean * 3, 56.0, 0.0, 0, 0, 1.0, note);
    }

    private static final KeyspaceSweep.Row FLOOR_1K = row(KeyspaceSweep.FLOOR_IMPL, 1_000, 4.0, "");
    private static final KeyspaceSweep.Row FLOOR_1M = row(KeyspaceSweep.FLOOR_IMPL, 1_000_000, 150.0, "");
    private static final KeyspaceSweep.Row STORE_1K = row("sluice-store", 1_000, 36.0, "");
    private static final KeyspaceSweep.Row STORE_1M = row("sluice-store", 1_000_000, 330.0, "");

    @Test
    void ratioToTheFloorIsTheMeanOverTheFloorsMeanAtTheSameSize() {
        List<KeyspaceSweep.Row> rows = List.of(FLOOR_1K, FLOOR_1M, STORE_1K, STORE_1M);
        assertEquals(9.0, SweepTable.floorRatio(rows, STORE_1K));
        assertEquals(2.2, SweepTable.floorRatio(rows, STORE_1M), 1e-12);
    }

    @Test
    void noRatioWithoutAFloorAtThatSizeNorForTheFloorItself() {
        List<KeyspaceSweep.Row> rows = List.of(FLOOR_1K, STORE_1K, STORE_1M);
        assertTrue(Double.isNaN(SweepTable.floorRatio(rows, STORE_1M)));
        assertTrue(Double.isNaN(SweepTable.floorRatio(rows, FLOOR_1K)));
    }

    @Test
    void noRatioAgainstAFloorThatFailed() {
        KeyspaceSweep.Row failed = row(KeyspaceSweep.FLOOR_IMPL, 1_000, 4.0, "out of memory");
        assertTrue(Double.isNaN(SweepTable.floorRatio(List.of(failed, STORE_1K), STORE_1K)));
    }

    @Test
    void markdownGroupsRowsBySizeWithTheFloorFirst() {
        String md = SweepTable.markdown(List.of(FLOOR_1K, FLOOR_1M, STORE_1K, STORE_1M));
        List<String> lines = md.lines().toList();
        assertEquals("| keys | impl | mean ns | p99 ns | p99.9 ns | × floor | off-heap B/key | heap B/key | GCs | GC ms | note |",
                lines.get(0));
        assertEquals("| 1,000 | memory-floor | 4.0 | 8 | 12 |  | 56 | 0 | 0 | 0 |  |", lines.get(2));
        assertEquals("| 1,000 | sluice-store | 36.0 | 72 | 108 | 9.0× | 56 | 0 | 0 | 0 |  |", lines.get(3));
        assertEquals("| 1,000,000 | memory-floor | 150.0 | 300 | 450 |  | 56 | 0 | 0 | 0 |  |", lines.get(4));
        assertEquals("| 1,000,000 | sluice-store | 330.0 | 660 | 990 | 2.2× | 56 | 0 | 0 | 0 |  |", lines.get(5));
    }

    @Test
    void csvReadsBackWhatItWrote() {
        List<KeyspaceSweep.Row> rows = List.of(
                new KeyspaceSweep.Row("sluice-store", 1000, 53.2, 120.0, 410.0, 94.0, 1.5, 0, 0, 0.5, ""),
                new KeyspaceSweep.Row("sluice-fixed", 1000, 176.6, 400.0, 900.0, Double.NaN, 62.7, 2, 13, 0.4,
                        "a note, with a comma"));
        assertEquals(rows, SweepTable.readCsv(SweepTable.csv(rows)));
    }

    @Test
    void csvOfAnOlderLayoutIsRefusedByName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SweepTable.readCsv(
                "impl,keys,median_ns,p99_ns,offheap_bytes_per_key,heap_bytes_per_key,gc_count,gc_ms,seconds,note\n"));
        assertTrue(e.getMessage().startsWith("sweep.csv: the first line is not \"impl,keys,mean_ns,"), e.getMessage());
    }
}
