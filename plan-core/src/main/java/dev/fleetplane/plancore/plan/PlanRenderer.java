package dev.fleetplane.plancore.plan;

import dev.fleetplane.events.desired.SpecProblem;
import dev.fleetplane.events.plans.PlannedChange;

/** Writes a plan as people know it from {@code tofu plan}: symbols per host, then one summary line. Pure. */
public final class PlanRenderer {

    public static final String NO_CHANGES = "No changes. Your infrastructure matches the configuration.";

    private PlanRenderer() {
    }

    public static String render(String fleet, long specVersion, PlanDraft draft) {
        StringBuilder out = new StringBuilder();
        boolean anyAction = draft.changes().stream().anyMatch(c -> !c.action().equals(PlanDraft.NO_OP));
        if (anyAction) {
            out.append("fleetplane will perform the following actions (fleet ").append(fleet)
                    .append(", spec version ").append(specVersion).append("):\n");
            for (PlannedChange c : draft.changes()) {
                switch (c.action()) {
                    case PlanDraft.CREATE -> block(out, c, "will be created", "+ create", "+ ");
                    case PlanDraft.ADOPT -> block(out, c, "exists and will be adopted (nothing changes in Proxmox)",
                            "<= adopt", "");
                    default -> {
                        // no-op hosts are left out, as tofu leaves out unchanged resources
                    }
                }
            }
            out.append('\n');
        }
        if (!draft.unmanaged().isEmpty()) {
            out.append("Unmanaged hosts (no proxmox attribute, never touched): ")
                    .append(String.join(", ", draft.unmanaged())).append("\n\n");
        }
        if (draft.hasErrors()) {
            for (SpecProblem p : draft.errors()) {
                out.append("Error: ").append(p.path()).append(": ").append(p.message()).append('\n');
            }
            out.append('\n').append("Plan failed with ").append(draft.errors().size())
                    .append(draft.errors().size() == 1 ? " error" : " errors")
                    .append("; it cannot be applied.\n");
            return out.toString();
        }
        if (!anyAction) {
            out.append(NO_CHANGES).append('\n');
            return out.toString();
        }
        out.append("Plan: ");
        if (draft.toAdopt() > 0) {
            out.append(draft.toAdopt()).append(" to adopt, ");
        }
        out.append(draft.toAdd()).append(" to add, ").append(draft.toChange()).append(" to change, ")
                .append(draft.toDestroy()).append(" to destroy.\n");
        return out.toString();
    }

    private static void block(StringBuilder out, PlannedChange c, String what, String head, String linePrefix) {
        out.append('\n').append("  # ").append(c.host()).append(" (vmid ").append(c.vmid()).append(") ")
                .append(what).append('\n');
        out.append("  ").append(head).append(' ').append(c.host()).append(" {\n");
        int width = c.changes().stream().filter(l -> !l.startsWith("#")).mapToInt(l -> l.indexOf(" = "))
                .max().orElse(0);
        for (String line : c.changes()) {
            if (line.startsWith("#")) {
                out.append("      ").append(line).append('\n');
                continue;
            }
            int eq = line.indexOf(" = ");
            String key = eq < 0 ? line : line.substring(0, eq);
            String value = eq < 0 ? "" : line.substring(eq);
            out.append("      ").append(linePrefix).append(pad(key, width)).append(value).append('\n');
        }
        out.append("    }\n");
    }

    private static String pad(String s, int width) {
        return s.length() >= width ? s : s + " ".repeat(width - s.length());
    }
}
