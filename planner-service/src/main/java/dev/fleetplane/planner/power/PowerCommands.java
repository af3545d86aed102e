package dev.fleetplane.planner.power;

import dev.fleetplane.events.EventCatalog;
import dev.fleetplane.events.FleetEvent;
import dev.fleetplane.events.pve.ObservedVm;
import dev.fleetplane.events.pve.RebootVm;
import dev.fleetplane.events.pve.StartVm;
import dev.fleetplane.events.pve.StopVm;
import dev.fleetplane.messaging.Database;
import dev.fleetplane.messaging.StoryContext;
import dev.fleetplane.messaging.access.HostScope;
import dev.fleetplane.planner.Publisher;
import dev.fleetplane.planner.lifecycle.ApplyConfig;
import dev.fleetplane.planner.lifecycle.PowerStory;
import dev.fleetplane.planner.plan.InventoryRequests;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Day-2 power actions ({@code fleetplane vm start|stop|shutdown|reboot}): finds the VM (the host of an applied spec,
 * or a bare VMID) and its node in a fresh inventory, applies {@link PowerRules}, and publishes the command on
 * {@code pve.commands} through the outbox under a new story ({@code power-<uuid>}), so the whole action — the
 * inventory look, the command, the adapter's answer — is in the event log under one correlation id.
 */
@ApplicationScoped
public class PowerCommands {

    /** The key and subject of the inventory look (the scheduled inventory uses it too). */
    static final String CLUSTER = "cluster";
    private static final Logger LOG = Logger.getLogger(PowerCommands.class);

    /** What was sent. */
    public record Accepted(String fleet, String host, int vmid, String name, String node, String action, boolean forced,
                           String requestedBy, String commandId, String correlationId) {
    }

    /** The action is not carried out: 403 (outside the caller's hosts), 404 (no such host or VM) or 409 (refused by {@link PowerRules}). */
    public static class RefusedException extends RuntimeException {
        private final int status;

        RefusedException(int status, String message) {
            super(message);
            this.status = status;
        }

        public int status() {
            return status;
        }
    }

    @Inject
    Database database;

    @Inject
    AppliedHosts applied;

    @Inject
    InventoryRequests inventories;

    @Inject
    Publisher publisher;

    @Inject
    ApplyConfig apply;

    /** A power action on host {@code host} of {@code fleet}'s applied spec; call outside any transaction. */
    public Accepted forHost(String fleet, String host, PowerAction action, boolean force, String operator) {
        List<AppliedHosts.Owned> owned = database.read(c -> applied.of(c, fleet));
        AppliedHosts.Owned h = owned.stream().filter(o -> o.host().equals(host)).findFirst()
                .orElseThrow(() -> new RefusedException(404, "fleet " + fleet + " has no host " + host
                        + " in its applied spec" + (owned.isEmpty() ? " (no plan of it has been applied)"
                        : " (hosts: " + String.join(", ", owned.stream().map(AppliedHosts.Owned::host).toList()) + ")")
                        + "; a VM fleetplane does not manage can be named by its VMID"));
        String story = PowerStory.newId();
        ObservedVm vm = observe(fleet, h.vmid(), story, action, "host " + host, operator)
                .orElseThrow(() -> new RefusedException(404, "host " + host + " of fleet " + fleet + " has VMID "
                        + h.vmid() + ", which does not exist in Proxmox (fresh inventory)"));
        return send(new PowerTarget(h.fleet(), h.host(), h.vmid(), vm.name(), vm.node(), vm.template(), h.readonly(),
                h.state()), action, force, operator, story);
    }

    /** A power action on VM {@code vmid}, a host of an applied spec or not; call outside any transaction. */
    public Accepted forVmid(String defaultFleet, int vmid, PowerAction action, boolean force, String operator) {
        return forVmid(defaultFleet, vmid, action, force, operator, HostScope.every());
    }

