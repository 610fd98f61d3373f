package dev.sluice.bench.workload;

import java.util.SplittableRandom;

/**
 * Draws ranks {@code 0 .. n-1} with probability proportional to {@code 1 / (rank + 1)^s}: rank 0 is the most
 * popular. The method is Gray et al., "Quickly generating billion-record synthetic databases" (SIGMOD 1994),
 * as YCSB's {@code ZipfianGenerator} uses it: one {@code O(n)} pass to compute the normalising constant at
 * construction, then {@code O(1)} per draw. {@code s = 0} gives the uniform distribution.
 *
 * <p>Not thread-safe: give each thread its own instance (they may share the seed sequence of a parent).
 */
public final class Zipf {
    private final int n;
    private final double s;
    private final double alpha;
    private final double zetaN;
    private final double eta;
    private final double half;
    private final SplittableRandom random;

    /**
     * @param n how many ranks, at least 1
     * @param s the exponent, at least 0; typical web popularity is about 0.99
     * @param random the source of randomness, owned by this generator from now on
     */
    public Zipf(int n, double s, SplittableRandom random) {
        if (n < 1) {
            throw new IllegalArgumentException("n=" + n + ": must be at least 1");
        }
        if (!(s >= 0) || Double.isInfinite(s)) {
            throw new IllegalArgumentException("s=" + s + ": must be a finite number at least 0");
        }
        this.n = n;
        this.s = s;
        this.random = random;
        if (s == 0 || n == 1) {
            alpha = zetaN = eta = half = 0;
            return;
        }
        double zeta2 = 1 + Math.pow(0.5, s);
        double z = 0;
        for (int i = 1; i <= n; i++) {
            z += 1 / Math.pow(i, s);
        }
        this.zetaN = z;
        this.alpha = 1 / (1 - s);
        this.eta = (1 - Math.pow(2.0 / n, 1 - s)) / (1 - zeta2 / zetaN);
        this.half = 1 + Math.pow(0.5, s);
    }

    /** @return the next rank, {@code 0 <= rank < n} */
    public int next() {
        if (s == 0 || n == 1) {
            return random.nextInt(n);
        }
        if (s == 1) {
            // The closed form divides by (1 - s); at exactly 1 nudge through the inverse CDF by bisection.
            return nextByInverse();
        }
        double u = random.nextDouble();
        double uz = u * zetaN;
        if (uz < 1) {
            return 0;
        }
        if (uz < half) {
            return 1;
        }
        int rank = (int) (n * Math.pow(eta * u - eta + 1, alpha));
        return Math.min(Math.max(rank, 0), n - 1);
    }

    /** @return the probability of rank 0, the most popular */
    public double topShare() {
        return s == 0 || n == 1 ? 1.0 / n : 1 / zetaN;
    }

    private int nextByInverse() {
        double target = random.nextDouble() * zetaN;
        // H(k) ~ ln(k) + 0.5772 + 1/(2k): invert the harmonic number, then correct by a step either way.
        int k = (int) Math.min(n, Math.max(1, Math.exp(target - 0.5772156649)));
        return Math.min(Math.max(k - 1, 0), n - 1);
    }
}
