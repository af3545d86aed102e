package dev.fleetplane.plancore.plan;

import dev.fleetplane.events.desired.SpecProblem;
import dev.fleetplane.events.plans.PlannedChange;
import java.util.Optional;

/** Writes a plan as people know it from {@code tofu plan}: symbols per host, then one summary line. Pure. */
public final class PlanRenderer {

    public static final String NO_CHANGES = "No changes. Your infrastructure matches the configuration.";

    private PlanRenderer() {
    }

    /** How one action reads: the comment after the host, the block head and the symbol of its lines. */
    private record Look(String what, String head, String linePrefix) {
    }

    private static Look look(PlannedChange c) {
        return switch (c.action()) {
            case PlanDraft.CREATE -> new Look("will be created", "+ create", "+ ");
            case PlanDraft.UPDATE -> new Look("will be updated in-place", "~ update", "~ ");
            case PlanDraft.GROW_DISK -> new Look("will have its disk grown in-place", "~ grow-disk", "~ ");
            case PlanDraft.REPLACE -> new Look("must be replaced (destroyed and created again)", "-/+ replace", "~ ");
            case PlanDraft.DESTROY -> new Look("will be destroyed", "- destroy", "- ");
            case PlanDraft.FORGET -> new Look("will no longer be managed by fleetplane (the VM is not destroyed)",
                    "forget", "");
            case PlanDraft.ADOPT -> new Look("exists and will be adopted (nothing changes in Proxmox)", "<= adopt", "");
            default -> new Look("is readonly; fleetplane changes nothing", "readonly", "");
        };
    }

    public static String render(String fleet, long specVersion, PlanDraft draft) {
        return render("fleet " + fleet + ", spec version " + specVersion, draft);
    }

    /** The planner's plan of a spec version, with the fleet-level note when its template changed. */
    public static String render(String fleet, long specVersion, PlanDraft draft, Optional<TemplateChange> template) {
        return render("fleet " + fleet + ", spec version " + specVersion, draft, template);
    }

    /** @param context what was planned, shown in the header ({@code fleet web, spec version 3}) */
    public static String render(String context, PlanDraft draft) {
        return render(context, draft, Optional.empty());
    }

    /**
     * @param template when present, its note is shown as a comment just before the summary line; it is not a change
     *                 (a template change alone still reads "No changes")
     */
    public static String render(String context, PlanDraft draft, Optional<TemplateChange> template) {
        StringBuilder out = new StringBuilder();
        boolean anyAction = draft.hasChanges();
        if (anyAction) {
            out.append("fleetplane will perform the following actions (").append(context).append("):\n");
        }
        boolean anyBlock = false;
        for (PlannedChange c : draft.changes()) {
            // Unchanged hosts are left out, as tofu leaves out unchanged resources, unless there is a note.
            if (!c.action().equals(PlanDraft.NO_OP) || !c.changes().isEmpty()) {
                block(out, c, look(c));
                anyBlock = true;
            }
        }
        if (anyBlock) {
            out.append('\n');
        }
        if (!draft.unmanaged().isEmpty()) {
            out.append("Unmanaged hosts (no proxmox attribute, never touched): ")
                    .append(String.join(", ", draft.unmanaged())).append("\n\n");
        }
        template.ifPresent(t -> out.append("# ").append(t.note()).append("\n\n"));
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
        out.append(summary(draft)).append('\n');
        return out.toString();
    }

    /** {@code Plan: 1 to import, 2 to add, 0 to change, 0 to destroy.} (import and forget only when there are any). */
    public static String summary(PlanDraft draft) {
        StringBuilder out = new StringBuilder("Plan: ");
        if (draft.toAdopt() > 0) {
            out.append(draft.toAdopt()).append(" to import, ");
        }
        out.append(draft.toAdd()).append(" to add, ").append(draft.toChange()).append(" to change, ")
                .append(draft.toDestroy()).append(" to destroy");
        if (draft.toForget() > 0) {
            out.append(", ").append(draft.toForget()).append(" to forget");
        }
        return out.append('.').toString();
    }

    private static void block(StringBuilder out, PlannedChange c, Look look) {
        out.append('\n').append("  # ").append(c.host()).append(" (vmid ").append(c.vmid()).append(") ")
                .append(look.what()).append('\n');
        out.append("  ").append(look.head()).append(' ').append(c.host()).append(" {\n");
        int width = c.changes().stream().filter(l -> !l.startsWith("#") && l.contains(" = "))
                .mapToInt(l -> l.indexOf(" = ")).max().orElse(0);
        for (String line : c.changes()) {
            if (line.startsWith("#")) {
                out.append("      ").append(line).append('\n');
                continue;
            }
            int eq = line.indexOf(" = ");
            if (eq < 0) {
                out.append("      ").append(look.linePrefix()).append(line).append('\n');
                continue;
            }
            out.append("      ").append(look.linePrefix()).append(pad(line.substring(0, eq), width))
                    .append(line.substring(eq)).append('\n');
        }
        out.append("    }\n");
    }

    private static String pad(String s, int width) {
        return s.length() >= width ? s : s + " ".repeat(width - s.length());
    }
}
