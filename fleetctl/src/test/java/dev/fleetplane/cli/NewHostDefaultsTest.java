package dev.fleetplane.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fleetplane.plancore.spec.FleetplaneSettings;
import dev.fleetplane.plancore.spec.HostSpec;
import dev.fleetplane.plancore.spec.HostsSpec;
import dev.fleetplane.plancore.spec.ProxmoxVm;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class NewHostDefaultsTest {

    private static HostSpec vm(String name, String user, int cores, int memory, String disk) {
        return new HostSpec(name, user, Optional.empty(), Optional.of(ProxmoxVm.basic(100, cores, memory, disk, name)));
    }

    private static HostsSpec spec(HostSpec... hosts) {
        return new HostsSpec(Optional.empty(), new FleetplaneSettings(Optional.empty(), "/etc/nixos", Optional.empty(),
                false), List.of(hosts));
    }

    @Test
    void of_takesTheMostCommonValueOfEachAttribute() {
        NewHostDefaults d = NewHostDefaults.of(spec(vm("a", "ops", 4, 8192, "64G"), vm("b", "ops", 2, 4096, "32G"),
                vm("c", "root", 2, 4096, "32G")));
        assertEquals(new NewHostDefaults(2, 4096, "32G", "ops", "the most common values among the spec's 3 VM hosts"), d);
    }

    @Test
    void of_breaksTiesTowardsTheSmallerValue() {
        NewHostDefaults d = NewHostDefaults.of(spec(vm("a", "zed", 4, 8192, "64G"), vm("b", "ops", 2, 4096, "1T")));
        assertEquals(2, d.cores());
        assertEquals(4096, d.memoryMb());
        assertEquals("64G", d.disk());
        assertEquals("ops", d.user());
    }

    @Test
    void of_aSpecWithoutVmHosts_givesFleetplanesDefaults() {
        NewHostDefaults d = NewHostDefaults.of(spec(new HostSpec("laptop", "me", Optional.empty(), Optional.empty())));
        assertEquals(List.of(2, 4096, "32G", "root"), List.of(d.cores(), d.memoryMb(), d.disk(), d.user()));
    }
}
