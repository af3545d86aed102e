package dev.fleetplane.planner.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.fleetplane.events.Json;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ObservedTest {

    static DashboardStore.Inventory inventory(String at, String vms) throws Exception {
        return new DashboardStore.Inventory(OffsetDateTime.parse(at), Json.MAPPER.readTree("{\"vms\": " + vms + "}"));
    }

    @Test
    void theNewestInventoryListingTheVm_isTaken_inTheSpecsUnits() throws Exception {
        List<DashboardStore.Inventory> newestFirst = List.of(
                inventory("2026-12-07T10:05:00Z", "[{\"vmid\": 9, \"node\": \"pve\", \"cores\": 1}]"),
                inventory("2026-12-07T10:00:00Z", "[{\"vmid\": 7, \"name\": \"web\", \"node\": \"pve\", \"status\": "
                        + "\"running\", \"cores\": 4, \"memoryBytes\": 4294967296, \"diskBytes\": 34359738368}]"),
                inventory("2026-12-07T09:00:00Z", "[{\"vmid\": 7, \"node\": \"pve\", \"cores\": 2}]"));
        Map<String, Object> seen = Observed.of(newestFirst, 7, "pve");
        assertEquals("running", seen.get("status"));
        assertEquals(4, seen.get("cores"));
        assertEquals(4096L, seen.get("memory"));
        assertEquals("32G", seen.get("disk"));
        assertEquals(OffsetDateTime.parse("2026-12-07T10:00:00Z"), seen.get("seenAt"));
    }

    @Test
    void aVmOnAnotherNode_orATemplate_orNoneAtAll_isNotObserved() throws Exception {
        assertNull(Observed.of(List.of(inventory("2026-12-07T10:00:00Z", "[{\"vmid\": 7, \"node\": \"pve2\"}]")), 7,
                "pve"));
        assertNull(Observed.of(List.of(inventory("2026-12-07T10:00:00Z",
                "[{\"vmid\": 7, \"node\": \"pve\", \"template\": true}]")), 7, "pve"));
        assertNull(Observed.of(List.of(), 7, "pve"));
    }

    @Test
    void disks_readInWholeGibOrMib() {
        assertEquals("8G", Observed.disk(8L << 30));
        assertEquals("1536M", Observed.disk(1536L << 20));
        assertNull(Observed.disk(0));
    }
}
