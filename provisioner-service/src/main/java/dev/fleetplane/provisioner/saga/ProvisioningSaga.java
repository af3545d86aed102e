package dev.fleetplane.provisioner.saga;

import dev.fleetplane.events.provisioning.ProvisionHost;
import dev.fleetplane.provisioner.ipresolution.AgentAnswer;
import java.time.Duration;
import java.time.Instant;

/**
 * The provisioning state machine as pure functions over {@link Saga}: no clock, no I/O. The edges
 * (consumers, scheduler, rebuild worker) store what it returns and publish the events it implies.
 *
 * <pre>
 * resolving-ip ──usable address──▶ rebuilding ──exit 0──▶ succeeded
 *      │                               └──ssh/rebuild error──▶ failed
 *      └──deadline passed──▶ failed
 * </pre>
 */
public final class ProvisioningSaga {

    /** What the scheduler does with a saga at a given instant. */
    public sealed interface Tick {
        /** Nothing is due. */
        record Wait() implements Tick {
        }

        /** Send QueryGuestNetwork now; {@code saga} already counts it. */
        record SendQuery(Saga saga) implements Tick {
        }

        /** The deadline passed: publish ProvisioningFailed step {@code resolve-ip}. */
        record GiveUp(Saga saga) implements Tick {
        }
    }

    /** What an answer of the guest agent does to a saga. */
    public sealed interface Reply {
        /** The saga is not resolving an IP (anymore): the answer changes nothing. */
        record NotWaiting() implements Reply {
        }

        /** A usable address: publish IpResolved, start the rebuild. */
        record Resolved(Saga saga) implements Reply {
        }

        /** No usable address: the next query goes out after {@code delay}. */
        record Retry(Saga saga, Duration delay) implements Reply {
        }

        /** No usable address, but no query was waiting for an answer (a late duplicate): only the reason is kept. */
        record Noted(Saga saga) implements Reply {
        }
    }

    private final ResolutionPolicy policy;

    public ProvisioningSaga(ResolutionPolicy policy) {
        this.policy = policy;
    }

    public ResolutionPolicy policy() {
        return policy;
    }

    /** A new saga for {@code command}: the first query is due at once. */
    public Saga start(ProvisionHost command, String commandEventId, String correlationId, Instant now) {
        return new Saga(command.host(), command.vmid(), command.node(), command.user(), command.rebuildCommand(),
                SagaState.RESOLVING_IP, 0, false, now, now.plus(policy.deadline()), null, correlationId,
                commandEventId, commandEventId, null, now);
    }

    public Tick tick(Saga saga, Instant now) {
        if (saga.state() != SagaState.RESOLVING_IP) {
            return new Tick.Wait();
        }
        if (!now.isBefore(saga.deadline())) {
            String last = saga.lastReason() == null ? "no answer from the proxmox-adapter" : saga.lastReason();
            String reason = "no usable address within " + human(policy.deadline()) + " after " + saga.attempts()
                    + (saga.attempts() == 1 ? " query" : " queries") + "; last: " + last;
            return new Tick.GiveUp(saga.failed(reason));
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

    /** Applies the answer carried by event {@code eventId}. */
    public Reply onAnswer(Saga saga, AgentAnswer answer, String eventId, Instant now) {
        if (saga.state() != SagaState.RESOLVING_IP) {
            return new Reply.NotWaiting();
        }
        if (answer.hasAddress()) {
            // A late answer to an earlier query is as good as any: the address is what we wait for.
            return new Reply.Resolved(saga.resolved(answer.ip(), eventId));
        }
        if (!saga.awaitingReply()) {
            return new Reply.Noted(saga.querying(saga.attempts(), false, saga.nextQueryAt(), answer.reason(),
                    saga.lastEventId()));
        }
        Duration delay = policy.backoff(Math.max(1, saga.attempts()));
        Instant next = earliest(now.plus(delay), saga.deadline());
        return new Reply.Retry(saga.querying(saga.attempts(), false, next, answer.reason(), eventId), delay);
    }

    /** The rebuild exited 0. */
    public Saga succeeded(Saga saga) {
        requireRebuilding(saga);
        return saga.with(SagaState.SUCCEEDED);
    }

    /** The rebuild could not run or failed. */
    public Saga failed(Saga saga, String reason) {
        requireRebuilding(saga);
        return saga.failed(reason);
    }

    private static void requireRebuilding(Saga saga) {
        if (saga.state() != SagaState.REBUILDING) {
            throw new IllegalStateException("saga of " + saga.host() + " is " + saga.state().label()
                    + ", not rebuilding");
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
