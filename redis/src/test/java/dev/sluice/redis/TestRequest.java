package dev.sluice.redis;

import dev.sluice.spi.Batch;
import dev.sluice.spi.Operation;
import dev.sluice.spi.Outcome;
import java.util.ArrayList;
import java.util.List;

/**
 * A request for tests, built entry by entry in any order and turned into the engine's {@link Batch} when a backend
 * first needs it ({@link #batch()}); its outcomes are read back from that batch.
 *
 * <p>Not thread-safe.
 */
final class TestRequest {
    private record Entry(String keySpace, List<String> attributes, List<String> parts, long count, long windowSeconds) {
    }

    private final List<Entry> entries = new ArrayList<>();
    private final long epochNanos;
    private Operation operation = Operation.CHECK;
    private boolean allOrNothing;
    private long permits = 1;
    private String tenant;
    private Batch batch;

    private TestRequest(long epochNanos) {
        this.epochNanos = epochNanos;
    }

    /** {@return a check of one permit at {@code epochNanos}, without a tenant} */
    static TestRequest at(long epochNanos) {
        return new TestRequest(epochNanos);
    }

    TestRequest operation(Operation op) {
        this.operation = op;
        return this;
    }

    TestRequest allOrNothingOn() {
        this.allOrNothing = true;
        return this;
    }

    TestRequest permits(long n) {
        this.permits = n;
        return this;
    }

    TestRequest tenant(String t) {
        this.tenant = t;
        return this;
    }

    /** Adds a preset's entry: key space {@code dimension}, one attribute named the same. */
    TestRequest preset(String dimension, String value, long count, long windowSeconds) {
        return entry(dimension, List.of(dimension), List.of(value), count, windowSeconds);
    }

    /** Adds an entry of a limit named {@code keySpace}, keyed by {@code attributes} with {@code parts} as values. */
    TestRequest entry(String keySpace, List<String> attributes, List<String> parts, long count, long windowSeconds) {
        entries.add(new Entry(keySpace, List.copyOf(attributes), List.copyOf(parts), count, windowSeconds));
        return this;
    }

    /** {@return the request as the engine hands it to a backend, built once} */
    Batch batch() {
        if (batch == null) {
            batch = new Batch().begin(operation, permits, allOrNothing, tenant, epochNanos, epochNanos);
            for (Entry e : entries) {
                batch.key(e.keySpace());
                for (int j = 0; j < e.parts().size(); j++) {
                    batch.part(e.attributes().get(j), e.parts().get(j));
                }
                batch.rate(e.count(), e.windowSeconds());
            }
        }
        return batch;
    }

    int size() {
        return batch().size();
    }

    Outcome outcome(int i) {
        return batch().outcome(i);
    }

    long remaining(int i) {
        return batch().remaining(i);
    }

    long resetAfterNanos(int i) {
        return batch().resetAfterNanos(i);
    }

    long retryAfterNanos(int i) {
        return batch().retryAfterNanos(i);
    }

    /** {@return every entry's outcome and numbers, for one assertion that shows them all} */
    String answers() {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < size(); i++) {
            b.append(i == 0 ? "" : "; ").append(outcome(i)).append(" remaining=").append(remaining(i)).append(" reset=")
                    .append(resetAfterNanos(i)).append(" retry=").append(retryAfterNanos(i));
        }
        return b.toString();
    }
}
