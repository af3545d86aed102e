package dev.fleetplane.planner.lifecycle;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fleetplane.events.EventCatalog;
import dev.fleetplane.events.FleetEvent;
import dev.fleetplane.events.plans.AttributeChange;
import dev.fleetplane.events.plans.HostStateChanged;
import dev.fleetplane.events.plans.PlannedChange;
import dev.fleetplane.events.provisioning.ProvisionHost;
import dev.fleetplane.events.pve.CloneVm;
import dev.fleetplane.events.pve.ConfigureVm;
import dev.fleetplane.events.pve.DestroyVm;
import dev.fleetplane.events.pve.ObservedVm;
import dev.fleetplane.events.pve.QueryGuestNetwork;
import dev.fleetplane.events.pve.ResizeDisk;
import dev.fleetplane.events.pve.StartVm;
import dev.fleetplane.events.pve.StopVm;
import dev.fleetplane.messaging.Database;
import dev.fleetplane.messaging.StoryContext;
import dev.fleetplane.plancore.spec.HostSpec;
import dev.fleetplane.plancore.spec.HostsSpec;
import dev.fleetplane.plancore.spec.ProxmoxSettings;
import dev.fleetplane.plancore.spec.ProxmoxVm;
import dev.fleetplane.planner.Publisher;
import dev.fleetplane.planner.spec.SpecStore;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Runs applied plans host by host: queues every changed host as Pending, starts pending hosts while fewer than
 * {@code max-parallel} of the fleet have a step in flight, moves hosts into each next state and sends the command
 * that state waits on. Everything it decides is written in the caller's transaction; nothing lives in memory,
 * so a restarted planner carries on from the rows.
 */
@ApplicationScoped
public class HostScheduler {

    private static final Logger LOG = Logger.getLogger(HostScheduler.class);

    @Inject
    HostStore hosts;

    @Inject
    Publisher publisher;

    @Inject
    ApplyConfig config;

    @Inject
    SpecStore specs;

    @Inject
    Database database;

    /**
     * Takes every changed host of an applied plan, inside the caller's transaction: adopt and forget settle at
     * once, every other action queues the host as Pending; then starts as many as the bound allows.
     *
     * @param changes the plan's changes already filtered by the approval ({@code --target} / {@code --exclude})
     * @param applied the {@code PlanApplied} event: the cause of everything that follows
     */
    public void schedule(Connection c, String fleet, String planId, List<PlannedChange> changes, HostsSpec spec,
                         List<ObservedVm> inventory, FleetEvent applied) throws SQLException {
        schedule(c, fleet, planId, changes, spec, specs.contentOfPlan(c, planId).orElse(null), inventory, applied);
    }

    /**
     * As {@link #schedule(Connection, String, String, List, HostsSpec, List, FleetEvent)}, with the spec as written
     * (the optional Proxmox attributes are read from it) given instead of looked up by plan id.
     */
    public void schedule(Connection c, String fleet, String planId, List<PlannedChange> changes, HostsSpec spec,
                         JsonNode content, List<ObservedVm> inventory, FleetEvent applied) throws SQLException {
        hosts.lockFleet(c, fleet);
        for (PlannedChange change : changes) {
            if (change.action().equals(HostLifecycle.NO_OP)) {
                continue;
            }
            Optional<HostRecord> before = hosts.lock(c, fleet, change.host());
            HostState from = before.map(HostRecord::state).orElse(null);
            if (!HostLifecycle.acceptsPlan(from)) {
                LOG.warnf("fleet %s host %s: is %s with a step in flight; %s of plan %s left for a later plan",
                        fleet, change.host(), from, change.action(), planId);
                continue;
            }
            HostRecord queued = queued(fleet, planId, change, spec, content, before);
            hosts.enqueue(c, queued);
            announce(c, queued, from, queued.state(), queued.reason() != null ? queued.reason()
                    : "plan " + planId + ": " + change.action(), applied);
            if (queued.state() == HostState.Adopted) {
                Optional<ObservedVm> observed = inventory == null ? Optional.empty()
                        : inventory.stream().filter(o -> o.vmid() == change.vmid()).findFirst();
                if (observed.isPresent() && "running".equals(observed.get().status())) {
                    // Read-only: the address makes the status useful; nothing is changed on the VM.
                    publisher.publish(c, change.host(), EventCatalog.QUERY_GUEST_NETWORK, change.host(),
                            new QueryGuestNetwork(change.node(), change.vmid(), false), planId, applied);
                }
            }
        }
        startPending(c, fleet, applied);
    }

