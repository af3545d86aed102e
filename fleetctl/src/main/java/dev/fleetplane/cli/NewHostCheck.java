package dev.fleetplane.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fleetplane.cli.hostsfile.HostEntry;
import dev.fleetplane.plancore.spec.DiskSize;
import dev.fleetplane.plancore.spec.HostSpec;
import dev.fleetplane.plancore.spec.ProxmoxVm;
import dev.fleetplane.plancore.spec.SpecValidator;
import java.util.Optional;

/**
 * Whether a hosts file with a new entry inserted says exactly what was meant: evaluated, it is the old spec plus
 * the one host, and that host has the chosen VMID, cores, memory, disk, user and configuration file. Pure (the
 * caller evaluates both files).
 */
final class NewHostCheck {

    private NewHostCheck() {
    }

    /** Empty when {@code after} is {@code before} plus exactly {@code entry}; else what is wrong. */
    static Optional<String> problem(JsonNode before, JsonNode after, HostEntry entry) {
        if (!after.isObject() || !after.has(entry.name())) {
            return Optional.of("the result has no host " + entry.name());
        }
        ObjectNode rest = ((ObjectNode) after).deepCopy();
        rest.remove(entry.name());
        if (!rest.equals(before)) {
            return Optional.of("the other hosts or settings evaluate differently than before");
        }
        SpecValidator.Result result = SpecValidator.validate(after);
        if (!result.valid()) {
            return Optional.of("the result is not a valid hosts file: " + result.problems().get(0).path() + ": "
                    + result.problems().get(0).message());
        }
        HostSpec host = result.spec().orElseThrow().hosts().stream().filter(h -> h.name().equals(entry.name()))
                .findFirst().orElseThrow();
        if (host.proxmox().isEmpty()) {
            return Optional.of("host " + entry.name() + " has no proxmox attribute set");
        }
        ProxmoxVm vm = host.proxmox().get();
        if (vm.vmid() != entry.vmid()) {
            return Optional.of("host " + entry.name() + " has vmid " + vm.vmid() + ", not " + entry.vmid());
        }
        if (vm.cores() != entry.cores() || vm.memoryMb() != entry.memoryMb()
                || vm.diskBytes() != DiskSize.parse(entry.disk()).orElse(-1L)) {
            return Optional.of("host " + entry.name() + " evaluates to " + vm.cores() + " cores, " + vm.memoryMb()
                    + " MB, disk " + vm.disk() + ", not " + entry.cores() + ", " + entry.memoryMb() + ", " + entry.disk());
        }
        if (!host.user().equals(entry.user())) {
            return Optional.of("host " + entry.name() + " has user " + host.user() + ", not " + entry.user());
        }
        if (!host.attribute("configurationFile").equals(Optional.of(entry.configurationFile()))) {
            return Optional.of("host " + entry.name() + " has configurationFile "
                    + host.attribute("configurationFile").orElse("(none)") + ", not " + entry.configurationFile());
        }
        return Optional.empty();
    }
}
