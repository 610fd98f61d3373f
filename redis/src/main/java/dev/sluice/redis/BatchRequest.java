package dev.sluice.redis;

import dev.sluice.spi.Batch;

/**
 * The engine's {@link Batch} as a {@link RedisRequest}: a check of one permit, each dimension a preset entry whose
 * one attribute is the dimension itself, charged on every dimension that has room.
 *
 * <p>Not thread-safe, like the batch it reads.
 */
final class BatchRequest implements RedisRequest {
    private final Batch batch;

    BatchRequest(Batch batch) {
        this.batch = batch;
    }

    @Override
    public Operation operation() {
        return Operation.CHECK;
    }

    @Override
    public boolean allOrNothing() {
        return false;
    }

    @Override
    public long permits() {
        return 1;
    }

    @Override
    public String tenant() {
        return batch.tenant();
    }

    @Override
    public long epochNanos() {
        return batch.epochNanos();
    }

    @Override
    public int size() {
        return batch.size();
    }

    @Override
    public String keySpace(int i) {
        return batch.dimension(i).key();
    }

    @Override
    public int partCount(int i) {
        return 1;
    }

    @Override
    public String attribute(int i, int j) {
        return batch.dimension(i).key();
    }

    @Override
    public String part(int i, int j) {
        return batch.value(i);
    }

    @Override
    public long count(int i) {
        return batch.rate(i).count();
    }

    @Override
    public long windowSeconds(int i) {
        return batch.rate(i).windowSeconds();
    }

    @Override
    public void allow(int i, long remaining, long resetAfterNanos) {
        batch.allow(i, remaining, resetAfterNanos);
    }

    @Override
    public void block(int i, long resetAfterNanos, long retryAfterNanos) {
        batch.block(i, resetAfterNanos, retryAfterNanos);
    }

    @Override
    public void unavailable(int i) {
        batch.unavailable(i);
    }
}