    /**
     * Marks the hosts a computed, not yet applied plan would change as Drifted (and Drifted hosts the plan leaves
     * alone as settled again), so status shows {@code Reconciled=False/Drifted} before anyone applies anything.
     */
    public void observePlan(Connection c, String fleet, String planId, List<PlannedChange> changes, FleetEvent cause)
            throws SQLException {
        for (PlannedChange change : changes) {
            Optional<HostRecord> found = hosts.lock(c, fleet, change.host());
            if (found.isEmpty()) {
                continue;
            }
            HostRecord h = found.get();
            boolean differs = !change.action().equals(HostLifecycle.NO_OP) && !change.action().equals(HostLifecycle.ADOPT)
                    && !change.action().equals(HostLifecycle.CREATE);
            if (differs && (h.state() == HostState.Ready || h.state() == HostState.Adopted
                    || h.state() == HostState.Drifted)) {
                String why = "plan " + planId + " would " + change.action()
                        + (change.changes() == null || change.changes().isEmpty() ? "" : ": " + String.join(", ", change.changes()));
                if (h.state() != HostState.Drifted || !why.equals(h.reason())) {
                    enter(c, h, HostState.Drifted, why, cause);
                }
            } else if (!differs && h.state() == HostState.Drifted) {
                enter(c, h, h.route().end() == HostState.Adopted || h.origin() == HostLifecycle.Origin.adopted
                        ? HostState.Adopted : HostState.Ready, "plan " + planId + ": matches the spec again", cause);
            }
        }
    }

    /**
     * Starts pending hosts of {@code fleet}, oldest first, while fewer than {@code max-parallel} have a step in
     * flight. Called after a plan is scheduled and whenever a host settles.
     */
    public void startPending(Connection c, String fleet, FleetEvent cause) throws SQLException {
        hosts.lockFleet(c, fleet);
        while (true) {
            int free = config.maxParallel() - hosts.inFlight(c, fleet);
            if (free <= 0) {
                return;
            }
            List<HostRecord> pending = hosts.lockPending(c, fleet, free);
            if (pending.isEmpty()) {
                return;
            }
            for (HostRecord h : pending) {
                HostLifecycle.Route route = h.route();
                enter(c, h, route.first(), route.steps().isEmpty() ? "plan " + h.planId() + ": nothing to send" : null,
                        cause);
            }
        }
    }

    /**
     * The startup pass of a (re)started planner: hosts that wait as Pending start if slots are free. Hosts with a
     * step in flight need nothing: their answers arrive on Kafka and the reconciler continues from their rows.
     */
    public void resume() {
        List<String> fleets = database.read(hosts::fleetsWithPending);
        for (String fleet : fleets) {
            database.inTransaction(c -> {
                startPending(c, fleet, null);
                return null;
            });
        }
        if (!fleets.isEmpty()) {
            LOG.infof("resumed pending hosts of fleets %s", fleets);
        }
    }

    void onStart(@Observes StartupEvent ignored) {
        try {
            resume();
        } catch (RuntimeException e) {
            // The next settling host starts them anyway; a failed pass must not keep the planner down.
            LOG.errorf("resuming pending hosts failed: %s", e.toString());
        }
    }

    /**
     * Moves {@code h} into {@code to}: writes the row, announces {@code HostStateChanged}, sends the command
     * {@code to} waits on, and when the host settles lets the next pending host of its fleet start.
     *
     * @param reason shown in the event (and stored for Failed / Drifted / Gone); null = the state's own
     */
    public void enter(Connection c, HostRecord h, HostState to, String reason, FleetEvent cause) throws SQLException {
        try (StoryContext.Scope story = StoryContext.forHost(h.fleet(), h.host(), h.planId()).open()) {
            move(c, h, to, reason, cause);
        }
    }

    /** {@link #enter}, in the host's story: its log lines carry its host and plan, whatever event caused the move. */
    private void move(Connection c, HostRecord h, HostState to, String reason, FleetEvent cause) throws SQLException {
        int vmid = to == HostState.Cloning && h.desired().vmid() > 0 ? h.desired().vmid() : h.vmid();
        HostRecord moving = withVmid(h, vmid);
        String commandId = command(c, moving, to, cause);
        String stored = to == HostState.Failed || to == HostState.Drifted || to == HostState.Gone ? reason : null;
        String step = to == HostState.Failed ? h.step() : null;
        hosts.transition(c, h, to, vmid, step, stored, commandId);
        String shown = step != null ? step + ": " + reason : reason != null ? reason : to.name();
        announce(c, moving, h.state(), to, shown, cause);
        LOG.infof("%s -> %s (%s, vmid %d)%s", h.state(), to, h.action(), vmid, reason != null ? ": " + reason : "");
        if (!to.inFlight() && to != HostState.Pending && h.state().inFlight()) {
            startPending(c, h.fleet(), cause);
        }
    }

