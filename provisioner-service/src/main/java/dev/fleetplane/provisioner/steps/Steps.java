package dev.fleetplane.provisioner.steps;

import dev.fleetplane.events.provisioning.HardwareConfigGenerated;
import dev.fleetplane.messaging.Database;
import dev.fleetplane.provisioner.ProvisionerConfig;
import dev.fleetplane.provisioner.checkout.CheckoutCommand;
import dev.fleetplane.provisioner.checkout.CheckoutException;
import dev.fleetplane.provisioner.checkout.HardwareConfigPath;
import dev.fleetplane.provisioner.checkout.LocalRebuild;
import dev.fleetplane.provisioner.checkout.OperatorCheckout;
import dev.fleetplane.provisioner.checkout.SwitchDrop;
import dev.fleetplane.provisioner.rebuild.RebuildTemplate;
import dev.fleetplane.provisioner.saga.ProvisioningSaga;
import dev.fleetplane.provisioner.saga.Saga;
import dev.fleetplane.provisioner.saga.SagaEvents;
import dev.fleetplane.provisioner.saga.SagaState;
import dev.fleetplane.provisioner.saga.SagaStore;
import dev.fleetplane.provisioner.ssh.GuestSession;
import dev.fleetplane.provisioner.ssh.GuestShell;
import dev.fleetplane.provisioner.ssh.HostKey;
import dev.fleetplane.provisioner.ssh.HostKeyPins;
import dev.fleetplane.provisioner.ssh.OutputTail;
import dev.fleetplane.provisioner.ssh.RemoteRun;
import dev.fleetplane.provisioner.ssh.SshLoginException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * The worker steps of a saga, each on one SSH connection: rebuild (wait for sshd, read the current system, hardware
 * config, arm the rollback watchdog, run the rebuild: on the guest, or from the operator's checkout), probe (after the switch: log in at an address the agent reported, check
 * the system changed, disarm the watchdog), integrate (host key, age recipient, Tailscale). Each step stores its
 * result with its events in one transaction, so a restart resumes at the step it was in. Returns the next worker
 * step, or null when the saga now waits for the scheduler (or ended).
 */
@ApplicationScoped
public class Steps {

    private static final Logger LOG = Logger.getLogger(Steps.class);
    private static final Duration SHORT = Duration.ofSeconds(30);

    @Inject
    ProvisionerConfig config;

    @Inject
    Database database;

    @Inject
    SagaStore store;

    @Inject
    SagaEvents events;

    @Inject
    ProvisioningSaga saga;

    @Inject
    GuestShell shell;

    @Inject
    HardwareConfigs hardwareConfigs;

    @Inject
    Integration integration;

    @Inject
    OperatorCheckout checkout;

    @Inject
    LocalRebuild localRebuild;

    @Inject
    HostKeyPins pins;

    /** A step that failed for a reason the saga reports. */
    static final class StepFailure extends Exception {
        final String step;
        final List<String> tail;

        StepFailure(String step, String reason, List<String> tail) {
            super(reason);
            this.step = step;
            this.tail = tail;
        }
    }

    // ---------------------------------------------------------------- rebuild

