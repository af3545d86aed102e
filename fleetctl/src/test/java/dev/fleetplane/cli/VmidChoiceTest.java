package dev.fleetplane.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class VmidChoiceTest {

    /** Proxmox with these guests; remembers which VMIDs it was asked about. */
    static final class FakeProxmox implements VmidSource {
        final Set<Integer> taken;
        final List<Integer> asked = new ArrayList<>();

        FakeProxmox(Set<Integer> taken) {
            this.taken = taken;
        }

        @Override
        public int next() {
            int id = 100;
            while (taken.contains(id)) {
                id++;
            }
            return id;
        }

        @Override
        public boolean isFree(int vmid) {
            asked.add(vmid);
            return !taken.contains(vmid);
        }
    }

    @Test
    void choose_isProxmoxsNextId_whenTheSpecDoesNotUseIt() {
        FakeProxmox pve = new FakeProxmox(Set.of(100, 101));
        assertEquals(102, VmidChoice.choose(pve, Set.of(110, 111)));
        assertTrue(pve.asked.isEmpty());
    }

    @Test
    void choose_stepsPastVmidsTheSpecUses_askingProxmoxForEachLaterCandidate() {
        // The spec names 102 and 103 (not created yet); Proxmox has 104 (outside the spec).
        FakeProxmox pve = new FakeProxmox(Set.of(100, 101, 104));
        assertEquals(105, VmidChoice.choose(pve, Set.of(102, 103)));
        assertEquals(List.of(104, 105), pve.asked);
    }

    @Test
    void choose_refusesWhenNothingIsFreeUpTo8999() {
        FakeProxmox pve = new FakeProxmox(Set.of());
        Set<Integer> all = new java.util.HashSet<>();
        for (int i = 100; i <= 8999; i++) {
            all.add(i);
        }
        var e = assertThrows(CliException.class, () -> VmidChoice.choose(pve, all));
        assertTrue(e.getMessage().contains("no VMID between 100 and 8999"), e.getMessage());
    }

    @Test
    void choose_staysInTheSpecsVmidRange_startingAtItsFirstWhenProxmoxsNextIsBelow() {
        // Proxmox has 100-101 and 1000; the spec's range is 1000-1999.
        FakeProxmox pve = new FakeProxmox(Set.of(100, 101, 1000));
        assertEquals(1002, VmidChoice.choose(pve, Set.of(1001), new dev.fleetplane.plancore.spec.VmidRange(1000, 1999)));
        assertEquals(List.of(1000, 1002), pve.asked, "below the range Proxmox's next is no candidate; each is asked");
    }

    @Test
    void choose_refusesANextIdOutsideTheVmRange() {
        VmidSource high = new VmidSource() {
            @Override
            public int next() {
                return 9000;
            }

            @Override
            public boolean isFree(int vmid) {
                return true;
            }
        };
        var e = assertThrows(CliException.class, () -> VmidChoice.choose(high, Set.of()));
        assertTrue(e.getMessage().contains("9000, outside 100-8999"), e.getMessage());
    }
}
