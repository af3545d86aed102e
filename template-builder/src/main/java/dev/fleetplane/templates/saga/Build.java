package dev.fleetplane.templates.saga;

import java.time.Instant;

/**
 * One build as the {@code build} table holds it. Immutable: the saga returns changed copies.
 *
 * @param builtFrom    the recipe directory or flake reference
 * @param artifact     the artefact's path, once found (the build step is acknowledged)
 * @param checked      the artefact's header was read and found whole (the check step is acknowledged)
 * @param volid        where the artefact is on the node, once uploaded (the upload step is acknowledged)
 * @param probeGone    the probe clone was destroyed
 * @param note         while probing: the last answer that was not an address (for the rejection's reason)
 */
public record Build(String buildId, String template, String route, String node, String storage, String builtFrom,
                    int timeoutSeconds, BuildState state, String artifact, String format, Long bytes, String sha256,
                    boolean checked, String volid, Integer candidateVmid, Integer probeVmid, boolean probeGone,
                    String probeAddress, Instant probeStartedAt, int queries, boolean awaitingReply,
                    Instant nextQueryAt, Instant deadline, String failedStep, String reason, String note,
                    String requestedBy, Instant startedAt) {

    public static final String SFTP = "sftp";
    public static final String API = "api";

    /** The subject (and key) of the build's commands to the adapter: never a valid host name, so no host's story. */
    public String subject() {
        return dev.fleetplane.templates.TemplateSubject.of(template);
    }

    /** The throwaway clone's Proxmox name (a DNS name). */
    public String probeName() {
        return ("probe-" + template).replaceAll("[^a-z0-9-]", "-");
    }

    public Build in(BuildState s) {
        return new Build(buildId, template, route, node, storage, builtFrom, timeoutSeconds, s, artifact, format,
                bytes, sha256, checked, volid, candidateVmid, probeVmid, probeGone, probeAddress, probeStartedAt,
                queries, awaitingReply, nextQueryAt, deadline, failedStep, reason, note, requestedBy, startedAt);
    }

    public Build withArtifact(String path, String fmt, long size, String hash) {
        return new Build(buildId, template, route, node, storage, builtFrom, timeoutSeconds, state, path, fmt, size,
                hash, checked, volid, candidateVmid, probeVmid, probeGone, probeAddress, probeStartedAt, queries,
                awaitingReply, nextQueryAt, deadline, failedStep, reason, note, requestedBy, startedAt);
    }

    public Build markChecked() {
        return new Build(buildId, template, route, node, storage, builtFrom, timeoutSeconds, state, artifact, format,
                bytes, sha256, true, volid, candidateVmid, probeVmid, probeGone, probeAddress, probeStartedAt,
                queries, awaitingReply, nextQueryAt, deadline, failedStep, reason, note, requestedBy, startedAt);
    }

    public Build withVolid(String v) {
        return new Build(buildId, template, route, node, storage, builtFrom, timeoutSeconds, state, artifact, format,
                bytes, sha256, checked, v, candidateVmid, probeVmid, probeGone, probeAddress, probeStartedAt,
                queries, awaitingReply, nextQueryAt, deadline, failedStep, reason, note, requestedBy, startedAt);
    }

    public Build withCandidate(Integer vmid) {
        return new Build(buildId, template, route, node, storage, builtFrom, timeoutSeconds, state, artifact, format,
                bytes, sha256, checked, volid, vmid, probeVmid, probeGone, probeAddress, probeStartedAt, queries,
                awaitingReply, nextQueryAt, deadline, failedStep, reason, note, requestedBy, startedAt);
    }

    public Build withProbe(Integer vmid, boolean gone) {
        return new Build(buildId, template, route, node, storage, builtFrom, timeoutSeconds, state, artifact, format,
                bytes, sha256, checked, volid, candidateVmid, vmid, gone, probeAddress, probeStartedAt, queries,
                awaitingReply, nextQueryAt, deadline, failedStep, reason, note, requestedBy, startedAt);
    }

    public Build probing(Instant started, Instant until) {
        return new Build(buildId, template, route, node, storage, builtFrom, timeoutSeconds, state, artifact, format,
                bytes, sha256, checked, volid, candidateVmid, probeVmid, probeGone, probeAddress, started, queries,
                awaitingReply, nextQueryAt, until, failedStep, reason, note, requestedBy, startedAt);
    }

    public Build withQuery(int count, boolean awaiting, Instant next, String lastNote) {
        return new Build(buildId, template, route, node, storage, builtFrom, timeoutSeconds, state, artifact, format,
                bytes, sha256, checked, volid, candidateVmid, probeVmid, probeGone, probeAddress, probeStartedAt,
                count, awaiting, next, deadline, failedStep, reason, lastNote, requestedBy, startedAt);
    }

    public Build withAddress(String address) {
        return new Build(buildId, template, route, node, storage, builtFrom, timeoutSeconds, state, artifact, format,
                bytes, sha256, checked, volid, candidateVmid, probeVmid, probeGone, address, probeStartedAt, queries,
                false, null, deadline, failedStep, reason, note, requestedBy, startedAt);
    }

    public Build failing(String step, String why) {
        return new Build(buildId, template, route, node, storage, builtFrom, timeoutSeconds, state, artifact, format,
                bytes, sha256, checked, volid, candidateVmid, probeVmid, probeGone, probeAddress, probeStartedAt,
                queries, false, null, deadline, step, why, note, requestedBy, startedAt);
    }

    public Build withReason(String why) {
        return new Build(buildId, template, route, node, storage, builtFrom, timeoutSeconds, state, artifact, format,
                bytes, sha256, checked, volid, candidateVmid, probeVmid, probeGone, probeAddress, probeStartedAt,
                queries, awaitingReply, nextQueryAt, deadline, failedStep, why, note, requestedBy, startedAt);
    }
}
