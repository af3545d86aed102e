package dev.fleetplane.pvesim.qemu;

import java.time.Duration;

/**
 * Boots the guest of a VM that was just powered on ({@code qmstart}, {@code qmreboot}, a create with {@code start=1}):
 * outside the inventory's monitor, since a guest's sshd takes a while; its agent answers from then plus the boot delay.
 */
final class GuestBooter {

    private final Inventory inventory;
    private final GuestRuntime guests;
    private final Duration bootDelay;
    private final Duration dhcpDelay;

    GuestBooter(Inventory inventory, GuestRuntime guests, Duration bootDelay, Duration dhcpDelay) {
        this.inventory = inventory;
        this.guests = guests;
        this.bootDelay = bootDelay;
        this.dhcpDelay = dhcpDelay;
    }

    /** A guest that cannot boot leaves its VM powered off, and the error fails the task. */
    void boot(int id) throws Exception {
        try {
            GuestBoot spec;
            synchronized (inventory) {
                QemuVm vm = inventory.find(id);
                if (vm == null) {
                    return;
                }
                spec = GuestBoot.of(vm, bootDelay, dhcpDelay);
            }
            guests.boot(spec);
        } catch (Exception e) {
            synchronized (inventory) {
                QemuVm vm = inventory.find(id);
                if (vm != null) {
                    vm.powerOff();
                }
            }
            throw e;
        }
        synchronized (inventory) {
            QemuVm vm = inventory.find(id);
            if (vm != null && vm.running()) {
                long agentUp = System.currentTimeMillis() + bootDelay.toMillis();
                vm.agentUpAt(agentUp, agentUp + dhcpDelay.toMillis());
            }
        }
    }
}