    SagaState rebuild(String host) {
        Optional<Saga> found = load(host, SagaState.REBUILDING);
        if (found.isEmpty()) {
            return null;
        }
        Saga s = found.get();
        String command;
        try {
            command = RebuildTemplate.render(s.rebuildCommand(), s.host(), s.ip(), s.user());
        } catch (IllegalArgumentException e) {
            fail(s, ProvisioningSaga.STEP_REBUILD, e.getMessage(), List.of());
            return null;
        }
        try (GuestSession g = shell.awaitLogin(s.host(), s.ip(), users(config.ssh().bootstrapUser(), s.user()),
                config.ssh().waitTimeout(), reason -> waitingForSsh(s, reason))) {
            String current = currentSystem(g);
            if (s.systemBefore() != null && !current.equals(s.systemBefore())) {
                record(s, cur -> saga.alreadySwitched(cur, Instant.now()), (c, next) -> { });
                LOG.infof("host %s [%s]: the switch to %s already happened (before a restart); confirming it", host,
                        s.correlationId(), current);
                return null;
            }
            Saga ready = record(s, cur -> saga.beforeRebuild(cur, current), (c, next) -> { });
            if (ready == null) {
                return null;
            }
            if (config.hardwareConfig().enabled()) {
                hardwareConfig(g, ready);
            }
            boolean armed = config.rollback().enabled() && arm(g, ready, current);
            return checkout.path().isPresent() ? runFromCheckout(g, ready, armed) : runRebuild(g, ready, command, armed);
        } catch (SshLoginException e) {
            fail(s, ProvisioningSaga.STEP_SSH, e.getMessage(), List.of());
        } catch (StepFailure f) {
            fail(s, f.step, f.getMessage(), f.tail);
        }
        return null;
    }

    private SagaState runRebuild(GuestSession g, Saga s, String command, boolean armed)
            throws SshLoginException, StepFailure {
        ProvisionerConfig.Rebuild r = config.rebuild();
        OutputEvents stream = new OutputEvents(r.outputBatchLines(), r.outputMaxBatches(), (seq, lines, dropped) ->
                database.inTransaction(c -> events.rebuildOutput(c, s, seq, lines, dropped)));
        OutputTail tail = new OutputTail(r.tailLines(), r.maxLineLength(), stream::line);
        LOG.infof("host %s [%s]: rebuild run %d over SSH as %s: %s", s.host(), s.correlationId(), s.rebuildRuns(),
                g.where(), command);
        // nixos-rebuild switch needs root: a login as the host's user (root login is off after the first switch) runs
        // it through sudo, never prompting.
        String asRoot = g.user().equals("root") ? command
                : "sudo -n sh -c '" + command.replace("'", "'\\''") + "'";
        RemoteRun run = g.exec(asRoot, r.timeout(), tail.sink(), tail.sink());
        stream.finish();
        return afterRun(g, s, run, tail, command, armed);
    }

    /**
     * The rebuild from the operator's checkout: {@code nixos-rebuild switch --flake <checkout>#<host> --target-host
     * <user>@<ip>} on this machine, logging in as the user this step's own connection logged in as, checking the host
     * key pinned for the host. nixos-rebuild exits non-zero when its SSH connection drops during the switch (the
     * guest's network restarted): ssh's words about it in the output make that a dropped connection, as on the guest.
     */
    private SagaState runFromCheckout(GuestSession g, Saga s, boolean armed) throws SshLoginException, StepFailure {
        ProvisionerConfig.Rebuild r = config.rebuild();
        ProvisionerConfig.Checkout co = config.checkout();
        Path dir;
        List<String> argv;
        HostKey pinned;
        try {
            dir = checkout.checked();
            argv = CheckoutCommand.argv(co.nixosRebuild(), dir, s.host(), g.user(), g.ip(), co.remoteSudoFlag());
            pinned = pins.pinned(s.host()).orElseThrow(() -> new CheckoutException("no host key is pinned for "
                    + s.host() + " although this step just logged in to it"));
        } catch (CheckoutException | IllegalArgumentException e) {
            if (armed) {
                disarmQuietly(g, s);
            }
            throw new StepFailure(ProvisioningSaga.STEP_REBUILD, e.getMessage(), List.of());
        }
        OutputEvents stream = new OutputEvents(r.outputBatchLines(), r.outputMaxBatches(), (seq, lines, dropped) ->
                database.inTransaction(c -> events.rebuildOutput(c, s, seq, lines, dropped)));
        OutputTail tail = new OutputTail(r.tailLines(), r.maxLineLength(), stream::line);
        LOG.infof("host %s [%s]: rebuild run %d from the checkout %s, host key %s pinned: %s", s.host(),
                s.correlationId(), s.rebuildRuns(), dir, pinned, CheckoutCommand.display(argv));
        RemoteRun run;
        try {
            run = localRebuild.run(s.host(), pinned, dir, argv, r.timeout(), tail.sink());
        } catch (CheckoutException e) {
            if (armed) {
                disarmQuietly(g, s);
            }
            throw new StepFailure(ProvisioningSaga.STEP_REBUILD, e.getMessage(), List.of());
        }
        stream.finish();
        if (run instanceof RemoteRun.Exited x && x.status() != 0) {
            Optional<String> dropped = SwitchDrop.in(tail.lines());
            if (dropped.isPresent()) {
                run = new RemoteRun.ConnectionLost("nixos-rebuild exited " + x.status() + " after ssh said: "
                        + dropped.get(), x.duration());
            }
        }
        return afterRun(g, s, run, tail, CheckoutCommand.display(argv), armed);
    }

