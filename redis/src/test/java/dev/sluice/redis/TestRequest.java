package dev.sluice.redis;

import java.util.ArrayList;
import java.util.List;

/**
 * A {@link RedisRequest} for tests: a request built entry by entry, with its outcomes kept for assertions.
 *
 * <p>Not thread-safe.
 */
final class TestRequest implements RedisRequest {
    /** An entry's outcome as the backend wrote it. */
    enum Outcome { PENDING, ALLOWED, BLOCKED, UNAVAILABLE }

    private record Entry(String keySpace, List<String> attributes, List<String> parts, long count, long windowSeconds) {
    }

    private final List<Entry> entries = new ArrayList<>();
    private final List<Outcome> outcomes = new ArrayList<>();
    private final List<long[]> answers = new ArrayList<>();
    private Operation operation = Operation.CHECK;
    private boolean allOrNothing;
    private long permits = 1;
    private String tenant;
    private final long epochNanos;

    private TestRequest(long epochNanos) {
        this.epochNanos = epochNanos;
    }

    /** @return a check of one permit at {@code epochNanos}, without a tenant */
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
        outcomes.add(Outcome.PENDING);
        answers.add(new long[3]);
        return this;
    }

    Outcome outcome(int i) {
        return outcomes.get(i);
    }

    long remaining(int i) {
        return answers.get(i)[0];
    }

    long resetAfterNanos(int i) {
        return answers.get(i)[1];
    }

    long retryAfterNanos(int i) {
        return answers.get(i)[2];
    }

    /** @return every entry's outcome and numbers, for one assertion that shows them all */
    String answers() {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < entries.size(); i++) {
            long[] a = answers.get(i);
            b.append(i == 0 ? "" : "; ").append(outcomes.get(i)).append(" remaining=").append(a[0]).append(" reset=")
                    .append(a[1]).append(" retry=").append(a[2]);
        }
        return b.toString();
    }

    @Override
    public Operation operation() {
        return operation;
    }

    @Override
    public boolean allOrNothing() {
        return allOrNothing;
    }

    @Override
    public long permits() {
        return permits;
    }

    @Override
    public String tenant() {
        return tenant;
    }

    @Override
    public long epochNanos() {
        return epochNanos;
    }

    @Override
    public int size() {
        return entries.size();
    }

    @Override
    public String keySpace(int i) {
        return entries.get(i).keySpace();
    }

    @Override
    public int partCount(int i) {
        return entries.get(i).parts().size();
    }

    @Override
    public String attribute(int i, int j) {
        return entries.get(i).attributes().get(j);
    }

    @Override
    public String part(int i, int j) {
        return entries.get(i).parts().get(j);
    }

    @Override
    public long count(int i) {
        return entries.get(i).count();
    }

    @Override
    public long windowSeconds(int i) {
        return entries.get(i).windowSeconds();
    }

    @Override
    public void allow(int i, long remaining, long resetAfterNanos) {
        outcomes.set(i, Outcome.ALLOWED);
        answers.set(i, new long[] {remaining, resetAfterNanos, 0});
    }

    @Override
    public void block(int i, long resetAfterNanos, long retryAfterNanos) {
        outcomes.set(i, Outcome.BLOCKED);
        answers.set(i, new long[] {0, resetAfterNanos, retryAfterNanos});
    }

    @Override
    public void unavailable(int i) {
        outcomes.set(i, Outcome.UNAVAILABLE);
    }
}
