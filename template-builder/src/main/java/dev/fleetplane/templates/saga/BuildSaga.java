package dev.fleetplane.templates.saga;

import dev.fleetplane.events.EventCatalog;
import dev.fleetplane.events.pve.CloneVm;
import dev.fleetplane.events.pve.ConvertToTemplate;
import dev.fleetplane.events.pve.DestroyVm;
import dev.fleetplane.events.pve.ImportVm;
import dev.fleetplane.events.pve.QueryGuestNetwork;
import dev.fleetplane.events.pve.RestoreVm;
import dev.fleetplane.events.pve.StartVm;
import dev.fleetplane.events.pve.StopVm;
import dev.fleetplane.events.pve.UploadImage;
import dev.fleetplane.events.templates.TemplateCandidateCreated;
import dev.fleetplane.events.templates.TemplateReady;
import dev.fleetplane.events.templates.TemplateRejected;
import dev.fleetplane.events.templates.TemplateSmokeTested;
import dev.fleetplane.events.templates.TemplateUploaded;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The build's decisions after its own work is done, pure: each answer of the adapter (or of the builder's worker)
 * and the state it finds the build in give the next state and what to send. Answers that do not fit the state (a
 * redelivery, a late answer) change nothing. Any failure takes down what the build created — the probe (stopped,
 * then destroyed), then the candidate — before {@code TemplateRejected}; the template in use is never touched.
 */
public final class BuildSaga {

    /** Timing of the smoke test's agent queries. */
    public record Probing(Duration deadline, Duration initialBackoff, Duration maxBackoff, Duration replyTimeout) {
    }

    private final Probing probing;

    public BuildSaga(Probing probing) {
        this.probing = probing;
    }

    /** sftp: the archive is in the node's dump directory as {@code volid}: restore it as the candidate. */
    public Move uploadedOverSftp(Build b, long bytes) {
        return Move.to(b.in(BuildState.REGISTERING),
                Out.of(EventCatalog.TEMPLATE_UPLOADED, new TemplateUploaded(b.template(), b.buildId(), b.route(),
                        b.node(), b.volid(), bytes)),
                Out.of(EventCatalog.RESTORE_VM, new RestoreVm(b.node(), null, b.volid(), b.storage(), true)));
    }

    /** api: the image is checked; the adapter uploads it as import content. */
    public Move checkedForApi(Build b, String importStorage, String filename) {
        return Move.to(b.in(BuildState.UPLOADING),
                Out.of(EventCatalog.UPLOAD_IMAGE, new UploadImage(b.node(), importStorage, b.artifact(), filename,
                        b.sha256())));
    }

    /** api: the adapter uploaded the image: create the candidate from it. */
    public Move imageUploaded(Build b, String volid, long bytes, String diskKey, Map<String, String> config) {
        if (b.state() != BuildState.UPLOADING) {
            return Move.none(b);
        }
        Build next = b.withVolid(volid).in(BuildState.REGISTERING);
        return Move.to(next,
                Out.of(EventCatalog.TEMPLATE_UPLOADED, new TemplateUploaded(b.template(), b.buildId(), b.route(),
                        b.node(), volid, bytes)),
                Out.of(EventCatalog.IMPORT_VM, new ImportVm(b.node(), null, b.template() + "-template", volid,
                        b.storage(), diskKey, config)));
    }

    /** The candidate exists (restored or imported), never booted: clone a probe from it. */
    public Move candidateCreated(Build b, int vmid) {
        if (b.state() != BuildState.REGISTERING) {
            return Move.none(b);
        }
        Build next = b.withCandidate(vmid).in(BuildState.PROBE_CLONING);
        return Move.to(next,
                Out.of(EventCatalog.TEMPLATE_CANDIDATE_CREATED,
                        new TemplateCandidateCreated(b.template(), b.buildId(), b.node(), vmid)),
                Out.of(EventCatalog.CLONE_VM, new CloneVm(b.node(), vmid, 0, b.probeName(), b.storage(), true)));
    }

