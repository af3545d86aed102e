package dev.fleetplane.planner.lifecycle;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fleetplane.events.EventCatalog;
import dev.fleetplane.events.FleetEvent;
import dev.fleetplane.events.plans.HostStateChanged;
import dev.fleetplane.events.plans.PlannedChange;
import dev.fleetplane.events.pve.ObservedVm;
import dev.fleetplane.events.pve.QueryGuestNetwork;
import dev.fleetplane.messaging.Database;
import dev.fleetplane.messaging.StoryContext;
import dev.fleetplane.plancore.spec.HostsSpec;
import dev.fleetplane.planner.Publisher;
import dev.fleetplane.planner.spec.SpecStore;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Runs applied plans host by host: queues every changed host as Pending, starts pending hosts while fewer than
 * {@code max-parallel} of the fleet have a step in flight, moves hosts into each next state and sends the command
 * that state waits on. Everything it decides is written in the caller's transaction; nothing lives in memory,
 * so a restarted planner carries on from the rows. The decisions themselves are pure ({@link QueuedHost},
 * {@link StepCommand}, {@link Drift}); this class does their I/O.
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
                // In the host's story of this plan, as every move of the host (enter) is.
                try (StoryContext.Scope story = StoryContext.forHost(fleet, change.host(), planId).open()) {
                    LOG.warnf("is %s with a step in flight; %s of this plan left for a later plan", from,
                            change.action());
                }
                continue;
            }
            HostRecord queued = QueuedHost.of(fleet, planId, change, spec, content, before);
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
            Optional<Drift.Move> move = Drift.decide(found.get(), planId, change);
            if (move.isPresent()) {
                enter(c, found.get(), move.get().to(), move.get().reason(), cause);
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

    /**
     * An operator retried the host's failed provisioning ({@code fleetplane retry}): the provisioner runs its saga
     * again from the failed step, so the host waits in Provisioning for it; no command is sent (a ProvisionHost would
     * start the saga over).
     */
    public void provisioningRetried(Connection c, HostRecord h, String step, FleetEvent cause) throws SQLException {
        hosts.transition(c, h, HostState.Provisioning, h.vmid(), null, null, h.commandId());
        announce(c, h, h.state(), HostState.Provisioning, "provisioning retried from step " + step, cause);
        try (StoryContext.Scope story = StoryContext.forHost(h.fleet(), h.host(), cause.correlationId()).open()) {
            LOG.infof("%s -> Provisioning (retried from step %s)", h.state(), step);
        }
    }

    /**
     * The step {@code h} is running failed with {@code failure}: sent again after the retry policy's delay when the
     * failure may pass and attempts are left ({@link StepRetry}), else the host fails, its reason saying how many
     * attempts it took. A retry is announced as a {@code HostStateChanged} to the same state whose reason carries the
     * failure, so the event log keeps every attempt's cause.
     */
    public void failOrRetry(Connection c, HostRecord h, String step, String failure, boolean retryable, String reason,
                            FleetEvent cause) throws SQLException {
        HostStore.Attempt attempt = hosts.attempt(c, h);
        if (attempt.retryAt() != null) {
            LOG.infof("%s failure (%s) while its retry is already due at %s; ignored", step, failure, attempt.retryAt());
            return;
        }
        StepRetry policy = config.stepRetry();
        Optional<Duration> delay = policy.after(attempt.number(), failure, retryable);
        if (delay.isEmpty()) {
            String counted = attempt.number() > 1 ? reason + " (attempt " + attempt.number() + " of "
                    + policy.attempts() + ")" : reason;
            fail(c, h, step, counted, cause);
            return;
        }
        String shown = step + " attempt " + attempt.number() + " of " + policy.attempts() + " failed: " + reason
                + "; again in " + delay.get().toMillis() + " ms";
        hosts.retryLater(c, h, shown, delay.get());
        try (StoryContext.Scope story = StoryContext.forHost(h.fleet(), h.host(), h.planId()).open()) {
            announce(c, h, h.state(), h.state(), shown, cause);
            LOG.infof("%s (vmid %d): %s", h.state(), h.vmid(), shown);
        }
    }

    /** Sends the step {@code h} is in again (its retry is due); called by {@link StepRetries} with the row locked. */
    public void resend(Connection c, HostRecord h) throws SQLException {
        try (StoryContext.Scope story = StoryContext.forHost(h.fleet(), h.host(), h.planId()).open()) {
            if (!h.state().inFlight()) {
                hosts.resent(c, h, h.commandId());
                LOG.infof("retry of a step due while %s; dropped", h.state());
                return;
            }
            String commandId = command(c, h, h.state(), null);
            hosts.resent(c, h, commandId);
            LOG.infof("%s: step sent again (command %s)", h.state(), commandId);
        }
    }

    /** Fails the step {@code h} is running. */
    public void fail(Connection c, HostRecord h, String step, String reason, FleetEvent cause) throws SQLException {
        HostRecord withStep = new HostRecord(h.fleet(), h.host(), h.vmid(), h.node(), h.state(), step, h.reason(),
                h.ip(), h.planId(), h.desired(), h.change(), h.origin(), h.commandId(), h.queuedAt(), h.startedAt(),
                h.readyAt(), h.updatedAt());
        enter(c, withStep, HostState.Failed, reason, cause);
    }

    /** Sends the command that starts {@code state}; returns its event id (null when the state sends nothing). */
    private String command(Connection c, HostRecord h, HostState state, FleetEvent cause) throws SQLException {
        Optional<StepCommand<?>> command = StepCommand.entering(h, state, config.stopTimeout());
        return command.isEmpty() ? null : publish(c, h, command.get(), cause).id();
    }

    private <T> FleetEvent publish(Connection c, HostRecord h, StepCommand<T> command, FleetEvent cause)
            throws SQLException {
        return publisher.publish(c, h.host(), command.kind(), h.host(), command.payload(), h.planId(), cause);
    }

    private void announce(Connection c, HostRecord h, HostState from, HostState to, String reason, FleetEvent cause)
            throws SQLException {
        publisher.publish(c, h.fleet(), EventCatalog.HOST_STATE_CHANGED, h.host(),
                new HostStateChanged(h.fleet(), h.host(), h.vmid(), from == null ? null : from.name(), to.name(),
                        reason, h.ip()), h.planId(), cause);
    }

    private static HostRecord withVmid(HostRecord h, int vmid) {
        return vmid == h.vmid() ? h : new HostRecord(h.fleet(), h.host(), vmid, h.node(), h.state(), h.step(),
                h.reason(), h.ip(), h.planId(), h.desired(), h.change(), h.origin(), h.commandId(), h.queuedAt(),
                h.startedAt(), h.readyAt(), h.updatedAt());
    }
}
