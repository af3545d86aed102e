package dev.fleetplane.planner.lifecycle;

import dev.fleetplane.events.EventCatalog;
import dev.fleetplane.events.EventKind;
import dev.fleetplane.events.provisioning.ProvisionHost;
import dev.fleetplane.events.pve.CloneVm;
import dev.fleetplane.events.pve.ConfigureVm;
import dev.fleetplane.events.pve.DestroyVm;
import dev.fleetplane.events.pve.ResizeDisk;
import dev.fleetplane.events.pve.StartVm;
import dev.fleetplane.events.pve.StopVm;
import java.time.Duration;
import java.util.Optional;

/**
 * The command a host sends on entering a state, decided from its row alone, so the mapping is unit-tested without
 * Kafka or SQL; {@link HostScheduler} publishes it (key and subject the host, correlation its plan).
 */
public record StepCommand<T>(EventKind<T> kind, T payload) {

    /**
     * The command that starts {@code state} for {@code h} (whose VMID is the one the step acts on); empty for the
     * states that wait on nothing.
     *
     * @param stopTimeout how long a graceful {@code StopVm} may take before the adapter stops the VM hard
     */
    public static Optional<StepCommand<?>> entering(HostRecord h, HostState state, Duration stopTimeout) {
        HostDesired d = h.desired();
        StepCommand<?> command = switch (state) {
            case Cloning -> new StepCommand<>(EventCatalog.CLONE_VM,
                    new CloneVm(h.node(), d.templateVmid(), h.vmid(), d.vmName(), d.storage(), true));
            case Configuring -> new StepCommand<>(EventCatalog.CONFIGURE_VM,
                    new ConfigureVm(h.node(), h.vmid(), d.cores(), d.memoryMb(), VmConfig.forCreate(d, h.fleet(), h.host())));
            case Updating -> new StepCommand<>(EventCatalog.CONFIGURE_VM,
                    new ConfigureVm(h.node(), h.vmid(), d.cores(), d.memoryMb(),
                            VmConfig.forUpdate(d, h.change().attributes())));
            case Resizing -> new StepCommand<>(EventCatalog.RESIZE_DISK,
                    new ResizeDisk(h.node(), h.vmid(), d.disk0(), d.disk()));
            case Starting -> new StepCommand<>(EventCatalog.START_VM, new StartVm(h.node(), h.vmid()));
            case Provisioning -> new StepCommand<>(EventCatalog.PROVISION_HOST,
                    new ProvisionHost(h.host(), h.node(), h.vmid(), d.user(), d.rebuildCommand(),
                            HostLifecycle.CREATE.equals(h.action()) || HostLifecycle.REPLACE.equals(h.action())));
            case Stopping -> new StepCommand<>(EventCatalog.STOP_VM,
                    new StopVm(h.node(), h.vmid(), true, (int) stopTimeout.toSeconds()));
            // The VM being destroyed may carry the name the change replaces.
            case Destroying -> new StepCommand<>(EventCatalog.DESTROY_VM,
                    new DestroyVm(h.node(), h.vmid(), QueuedHost.before(h.change(), "name").orElse(d.vmName())));
            default -> null;
        };
        return Optional.ofNullable(command);
    }
}
