package dev.sluice.bench.sweep;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The sweep's rows as files: {@code sweep.csv} (what {@code --replot} and the benchmark report read back) and
 * {@code sweep.md} (the table the report includes), with each row's ratio to the memory floor of its size.
 *
 * <p>Stateless; thread-safe.
 */
public final class SweepTable {
    static final String CSV_HEADER = "impl,keys,mean_ns,p99_ns,p999_ns,offheap_bytes_per_key,heap_bytes_per_key,"
            + "gc_count,gc_ms,seconds,note";

    private SweepTable() {
    }

    /**
     * @return {@code row}'s mean divided by the mean of the memory floor at the same size, or {@code NaN} when
     *     either was not measured; {@code NaN} for the floor's own rows
     */
    public static double floorRatio(List<KeyspaceSweep.Row> rows, KeyspaceSweep.Row row) {
        if (row.impl().equals(KeyspaceSweep.FLOOR_IMPL) || !row.measured()) {
            return Double.NaN;
        }
        for (KeyspaceSweep.Row r : rows) {
            if (r.impl().equals(KeyspaceSweep.FLOOR_IMPL) && r.keys() == row.keys() && r.measured()) {
                return row.meanNanos() / r.meanNanos();
            }
        }
        return Double.NaN;
    }

    /** @return the rows as CSV, one line per row after a header */
    public static String csv(List<KeyspaceSweep.Row> rows) {
        StringBuilder b = new StringBuilder(CSV_HEADER).append('\n');
        for (KeyspaceSweep.Row r : rows) {
            b.append(String.format(Locale.ROOT, "%s,%d,%.1f,%.1f,%.1f,%.1f,%.1f,%d,%d,%.1f,\"%s\"%n", r.impl(), r.keys(),
                    r.meanNanos(), r.p99Nanos(), r.p999Nanos(), r.offHeapBytesPerKey(), r.heapBytesPerKey(), r.gcCount(),
                    r.gcMillis(), r.seconds(), r.note() == null ? "" : r.note().replace("\"", "'")));
        }
        return b.toString();
    }

    /** Reads what {@link #csv} writes. */
    public static List<KeyspaceSweep.Row> readCsv(String text) {
        List<KeyspaceSweep.Row> rows = new ArrayList<>();
        String[] lines = text.split("\n");
        if (lines.length == 0 || !lines[0].strip().equals(CSV_HEADER)) {
            throw new IllegalArgumentException("sweep.csv: the first line is not \"" + CSV_HEADER + "\" (written by an "
                    + "older version? run the sweep again)");
        }
        for (int i = 1; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty()) {
                continue;
            }
            int quote = line.indexOf('"');
            String note = quote < 0 ? "" : line.substring(quote + 1, line.lastIndexOf('"'));
            String[] f = (quote < 0 ? line : line.substring(0, quote)).split(",");
            rows.add(new KeyspaceSweep.Row(f[0], Long.parseLong(f[1]), Double.parseDouble(f[2]),
                    Double.parseDouble(f[3]), Double.parseDouble(f[4]), Double.parseDouble(f[5]),
                    Double.parseDouble(f[6]), Long.parseLong(f[7]), Long.parseLong(f[8]), Double.parseDouble(f[9]), note));
        }
        return rows;
    }

    /**
     * @return the rows as a markdown table, grouped by keyspace size (the floor first in each), each with its
     *     ratio to the floor
     */
    public static String markdown(List<KeyspaceSweep.Row> rows) {
        List<String> order = new ArrayList<>();
        for (KeyspaceSweep.Row r : rows) {
            if (!order.contains(r.impl())) {
                order.add(r.impl());
            }
        }
        order.remove(KeyspaceSweep.FLOOR_IMPL);
        order.add(0, KeyspaceSweep.FLOOR_IMPL);
        List<KeyspaceSweep.Row> sorted = new ArrayList<>(rows);
        sorted.sort(Comparator.comparingLong(KeyspaceSweep.Row::keys).thenComparingInt(r -> order.indexOf(r.impl())));
        StringBuilder b = new StringBuilder();
        b.append("| keys | impl | mean ns | p99 ns | p99.9 ns | × floor | off-heap B/key | heap B/key | GCs | GC ms | note |\n");
        b.append("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
        for (KeyspaceSweep.Row r : sorted) {
            boolean measured = !Double.isNaN(r.meanNanos());
            double ratio = floorRatio(rows, r);
            b.append(String.format(Locale.ROOT, "| %,d | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |%n", r.keys(),
                    r.impl(), measured ? String.format(Locale.ROOT, "%.1f", r.meanNanos()) : "",
                    measured ? whole(r.p99Nanos()) : "", measured ? whole(r.p999Nanos()) : "",
                    Double.isNaN(ratio) ? "" : String.format(Locale.ROOT, "%.1f×", ratio),
                    measured ? whole(r.offHeapBytesPerKey()) : "", measured ? whole(r.heapBytesPerKey()) : "",
                    measured ? Long.toString(r.gcCount()) : "", measured ? Long.toString(r.gcMillis()) : "",
                    r.note() == null ? "" : r.note()));
        }
        return b.toString();
    }

    private static String whole(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.0f", v);
    }
}
