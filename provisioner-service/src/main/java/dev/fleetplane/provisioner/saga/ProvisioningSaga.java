package dev.fleetplane.provisioner.saga;

import dev.fleetplane.events.provisioning.ProvisionHost;
import dev.fleetplane.provisioner.ipresolution.AgentAnswer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The provisioning state machine as pure functions over {@link Saga}: no clock, no I/O. The edges
 * (consumers, scheduler, step worker) store what it returns and publish the events it implies.
 *
 * <pre>
 * resolving-ip ──address──▶ rebuilding ──exit 0 / connection dropped──▶ confirming ──probe ok──▶ integrating ──▶ succeeded
 *      │                        │   ▲                                     │   │
 *      │                        │   └───────── not switched (restart, rollback) ──┘   │
 *      └─ deadline ─▶ failed ◀──┴─ ssh / hardware-config / rebuild error     deadline ─┘ ("rolled back: unreachable after switch")
 * </pre>
 *
 * {@code retry} starts a failed saga again from its failed step.
 */
public final class ProvisioningSaga {

    public static final String STEP_RESOLVE_IP = "resolve-ip";
    public static final String STEP_SSH = "ssh";
    public static final String STEP_HARDWARE_CONFIG = "hardware-config";
    public static final String STEP_REBUILD = "rebuild";
    public static final String STEP_CONFIRM = "confirm";
    public static final String STEP_INTEGRATE = "integrate";
    public static final String STEP_TAILSCALE = "tailscale";

    /** What the scheduler does with a saga at a given instant. */
    public sealed interface Tick {
        /** Nothing is due. */
        record Wait() implements Tick {
        }

        /** Send QueryGuestNetwork now; {@code saga} already counts it. */
        record SendQuery(Saga saga) implements Tick {
        }

        /** The deadline passed: publish ProvisioningFailed at the saga's failed step. */
        record GiveUp(Saga saga) implements Tick {
        }
    }

    /** What an answer of the guest agent does to a saga. */
    public sealed interface Reply {
        /** The saga is not waiting for an address (anymore): the answer changes nothing. */
        record NotWaiting() implements Reply {
        }

        /** A usable address for the first time: publish IpResolved, start the rebuild. */
        record Resolved(Saga saga) implements Reply {
        }

        /** After the switch: a worker checks whether {@code address} answers SSH as the host's user. */
        record Probe(Saga saga, String address) implements Reply {
        }

        /** No usable address: the next query goes out after {@code delay}. */
        record Retry(Saga saga, Duration delay) implements Reply {
        }

        /** No usable address, but no query was waiting for an answer (a late duplicate): only the reason is kept. */
        record Noted(Saga saga) implements Reply {
        }
    }

    private final ResolutionPolicy policy;
    private final Duration confirmTimeout;
    private final int maxRebuildRuns;

    public ProvisioningSaga(ResolutionPolicy policy, Duration confirmTimeout, int maxRebuildRuns) {
        if (confirmTimeout == null || confirmTimeout.isNegative() || confirmTimeout.isZero()) {
            throw new IllegalArgumentException("fleetplane.provisioner.rollback.confirm-timeout must be positive, was "
                    + confirmTimeout);
        }
        if (maxRebuildRuns < 1) {
            throw new IllegalArgumentException("fleetplane.provisioner.rebuild.max-runs must be 1 or more, was "
                    + maxRebuildRuns);
        }
        this.policy = policy;
        this.confirmTimeout = confirmTimeout;
        this.maxRebuildRuns = maxRebuildRuns;
    }

    public ResolutionPolicy policy() {
        return policy;
    }

    public Duration confirmTimeout() {
        return confirmTimeout;
    }

    /** A new saga for {@code command}: the first query is due at once. */
    public Saga start(ProvisionHost command, String commandEventId, String correlationId, Instant now) {
        return new Saga(command.host(), command.vmid(), command.node(), command.user(), command.rebuildCommand(),
                SagaState.RESOLVING_IP, 0, false, now, now.plus(policy.deadline()), null, correlationId,
                commandEventId, commandEventId, null, now, command.isNewVm(), null, null, 0, 0, false, null, List.of(),
                null);
    }

    public Tick tick(Saga saga, Instant now) {
        if (!saga.state().queries() || saga.probing()) {
            return new Tick.Wait();
        }
        if (!now.isBefore(saga.deadline())) {
            return new Tick.GiveUp(saga.state() == SagaState.RESOLVING_IP ? ipDeadlinePassed(saga)
                    : confirmDeadlinePassed(saga));
        }
        if (saga.nextQueryAt() != null && now.isBefore(saga.nextQueryAt())) {
            return new Tick.Wait();
        }
        String reason = saga.awaitingReply()
                ? "the proxmox-adapter did not answer query " + saga.attempts() + " within " + human(policy.replyTimeout())
                : saga.lastReason();
        Instant resend = earliest(now.plus(policy.replyTimeout()), saga.deadline());
        return new Tick.SendQuery(saga.querying(saga.attempts() + 1, true, resend, reason, saga.lastEventId()));
    }