    /** Fails the step {@code h} is running. */
    /**
     * An operator retried the host's failed provisioning ({@code fleetplane retry}): the provisioner runs its saga
     * again from the failed step, so the host waits in Provisioning for it; no command is sent (a ProvisionHost would
     * start the saga over).
     */
    public void provisioningRetried(Connection c, HostRecord h, String step, FleetEvent cause) throws SQLException {
        hosts.transition(c, h, HostState.Provisioning, h.vmid(), null, null, h.commandId());
        announce(c, h, h.state(), HostState.Provisioning, "provisioning retried from step " + step, cause);
        LOG.infof("fleet %s host %s: %s -> Provisioning (retried from step %s, correlation %s)", h.fleet(), h.host(),
                h.state(), step, cause.correlationId());
    }

    public void fail(Connection c, HostRecord h, String step, String reason, FleetEvent cause) throws SQLException {
        HostRecord withStep = new HostRecord(h.fleet(), h.host(), h.vmid(), h.node(), h.state(), step, h.reason(),
                h.ip(), h.planId(), h.desired(), h.change(), h.origin(), h.commandId(), h.queuedAt(), h.startedAt(),
                h.readyAt(), h.updatedAt());
        enter(c, withStep, HostState.Failed, reason, cause);
    }

    /** Sends the command that starts {@code state}; returns its event id (null when the state sends nothing). */
    private String command(Connection c, HostRecord h, HostState state, FleetEvent cause) throws SQLException {
        HostDesired d = h.desired();
        String host = h.host();
        String corr = h.planId();
        FleetEvent sent = switch (state) {
            case Cloning -> publisher.publish(c, host, EventCatalog.CLONE_VM, host,
                    new CloneVm(h.node(), d.templateVmid(), h.vmid(), d.vmName(), d.storage(), true), corr, cause);
            case Configuring -> publisher.publish(c, host, EventCatalog.CONFIGURE_VM, host,
                    new ConfigureVm(h.node(), h.vmid(), d.cores(), d.memoryMb(), VmConfig.forCreate(d, h.fleet(), host)),
                    corr, cause);
            case Updating -> publisher.publish(c, host, EventCatalog.CONFIGURE_VM, host,
                    new ConfigureVm(h.node(), h.vmid(), d.cores(), d.memoryMb(),
                            VmConfig.forUpdate(d, h.change().attributes())), corr, cause);
            case Resizing -> publisher.publish(c, host, EventCatalog.RESIZE_DISK, host,
                    new ResizeDisk(h.node(), h.vmid(), d.disk0(), d.disk()), corr, cause);
            case Starting -> publisher.publish(c, host, EventCatalog.START_VM, host,
                    new StartVm(h.node(), h.vmid()), corr, cause);
            case Provisioning -> publisher.publish(c, host, EventCatalog.PROVISION_HOST, host,
                    new ProvisionHost(host, h.node(), h.vmid(), d.user(), d.rebuildCommand(),
                            HostLifecycle.CREATE.equals(h.action()) || HostLifecycle.REPLACE.equals(h.action())),
                    corr, cause);
            case Stopping -> publisher.publish(c, host, EventCatalog.STOP_VM, host,
                    new StopVm(h.node(), h.vmid(), true, (int) config.stopTimeout().toSeconds()), corr, cause);
            case Destroying -> publisher.publish(c, host, EventCatalog.DESTROY_VM, host,
                    new DestroyVm(h.node(), h.vmid(), before(h.change(), "name").orElse(d.vmName())), corr, cause);
            default -> null;
        };
        return sent == null ? null : sent.id();
    }

    private void announce(Connection c, HostRecord h, HostState from, HostState to, String reason, FleetEvent cause)
            throws SQLException {
        publisher.publish(c, h.fleet(), EventCatalog.HOST_STATE_CHANGED, h.host(),
                new HostStateChanged(h.fleet(), h.host(), h.vmid(), from == null ? null : from.name(), to.name(),
                        reason, h.ip()), h.planId(), cause);
    }

