package dev.sluice.testkit;

import dev.sluice.Clock;
import dev.sluice.LimiterConfig;
import dev.sluice.RateLimiter;

/**
 * Runs the conformance kit against {@link ModelBackend}, which proves the kit's expectations against the
 * specification's arithmetic and makes the model a trustworthy oracle for the randomized comparisons.
 */
class ModelBackendConformanceTest extends BackendConformanceKit {

    @Override
    protected RateLimiter newLimiter(LimiterConfig config, Clock clock) {
        return RateLimiter.create(config, clock, new ModelBackend(config.algorithm()));
    }
}