    public Move probeCloned(Build b, int vmid, int templateVmid) {
        if (b.state() != BuildState.PROBE_CLONING || b.candidateVmid() == null || templateVmid != b.candidateVmid()) {
            return Move.none(b);
        }
        return Move.to(b.withProbe(vmid, false).in(BuildState.PROBE_STARTING),
                Out.of(EventCatalog.START_VM, new StartVm(b.node(), vmid)));
    }

    public Move probeStarted(Build b, int vmid, Instant now) {
        if (b.state() != BuildState.PROBE_STARTING || !isProbe(b, vmid)) {
            return Move.none(b);
        }
        Build next = b.in(BuildState.PROBING).probing(now, now.plus(probing.deadline()))
                .withQuery(1, true, now.plus(probing.replyTimeout()), null);
        return Move.to(next, query(next));
    }

    /**
     * The probe's guest agent answered. An address moves on to the SSH login (the worker's job); anything else is
     * asked again after a backoff, until the deadline.
     *
     * @param address the usable address the adapter chose, or null
     * @param what    what the answer said when it had no address (for the rejection)
     */
    public Move agentAnswered(Build b, int vmid, String address, String what, Instant now) {
        if (b.state() != BuildState.PROBING || !isProbe(b, vmid)) {
            return Move.none(b);
        }
        if (address != null) {
            return Move.to(b.withAddress(address).in(BuildState.LOGGING_IN));
        }
        if (!now.isBefore(b.deadline())) {
            return fail(b, "smoke-test", noAddress(b, what));
        }
        return Move.to(b.withQuery(b.queries(), false, now.plus(backoff(b.queries())), what));
    }

    /** The scheduler's look at a probing build: ask again when due, give up at the deadline. */
    public Move due(Build b, Instant now) {
        if (b.state() != BuildState.PROBING) {
            return Move.none(b);
        }
        if (!now.isBefore(b.deadline())) {
            return fail(b, "smoke-test", noAddress(b, b.awaitingReply() ? "the adapter did not answer the last query"
                    : b.note()));
        }
        if (b.nextQueryAt() != null && !now.isBefore(b.nextQueryAt())) {
            Build next = b.withQuery(b.queries() + 1, true, now.plus(probing.replyTimeout()), b.note());
            return Move.to(next, query(next));
        }
        return Move.none(b);
    }

    /** The fleet key logged in to the probe: take it down, then convert the candidate. */
    public Move loggedIn(Build b) {
        if (b.state() != BuildState.LOGGING_IN) {
            return Move.none(b);
        }
        return Move.to(b.in(BuildState.PROBE_STOPPING), stop(b));
    }

    public Move probeStopped(Build b, int vmid) {
        if (!isProbe(b, vmid)) {
            return Move.none(b);
        }
        if (b.state() == BuildState.PROBE_STOPPING) {
            return Move.to(b.in(BuildState.PROBE_DESTROYING), destroyProbe(b));
        }
        if (b.state() == BuildState.CLEANING_STOP_PROBE) {
            return Move.to(b.in(BuildState.CLEANING_DESTROY_PROBE), destroyProbe(b));
        }
        return Move.none(b);
    }

    public Move destroyed(Build b, int vmid, Instant now) {
        if (isProbe(b, vmid) && b.state() == BuildState.PROBE_DESTROYING) {
            Build next = b.withProbe(b.probeVmid(), true).in(BuildState.CONVERTING);
            long millis = Duration.between(b.probeStartedAt(), now).toMillis();
            return Move.to(next,
                    Out.of(EventCatalog.TEMPLATE_SMOKE_TESTED, new TemplateSmokeTested(b.template(), b.buildId(),
                            b.node(), b.candidateVmid(), b.probeVmid(), b.probeAddress(), millis)),
                    Out.of(EventCatalog.CONVERT_TO_TEMPLATE, new ConvertToTemplate(b.node(), b.candidateVmid())));
        }
        if (isProbe(b, vmid) && b.state() == BuildState.CLEANING_DESTROY_PROBE) {
            return cleanUp(b.withProbe(b.probeVmid(), true));
        }
        if (b.candidateVmid() != null && vmid == b.candidateVmid()
                && b.state() == BuildState.CLEANING_DESTROY_CANDIDATE) {
            return rejected(b);
        }
        return Move.none(b);
    }

