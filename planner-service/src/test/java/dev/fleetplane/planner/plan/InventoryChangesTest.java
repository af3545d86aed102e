package dev.fleetplane.planner.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fleetplane.events.pve.ObservedVm;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InventoryChangesTest {

    static ObservedVm vm(int vmid, String name, String status, int cores) {
        return new ObservedVm(vmid, name, "pve", status, false, cores, 4L << 30, 32L << 30, List.of());
    }

    @Test
    void appearedDisappearedAndChangedVms_areEachOneLine_namingTheirHost() {
        List<String> lines = InventoryChanges.between(
                List.of(vm(110, "dev", "running", 4), vm(111, "web", "running", 2)),
                List.of(vm(111, "web", "stopped", 4), vm(112, "db", "running", 2), vm(500, "x", "running", 1)),
                Map.of(110, "dev", 111, "web", 112, "db"));
        assertEquals(List.of("vmid 110 (host dev): disappeared (was \"dev\")",
                "vmid 111 (host web): changed: status running → stopped, cores 2 → 4",
                "vmid 112 (host db): appeared (\"db\", running)",
                "vmid 500: appeared (\"x\", running)"), lines);
    }

    @Test
    void configChanges_nameTheKeys() {
        ObservedVm a = new ObservedVm(111, "web", "pve", "running", false, 2, 1, 1, List.of(), null,
                Map.of("bios", "seabios", "cpu", "host"));
        ObservedVm b = new ObservedVm(111, "web", "pve", "running", false, 2, 1, 1, List.of(), null,
                Map.of("bios", "ovmf", "cpu", "host"));
        assertEquals(List.of("vmid 111: changed: config bios"), InventoryChanges.between(List.of(a), List.of(b), Map.of()));
        assertEquals(List.of(), InventoryChanges.between(List.of(a), List.of(a), Map.of()));
    }
}