    /** How the rebuild ended decides the next step: confirm after exit 0 or a dropped connection, else fail. */
    private SagaState afterRun(GuestSession g, Saga s, RemoteRun run, OutputTail tail, String ran, boolean armed)
            throws StepFailure {
        if (run instanceof RemoteRun.Exited x && x.status() == 0) {
            record(s, cur -> saga.afterRebuild(cur, Saga.EXITED_0, x.duration(), tail.lines(), ran, Instant.now()),
                    (c, next) -> { });
            LOG.infof("host %s [%s]: rebuild exited 0 after %s (%d output lines); confirming over a fresh connection",
                    s.host(), s.correlationId(), seconds(x.duration()), tail.totalLines());
            return null;
        }
        if (run instanceof RemoteRun.ConnectionLost lost) {
            record(s, cur -> saga.afterRebuild(cur, Saga.CONNECTION_LOST, lost.duration(), tail.lines(), ran,
                    Instant.now()),
                    (c, next) -> { });
            LOG.infof("host %s [%s]: the SSH connection dropped %s into the rebuild (%s): the switch restarted the"
                    + " network; finding the guest again through its agent", s.host(), s.correlationId(),
                    seconds(lost.duration()), lost.reason());
            return null;
        }
        if (armed) {
            disarmQuietly(g, s);
        }
        throw new StepFailure(ProvisioningSaga.STEP_REBUILD, failure(run), tail.lines());
    }

    private void hardwareConfig(GuestSession g, Saga s) throws SshLoginException, StepFailure {
        ProvisionerConfig.HardwareConfig hc = config.hardwareConfig();
        String policy;
        try {
            policy = HardwareConfigPolicy.checked(hc.policy());
        } catch (IllegalArgumentException e) {
            throw new StepFailure(ProvisioningSaga.STEP_HARDWARE_CONFIG, e.getMessage(), List.of());
        }
        GuestSession.Captured out = g.capture(hc.command(), hc.timeout());
        if (!out.ok() || out.output().isBlank()) {
            throw new StepFailure(ProvisioningSaga.STEP_HARDWARE_CONFIG, "`" + hc.command() + "` on " + g.where()
                    + " exited with status " + out.status() + (out.output().isBlank() ? " and printed nothing" : ""),
                    lastLines(out.output(), config.rebuild().tailLines()));
        }
        String generated = out.output();
        if (checkout.path().isPresent()) {
            intoCheckout(s, policy, generated);
            return;
        }
        database.inTransaction(c -> {
            HardwareConfigPolicy.Decision d = HardwareConfigPolicy.decide(policy, hardwareConfigs.find(c, s.host()),
                    generated, s.host());
            if (d.store()) {
                hardwareConfigs.store(c, s.host(), s.vmid(), generated);
            }
            events.hardwareConfig(c, s, new HardwareConfigGenerated(s.host(), s.vmid(), d.action(), policy,
                    HardwareConfigPolicy.sha256(generated), generated, d.diff()));
            LOG.infof("host %s [%s]: hardware configuration %s (policy %s)", s.host(), s.correlationId(), d.action(),
                    policy);
            return null;
        });
    }

