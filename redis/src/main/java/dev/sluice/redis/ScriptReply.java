package dev.sluice.redis;

import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.output.CommandOutput;
import java.nio.ByteBuffer;

/**
 * Reads a script's reply straight into a {@code long[]}: one flat array of exactly the integers the call's keys
 * expect (the call's time, then {@link LimitScript#REPLY_WIDTH} per key). Anything else (a nested array, a string, nil, too few or too
 * many integers) marks the reply malformed instead of failing inside Lettuce's decoder, so that the backend can
 * turn it into a failure of every check of the call. An error reply ({@code NOSCRIPT}, {@code WRONGTYPE}, ...)
 * is Lettuce's to raise.
 *
 * <p>Not thread-safe: Lettuce's event loop fills it, and the backend reads it once the command has completed.
 */
final class ScriptReply extends CommandOutput<byte[], byte[], long[]> {
    /** The allowed flag of every key of a check that failed inside the script (a key of another type). */
    static final long FAILED = 2;
    /** The allowed flag of every key of a check that Redis refused for want of memory; nothing was written. */
    static final long OUT_OF_MEMORY = 3;

    private int arrays;
    private int count;
    private boolean malformed;

    /** @param integers how many integers the reply must hold */
    ScriptReply(int integers) {
        super(ByteArrayCodec.INSTANCE, new long[integers]);
    }

    @Override
    public void multi(int elements) {
        if (++arrays > 1 || elements != output.length) {
            malformed = true;
        }
    }

    @Override
    public void set(long integer) {
        if (arrays == 1 && count < output.length) {
            output[count++] = integer;
        } else {
            malformed = true;
        }
    }

    @Override
    public void set(ByteBuffer bytes) {
        malformed = true;
    }

    @Override
    public void set(double number) {
        malformed = true;
    }

    @Override
    public void set(boolean value) {
        malformed = true;
    }

    @Override
    public void setBigNumber(ByteBuffer bytes) {
        malformed = true;
    }

    /**
     * @return true when the reply was one array of exactly the expected integers, each key's first (its room) 0, 1,
     *         {@link #FAILED} or {@link #OUT_OF_MEMORY} and every value not negative
     */
    boolean wellFormed() {
        if (malformed || arrays != 1 || count != output.length) {
            return false;
        }
        for (int i = 0; i < count; i++) {
            long v = output[i];
            boolean room = i >= LimitScript.REPLY_HEADER && (i - LimitScript.REPLY_HEADER) % LimitScript.REPLY_WIDTH == 0;
            if (v < 0 || (room && v > OUT_OF_MEMORY)) {
                return false;
            }
        }
        return true;
    }

    /** {@return the reply as Redis sent it, shortened, for an error message} */
    String describe() {
        StringBuilder b = new StringBuilder();
        if (arrays == 0) {
            return "a single value, not an array";
        }
        b.append(arrays == 1 ? "an array" : "nested arrays").append(" of ").append(count).append(" integers");
        if (malformed) {
            b.append(" and other elements");
        }
        b.append(" [");
        for (int i = 0; i < Math.min(count, 12); i++) {
            b.append(i == 0 ? "" : ", ").append(output[i]);
        }
        return b.append(count > 12 ? ", ...]" : "]").toString();
    }
}
