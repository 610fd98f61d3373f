package dev.sluice.store;

import java.lang.foreign.Arena;

/**
 * A {@link KeyedStore} whose keys run token buckets ({@link TokenBucket}).
 *
 * <p>Thread-safe; {@code acquire} never blocks, never allocates and never takes a lock.
 */
public final class TokenBucketStore extends KeyedStore {
    TokenBucketStore(Builder builder, Arena arena) {
        super(builder, arena, null);
    }

    @Override
    boolean admit(long hi, long lo, long permits, long limit, long windowNanos, long now, AcquireResult out) {
        long emission = TokenBucket.emissionNanos(limit, windowNanos);
        long burst = emission * limit;
        long home = table.home(lo);
        for (;;) {
            long handle = table.find(hi, lo, home);
            if (handle < 0) {
                int inserted = insert(hi, lo, home, permits, emission, burst, now, out);
                if (inserted == INSERTED) {
                    return true;
                }
                if (inserted == FULL) {
                    return tableFull(out);
                }
                continue;
            }
            long offset = SlotTable.offsetOf(handle);
            for (;;) {
                long state = table.state(offset);
                if (StateWordLayout.bucketDead(state)) {
                    table.unlinkDead(handle, hi);
                    break;
                }
                long next = TokenBucket.admit(state, permits, emission, burst, now);
                if (next == TokenBucket.REFUSED) {
                    if (!table.stillLive(handle, hi)) {
                        break;
                    }
                    // Linearizes here: the acquire read saw fewer tokens than the request costs. The bucket
                    // resets, for this request, when it can be admitted (spec: Reset = Retry-After when refused).
                    long waitNanos = TokenBucket.retryAfter(state, permits, emission, burst, now);
                    out.set(AcquireResult.BLOCKED, 0, waitNanos, waitNanos);
                    return false;
                }
                // Linearizes here: the whole bucket is the one TAT word; the CAS takes the tokens from the
                // bucket the read saw, and its generation rejects a slot that was reused meanwhile.
                if (table.casState(offset, state, next)) {
                    out.set(AcquireResult.ALLOWED, TokenBucket.remaining(next, emission, burst, now),
                            TokenBucket.untilFull(next, now), 0);
                    return true;
                }
            }
        }
    }

    private int insert(long hi, long lo, long home, long permits, long emission, long burst, long now, AcquireResult out) {
        long offset = claim(hi, home, now);
        if (offset == SlotTable.FULL) {
            return FULL;
        }
        long state = TokenBucket.first(table.claimedState(offset), permits, emission, now);
        int inserted = publish(hi, lo, home, offset, state);
        if (inserted == INSERTED) {
            out.set(AcquireResult.ALLOWED, TokenBucket.remaining(state, emission, burst, now), TokenBucket.untilFull(state, now), 0);
        }
        return inserted;
    }

    @Override
    boolean expired(long offset, long state, long reference, long now) {
        return TokenBucket.expired(state, reference, now, graceNanos);
    }
}
