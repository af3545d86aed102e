package dev.fleetplane.pvesim.qemu;

import dev.fleetplane.pvesim.http.RequestParams;

import java.time.Duration;
import java.util.Optional;

/**
 * What a guest runtime needs from the VM's config to boot it: name, net0's MAC, the cloud-init user and keys, and
 * when its agent answers and its DHCP lease arrives (counted from the moment {@code boot} returns).
 *
 * @param sshKeys the decoded {@code sshkeys} (Proxmox stores them percent-encoded), one public key per line
 * @param dhcp    whether the guest gets its lease at all ({@link GuestDefect#NO_DHCP}: never)
 */
public record GuestBoot(int vmid, String name, Optional<String> mac, Optional<String> ciuser, Optional<String> sshKeys,
                        Duration agentDelay, Duration dhcpDelay, boolean dhcp) {

    /** Reads the spec from a VM; callers hold the inventory's monitor. */
    public static GuestBoot of(QemuVm vm, Duration agentDelay, Duration dhcpDelay) {
        Object ciuser = vm.config().get("ciuser");
        Object keys = vm.config().get("sshkeys");
        return new GuestBoot(vm.vmid(), vm.name(), vm.net0Mac(),
                Optional.ofNullable(ciuser).map(Object::toString).filter(s -> !s.isBlank()),
                Optional.ofNullable(keys).map(k -> RequestParams.percentDecode(k.toString(), false))
                        .filter(s -> !s.isBlank()),
                agentDelay, dhcpDelay, !vm.defects().contains(GuestDefect.NO_DHCP));
    }

    /** Where the IPv4 lease arrives after boot: agent up plus the DHCP delay. */
    public Duration ipv4Delay() {
        return agentDelay.plus(dhcpDelay);
    }
}
