package dev.fleetplane.planner.api;

import dev.fleetplane.events.desired.SpecProblem;
import dev.fleetplane.planner.plan.Plan;
import dev.fleetplane.planner.spec.RevertedPatch;
import dev.fleetplane.planner.spec.SpecVersion;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;

/**
 * A spec version as the API shows it: the answer to a submission or a patch, and to {@code GET /api/v1/specs/{v}}.
 *
 * @param status      {@code awaiting-inventory}, {@code planned}, {@code plan-failed} or {@code applied}
 * @param reverts     one note per host patch this version undoes because the pushed file lacks it
 *                    ({@code reverts patch of web.proxmox.memory 4096 → 8192 by alice at ... (spec version 3)})
 * @param allowRevert the push acknowledged those reverts
 * @param autoApproveWithheld the version is auto-approved but reverts patches without acknowledgement: its plan
 *                    waits for {@code fleetplane apply}
 */
public record SpecStatus(long specVersion, String fleet, String status, String planId, String hash, String source,
                         String revision, boolean autoApprove, OffsetDateTime acceptedAt, List<String> warnings,
                         List<String> reverts, boolean allowRevert, boolean autoApproveWithheld) {

    static SpecStatus of(SpecVersion v, Optional<Plan> plan, List<SpecProblem> warnings) {
        String status = plan.map(p -> p.applied() ? "applied" : p.errors().isEmpty() ? "planned" : "plan-failed")
                .orElse("awaiting-inventory");
        return new SpecStatus(v.version(), v.fleet(), status, plan.map(Plan::id).orElse(null), v.hash(), v.source(),
                v.revision(), v.autoApprove(), v.acceptedAt(), warnings.stream().map(SpecProblem::toString).toList(),
                v.reverts().stream().map(RevertedPatch::note).toList(), v.allowRevert(),
                v.autoApprove() && !v.appliesItself());
    }
}
