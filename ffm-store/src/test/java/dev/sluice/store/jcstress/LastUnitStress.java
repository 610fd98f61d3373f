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
import org.openjdk.jcstress.infra.results.ZZ_Result;

/** Two threads acquire the last unit of a key, for each algorithm: exactly one gets it. */
public class LastUnitStress {
    private static final long WINDOW = 1_000_000_000L;
    private static final long NOW = 5_000_000_000L;

    abstract static class LastUnit {
        final KeyedStore store;

        LastUnit(StoreAlgorithm algorithm) {
            store = KeyedStore.builder(algorithm).maxKeys(4).build();
            acquire();
        }

        final boolean acquire() {
            return store.acquire("k", 2, WINDOW, NOW, new AcquireResult());
        }
    }

    /** Fixed window. */
    @JCStressTest
    @Outcome(id = {"true, false", "false, true"}, expect = Expect.ACCEPTABLE, desc = "one thread got the last unit")
    @Outcome(expect = Expect.FORBIDDEN, desc = "the last unit was granted twice, or not at all")
    @State
    public static class FixedWindow extends LastUnit {
        public FixedWindow() {
            super(StoreAlgorithm.FIXED_WINDOW);
        }

        @Actor
        public void first(ZZ_Result r) {
            r.r1 = acquire();
        }

        @Actor
        public void second(ZZ_Result r) {
            r.r2 = acquire();
        }

        @Arbiter
        public void close(ZZ_Result r) {
            store.close();
        }
    }

    /** Token bucket. */
    @JCStressTest
    @Outcome(id = {"true, false", "false, true"}, expect = Expect.ACCEPTABLE, desc = "one thread got the last token")
    @Outcome(expect = Expect.FORBIDDEN, desc = "the last token was granted twice, or not at all")
    @State
    public static class TokenBucket extends LastUnit {
        public TokenBucket() {
            super(StoreAlgorithm.TOKEN_BUCKET);
        }

        @Actor
        public void first(ZZ_Result r) {
            r.r1 = acquire();
        }

        @Actor
        public void second(ZZ_Result r) {
            r.r2 = acquire();
        }

        @Arbiter
        public void close(ZZ_Result r) {
            store.close();
        }
    }

    /** Sliding-window log. */
    @JCStressTest
    @Outcome(id = {"true, false", "false, true"}, expect = Expect.ACCEPTABLE, desc = "one thread got the last slot")
    @Outcome(expect = Expect.FORBIDDEN, desc = "the last slot was granted twice, or not at all")
    @State
    public static class SlidingLog extends LastUnit {
        public SlidingLog() {
            super(StoreAlgorithm.SLIDING_WINDOW_LOG);
        }

        @Actor
        public void first(ZZ_Result r) {
            r.r1 = acquire();
        }

        @Actor
        public void second(ZZ_Result r) {
            r.r2 = acquire();
        }

        @Arbiter
        public void close(ZZ_Result r) {
            store.close();
        }
    }
}
