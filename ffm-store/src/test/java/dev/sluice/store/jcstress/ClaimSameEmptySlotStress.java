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
import org.openjdk.jcstress.infra.results.JJJ_Result;

/**
 * Two threads insert the same new key into an empty store (both race for the same free slot): the key must
 * be created once, so the two requests see remaining 1 and 0 of a limit of 2, and the store holds one key.
 */
@JCStressTest
@Outcome(id = {"1, 0, 1", "0, 1, 1"}, expect = Expect.ACCEPTABLE, desc = "one key, both requests charged to it")
@Outcome(expect = Expect.FORBIDDEN, desc = "the key was created twice, or a request was lost")
@State
public class ClaimSameEmptySlotStress {
    private final KeyedStore store = KeyedStore.builder(StoreAlgorithm.FIXED_WINDOW).maxKeys(4).build();

    @Actor
    public void first(JJJ_Result r) {
        r.r1 = acquire();
    }

    @Actor
    public void second(JJJ_Result r) {
        r.r2 = acquire();
    }

    @Arbiter
    public void count(JJJ_Result r) {
        r.r3 = store.size();
        store.close();
    }

    private long acquire() {
        AcquireResult out = new AcquireResult();
        store.acquire("same-new-key", 2, 1_000_000_000L, 5_000_000_000L, out);
        return out.allowed() ? out.remaining() : -1;
    }
}
