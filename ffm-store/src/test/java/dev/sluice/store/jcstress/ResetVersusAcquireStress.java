package dev.sluice.store.jcstress;

import dev.sluice.store.AcquireResult;
import dev.sluice.store.KeyedStore;
import dev.sluice.store.StoreAlgorithm;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.ZZJ_Result;

/**
 * A key at its limit of 2: one thread acquires it while another resets it, for each algorithm. The acquire
 * is decided before the reset (refused, and the key then answers as new) or after it (admitted, the first
 * unit of the key's new life): a peek afterwards sees remaining 1 or 0 accordingly, never both admitted and
 * forgotten, nor refused and still charged.
 */
public class ResetVersusAcquireStress {
    private static final long WINDOW = 1_000_000_000L;
    private static final long NOW = 5_000_000_000L;

    abstract static class ResetVersusAcquire {
        final KeyedStore store;

        ResetVersusAcquire(StoreAlgorithm algorithm) {
            store = KeyedStore.builder(algorithm).maxKeys(4).build();
            acquire();
            acquire();
        }

        final boolean acquire() {
            return store.acquire("k", 2, WINDOW, NOW, new AcquireResult());
        }

        final boolean reset() {
            return store.reset("k", NOW);
        }

        final long remainingAfter() {
            AcquireResult out = new AcquireResult();
            store.peek("k", 2, WINDOW, NOW, out);
            store.close();
            return out.remaining();
        }
    }

    /** Fixed window. */
    @JCStressTest
    @Outcome(id = {"false, true, 1", "true, true, 0"}, expect = Expect.ACCEPTABLE, desc = "the acquire was decided before or after the reset")
    @Outcome(expect = Expect.FORBIDDEN, desc = "the acquire was lost, or charged to the forgotten state")
    @State
    public static class FixedWindow extends ResetVersusAcquire {
        public FixedWindow() {
            super(StoreAlgorithm.FIXED_WINDOW);
        }

        @Actor
        public void charge(ZZJ_Result r) {
            r.r1 = acquire();
        }

        @Actor
        public void forget(ZZJ_Result r) {
            r.r2 = reset();
        }

        @Arbiter
        public void check(ZZJ_Result r) {
            r.r3 = remainingAfter();
        }
    }

    /** Token bucket. */
    @JCStressTest
    @Outcome(id = {"false, true, 1", "true, true, 0"}, expect = Expect.ACCEPTABLE, desc = "the acquire was decided before or after the reset")
    @Outcome(expect = Expect.FORBIDDEN, desc = "the acquire was lost, or charged to the forgotten state")
    @State
    public static class TokenBucket extends ResetVersusAcquire {
        public TokenBucket() {
            super(StoreAlgorithm.TOKEN_BUCKET);
        }

        @Actor
        public void charge(ZZJ_Result r) {
            r.r1 = acquire();
        }

        @Actor
        public void forget(ZZJ_Result r) {
            r.r2 = reset();
        }

        @Arbiter
        public void check(ZZJ_Result r) {
            r.r3 = remainingAfter();
        }
    }

    /** Sliding-window log. */
    @JCStressTest
    @Outcome(id = {"false, true, 1", "true, true, 0"}, expect = Expect.ACCEPTABLE, desc = "the acquire was decided before or after the reset")
    @Outcome(expect = Expect.FORBIDDEN, desc = "the acquire was lost, or charged to the forgotten state")
    @State
    public static class SlidingLog extends ResetVersusAcquire {
        public SlidingLog() {
            super(StoreAlgorithm.SLIDING_WINDOW_LOG);
        }

        @Actor
        public void charge(ZZJ_Result r) {
            r.r1 = acquire();
        }

        @Actor
        public void forget(ZZJ_Result r) {
            r.r2 = reset();
        }

        @Arbiter
        public void check(ZZJ_Result r) {
            r.r3 = remainingAfter();
        }
    }
}
