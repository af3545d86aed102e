package dev.fleetplane.provisioner.saga;

import java.time.Instant;

/**
 * One host's provisioning as stored in {@code provisioner.saga}: the command it came from, where it
 * stands, and what the next step needs, so a restarted provisioner resumes where it was.
 *
 * @param attempts       guest-network queries sent in the current resolution (resolving-ip or confirming)
 * @param awaitingReply  a query is out and not answered yet
 * @param nextQueryAt    when the scheduler sends the next query (or re-sends an unanswered one); null when none is due
 * @param deadline       past this, the current resolution gives up (the IP deadline, then the confirm deadline)
 * @param correlationId  the story this saga belongs to, carried onto every event it publishes
 * @param commandEventId the ProvisionHost event that started this saga
 * @param lastEventId    the event that caused the saga's latest step: the causation id of the next event
 * @param lastReason     why the latest query or probe gave no usable address (or why the saga failed)
 * @param newVm          the plan just created the VM: a host key other than the pinned one is expected once
 * @param systemBefore   {@code /run/current-system} before the first rebuild of this saga (what a rollback returns to)
 * @param rebuildOutcome how the last rebuild command ended: {@code exited-0}, {@code connection-lost}, or null
 * @param rebuildMillis  how long it ran
 * @param rebuildRuns    rebuild commands started by this saga (a restart or a rollback can make it run again)
 * @param probing        a worker is checking an address the guest agent reported (confirming)
 * @param failedStep     the step a failed saga stopped at, where {@code retry} resumes
 * @param rebuildTail    the last output lines of the latest rebuild (kept across restarts for the events after it)
 * @param rebuildRan     the command line of the latest rebuild as it ran (on the guest, or from the checkout with its
 *                       {@code --target-host}); null before one ended
 */
public record Saga(String host, int vmid, String node, String user, String rebuildCommand, SagaState state,
                   int attempts, boolean awaitingReply, Instant nextQueryAt, Instant deadline, String ip,
                   String correlationId, String commandEventId, String lastEventId, String lastReason,
                   Instant startedAt, boolean newVm, String systemBefore, String rebuildOutcome, long rebuildMillis,
                   int rebuildRuns, boolean probing, String failedStep, java.util.List<String> rebuildTail,
                   String rebuildRan) {

    public Saga {
        rebuildTail = rebuildTail == null ? java.util.List.of() : java.util.List.copyOf(rebuildTail);
    }

    public static final String EXITED_0 = "exited-0";
    public static final String CONNECTION_LOST = "connection-lost";

    public Edit edit() {
        return new Edit(this);
    }

    Saga with(SagaState newState) {
        return edit().state(newState).build();
    }

    Saga querying(int newAttempts, boolean awaiting, Instant next, String reason, String causeId) {
        return edit().attempts(newAttempts).awaitingReply(awaiting).nextQueryAt(next).lastReason(reason)
                .lastEventId(causeId).build();
    }

    Saga resolved(String address, String causeId) {
        return edit().state(SagaState.REBUILDING).awaitingReply(false).nextQueryAt(null).ip(address)
                .lastEventId(causeId).build();
    }

    Saga failed(String step, String reason) {
        return edit().state(SagaState.FAILED).awaitingReply(false).nextQueryAt(null).probing(false).lastReason(reason)
                .failedStep(step).build();
    }

    /** A copy with some fields changed: {@code saga.edit().state(...).ip(...).build()}. */
    public static final class Edit {
        private String host;
        private int vmid;
        private String node;
        private String user;
        private String rebuildCommand;
        private SagaState state;
        private int attempts;
        private boolean awaitingReply;
        private Instant nextQueryAt;
        private Instant deadline;
        private String ip;
        private String correlationId;
        private String commandEventId;
        private String lastEventId;
        private String lastReason;
        private Instant startedAt;
        private boolean newVm;
        private String systemBefore;
        private String rebuildOutcome;
        private long rebuildMillis;
        private int rebuildRuns;
        private boolean probing;
        private String failedStep;
        private java.util.List<String> rebuildTail;
        private String rebuildRan;

        private Edit(Saga s) {
            host = s.host;
            vmid = s.vmid;
            node = s.node;
            user = s.user;
            rebuildCommand = s.rebuildCommand;
            state = s.state;
            attempts = s.attempts;
            awaitingReply = s.awaitingReply;
            nextQueryAt = s.nextQueryAt;
            deadline = s.deadline;
            ip = s.ip;
            correlationId = s.correlationId;
            commandEventId = s.commandEventId;
            lastEventId = s.lastEventId;
            lastReason = s.lastReason;
            startedAt = s.startedAt;
            newVm = s.newVm;
            systemBefore = s.systemBefore;
            rebuildOutcome = s.rebuildOutcome;
            rebuildMillis = s.rebuildMillis;
            rebuildRuns = s.rebuildRuns;
            probing = s.probing;
            failedStep = s.failedStep;
            rebuildTail = s.rebuildTail;
            rebuildRan = s.rebuildRan;
        }

        public Edit state(SagaState v) {
            state = v;
            return this;
        }

        public Edit attempts(int v) {
            attempts = v;
            return this;
        }

        public Edit awaitingReply(boolean v) {
            awaitingReply = v;
            return this;
        }

        public Edit nextQueryAt(Instant v) {
            nextQueryAt = v;
            return this;
        }

        public Edit deadline(Instant v) {
            deadline = v;
            return this;
        }

        public Edit ip(String v) {
            ip = v;
            return this;
        }

        public Edit lastEventId(String v) {
            lastEventId = v;
            return this;
        }

        public Edit lastReason(String v) {
            lastReason = v;
            return this;
        }

        public Edit newVm(boolean v) {
            newVm = v;
            return this;
        }

        public Edit systemBefore(String v) {
            systemBefore = v;
            return this;
        }

        public Edit rebuildOutcome(String v) {
            rebuildOutcome = v;
            return this;
        }

        public Edit rebuildMillis(long v) {
            rebuildMillis = v;
            return this;
        }

        public Edit rebuildRuns(int v) {
            rebuildRuns = v;
            return this;
        }

        public Edit probing(boolean v) {
            probing = v;
            return this;
        }

        public Edit failedStep(String v) {
            failedStep = v;
            return this;
        }

        public Edit rebuildTail(java.util.List<String> v) {
            rebuildTail = v;
            return this;
        }

        public Edit rebuildRan(String v) {
            rebuildRan = v;
            return this;
        }

        public Saga build() {
            return new Saga(host, vmid, node, user, rebuildCommand, state, attempts, awaitingReply, nextQueryAt,
                    deadline, ip, correlationId, commandEventId, lastEventId, lastReason, startedAt, newVm,
                    systemBefore, rebuildOutcome, rebuildMillis, rebuildRuns, probing, failedStep, rebuildTail,
                    rebuildRan);
        }
    }
}