    /**
     * A power action on VM {@code vmid} by a caller limited to {@code scope}: refused with 403 unless the VM's host
     * (for a VM of no fleet: its name) is in the scope.
     */
    public Accepted forVmid(String defaultFleet, int vmid, PowerAction action, boolean force, String operator,
                            HostScope scope) {
        String story = PowerStory.newId();
        ObservedVm vm = observe(defaultFleet, vmid, story, action, "VM " + vmid, operator)
                .orElseThrow(() -> new RefusedException(404, "VM " + vmid + " does not exist in Proxmox (fresh inventory)"));
        List<AppliedHosts.Owned> owners = database.read(c -> applied.of(c, null)).stream()
                .filter(o -> o.vmid() == vmid).toList();
        if (owners.size() > 1) {
            LOG.warnf("VMID %d is a host of several fleets (%s); using %s/%s", vmid, owners, owners.get(0).fleet(),
                    owners.get(0).host());
        }
        AppliedHosts.Owned h = owners.isEmpty() ? null : owners.get(0);
        String host = h == null ? vm.name() : h.host();
        if (!scope.allows(host)) {
            throw new RefusedException(403, scope.refusal(host) + " (VM " + vmid + ")");
        }
        PowerTarget target = h == null
                ? new PowerTarget(null, null, vmid, vm.name(), vm.node(), vm.template(), false, null)
                : new PowerTarget(h.fleet(), h.host(), vmid, vm.name(), vm.node(), vm.template(), h.readonly(), h.state());
        return send(target, action, force, operator, story);
    }

    private Optional<ObservedVm> observe(String fleet, int vmid, String story, PowerAction action, String what,
                                         String operator) {
        InventoryRequests.Observation seen = inventories.fetch(fleet, CLUSTER,
                "day-2 " + action.word() + " of " + what + " by " + operator, story);
        return seen.vms().stream().filter(v -> v.vmid() == vmid).findFirst();
    }

    private Accepted send(PowerTarget t, PowerAction action, boolean force, String operator, String story) {
        // The day-2 action's own story: its log lines carry the power story id its command and answers carry.
        try (StoryContext.Scope scope = StoryContext.forHost(t.fleet(), t.host(), story).open()) {
            return sendInStory(t, action, force, operator, story);
        }
    }

    private Accepted sendInStory(PowerTarget t, PowerAction action, boolean force, String operator, String story) {
        Optional<String> refusal = PowerRules.refusal(action, t, force);
        if (refusal.isPresent()) {
            LOG.infof("day-2 %s of %s by %s refused: %s", action.word(), t.describe(), operator, refusal.get());
            throw new RefusedException(409, refusal.get());
        }
        FleetEvent command = database.inTransaction(c -> publish(c, t, action, story));
        LOG.infof("day-2 %s of %s on %s by %s%s: %s", action.word(), t.describe(), t.node(), operator,
                force ? " (forced)" : "", command.type());
        return new Accepted(t.fleet(), t.owned() ? t.host() : null, t.vmid(), t.vmName(), t.node(), action.word(), force,
                operator,
                command.id(), story);
    }

    private FleetEvent publish(Connection c, PowerTarget t, PowerAction action, String story) throws SQLException {
        int timeout = (int) Math.max(1, apply.stopTimeout().toSeconds());
        String key = t.subject();
        return switch (action) {
            case START -> publisher.publish(c, key, EventCatalog.START_VM, key, new StartVm(t.node(), t.vmid()), story, null);
            case STOP -> publisher.publish(c, key, EventCatalog.STOP_VM, key,
                    new StopVm(t.node(), t.vmid(), false, 0), story, null);
            case SHUTDOWN -> publisher.publish(c, key, EventCatalog.STOP_VM, key,
                    new StopVm(t.node(), t.vmid(), true, timeout), story, null);
            case REBOOT -> publisher.publish(c, key, EventCatalog.REBOOT_VM, key,
                    new RebootVm(t.node(), t.vmid(), timeout), story, null);
        };
    }
}
