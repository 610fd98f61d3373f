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

    /** Peek, reset and all-or-nothing wait for the store's own operations. */
    @Override
    protected boolean supports(Feature feature) {
        return feature == Feature.PERMITS || feature == Feature.COMPOSITE_KEYS;
    }
}
