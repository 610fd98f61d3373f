package dev.sluice.store;

import java.lang.foreign.Arena;

/**
 * A {@link KeyedStore} whose keys run token buckets ({@link TokenBucket}).
 *
 * <p>Thread-safe; {@code acquire} never blocks, never allocates and never takes a lock.
 */
public final class TokenBucketStore extends KeyedStore {
    /** What insert returns for a full table and for a lost claim: DEAD words, which no charge writes. */
    private static final long TABLE_FULL = TokenBucket.REFUSED;
    private static final long CLAIM_LOST = StateWordLayout.TAT_MASK;

    TokenBucketStore(Builder builder, Arena arena) {
        super(builder, arena, null);
    }

    @Override
    boolean admit(long hi, long lo, long permits, long limit, long windowNanos, long now, AcquireResult out) {
        return charge(hi, lo, permits, limit, windowNanos, now, out) != TokenBucket.REFUSED;
    }

    /** @return the word written, or TokenBucket.REFUSED (a DEAD word is never written by a charge) */
    @Override
    long charge(long hi, long lo, long permits, long limit, long windowNanos, long now, AcquireResult out) {
        long emission = TokenBucket.emissionNanos(limit, windowNanos);
        long burst = emission * limit;
        long home = table.home(lo);
        for (;;) {
            long handle = table.find(hi, lo, home);
            if (handle < 0) {
                long inserted = insert(hi, lo, home, permits, emission, burst, now, out);
                if (inserted == TABLE_FULL) {
                    tableFull(out);
                    return TokenBucket.REFUSED;
                }
                if (inserted != CLAIM_LOST) {
                    return inserted;
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
                    return TokenBucket.REFUSED;
                }
                // Linearizes here: the whole bucket is the one TAT word; the CAS takes the tokens from the
                // bucket the read saw, and its generation rejects a slot that was reused meanwhile.
                if (table.casState(offset, state, next)) {
                    out.set(AcquireResult.ALLOWED, TokenBucket.remaining(next, emission, burst, now),
                            TokenBucket.untilFull(next, now), 0);
                    return next;
                }
            }
        }
    }

    /** @return the first state word, published; or TABLE_FULL, or CLAIM_LOST */
    private long insert(long hi, long lo, long home, long permits, long emission, long burst, long now, AcquireResult out) {
        long offset = claim(hi, home, now);
        if (offset == SlotTable.FULL) {
            return TABLE_FULL;
        }
        long state = TokenBucket.first(table.claimedState(offset), permits, emission, now);
        int inserted = publish(hi, lo, home, offset, state);
        if (inserted == INSERTED) {
            out.set(AcquireResult.ALLOWED, TokenBucket.remaining(state, emission, burst, now), TokenBucket.untilFull(state, now), 0);
            return state;
        }
        return CLAIM_LOST;
    }
    /**
     * Gives the charge's tokens back to the bucket of the charge's life (its generation), never beyond a full
     * bucket: the TAT moves {@code permits} emission intervals earlier, and no earlier than now.
     */
    @Override
    void refund(long hi, long lo, long permits, long limit, long windowNanos, long charged, long now) {
        long emission = TokenBucket.emissionNanos(limit, windowNanos);
        long burst = emission * limit;
        long home = table.home(lo);
        for (;;) {
            long handle = table.find(hi, lo, home);
            if (handle < 0) {
                return;
            }
            long offset = SlotTable.offsetOf(handle);
            long state = table.state(offset);
            if (StateWordLayout.bucketDead(state)
                    || StateWordLayout.bucketGeneration(state) != StateWordLayout.bucketGeneration(charged)) {
                return;
            }
            long tat = TokenBucket.tat(state, burst, now);
            if (tat - now <= 0) {
                return;
            }
            if (!table.stillLive(handle, hi)) {
                continue;
            }
            long given = tat - permits * emission;
            long next = StateWordLayout.bucket(StateWordLayout.bucketGeneration(state), given - now > 0 ? given : now);
            // Linearizes here (the give-back): the bucket is one word; the CAS returns the tokens to the bucket
            // the read saw, and its generation rejects a bucket of a later life of the key or of another key.
            if (table.casState(offset, state, next)) {
                return;
            }
        }
    }

    @Override
    boolean inspect(long hi, long lo, long permits, long limit, long windowNanos, long now, AcquireResult out) {
        long emission = TokenBucket.emissionNanos(limit, windowNanos);
        long burst = emission * limit;
        long home = table.home(lo);
        for (;;) {
            long handle = table.find(hi, lo, home);
            long state = -1;
            if (handle >= 0) {
                state = table.state(SlotTable.offsetOf(handle));
                if (StateWordLayout.bucketDead(state)) {
                    // An evicted key not yet unlinked: finish the unlink, as every reader does, and look again.
                    table.unlinkDead(handle, hi);
                    continue;
                }
                if (!table.stillLive(handle, hi)) {
                    continue;
                }
            }
            // Linearizes here: at the state read, which the identity re-read shows was this key's word (or at
            // the lookup's miss: no state); the answer is admit's on that word, and nothing is written.
            long next = handle < 0 ? StateWordLayout.bucket(0, now + permits * emission)
                    : TokenBucket.admit(state, permits, emission, burst, now);
            if (next == TokenBucket.REFUSED) {
                long waitNanos = TokenBucket.retryAfter(state, permits, emission, burst, now);
                out.set(AcquireResult.BLOCKED, 0, waitNanos, waitNanos);
                return false;
            }
            out.set(AcquireResult.ALLOWED, TokenBucket.remaining(next, emission, burst, now), TokenBucket.untilFull(next, now), 0);
            return true;
        }
    }

    @Override
    boolean unexpired(long offset, long state, long now) {
        long ahead = StateWordLayout.bucketTat(state, now) - now;
        return ahead > 0 && ahead <= StateWordLayout.MAX_WINDOW_NANOS + StateWordLayout.MAX_LIMIT + SKEW_NANOS;
    }

    @Override
    boolean expired(long offset, long state, long reference, long now) {
        return TokenBucket.expired(state, reference, now, graceNanos);
    }
}
