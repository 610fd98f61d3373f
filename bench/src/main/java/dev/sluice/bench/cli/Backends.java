package dev.sluice.bench.cli;

import dev.sluice.Clock;
import dev.sluice.LimiterConfig;
import dev.sluice.RateLimiter;
import dev.sluice.bench.peers.OnHeapBackend;
import java.util.List;

/** Opens a limiter on the backend a command line names: {@code memory}, {@code redis} or {@code onheap}. */
final class Backends {
    static final List<String> NAMES = List.of("memory", "redis", "onheap");

    private Backends() {
    }

    static RateLimiter open(String backend, String redisUrl, LimiterConfig.Builder config, Clock clock) {
        return switch (backend) {
            case "memory" -> RateLimiter.create(config.backend("memory").build(), clock);
            case "redis" -> {
                if (redisUrl == null) {
                    throw new UsageException("--backend=\"redis\": needs --redis URL, e.g. --redis redis://127.0.0.1:6379");
                }
                yield RateLimiter.create(config.backend("redis").redisUrl(redisUrl).build(), clock);
            }
            case "onheap" -> {
                LimiterConfig c = config.build();
                yield RateLimiter.create(c, clock, new OnHeapBackend(c.algorithm()));
            }
            default -> throw new UsageException("--backend=\"" + backend + "\": must be one of " + String.join(", ", NAMES));
        };
    }
}