    /**
     * With a checkout, the host's file in it is what the policy weighs the generated one against (an existing fleet
     * keeps its hardware configurations there): written when the policy says so, and staged with {@code git add}
     * whenever git does not track it yet, so the rebuild's flake sees it. fleetplane's own table keeps a copy.
     */
    private void intoCheckout(Saga s, String policy, String generated) throws StepFailure {
        Path dir;
        String relative;
        try {
            dir = checkout.checked();
            relative = HardwareConfigPath.of(config.checkout().hardwareConfigPath(), s.host());
        } catch (CheckoutException | IllegalArgumentException e) {
            throw new StepFailure(ProvisioningSaga.STEP_HARDWARE_CONFIG, e.getMessage(), List.of());
        }
        HardwareConfigPolicy.Decision d;
        boolean staged;
        try {
            d = HardwareConfigPolicy.decide(policy, checkout.read(dir, relative), generated, s.host());
            if (d.store()) {
                checkout.writeAndStage(dir, relative, generated);
                staged = true;
            } else {
                staged = checkout.stageIfUntracked(dir, relative);
            }
        } catch (CheckoutException e) {
            throw new StepFailure(ProvisioningSaga.STEP_HARDWARE_CONFIG, e.getMessage(), List.of());
        }
        database.inTransaction(c -> {
            if (d.store()) {
                hardwareConfigs.store(c, s.host(), s.vmid(), generated);
            }
            events.hardwareConfig(c, s, new HardwareConfigGenerated(s.host(), s.vmid(), d.action(), policy,
                    HardwareConfigPolicy.sha256(generated), generated, d.diff(), relative));
            return null;
        });
        LOG.infof("host %s [%s]: hardware configuration %s in %s at %s (policy %s)%s", s.host(), s.correlationId(),
                d.action(), dir, relative, policy, staged ? ", staged with git add (not committed)" : "");
    }

    private boolean arm(GuestSession g, Saga s, String current) throws SshLoginException, StepFailure {
        long confirm = Math.max(1, config.rollback().confirmTimeout().toSeconds());
        long maxWait = Math.max(1, config.rebuild().timeout().toSeconds());
        String arm;
        try {
            arm = RollbackWatchdog.arm(s.host(), current, confirm, maxWait, !g.user().equals("root"));
        } catch (IllegalArgumentException e) {
            throw new StepFailure(ProvisioningSaga.STEP_REBUILD, "cannot arm the rollback watchdog: " + e.getMessage(),
                    List.of());
        }
        GuestSession.Captured out = g.capture(arm, SHORT);
        if (!out.ok()) {
            throw new StepFailure(ProvisioningSaga.STEP_REBUILD, "cannot arm the rollback watchdog on " + g.where()
                    + " (systemd-run exited " + out.status() + "); set fleetplane.provisioner.rollback.enabled=false"
                    + " for guests without systemd", lastLines(out.output(), 10));
        }
        LOG.infof("host %s [%s]: rollback watchdog %s armed: %d s after the switch unless confirmed", s.host(),
                s.correlationId(), RollbackWatchdog.unit(s.host()), confirm);
        return true;
    }

    private void disarmQuietly(GuestSession g, Saga s) {
        try {
            g.capture(RollbackWatchdog.disarm(s.host(), !g.user().equals("root")), SHORT);
        } catch (SshLoginException e) {
            LOG.debugf("host %s: disarming the watchdog after a failed rebuild: %s", s.host(), e.getMessage());
        }
    }

    private void waitingForSsh(Saga s, String reason) {
        record(s, cur -> saga.waitingForSsh(cur, reason), (c, next) -> { });
        LOG.infof("host %s [%s]: waiting for sshd at %s: %s", s.host(), s.correlationId(), s.ip(), reason);
    }

    // ---------------------------------------------------------------- probe (confirming)

