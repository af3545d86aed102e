package dev.fleetplane.plancore.plan;

import dev.fleetplane.events.plans.PlannedChange;
import dev.fleetplane.plancore.spec.HostsSpec;
import dev.fleetplane.plancore.spec.ProxmoxSettings;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The fleet's clone source changed ({@code _proxmox.templateVmid}) since the spec of the fleet's previous plan, and
 * what that does: new VMs clone the new template, existing VMs stay as they are. The diff engine never compares a
 * host's template (unlike bpg's provider, where a changed {@code clone.vm_id} forces replacement), so without this
 * note a promoted template shows as "No changes" and leaves the reader guessing. Pure.
 *
 * @param previous the template the previous plan's spec cloned
 * @param next     the template this spec clones
 * @param kept     existing VMs fleetplane created (managed, not adopted) that this plan keeps: no-op, update or
 *                 grow-disk; replaced, destroyed, forgotten and re-created hosts are not counted
 */
public record TemplateChange(int previous, int next, int kept) {

    /** The setting the note is about, as hosts.nix spells it. */
    public static final String ATTRIBUTE = "_proxmox.templateVmid";

    private static final Set<String> KEEPS_THE_VM = Set.of(PlanDraft.NO_OP, PlanDraft.UPDATE, PlanDraft.GROW_DISK);

    /**
     * @param previous the spec of the fleet's previous plan; empty for a first spec (nothing to compare: no note)
     * @param managed  what fleetplane manages already, as given to the diff engine
     * @return empty unless both specs name a template and the two differ
     */
    public static Optional<TemplateChange> between(Optional<HostsSpec> previous, HostsSpec next, PlanDraft draft,
                                                   Map<String, ManagedHost> managed) {
        Optional<Integer> before = previous.flatMap(HostsSpec::proxmox).map(ProxmoxSettings::templateVmid);
        Optional<Integer> after = next.proxmox().map(ProxmoxSettings::templateVmid);
        if (before.isEmpty() || after.isEmpty() || before.get().equals(after.get())) {
            return Optional.empty();
        }
        int kept = 0;
        for (PlannedChange c : draft.changes()) {
            ManagedHost m = managed.get(c.host());
            if (m != null && !m.adopted() && KEEPS_THE_VM.contains(c.action())) {
                kept++;
            }
        }
        return Optional.of(new TemplateChange(before.get(), after.get(), kept));
    }

    /**
     * One line, as the plan text shows it ({@code # _proxmox.templateVmid: 9003 -> 9040. New VMs clone template
     * 9040; the 5 existing VMs keep their disks (...)}) and the JSON plan carries it.
     */
    public String note() {
        String existing = switch (kept) {
            case 0 -> "no existing VM fleetplane created is affected";
            case 1 -> "the 1 existing VM keeps its disk";
            default -> "the " + kept + " existing VMs keep their disks";
        };
        return ATTRIBUTE + ": " + previous + " -> " + next + ". New VMs clone template " + next + "; " + existing
                + " (fleetplane never replaces a VM because its template changed; to rebuild one from the new"
                + " template, destroy it through the plan or give it a new vmid).";
    }
}
