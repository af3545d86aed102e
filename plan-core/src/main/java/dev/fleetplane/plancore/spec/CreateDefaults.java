package dev.fleetplane.plancore.spec;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * What a VM fleetplane creates gets where the host's {@code proxmox} set says nothing: the seed's defaults (its
 * Terranix module and cloud-init script), so a hosts.nix written for it makes the same VMs. Defaults are written
 * when a VM is made and shown in the create plan; they are never compared with an existing VM (an attribute the
 * spec does not write is never drift), so adopted and imported VMs keep whatever they have. Pure.
 */
public final class CreateDefaults {

    /** The seed's {@code cpu.type} default (bpg's own is qemu64, Proxmox's kvm64). */
    public static final String CPU_TYPE = "x86-64-v2-AES";
    /** The seed's {@code on_boot = false}: a VM is not started with the node until NixOS is installed on it. */
    public static final boolean ON_BOOT = false;
    /** The seed's tags of a cloned VM; fleetplane adds its own {@code fleetplane} tag (never compared). */
    public static final List<String> TAGS = List.of("opentofu", "nixos", "managed");
    /** The seed's cloud-init network: DHCP on the first NIC. */
    public static final String IPCONFIG0 = "ip=dhcp";

    private CreateDefaults() {
    }

    public static String cpuType(ProxmoxVm vm) {
        return vm.cpuType().orElse(CPU_TYPE);
    }

    public static boolean onBoot(ProxmoxVm vm) {
        return vm.onBoot().orElse(ON_BOOT);
    }

    public static List<String> tags(ProxmoxVm vm) {
        return vm.tags().orElse(TAGS);
    }

    /** The seed's {@code "Managed by fleetplane - <hostname>"}; the host key when the host has no hostname. */
    public static String description(HostSpec host, ProxmoxVm vm) {
        return vm.description().orElse("Managed by fleetplane - " + host.attribute("hostname").orElse(host.name()));
    }

    /** The host's {@code authorizedKeys} (the validator checked them): cloud-init's {@code sshkeys}. */
    public static List<String> authorizedKeys(HostSpec host) {
        JsonNode keys = host.attributes().get("authorizedKeys");
        List<String> out = new ArrayList<>();
        if (keys != null && keys.isArray()) {
            keys.forEach(k -> out.add(k.asText().strip()));
        }
        return List.copyOf(out);
    }
}