    SagaState probe(String host, String address) {
        Optional<Saga> found = load(host, SagaState.CONFIRMING).filter(Saga::probing);
        if (found.isEmpty()) {
            return null;
        }
        Saga s = found.get();
        try (GuestSession g = shell.openAs(s.host(), address, users(s.user(), config.ssh().bootstrapUser()))) {
            String current = currentSystem(g);
            boolean switched = s.systemBefore() == null || !current.equals(s.systemBefore());
            if (!switched && !Saga.EXITED_0.equals(s.rebuildOutcome())) {
                Saga next = record(s, cur -> saga.notSwitched(cur, address, current), (c, n) -> {
                    if (n.state() == SagaState.FAILED) {
                        events.failed(c, n, n.failedStep(), n.lastReason(), n.rebuildTail());
                    }
                });
                LOG.warnf("host %s [%s]: %s answers, but /run/current-system is still %s: %s", host,
                        s.correlationId(), address, current, next == null ? "(saga changed)" : next.lastReason());
                return next != null && next.state() == SagaState.REBUILDING ? SagaState.REBUILDING : null;
            }
            if (config.rollback().enabled()) {
                GuestSession.Captured d = g.capture(RollbackWatchdog.disarm(s.host(), !g.user().equals("root")), SHORT);
                if (!d.ok()) {
                    String reason = "logged in at " + address + " as " + g.user() + " but could not disarm the rollback"
                            + " watchdog (status " + d.status() + "; is " + g.user() + " allowed passwordless sudo?): "
                            + firstLine(d.output());
                    record(s, cur -> saga.probeFailed(cur, reason, Instant.now()), (c, n) -> { });
                    return null;
                }
                String after = currentSystem(g);
                if (!after.equals(current)) {
                    // The watchdog fired between the look and the disarm: what runs now is the rollback's result.
                    String reason = "the watchdog rolled back to " + after + " just before it was disarmed";
                    record(s, cur -> saga.probeFailed(cur, reason, Instant.now()), (c, n) -> { });
                    return null;
                }
            }
            String from = s.ip();
            String command = s.rebuildRan() != null ? s.rebuildRan()
                    : RebuildTemplate.render(s.rebuildCommand(), s.host(), address, s.user());
            record(s, cur -> saga.confirmed(cur, address), (c, next) -> {
                if (from != null && !from.equals(address)) {
                    events.ipChanged(c, next, from, address);
                }
                events.rebuildSucceeded(c, next, command, next.rebuildTail(), current);
            });
            LOG.infof("host %s [%s]: switch confirmed at %s as %s: %s -> %s%s", host, s.correlationId(), address,
                    g.user(), s.systemBefore(), current, from != null && !from.equals(address)
                            ? " (address changed from " + from + ")" : "");
            return SagaState.INTEGRATING;
        } catch (SshLoginException e) {
            String reason = e.kind() == SshLoginException.Kind.HOST_KEY_CHANGED
                    ? address + " answers with another host key, so it is not " + host + " (another machine got that"
                    + " address?): " + e.getMessage()
                    : e.getMessage();
            record(s, cur -> saga.probeFailed(cur, reason, Instant.now()), (c, n) -> { });
            LOG.infof("host %s [%s]: %s does not answer as the host yet: %s", host, s.correlationId(), address, reason);
            return null;
        } catch (IllegalArgumentException e) {
            fail(s, ProvisioningSaga.STEP_CONFIRM, e.getMessage(), List.of());
            return null;
        }
    }

    /** A probe that could not run: the saga asks the agent again. */
    void releaseProbe(String host) {
        database.inTransaction(c -> {
            store.lock(c, host).filter(s -> s.state() == SagaState.CONFIRMING && s.probing())
                    .ifPresent(s -> {
                        try {
                            store.save(c, saga.probeFailed(s, "probe not run (worker busy)", Instant.now()));
                        } catch (java.sql.SQLException e) {
                            throw new dev.fleetplane.messaging.Database.DatabaseException(e);
                        }
                    });
            return null;
        });
    }

    // ---------------------------------------------------------------- integrate