    private Saga ipDeadlinePassed(Saga saga) {
        String last = saga.lastReason() == null ? "no answer from the proxmox-adapter" : saga.lastReason();
        return saga.failed(STEP_RESOLVE_IP, "no usable address within " + human(policy.deadline()) + " after "
                + saga.attempts() + (saga.attempts() == 1 ? " query" : " queries") + "; last: " + last);
    }

    private Saga confirmDeadlinePassed(Saga saga) {
        String last = saga.lastReason() == null ? "no address from the guest agent" : saga.lastReason();
        return saga.failed(STEP_CONFIRM, "rolled back: unreachable after switch (no SSH login as " + saga.user()
                + " within the confirm timeout of " + human(confirmTimeout) + "; last: " + last
                + "); the guest's watchdog returns it to " + (saga.systemBefore() == null ? "its previous generation"
                : saga.systemBefore()));
    }

    /** Applies the answer carried by event {@code eventId}. */
    public Reply onAnswer(Saga saga, AgentAnswer answer, String eventId, Instant now) {
        if (!saga.state().queries()) {
            return new Reply.NotWaiting();
        }
        if (saga.state() == SagaState.CONFIRMING && saga.probing()) {
            return new Reply.NotWaiting(); // one probe at a time; its outcome decides the next query
        }
        if (answer.hasAddress()) {
            if (saga.state() == SagaState.RESOLVING_IP) {
                // A late answer to an earlier query is as good as any: the address is what we wait for.
                return new Reply.Resolved(saga.resolved(answer.ip(), eventId));
            }
            return new Reply.Probe(saga.edit().probing(true).awaitingReply(false).nextQueryAt(null)
                    .lastEventId(eventId).build(), answer.ip());
        }
        if (!saga.awaitingReply()) {
            return new Reply.Noted(saga.querying(saga.attempts(), false, saga.nextQueryAt(), answer.reason(),
                    saga.lastEventId()));
        }
        Duration delay = policy.backoff(Math.max(1, saga.attempts()));
        Instant next = earliest(now.plus(delay), saga.deadline());
        return new Reply.Retry(saga.querying(saga.attempts(), false, next, answer.reason(), eventId), delay);
    }

    /** The guest's sshd did not accept a login yet (the rebuild step waits for it): keep the reason for operators. */
    public Saga waitingForSsh(Saga saga, String reason) {
        requireState(saga, SagaState.REBUILDING);
        return saga.edit().lastReason("waiting for sshd: " + reason).build();
    }

    /** The worker read {@code /run/current-system} before the first rebuild of this saga. */
    public Saga beforeRebuild(Saga saga, String currentSystem) {
        requireState(saga, SagaState.REBUILDING);
        return saga.edit().systemBefore(saga.systemBefore() != null ? saga.systemBefore() : currentSystem)
                .rebuildRuns(saga.rebuildRuns() + 1).rebuildOutcome(null).build();
    }

    /**
     * The rebuild command exited 0, or its connection dropped during the switch: find the guest again and confirm
     * over a fresh connection, within the confirm timeout (the guest's watchdog rolls back after it).
     */
    public Saga afterRebuild(Saga saga, String outcome, Duration ran, List<String> tail, String commandRan,
                             Instant now) {
        requireState(saga, SagaState.REBUILDING);
        return saga.edit().state(SagaState.CONFIRMING).rebuildOutcome(outcome).rebuildMillis(ran.toMillis())
                .rebuildTail(tail).rebuildRan(commandRan)
                .attempts(0).awaitingReply(false).nextQueryAt(now).deadline(now.plus(confirmTimeout)).probing(false)
                .lastReason(null).build();
    }

    /**
     * The switch had already taken effect when the worker logged in (the provisioner restarted after it): confirm it,
     * as after a dropped connection, whose command's end was never seen either.
     */
    public Saga alreadySwitched(Saga saga, Instant now) {
        return afterRebuild(saga, Saga.CONNECTION_LOST, Duration.ofMillis(saga.rebuildMillis()), saga.rebuildTail(),
                saga.rebuildRan(), now);
    }

