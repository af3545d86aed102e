package dev.fleetplane.adapter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleetplane.adapter.limits.CloneSlots;
import dev.fleetplane.adapter.vmid.VmidChoice;
import dev.fleetplane.adapter.vmid.VmidRange;
import java.util.OptionalInt;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ConcurrencyRulesTest {

    @Test
    void cloneSlots_boundClonesPerNode_andPerStorageOnlyWhenTheCloneNamesOne() {
        CloneSlots slots = new CloneSlots(4, 2);
        assertTrue(slots.free(3, "", 0));
        assertFalse(slots.free(4, "", 0), "the node is full");
        assertTrue(slots.free(1, "local-lvm", 1));
        assertFalse(slots.free(1, "local-lvm", 2), "the storage is full");
        assertTrue(slots.free(1, null, 9), "a linked clone has no target storage of its own");
    }

    @Test
    void cloneSlots_belowOne_areRejectedNamingBothKeys() {
        var e = assertThrows(IllegalArgumentException.class, () -> new CloneSlots(0, 2));
        assertTrue(e.getMessage().contains("clones-per-node=0") && e.getMessage().contains("clones-per-storage=2"),
                e.getMessage());
    }

    @Test
    void vmidRange_parsesFirstDashLast_andNamesTheKeyWhenMalformed() {
        assertEquals(new VmidRange(9000, 9099), VmidRange.parse("k", " 9000 - 9099 "));
        assertEquals(100, VmidRange.parse("k", "9000-9099").size());
        var bad = assertThrows(IllegalArgumentException.class, () -> VmidRange.parse("fleetplane.adapter.vmid.range", "9000"));
        assertTrue(bad.getMessage().startsWith("fleetplane.adapter.vmid.range = '9000'"), bad.getMessage());
        var reversed = assertThrows(IllegalArgumentException.class, () -> VmidRange.parse("k", "9099-9000"));
        assertTrue(reversed.getMessage().contains("first <= last"), reversed.getMessage());
        assertThrows(IllegalArgumentException.class, () -> VmidRange.parse("k", "50-99"), "below Proxmox's 100");
    }

    @Test
    void vmidChoice_takesTheLowestVmidNobodyHolds() {
        VmidRange range = new VmidRange(9000, 9004);
        assertEquals(OptionalInt.of(9002), VmidChoice.lowestFree(range, Set.of(9000), Set.of(9001), Set.of()));
        assertEquals(OptionalInt.of(9004), VmidChoice.lowestFree(range, Set.of(9000, 9003), Set.of(9001), Set.of(9002)));
        assertEquals(OptionalInt.empty(), VmidChoice.lowestFree(range, Set.of(9000, 9001, 9002), Set.of(9003, 9004), Set.of()));
        assertEquals(OptionalInt.of(9000), VmidChoice.lowestFree(range, Set.of(150, 8999), Set.of(), Set.of()),
                "VMIDs outside the range do not matter");
    }
}
