package dev.fleetplane.provisioner.saga;

import java.time.Instant;

/**
 * One host's provisioning as stored in {@code provisioner.saga}: the command it came from, where it
 * stands, and what the next step needs, so a restarted provisioner resumes where it was.
 *
 * @param attempts       guest-network queries sent so far
 * @param awaitingReply  a query is out and not answered yet
 * @param nextQueryAt    when the scheduler sends the next query (or re-sends an unanswered one); null when none is due
 * @param deadline       past this, IP resolution gives up
 * @param correlationId  the story this saga belongs to, carried onto every event it publishes
 * @param commandEventId the ProvisionHost event that started this saga
 * @param lastEventId    the event that caused the saga's latest step: the causation id of the next event
 * @param lastReason     why the latest query gave no usable address (or why the saga failed)
 */
public record Saga(String host, int vmid, String node, String user, String rebuildCommand, SagaState state,
                   int attempts, boolean awaitingReply, Instant nextQueryAt, Instant deadline, String ip,
                   String correlationId, String commandEventId, String lastEventId, String lastReason,
                   Instant startedAt) {

    Saga with(SagaState newState) {
        return new Saga(host, vmid, node, user, rebuildCommand, newState, attempts, awaitingReply, nextQueryAt,
                deadline, ip, correlationId, commandEventId, lastEventId, lastReason, startedAt);
    }

    Saga querying(int newAttempts, boolean awaiting, Instant next, String reason, String causeId) {
        return new Saga(host, vmid, node, user, rebuildCommand, state, newAttempts, awaiting, next,
                deadline, ip, correlationId, commandEventId, causeId, reason, startedAt);
    }

    Saga resolved(String address, String causeId) {
        return new Saga(host, vmid, node, user, rebuildCommand, SagaState.REBUILDING, attempts, false, null,
                deadline, address, correlationId, commandEventId, causeId, lastReason, startedAt);
    }

    Saga failed(String reason) {
        return new Saga(host, vmid, node, user, rebuildCommand, SagaState.FAILED, attempts, false, null,
                deadline, ip, correlationId, commandEventId, lastEventId, reason, startedAt);
    }
}
