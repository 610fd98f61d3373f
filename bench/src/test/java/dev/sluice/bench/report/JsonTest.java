package dev.sluice.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {
    @Test
    void readsWhatJmhWrites() {
        Object v = Json.parse("[{\"benchmark\":\"a.B.c\",\"params\":{\"impl\":\"guava\"},"
                + "\"primaryMetric\":{\"score\":1.5e2,\"rawData\":[[1,2.5,-3]]},\"x\":NaN,\"ok\":true,\"n\":null,"
                + "\"s\":\"q\\\"\\u00e9\"}]");
        Map<?, ?> m = (Map<?, ?>) ((List<?>) v).get(0);
        assertEquals("a.B.c", m.get("benchmark"));
        assertEquals("guava", ((Map<?, ?>) m.get("params")).get("impl"));
        assertEquals(List.of(List.of(1.0, 2.5, -3.0)), ((Map<?, ?>) m.get("primaryMetric")).get("rawData"));
        assertTrue(Double.isNaN((Double) m.get("x")));
        assertEquals("q\"é", m.get("s"));
    }

    @Test
    void rejectsTrailingGarbage() {
        assertThrows(IllegalArgumentException.class, () -> Json.parse("{} x"));
    }
}
