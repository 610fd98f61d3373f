package dev.sluice.store;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * A reusable builder for one key's bytes. A caller clears it, appends the parts of a key and hands it to
 * {@link KeyedStore#acquire}; characters are encoded as UTF-8, so any Unicode string is a valid key.
 *
 * <p>A key never holds a zero byte: the store ends a key at its first zero byte instead of storing its length
 * (8 bytes less per key). So U+0000 is encoded as {@code 0xC0 0x80}, as modified UTF-8 does (two bytes, never
 * confused with another character), and appending a raw zero byte is refused.
 *
 * <p>The buffer grows (allocating once) when a key is longer than it has ever been; after that, building a
 * key allocates nothing.
 *
 * <p>Not thread-safe: one instance per calling thread.
 */
public final class KeyBuffer {
    private byte[] bytes;
    private int length;

    /** Creates a buffer that holds keys of up to 64 bytes before it first grows. */
    public KeyBuffer() {
        this(64);
    }

    /**
     * @param initialCapacityBytes bytes held before the buffer first grows
     * @throws IllegalArgumentException if {@code initialCapacityBytes} is not positive
     */
    public KeyBuffer(int initialCapacityBytes) {
        if (initialCapacityBytes <= 0) {
            throw new IllegalArgumentException("initialCapacityBytes=" + initialCapacityBytes + ": must be positive");
        }
        bytes = new byte[wordMultiple(initialCapacityBytes)];
    }

    /*
     * The backing array is always a whole number of 8-byte words long: the store hashes and compares keys a
     * word at a time, and the word that holds the last key byte must lie inside the array (the bytes after
     * the key in it are masked off).
     */
    private static int wordMultiple(int capacity) {
        return (int) Math.min(Integer.MAX_VALUE & ~7, (capacity + 7L) & ~7L);
    }

    /** Empties the buffer. @return this buffer */
    public KeyBuffer clear() {
        length = 0;
        return this;
    }

    /** @return the number of key bytes held */
    public int length() {
        return length;
    }

    /**
     * @param index a position below {@link #length()}
     * @return the key byte at {@code index}
     */
    public byte byteAt(int index) {
        if (index < 0 || index >= length) {
            throw new IndexOutOfBoundsException("index=" + index + ", length=" + length);
        }
        return bytes[index];
    }

    /**
     * @return the held key bytes, as a heap segment of exactly {@link #length()} bytes over this buffer's
     *     array, valid until the next change (allocates; for diagnostics and tests)
     */
    public MemorySegment segment() {
        return MemorySegment.ofArray(bytes).asSlice(0, length);
    }

    /** The whole backing array, a multiple of 8 bytes long; only the first {@link #length()} bytes are the key. */
    byte[] array() {
        return bytes;
    }

    /** @return a copy of the held key bytes (allocates; for diagnostics and tests) */
    public byte[] toByteArray() {
        return Arrays.copyOf(bytes, length);
    }

    /**
     * Appends one byte.
     *
     * @return this buffer
     * @throws IllegalArgumentException if {@code value} is zero (a key never holds a zero byte)
     */
    public KeyBuffer append(byte value) {
        if (value == 0) {
            throw new IllegalArgumentException("value=0: a key never holds a zero byte (appendUtf8 encodes U+0000 as 0xC0 0x80)");
        }
        ensure(1);
        bytes[length++] = value;
        return this;
    }

    /**
     * Appends bytes as they are (a key part encoded once, ahead of time).
     *
     * @return this buffer
     * @throws IllegalArgumentException if {@code part} holds a zero byte (a key never holds one)
     */
    public KeyBuffer append(byte[] part) {
        for (int i = 0; i < part.length; i++) {
            if (part[i] == 0) {
                throw new IllegalArgumentException("part[" + i + "]=0: a key never holds a zero byte"
                        + " (appendUtf8 encodes U+0000 as 0xC0 0x80)");
            }
        }
        ensure(part.length);
        System.arraycopy(part, 0, bytes, length, part.length);
        length += part.length;
        return this;
    }

    /**
     * Appends the UTF-8 encoding of {@code chars}; an unpaired surrogate is encoded as {@code '?'}, as
     * {@link java.nio.charset.StandardCharsets#UTF_8} does, and U+0000 as {@code 0xC0 0x80} (see the class
     * comment).
     *
     * @return this buffer
     */
    public KeyBuffer appendUtf8(CharSequence chars) {
        int n = chars.length();
        ensure(n);
        // The ASCII run is copied by a counted loop over locals with the capacity checked once: no growth
        // test and no field write per character. (A separate String-typed loop measured no faster: the JIT
        // inlines charAt from the call site's type profile.)
        byte[] b = bytes;
        int at = length;
        int i = 0;
        for (; i < n; i++) {
            char c = chars.charAt(i);
            // One unsigned test for both ends: U+0001..U+007F are copied; U+0000 and non-ASCII are not.
            if ((char) (c - 1) >= 0x7F) {
                break;
            }
            b[at + i] = (byte) c;
        }
        length = at + i;
        for (; i < n; i++) {
            char c = chars.charAt(i);
            if ((char) (c - 1) < 0x7F) {
                ensure(1);
                bytes[length++] = (byte) c;
            } else {
                i = appendNonAscii(chars, i, c);
            }
        }
        return this;
    }

    /**
     * Appends the decimal digits of a non-negative number.
     *
     * @return this buffer
     * @throws IllegalArgumentException if {@code value} is negative
     */
    public KeyBuffer appendDecimal(long value) {
        if (value < 0) {
            throw new IllegalArgumentException("value=" + value + ": must not be negative");
        }
        int digits = 1;
        for (long v = value / 10; v != 0; v /= 10) {
            digits++;
        }
        ensure(digits);
        byte[] b = bytes;
        int end = length + digits;
        long v = value;
        for (int i = end - 1; i >= length; i--) {
            long quotient = v / 10;
            b[i] = (byte) ('0' + (v - quotient * 10));
            v = quotient;
        }
        length = end;
        return this;
    }

    /** Encodes {@code c} (U+0000 or above U+007F) and, for a surrogate pair, the char after it. */
    private int appendNonAscii(CharSequence chars, int i, char c) {
        ensure(4);
        if (c < 0x800) {
            // U+0000 lands here too, as 0xC0 0x80.
            bytes[length++] = (byte) (0xC0 | (c >> 6));
            bytes[length++] = (byte) (0x80 | (c & 0x3F));
            return i;
        }
        if (Character.isHighSurrogate(c) && i + 1 < chars.length() && Character.isLowSurrogate(chars.charAt(i + 1))) {
            int cp = Character.toCodePoint(c, chars.charAt(i + 1));
            bytes[length++] = (byte) (0xF0 | (cp >> 18));
            bytes[length++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
            bytes[length++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
            bytes[length++] = (byte) (0x80 | (cp & 0x3F));
            return i + 1;
        }
        if (Character.isSurrogate(c)) {
            bytes[length++] = (byte) '?';
            return i;
        }
        bytes[length++] = (byte) (0xE0 | (c >> 12));
        bytes[length++] = (byte) (0x80 | ((c >> 6) & 0x3F));
        bytes[length++] = (byte) (0x80 | (c & 0x3F));
        return i;
    }

    private void ensure(int more) {
        if (length + more > bytes.length) {
            int wanted = wordMultiple(Math.max(bytes.length * 2, length + more));
            bytes = Arrays.copyOf(bytes, wanted);
        }
    }
}
