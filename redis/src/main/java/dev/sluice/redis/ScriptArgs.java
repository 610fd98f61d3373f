package dev.sluice.redis;

import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.protocol.CommandArgs;
import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The arguments of one script call, written to the wire from bytes the callers encoded: each part carries its
 * keys and its arguments already in RESP ({@link Fragment}, built on the caller's thread), so the connection's
 * event loop, which every call of the connection goes through, only copies them. The layout is the scripts'
 * calling convention ({@code docs/redis.md}, "Scripts"): the script's SHA-1 (or its source, for EVAL), the key
 * count, every part's keys, the time flag, every part's arguments.
 *
 * <p>Immutable once built; Lettuce may encode it more than once (a Cluster command written again after a
 * reconnect), and every encoding is the same.
 */
final class ScriptArgs extends CommandArgs<byte[], byte[]> {
    private static final byte[] CRLF = {'\r', '\n'};

    private final byte[] head;
    private final byte[] flag;
    private final Part[] parts;
    private final int keyCount;
    private final int count;

    /**
     * @param head the SHA-1 or the source, as a RESP bulk string ({@link #bulk})
     * @param flag the time flag, as a RESP bulk string
     * @param parts the call's parts, in arrival order
     * @param keyCount the parts' keys
     */
    ScriptArgs(byte[] head, byte[] flag, Part[] parts, int keyCount) {
        super(ByteArrayCodec.INSTANCE);
        this.head = head;
        this.flag = flag;
        this.parts = parts;
        this.keyCount = keyCount;
        int arguments = 0;
        for (Part p : parts) {
            arguments += p.arguments();
        }
        this.count = 3 + keyCount + arguments;
    }

    /** {@return {@code text} as a RESP bulk string} */
    static byte[] bulk(String text) {
        Fragment f = new Fragment();
        f.bulk(text.getBytes(StandardCharsets.UTF_8));
        return f.toBytes();
    }

    @Override
    public int count() {
        return count;
    }

    @Override
    public void encode(ByteBuf buf) {
        buf.writeBytes(head);
        Fragment.writeBulk(buf, keyCount);
        for (Part p : parts) {
            buf.writeBytes(p.resp(), 0, p.keysEnd());
        }
        buf.writeBytes(flag);
        for (Part p : parts) {
            buf.writeBytes(p.resp(), p.keysEnd(), p.resp().length - p.keysEnd());
        }
    }

    /** The first key routes a Cluster command to its slot's master; all keys of a call share that slot. */
    @Override
    public ByteBuffer getFirstEncodedKey() {
        return ByteBuffer.wrap(parts[0].firstKey());
    }

    @Override
    public String toString() {
        return "ScriptArgs[" + parts.length + " checks, " + keyCount + " keys]";
    }

    @Override
    public String toCommandString() {
        return toString();
    }

    /**
     * A growing buffer of RESP bulk strings: one part's keys, then its arguments. Not thread-safe; one caller
     * builds one.
     */
    static final class Fragment {
        private byte[] bytes = new byte[160];
        private int length;

        /** Appends {@code value} as a bulk string. */
        Fragment bulk(byte[] value) {
            ensure(value.length + 16);
            bytes[length++] = '$';
            digits(value.length);
            crlf();
            System.arraycopy(value, 0, bytes, length, value.length);
            length += value.length;
            crlf();
            return this;
        }

        /** Appends the decimal digits of {@code value} as a bulk string. */
        Fragment bulk(long value) {
            ensure(32);
            int size = size(value);
            bytes[length++] = '$';
            digits(size);
            crlf();
            digits(value);
            crlf();
            return this;
        }

        int length() {
            return length;
        }

        byte[] toBytes() {
            return Arrays.copyOf(bytes, length);
        }

        static void writeBulk(ByteBuf buf, long value) {
            Fragment f = new Fragment();
            f.bulk(value);
            buf.writeBytes(f.bytes, 0, f.length);
        }

        private void crlf() {
            bytes[length++] = CRLF[0];
            bytes[length++] = CRLF[1];
        }

        private void ensure(int more) {
            if (length + more > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(2 * bytes.length, length + more));
            }
        }

        private void digits(long value) {
            if (value < 0) {
                bytes[length++] = '-';
                value = -value;
            }
            int end = length + size(value);
            int at = end;
            do {
                bytes[--at] = (byte) ('0' + value % 10);
                value /= 10;
            } while (value != 0);
            length = end;
        }

        /** {@return how many characters {@code value} takes in decimal (with its sign)} */
        private static int size(long value) {
            int n = value < 0 ? 2 : 1;
            long v = Math.abs(value);
            while (v >= 10) {
                v /= 10;
                n++;
            }
            return n;
        }
    }
}
