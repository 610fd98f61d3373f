package dev.sluice.bench.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class GatewayInputTest {
    @Test
    void userIdsAreThirtyThreeCharacterAddresses() {
        GatewayInput pool = GatewayInput.ofUsers(new int[] {0, 42, 999_999_999});
        assertEquals("user-000000000@example-corp.co.uk", pool.user(0));
        assertEquals("user-000000042@example-corp.co.uk", pool.user(1));
        assertEquals("user-999999999@example-corp.co.uk", pool.user(2));
        for (int i = 0; i < pool.size(); i++) {
            assertEquals(GatewayInput.USER_ID_BYTES, pool.user(i).length());
        }
    }

    @Test
    void everyDecodeIsANewStringOfTheSameId() {
        GatewayInput pool = GatewayInput.ofFirstUsers(1);
        String first = pool.user(0);
        String second = pool.user(0);
        assertEquals(first, second);
        assertNotSame(first, second);
        byte[] bytes = GatewayInput.userId(7);
        assertNotSame(GatewayInput.decode(bytes), GatewayInput.decode(bytes));
    }

    @Test
    void distinctNumbersGiveDistinctIds() {
        GatewayInput pool = GatewayInput.ofFirstUsers(100_000);
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < pool.size(); i++) {
            ids.add(pool.user(i));
        }
        assertEquals(100_000, ids.size());
    }

    @Test
    void aPoolEntryHoldsTheUserItWasBuiltFor() {
        GatewayInput pool = GatewayInput.ofUsers(new int[] {5, 3, 5});
        assertEquals(GatewayInput.decode(GatewayInput.userId(5)), pool.user(0));
        assertEquals(GatewayInput.decode(GatewayInput.userId(3)), pool.user(1));
        assertEquals(pool.user(0), pool.user(2));
    }

    @Test
    void numbersOutsideTheIdRangeAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GatewayInput.userId(1_000_000_000L));
        assertEquals("number=1000000000: must be in [0, 1000000000)", e.getMessage());
    }

    @Test
    void tenantsAreNumberedWithTwoDigits() {
        assertEquals("tenant-07", GatewayInput.decode(GatewayInput.tenant(7)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GatewayInput.tenant(100));
        assertEquals("number=100: must be in [0, 99]", e.getMessage());
    }
}
