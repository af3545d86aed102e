package dev.fleetplane.plancore.inventory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleetplane.events.pve.ObservedVm;
import java.util.List;
import org.junit.jupiter.api.Test;

class InventoryFileTest {

    static final String PVESH = """
            [{"id": "qemu/110", "type": "qemu", "vmid": 110, "name": "dev", "node": "pve", "status": "running",
              "maxcpu": 4, "maxmem": 8589934592, "maxdisk": 68719476736, "tags": "prod;web", "template": 0,
              "cpu": 0.01, "uptime": 1000},
             {"id": "qemu/9003", "type": "qemu", "vmid": 9003, "name": "nixos-template", "node": "pve",
              "status": "stopped", "maxcpu": 2, "maxmem": 2147483648, "maxdisk": 8589934592, "template": 1},
             {"id": "lxc/200", "type": "lxc", "vmid": 200, "name": "ct", "node": "pve", "status": "running",
              "maxcpu": 1, "maxmem": 1, "maxdisk": 1}]""";

    @Test
    void pveshArray_becomesQemuGuests_sortedByVmid() throws Exception {
        List<ObservedVm> vms = InventoryFile.parse(PVESH);
        assertEquals(List.of(110, 9003), vms.stream().map(ObservedVm::vmid).toList());
        ObservedVm dev = vms.get(0);
        assertEquals(new ObservedVm(110, "dev", "pve", "running", false, 4, 8L << 30, 64L << 30,
                List.of("prod", "web"), null, null), dev);
        assertTrue(vms.get(1).template());
    }

    @Test
    void apiBody_withData_isReadToo() throws Exception {
        assertEquals(InventoryFile.parse(PVESH), InventoryFile.parse("{\"data\": " + PVESH + "}"));
    }

    @Test
    void fleetplaneInventoryJson_isReadLikeThePveshOutput() throws Exception {
        String cli = """
                [{"vmid": 9003, "name": "nixos-template", "node": "pve", "type": "qemu", "status": "stopped",
                  "lock": null, "template": true, "cores": 2, "memoryBytes": 2147483648, "diskBytes": 8589934592,
                  "tags": []},
                 {"vmid": 110, "name": "dev", "node": "pve", "type": "qemu", "status": "running", "lock": null,
                  "template": false, "cores": 4, "memoryBytes": 8589934592, "diskBytes": 68719476736,
                  "tags": ["prod", "web"]},
                 {"vmid": 200, "name": "ct", "node": "pve", "type": "lxc", "status": "running", "template": false,
                  "cores": 1, "memoryBytes": 1, "diskBytes": 1, "tags": []}]""";
        assertEquals(InventoryFile.parse(PVESH), InventoryFile.parse(cli));
    }

    @Test
    void badFiles_sayWhatIsWrong() {
        assertTrue(assertThrows(InventoryFile.InvalidInventoryException.class, () -> InventoryFile.parse("{\"vms\": []}"))
                .getMessage().contains("got an object without \"data\""));
        assertTrue(assertThrows(InventoryFile.InvalidInventoryException.class, () -> InventoryFile.parse("[{\"vmid\": 1"))
                .getMessage().startsWith("malformed JSON at line 1"));
        assertEquals("entry 0 (vmid 110): node is missing", assertThrows(InventoryFile.InvalidInventoryException.class,
                () -> InventoryFile.parse("[{\"type\": \"qemu\", \"vmid\": 110}]")).getMessage());
        assertEquals("entry 0: vmid is missing", assertThrows(InventoryFile.InvalidInventoryException.class,
                () -> InventoryFile.parse("[{\"type\": \"qemu\"}]")).getMessage());
    }
}