    SagaState integrate(String host) {
        Optional<Saga> found = load(host, SagaState.INTEGRATING);
        if (found.isEmpty()) {
            return null;
        }
        Saga s = found.get();
        try (GuestSession g = shell.openAs(s.host(), s.ip(), users(s.user(), config.ssh().bootstrapUser()))) {
            Integration.Result result = integration.integrate(g, s);
            record(s, cur -> saga.integrated(cur), (c, next) -> {
                integration.store(c, next, result);
                events.hostKey(c, next, result.hostKey());
                if (result.tailscaleTags() != null) {
                    events.tailscale(c, next, result.tailscaleTags());
                }
                events.provisioned(c, next);
            });
            LOG.infof("host %s [%s]: provisioned at %s; host key %s, age recipient %s", host, s.correlationId(), s.ip(),
                    result.hostKey().fingerprint(), result.hostKey().ageRecipient());
        } catch (SshLoginException e) {
            fail(s, ProvisioningSaga.STEP_INTEGRATE, e.getMessage(), List.of());
        } catch (StepFailure f) {
            fail(s, f.step, f.getMessage(), f.tail);
        }
        return null;
    }

    // ---------------------------------------------------------------- shared

    private static List<String> users(String first, String second) {
        return first.equals(second) ? List.of(first) : List.of(first, second);
    }

    private static String currentSystem(GuestSession g) throws SshLoginException {
        GuestSession.Captured out = g.capture("readlink -f /run/current-system", SHORT);
        String path = out.output().strip();
        if (!out.ok() || path.isEmpty() || path.contains("\n")) {
            throw new SshLoginException("cannot read /run/current-system on " + g.where() + " (status " + out.status()
                    + "): " + firstLine(out.output()) + " — is this a NixOS guest?");
        }
        return path;
    }

    private Optional<Saga> load(String host, SagaState state) {
        return database.read(c -> store.find(c, host)).filter(s -> s.state() == state);
    }

    interface Publish {
        void run(java.sql.Connection c, Saga next) throws java.sql.SQLException;
    }

    /**
     * Applies {@code change} to the current row and publishes in one transaction, unless the saga was replaced by a
     * newer ProvisionHost (or moved on) while the step ran: then nothing is written and null returned.
     */
    private Saga record(Saga ran, Function<Saga, Saga> change, Publish publish) {
        return database.inTransaction(c -> {
            Optional<Saga> current = store.lock(c, ran.host());
            if (current.isEmpty() || current.get().state() != ran.state()
                    || !current.get().commandEventId().equals(ran.commandEventId())) {
                LOG.warnf("host %s [%s]: the saga changed while step %s ran; its result is dropped", ran.host(),
                        ran.correlationId(), ran.state().label());
                return null;
            }
            Saga next = change.apply(current.get());
            store.save(c, next);
            publish.run(c, next);
            return next;
        });
    }

    private void fail(Saga s, String step, String reason, List<String> tail) {
        Saga failed = record(s, cur -> saga.failed(cur, step, reason), (c, next) -> events.failed(c, next, step,
                reason, tail));
        if (failed != null) {
            LOG.errorf("host %s [%s]: provisioning failed at step %s: %s", s.host(), s.correlationId(), step, reason);
        }
    }

    private String failure(RemoteRun run) {
        if (run instanceof RemoteRun.Exited x) {
            return "the rebuild command exited with status " + x.status() + " after " + seconds(x.duration());
        }
        if (run instanceof RemoteRun.Signalled x) {
            return "the rebuild command was killed by signal " + x.signal() + " after " + seconds(x.duration());
        }
        return "the rebuild command ran longer than " + seconds(config.rebuild().timeout())
                + " (fleetplane.provisioner.rebuild.timeout) and was cut off";
    }

    static List<String> lastLines(String text, int n) {
        List<String> lines = text.lines().toList();
        return lines.subList(Math.max(0, lines.size() - n), lines.size());
    }

    private static String firstLine(String text) {
        String t = text.strip();
        int nl = t.indexOf('\n');
        return nl < 0 ? t : t.substring(0, nl);
    }

    static String seconds(Duration d) {
        return String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
    }
}
