package dev.sluice.bench.workload;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ZipfTest {
    @Test
    void mostPopularRankIsDrawnMostOften() {
        Zipf zipf = new Zipf(1000, 0.99, new SplittableRandom(1));
        int[] counts = new int[1000];
        for (int i = 0; i < 200_000; i++) {
            counts[zipf.next()]++;
        }
        assertTrue(counts[0] > counts[1] && counts[1] > counts[10] && counts[10] > counts[500],
                counts[0] + " " + counts[1] + " " + counts[10] + " " + counts[500]);
        double share = counts[0] / 200_000.0;
        assertTrue(Math.abs(share - zipf.topShare()) < 0.02, share + " vs " + zipf.topShare());
    }

    @Test
    void zeroExponentIsUniformAndStaysInRange() {
        Zipf zipf = new Zipf(10, 0, new SplittableRandom(2));
        int[] counts = new int[10];
        for (int i = 0; i < 100_000; i++) {
            counts[zipf.next()]++;
        }
        for (int c : counts) {
            assertTrue(c > 9_000 && c < 11_000, "count " + c);
        }
    }
}
