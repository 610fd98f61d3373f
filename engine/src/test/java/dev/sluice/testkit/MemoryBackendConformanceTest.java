package dev.sluice.testkit;

import dev.sluice.Clock;
import dev.sluice.LimiterConfig;
import dev.sluice.RateLimiter;

/** The conformance kit against the embedded off-heap backend, the default. */
class MemoryBackendConformanceTest extends BackendConformanceKit {

    @Override
    protected RateLimiter newLimiter(LimiterConfig config, Clock clock) {
        return RateLimiter.create(config, clock);
    }
}
