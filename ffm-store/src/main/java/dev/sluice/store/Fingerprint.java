package dev.sluice.store;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.security.SecureRandom;
import java.util.SplittableRandom;

/*
 * A key's identity in the store: a keyed 128-bit hash of its characters. The store keeps the fingerprint,
 * never the key, so a key of any length costs the same fixed bytes, and a lookup compares two words.
 *
 * THE FUNCTION
 *   Input: a seed (the caller's namespace: which limit, which window) and a run of UTF-16 code units. Four
 *   units are packed into a 64-bit word; two words (eight units) feed one round of two lanes:
 *
 *     a = mum(w0 ^ a, w1 ^ k1)        mum(x, y) = low64(x * y) ^ high64(x * y)   (128-bit product, folded)
 *     b = mum(w0 ^ k2, w1 ^ b)
 *
 *   The last round takes the remaining 0..7 units, zero-padded; the length is folded into the finish, so
 *   keys that differ only by trailing zero units differ. Finish: hi = mum(a ^ k3, b ^ len ^ k0),
 *   lo = mum(b ^ k1, a ^ k3 ^ len * C). The lanes are wyhash's multiply-fold; k0..k3 are per-store random
 *   secrets, so equal keys in two stores have unrelated fingerprints.
 *
 * COLLISIONS
 *   Two different keys share a fingerprint with probability about 2^-128 each, for a function that behaves
 *   as a random one of its secret keys; among n live keys the chance that any two collide is about
 *   n^2 / 2^129: 2^-75 at 10^8 keys. The store also compares only 126 of the bits (two status bits of the
 *   first word are its own), so the bound is n^2 / 2^127. A collision makes two keys share one state: each
 *   would be charged for the other's requests. That is the whole failure, and it is not reachable by a client:
 *     - the secrets are drawn per store from the JDK's seed generator and never leave the process, and the
 *       only thing a client sees is decisions, which say nothing about fingerprints;
 *     - without the secrets a client cannot predict any output bit, so crafting a colliding pair is a blind
 *       guess at 2^-126 per pair tried, and trying means sending requests at the rate the limiter admits.
 *   This is not a cryptographic MAC: the bound is for clients who cannot observe the hash, which holds for a
 *   limiter whose fingerprints never leave memory.
 *
 * SPEED
 *   One pass over the characters, eight units per round, two independent multiply chains. Two entry points
 *   compute the same function: of(seed, String, ...) reads the String a unit at a time, no copy made; a
 *   StoreBatch first copies the units into its scratch array (String.getChars, a vectorised copy) and
 *   reads them four at a time as little-endian words, which is the packing above, with the eight units
 *   after the key zeroed as the padding.
 */
/**
 * Fingerprints keys for one store: a keyed 128-bit hash of the key's UTF-16 code units under a caller's seed.
 *
 * <p>Thread-safe and immutable; {@link #of} allocates nothing.
 */
public final class Fingerprint {
    private static final long C = 0x9E37_79B9_7F4A_7C15L;
    /** Four UTF-16 units as one word, the first in the low bits, whatever the platform's byte order. */
    private static final ValueLayout.OfLong FOUR_UNITS = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    /** Units of zero padding {@link #of(long, MemorySegment, int, long[], int)} reads after a key. */
    static final int PADDING_UNITS = 8;

    private final long k0;
    private final long k1;
    private final long k2;
    private final long k3;

    private Fingerprint(long k0, long k1, long k2, long k3) {
        this.k0 = k0 | 1;
        this.k1 = k1 | 1;
        this.k2 = k2 | 1;
        this.k3 = k3 | 1;
    }

    /** @return a fingerprint function with fresh random secrets */
    static Fingerprint random() {
        SecureRandom random = new SecureRandom();
        return new Fingerprint(random.nextLong(), random.nextLong(), random.nextLong(), random.nextLong());
    }

    /** @return a fingerprint function whose secrets follow from {@code seed}, for reproducible tests */
    static Fingerprint seeded(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        return new Fingerprint(random.nextLong(), random.nextLong(), random.nextLong(), random.nextLong());
    }