    /** The probed address did not answer as the host (or not as the host's user): ask the agent again after a pause. */
    public Saga probeFailed(Saga saga, String reason, Instant now) {
        requireState(saga, SagaState.CONFIRMING);
        Duration delay = policy.backoff(Math.max(1, saga.attempts()));
        return saga.edit().probing(false).awaitingReply(false).lastReason(reason)
                .nextQueryAt(earliest(now.plus(delay), saga.deadline())).build();
    }

    /**
     * The guest answered, but {@code /run/current-system} is still the one before the rebuild and the rebuild never
     * reported success: the switch did not happen (the command was cut off by a restart) or was rolled back. Run the
     * rebuild again, up to the configured number of runs.
     */
    public Saga notSwitched(Saga saga, String address, String current) {
        requireState(saga, SagaState.CONFIRMING);
        if (saga.rebuildRuns() >= maxRebuildRuns) {
            return saga.failed(STEP_CONFIRM, "the switch did not take effect: /run/current-system still points at "
                    + current + " after " + saga.rebuildRuns() + " rebuild run(s) (rolled back, or cut off)");
        }
        return saga.edit().state(SagaState.REBUILDING).ip(address).probing(false).rebuildOutcome(null)
                .nextQueryAt(null).lastReason("the switch did not take effect (" + current + "); rebuilding again")
                .build();
    }

    /** The guest answered at {@code address} as the host's user with the new system: integrate it. */
    public Saga confirmed(Saga saga, String address) {
        requireState(saga, SagaState.CONFIRMING);
        return saga.edit().state(SagaState.INTEGRATING).ip(address).probing(false).nextQueryAt(null).lastReason(null)
                .build();
    }

    public Saga integrated(Saga saga) {
        requireState(saga, SagaState.INTEGRATING);
        return saga.with(SagaState.SUCCEEDED);
    }

    /** A worker step failed. */
    public Saga failed(Saga saga, String step, String reason) {
        if (!saga.state().isActive()) {
            throw new IllegalStateException("saga of " + saga.host() + " is " + saga.state().label() + ", not active");
        }
        return saga.failed(step, reason);
    }

    /**
     * A failed saga again from its failed step: before the switch (resolve-ip, ssh, hardware-config, rebuild) the
     * address is resolved anew and the rebuild worker decides from {@code /run/current-system} whether the switch
     * already happened; after it (confirm, integrate, tailscale) the guest is found and confirmed again.
     */
    public Saga retry(Saga saga, Instant now) {
        if (saga.state() != SagaState.FAILED) {
            throw new IllegalStateException("host " + saga.host() + " is " + saga.state().label()
                    + "; only a failed provisioning can be retried");
        }
        String step = saga.failedStep() == null ? STEP_RESOLVE_IP : saga.failedStep();
        Saga.Edit e = saga.edit().attempts(0).awaitingReply(false).nextQueryAt(now).probing(false).lastReason(null)
                .failedStep(null).rebuildRuns(0);
        return switch (step) {
            case STEP_CONFIRM, STEP_INTEGRATE, STEP_TAILSCALE ->
                    e.state(SagaState.CONFIRMING).deadline(now.plus(confirmTimeout)).build();
            default -> e.state(SagaState.RESOLVING_IP).deadline(now.plus(policy.deadline())).build();
        };
    }

    /** Why a saga resumed by a restarted provisioner asks the agent first (its stored address may be stale). */
    public static final String RESUMED_REASON = "resumed after a restart: asking the guest agent for the current address";

    /**
     * A saga a previous run left in {@code rebuilding} (the process died during the login, the hardware config or the
     * rebuild): before any SSH step the address is resolved anew through the guest agent, as after the switch, because
     * a switch the dead run started may have moved the guest (DHCP). The stored address stays, so the answer can say
     * whether it changed; the rebuild worker then decides from {@code /run/current-system} whether the switch already
     * happened. Other states resume as they are.
     */
    public Saga resume(Saga saga, Instant now) {
        if (saga.state() != SagaState.REBUILDING) {
            return saga;
        }
        return saga.edit().state(SagaState.RESOLVING_IP).attempts(0).awaitingReply(false).nextQueryAt(now)
                .deadline(now.plus(policy.deadline())).probing(false).lastReason(RESUMED_REASON).build();
    }

    /** The step {@link #retry} resumes from. */
    public static String retryStep(Saga saga) {
        return saga.failedStep() == null ? STEP_RESOLVE_IP : saga.failedStep();
    }

    private static void requireState(Saga saga, SagaState state) {
        if (saga.state() != state) {
            throw new IllegalStateException("saga of " + saga.host() + " is " + saga.state().label() + ", not "
                    + state.label());
        }
    }

    private static Instant earliest(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }

    static String human(Duration d) {
        long millis = d.toMillis();
        return millis % 1000 == 0 ? (millis / 1000) + " s" : (millis / 1000.0) + " s";
    }
}