    /** The row a planned change queues (or settles at once: adopt, forget); pure, the decision the unit tests check. */
    static HostRecord queued(String fleet, String planId, PlannedChange change, HostsSpec spec, JsonNode content,
                              Optional<HostRecord> before) {
        String action = change.action();
        HostLifecycle.route(action, change.attributes(), HostLifecycle.Origin.created); // refuses unknown actions
        Optional<HostSpec> host = spec.hosts().stream().filter(h -> h.name().equals(change.host())).findFirst();
        HostDesired desired = host.flatMap(HostSpec::proxmox).isPresent()
                ? desired(spec, host.get(), content, change)
                : before.map(HostRecord::desired).orElseGet(() -> new HostDesired(change.vmid(), change.host(), 0, 0,
                        null, null, 0, null, null, null, Map.of()));
        HostLifecycle.Origin origin = switch (action) {
            case HostLifecycle.ADOPT -> HostLifecycle.Origin.adopted;
            case HostLifecycle.CREATE, HostLifecycle.REPLACE -> HostLifecycle.Origin.created;
            default -> before.map(HostRecord::origin).orElse(host.flatMap(HostSpec::proxmox)
                    .map(vm -> vm.cloneFromTemplate() ? HostLifecycle.Origin.created : HostLifecycle.Origin.adopted)
                    .orElse(HostLifecycle.Origin.created));
        };
        // A replacement or destruction acts on the VM that exists (its VMID may be the one being changed).
        int vmid = switch (action) {
            case HostLifecycle.REPLACE, HostLifecycle.DESTROY, HostLifecycle.FORGET -> before(change, "vmid")
                    .flatMap(HostScheduler::integer).orElse(before.map(HostRecord::vmid).orElse(change.vmid()));
            default -> change.vmid();
        };
        HostState state = switch (action) {
            case HostLifecycle.ADOPT -> HostState.Adopted;
            case HostLifecycle.FORGET -> HostState.Gone;
            default -> HostState.Pending;
        };
        String reason = action.equals(HostLifecycle.FORGET)
                ? "forgotten by plan " + planId + ": left in Proxmox, no longer managed" : null;
        String ip = before.map(HostRecord::ip).orElse(null);
        return new HostRecord(fleet, change.host(), vmid, change.node(), state, null, reason, ip, planId, desired,
                change, origin, null, null, null, before.map(HostRecord::readyAt).orElse(null), null);
    }

    private static HostDesired desired(HostsSpec spec, HostSpec host, JsonNode content, PlannedChange change) {
        ProxmoxVm vm = host.proxmox().orElseThrow();
        ProxmoxSettings px = spec.proxmox().orElseThrow(() -> new IllegalStateException(
                "host " + host.name() + " has proxmox but the spec has no _proxmox"));
        // Optional attributes come from the spec as written: they are Proxmox's business, not the planner's.
        JsonNode written = content == null ? null : content.path(host.name()).path("proxmox");
        // Not written: the template's boot disk as the create plan read it from the template's config.
        String diskInterface = written != null && written.path("diskInterface").isTextual()
                ? written.path("diskInterface").asText() : after(change, "diskInterface").orElse(null);
        return new HostDesired(vm.vmid(), vm.name(), vm.cores(), vm.memoryMb(), vm.disk(),
                vm.storage().orElse(px.defaultStorage()), px.templateVmid(), host.user(), spec.rebuildCommandFor(host),
                diskInterface, VmConfig.fromSpec(host, vm, written));
    }

    private static Optional<String> after(PlannedChange change, String attribute) {
        if (change == null || change.attributes() == null || !HostLifecycle.CREATE.equals(change.action())) {
            return Optional.empty();
        }
        return change.attributes().stream().filter(a -> a.name().equals(attribute)).map(AttributeChange::after)
                .filter(v -> v != null && !v.isBlank()).findFirst();
    }

    private static Optional<String> before(PlannedChange change, String attribute) {
        if (change == null || change.attributes() == null) {
            return Optional.empty();
        }
        return change.attributes().stream().filter(a -> a.name().equals(attribute)).map(AttributeChange::before)
                .filter(v -> v != null && !v.isBlank()).findFirst();
    }

    private static Optional<Integer> integer(String text) {
        try {
            return Optional.of(Integer.parseInt(text.trim()));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static HostRecord withVmid(HostRecord h, int vmid) {
        return vmid == h.vmid() ? h : new HostRecord(h.fleet(), h.host(), vmid, h.node(), h.state(), h.step(),
                h.reason(), h.ip(), h.planId(), h.desired(), h.change(), h.origin(), h.commandId(), h.queuedAt(),
                h.startedAt(), h.readyAt(), h.updatedAt());
    }
}
