package dev.sluice.bench.peers;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.bench.workload.GatewayInput;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every implementation keys by the identity's value, not the string instance: requests of one user, each
 * decoded into a new string, charge one key; another user charges another; in the three-dimension form the
 * tenant and the tool are keys of their own.
 */
class KeyedLimitersTest {
    private static final long START_NANOS = 1_767_225_600_000_000_000L;
    private static final LimitSpec ONE_PER_HOUR = new LimitSpec(1, 3600);
    private static final List<String> TOOLS = List.of("search");

    private static String user(long number) {
        return GatewayInput.decode(GatewayInput.userId(number));
    }

    private static String fresh(String text) {
        return GatewayInput.decode(GatewayInput.ascii(text));
    }

    @ParameterizedTest
    @EnumSource(Impl.class)
    void freshStringsOfOneUserChargeOneKey(Impl impl) {
        try (KeyedLimiter limiter = KeyedLimiters.create(impl, ONE_PER_HOUR, TimeMode.SYNTHETIC, 16, TOOLS)) {
            KeyedLimiter.Handle handle = limiter.handle();
            assertTrue(handle.tryAcquire(user(1), START_NANOS));
            assertFalse(handle.tryAcquire(user(1), START_NANOS + 1_000), "the same user, decoded again");
            assertTrue(handle.tryAcquire(user(2), START_NANOS + 2_000), "another user");
        }
    }

    @ParameterizedTest
    @EnumSource(Impl.class)
    void threeDimensionsShareTheTenantsKey(Impl impl) {
        try (KeyedLimiter limiter = KeyedLimiters.create(impl, ONE_PER_HOUR, TimeMode.SYNTHETIC, 16, TOOLS)) {
            KeyedLimiter.Handle handle = limiter.handle();
            assertTrue(handle.tryAcquire3(user(1), fresh("tenant-01"), fresh("search"), START_NANOS));
            assertFalse(handle.tryAcquire3(user(2), fresh("tenant-01"), fresh("search"), START_NANOS + 1_000),
                    "a second user of the same tenant and tool");
        }
    }
}
