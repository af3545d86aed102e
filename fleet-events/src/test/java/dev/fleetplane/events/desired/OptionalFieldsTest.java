package dev.fleetplane.events.desired;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.fleetplane.events.Json;
import org.junit.jupiter.api.Test;

/** Fields added later are optional: events written before them still read, and new ones round-trip. */
class OptionalFieldsTest {

    @Test
    void patchHost_withoutRequestedBy_readsAsBefore_andWithItRoundTrips() throws Exception {
        PatchHost old = Json.MAPPER.readValue("""
                {"schemaVersion": 1, "fleet": "f", "host": "web", "set": {"cores": 4}, "remove": false,
                 "source": "event", "revision": "r1", "baseVersion": 3, "autoApprove": null}""", PatchHost.class);
        assertEquals("web", old.host());
        assertEquals(4, old.set().get("cores").asInt());
        assertNull(old.requestedBy());
        PatchHost now = new PatchHost("f", "web", old.set(), false, null, null, null, null, "alice");
        assertEquals(now, Json.MAPPER.readValue(Json.MAPPER.writeValueAsString(now), PatchHost.class));
    }

    @Test
    void specSubmitted_withoutAllowRevert_readsAsBefore() throws Exception {
        SpecSubmitted old = Json.MAPPER.readValue("""
                {"schemaVersion": 1, "fleet": "f", "nixSource": "{ }", "source": "ci", "autoApprove": true}""",
                SpecSubmitted.class);
        assertEquals("{ }", old.nixSource());
        assertNull(old.allowRevert());
        SpecSubmitted now = new SpecSubmitted("f", null, "{ }", "ci", null, true, true);
        SpecSubmitted back = Json.MAPPER.readValue(Json.MAPPER.writeValueAsString(now), SpecSubmitted.class);
        assertEquals(true, back.allowRevert());
        assertEquals("{ }", back.nixSource());
    }
}
