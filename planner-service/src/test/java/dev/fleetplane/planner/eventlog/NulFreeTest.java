package dev.fleetplane.planner.eventlog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fleetplane.events.Json;
import org.junit.jupiter.api.Test;

class NulFreeTest {

    @Test
    void aTreeWithoutNul_isKeptAsItIs() throws Exception {
        JsonNode clean = Json.MAPPER.readTree("{\"line\": \"building…\", \"n\": [1, \"two\"]}");
        assertSame(clean, NulFree.tree(clean));
        assertEquals("web", NulFree.text("web"));
    }

    @Test
    void everyNul_inValuesKeysAndArrays_becomesTheSymbolForNull() throws Exception {
        JsonNode dirty = Json.MAPPER.readTree("{\"line\": \"a\\u0000b\", \"k\\u0000\": [\"\\u0000\", 3], \"ok\": true}");
        assertEquals("{\"line\":\"a\u2400b\",\"k\u2400\":[\"\u2400\",3],\"ok\":true}",
                Json.MAPPER.writeValueAsString(NulFree.tree(dirty)));
        assertEquals("we\u2400b", NulFree.text("we\0b"));
    }
}