    public Move templated(Build b, int vmid) {
        if (b.state() != BuildState.CONVERTING || b.candidateVmid() == null || vmid != b.candidateVmid()) {
            return Move.none(b);
        }
        return Move.to(b.in(BuildState.READY),
                Out.of(EventCatalog.TEMPLATE_READY, new TemplateReady(b.template(), b.buildId(), b.node(), vmid,
                        b.sha256(), b.builtFrom(), b.route())));
    }

    /**
     * The adapter could not do what the build asked. In a cleaning step the next one runs anyway (what is left is
     * named in the reason); otherwise the build fails at its step. A failed restore may leave its VM (Proxmox keeps
     * the config): {@code vmid} becomes the candidate to destroy.
     */
    public Move adapterFailed(Build b, String operation, int vmid, String message) {
        if (b.state().isFinal()) {
            return Move.none(b);
        }
        if (b.state().isCleaning()) {
            Build noted = b.withReason(b.reason() + "; cleanup: " + operation + " of VM " + vmid + " failed ("
                    + message + "), it is left on the node");
            return switch (b.state()) {
                case CLEANING_STOP_PROBE, CLEANING_DESTROY_PROBE -> cleanUp(noted.withProbe(b.probeVmid(), true));
                default -> rejected(noted);
            };
        }
        Build failing = b;
        if (b.state() == BuildState.REGISTERING && vmid > 0 && b.candidateVmid() == null) {
            failing = b.withCandidate(vmid);
        }
        return fail(failing, b.state().step(), operation + " failed: " + message);
    }

    /** The build fails at {@code step}: clean up what exists, then reject. */
    public Move fail(Build b, String step, String reason) {
        if (b.state().isFinal() || b.state().isCleaning()) {
            return Move.none(b);
        }
        return cleanUp(b.failing(step, reason));
    }

    /** The next cleanup step from what still exists; rejected when nothing does. */
    Move cleanUp(Build b) {
        if (b.probeVmid() != null && !b.probeGone()) {
            return Move.to(b.in(BuildState.CLEANING_STOP_PROBE), stop(b));
        }
        if (b.candidateVmid() != null && b.state() != BuildState.CLEANING_DESTROY_CANDIDATE) {
            return Move.to(b.in(BuildState.CLEANING_DESTROY_CANDIDATE),
                    Out.of(EventCatalog.DESTROY_VM, new DestroyVm(b.node(), b.candidateVmid(), null)));
        }
        return rejected(b);
    }

    private Move rejected(Build b) {
        return Move.to(b.in(BuildState.REJECTED),
                Out.of(EventCatalog.TEMPLATE_REJECTED, new TemplateRejected(b.template(), b.buildId(),
                        b.failedStep(), b.reason())));
    }

    private static boolean isProbe(Build b, int vmid) {
        return b.probeVmid() != null && b.probeVmid() == vmid;
    }

    private Out<QueryGuestNetwork> query(Build b) {
        return Out.of(EventCatalog.QUERY_GUEST_NETWORK, new QueryGuestNetwork(b.node(), b.probeVmid(), false));
    }

    private static Out<StopVm> stop(Build b) {
        return Out.of(EventCatalog.STOP_VM, new StopVm(b.node(), b.probeVmid(), false, 0));
    }

    private static Out<DestroyVm> destroyProbe(Build b) {
        return Out.of(EventCatalog.DESTROY_VM, new DestroyVm(b.node(), b.probeVmid(), b.probeName()));
    }

    private Duration backoff(int queries) {
        Duration d = probing.initialBackoff();
        for (int i = 1; i < queries && d.compareTo(probing.maxBackoff()) < 0; i++) {
            d = d.multipliedBy(2);
        }
        return d.compareTo(probing.maxBackoff()) > 0 ? probing.maxBackoff() : d;
    }

    private String noAddress(Build b, String what) {
        List<String> parts = new ArrayList<>();
        parts.add("probe VM " + b.probeVmid() + " (a clone of candidate " + b.candidateVmid()
                + ") had no guest agent with a usable address within " + probing.deadline() + " after "
                + b.queries() + " queries");
        if (what != null && !what.isBlank()) {
            parts.add("last answer: " + what);
        }
        return String.join("; ", parts);
    }
}