    /**
     * A seed for keys of one namespace, e.g. one dimension and window: keys under different seeds never
     * share a fingerprint except by the collision bound above.
     *
     * @param namespace any number naming the namespace
     * @return the seed to pass to {@link #of}
     */
    public long seed(long namespace) {
        return mum(namespace ^ k2, C ^ k3) ^ namespace;
    }

    /**
     * Hashes {@code key}; returns the high word and writes the low word to {@code lo[index]}.
     *
     * @param seed from {@link #seed(long)}
     * @param key the key's characters, any length
     * @param lo receives the low word
     * @param index where in {@code lo}
     * @return the high word
     */
    public long of(long seed, String key, long[] lo, int index) {
        return of(seed, seed, key, lo, index);
    }

    /**
     * Hashes {@code key} under a seed of two words, such as the fingerprint of the parts of a composite key before
     * it: a key of several parts is then hashed one part after another, none copied or joined, and the chain keeps
     * all 128 bits from part to part. Each part's length is folded into its own fingerprint, so parts need no
     * separator. {@link #of(long, String, long[], int) of(seed, key, lo, index)} is
     * {@code of(seed, seed, key, lo, index)}.
     *
     * @param seedHi the seed's first word, e.g. the high word of the previous part's fingerprint
     * @param seedLo the seed's second word, e.g. its low word
     * @param key the key's characters, any length
     * @param lo receives the low word
     * @param index where in {@code lo}
     * @return the high word
     */
    public long of(long seedHi, long seedLo, String key, long[] lo, int index) {
        int length = key.length();
        long a = seedHi ^ k0;
        long b = seedLo ^ k1 ^ C;
        int i = 0;
        for (; length - i > 8; i += 8) {
            long w0 = key.charAt(i) | (long) key.charAt(i + 1) << 16 | (long) key.charAt(i + 2) << 32
                    | (long) key.charAt(i + 3) << 48;
            long w1 = key.charAt(i + 4) | (long) key.charAt(i + 5) << 16 | (long) key.charAt(i + 6) << 32
                    | (long) key.charAt(i + 7) << 48;
            a = mum(w0 ^ a, w1 ^ k1);
            b = mum(w0 ^ k2, w1 ^ b);
        }
        long w0 = 0;
        long w1 = 0;
        int shift = 0;
        for (int j = i; j < length; j++, shift += 16) {
            long unit = key.charAt(j);
            if (shift < 64) {
                w0 |= unit << shift;
            } else {
                w1 |= unit << (shift - 64);
            }
        }
        a = mum(w0 ^ a, w1 ^ k1);
        b = mum(w0 ^ k2, w1 ^ b);
        lo[index] = mum(b ^ k1, a ^ k3 ^ length * C);
        return mum(a ^ k3, b ^ length ^ k0);
    }

    /**
     * The same function as {@link #of(long, String, long[], int)}, over units already copied into memory:
     * {@code units} holds the key's {@code length} UTF-16 units from offset 0, followed by
     * {@link #PADDING_UNITS} zero units.
     */
    long of(long seed, MemorySegment units, int length, long[] lo, int index) {
        long a = seed ^ k0;
        long b = seed ^ k1 ^ C;
        long end = 2L * length;
        long offset = 0;
        for (; end - offset > 16; offset += 16) {
            long w0 = units.get(FOUR_UNITS, offset);
            long w1 = units.get(FOUR_UNITS, offset + 8);
            a = mum(w0 ^ a, w1 ^ k1);
            b = mum(w0 ^ k2, w1 ^ b);
        }
        long w0 = units.get(FOUR_UNITS, offset);
        long w1 = units.get(FOUR_UNITS, offset + 8);
        a = mum(w0 ^ a, w1 ^ k1);
        b = mum(w0 ^ k2, w1 ^ b);
        lo[index] = mum(b ^ k1, a ^ k3 ^ length * C);
        return mum(a ^ k3, b ^ length ^ k0);
    }

    private static long mum(long x, long y) {
        return x * y ^ Math.unsignedMultiplyHigh(x, y);
    }
}
