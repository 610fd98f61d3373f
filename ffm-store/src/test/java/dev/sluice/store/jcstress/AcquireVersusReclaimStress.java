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
import org.openjdk.jcstress.infra.results.JJ_Result;

/**
 * One thread charges a key whose window has just expired while another reclaims expired keys. Whichever
 * wins, the charge must land in the key's state: a later request sees remaining 0 of a limit of 2.
 */
@JCStressTest
@Outcome(id = {"1, 0", "0, 0"}, expect = Expect.ACCEPTABLE, desc = "charge kept (reclaimed before or not at all)")
@Outcome(expect = Expect.FORBIDDEN, desc = "the charge was lost to the reclaim")
@State
public class AcquireVersusReclaimStress {
    private static final long WINDOW = 1_000_000_000L;
    private static final long START = 5_000_000_000L;
    private static final long LATER = START + 2 * WINDOW;
    private final KeyedStore store = KeyedStore.builder(StoreAlgorithm.FIXED_WINDOW).maxKeys(4)
            .reclaimGraceNanos(0).build();

    public AcquireVersusReclaimStress() {
        acquire(START);
    }

    @Actor
    public void charge() {
        acquire(LATER);
    }

    @Actor
    public void reclaim(JJ_Result r) {
        r.r1 = store.reclaimExpired(LATER);
    }

    @Arbiter
    public void check(JJ_Result r) {
        AcquireResult out = new AcquireResult();
        store.acquire("k", 2, WINDOW, LATER, out);
        r.r2 = out.remaining();
        store.close();
    }

    private void acquire(long nowNanos) {
        store.acquire("k", 2, WINDOW, nowNanos, new AcquireResult());
    }
}
