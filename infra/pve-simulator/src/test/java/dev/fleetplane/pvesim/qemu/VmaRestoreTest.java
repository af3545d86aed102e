package dev.fleetplane.pvesim.qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

class VmaRestoreTest {

    @Test
    void archivedConfig_isTheMainSection_withoutDescriptionOrSnapshots() {
        String conf = "#built by nixpkgs\n#second line\nagent: 1\nboot: order=virtio0\n"
                + "virtio0: local-lvm:vm-9999-disk-0,discard=on,size=4M\n\n"
                + "[PENDING]\nmemory: 4096\n[snap1]\ncores: 8\n";
        Map<String, String> want = new LinkedHashMap<>();
        want.put("agent", "1");
        want.put("boot", "order=virtio0");
        want.put("virtio0", "local-lvm:vm-9999-disk-0,discard=on,size=4M");
        assertEquals(want, VmaRestore.parseConfig(conf));
    }
}
