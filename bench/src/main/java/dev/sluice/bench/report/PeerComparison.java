package dev.sluice.bench.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One column of a report table: every implementation's result for one benchmark, parameters and thread count
 * of one run, read two ways.
 *
 * <ul>
 *   <li><b>Net</b>: ns per request less the {@code baseline} row's, which decodes the same identities and does
 *       nothing else with them; what is left is the limiter's own cost (key building, lookup, decision).
 *   <li><b>Against the best peer</b>: for each Sluice row, the fastest peer's time ÷ the Sluice row's time
 *       (above 1×, Sluice is faster than every peer), on the raw figures and on the net ones. Peers are every
 *       {@code impl} but Sluice's ({@code sluice-*}) and the baseline.
 * </ul>
 *
 * <p>Times are ns per operation ({@link JmhResult#nanosPerOp()}): for throughput results, the wall time all
 * threads together take per operation, so that the same arithmetic serves both modes.
 */
final class PeerComparison {
    static final String BASELINE = "baseline";

    /**
     * One implementation's figures in the column.
     *
     * @param nanosPerOp raw ns per operation
     * @param netNanos ns per operation less the baseline's; {@code NaN} without a baseline, and for the baseline
     * @param vsBestPeer for a Sluice row, the best peer's ns ÷ this row's; {@code NaN} otherwise
     * @param netVsBestPeer the same on net figures; {@code NaN} unless both net figures are above 0
     * @param bestPeer whether this row is the best peer
     */
    record Row(String impl, JmhResult result, double nanosPerOp, double netNanos, double vsBestPeer,
            double netVsBestPeer, boolean bestPeer) {
    }

    private final List<Row> rows;
    private final Row best;

    private PeerComparison(List<Row> rows, Row best) {
        this.rows = rows;
        this.best = best;
    }

    /** @return whether {@code impl} is one of Sluice's rows */
    static boolean isSluice(String impl) {
        return impl.startsWith("sluice-");
    }

    /** @return whether {@code impl} is a peer: neither Sluice nor the baseline */
    static boolean isPeer(String impl) {
        return !isSluice(impl) && !impl.equals(BASELINE);
    }

    /**
     * @param byImpl the column's results by {@code impl}, in display order; a missing result is {@code null}
     * @return the comparison
     */
    static PeerComparison of(Map<String, JmhResult> byImpl) {
        JmhResult baseline = byImpl.get(BASELINE);
        double baseNanos = baseline == null ? Double.NaN : baseline.nanosPerOp();
        String bestImpl = null;
        double bestNanos = Double.POSITIVE_INFINITY;
        for (Map.Entry<String, JmhResult> e : byImpl.entrySet()) {
            if (isPeer(e.getKey()) && e.getValue() != null && e.getValue().nanosPerOp() < bestNanos) {
                bestImpl = e.getKey();
                bestNanos = e.getValue().nanosPerOp();
            }
        }
        double bestNet = bestNanos - baseNanos;
        List<Row> rows = new ArrayList<>();
        Row best = null;
        for (Map.Entry<String, JmhResult> e : byImpl.entrySet()) {
            String impl = e.getKey();
            JmhResult r = e.getValue();
            double nanos = r == null ? Double.NaN : r.nanosPerOp();
            double net = impl.equals(BASELINE) ? Double.NaN : nanos - baseNanos;
            double vs = Double.NaN;
            double netVs = Double.NaN;
            if (isSluice(impl) && bestImpl != null && r != null) {
                vs = bestNanos / nanos;
                netVs = net > 0 && bestNet > 0 ? bestNet / net : Double.NaN;
            }
            Row row = new Row(impl, r, nanos, net, vs, netVs, impl.equals(bestImpl));
            rows.add(row);
            if (row.bestPeer()) {
                best = row;
            }
        }
        return new PeerComparison(List.copyOf(rows), best);
    }

    /** @return every row, in display order */
    List<Row> rows() {
        return rows;
    }

    /** @return the best peer's row, or null when the column has no peer result */
    Row best() {
        return best;
    }
}
