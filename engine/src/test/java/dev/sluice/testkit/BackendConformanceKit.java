package dev.sluice.testkit;

import dev.sluice.Clock;
import dev.sluice.LimiterConfig;
import dev.sluice.RateLimiter;

/**
 * The scenarios every backend must pass. A backend's test class extends this kit and says how to build a
 * limiter on that backend; every scenario then runs against it, for every algorithm.
 */
public abstract class BackendConformanceKit {

    /**
     * Builds a limiter on the backend under test.
     *
     * @param config the scenario's configuration
     * @param clock the scenario's clock (a {@link dev.sluice.ManualClock} starting at {@link #baseEpochSeconds()})
     * @return a limiter the kit closes after the scenario
     */
    protected abstract RateLimiter newLimiter(LimiterConfig config, Clock clock);

    /**
     * The Unix time, in seconds, that scenario time 0 maps to. Backends whose stored state expires in real time
     * (Redis TTLs) override this with a time close to now.
     *
     * @return the base time in whole seconds
     */
    protected long baseEpochSeconds() {
        return 1_000L;
    }
}
