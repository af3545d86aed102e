package dev.fleetplane.plancore.plan;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fleetplane.events.Json;
import dev.fleetplane.events.desired.SpecProblem;
import dev.fleetplane.events.plans.AttributeChange;
import dev.fleetplane.events.plans.PlannedChange;
import java.util.List;
import java.util.Optional;

/**
 * The plan's machine face, shaped after Terraform's JSON plan ({@code tofu show -json}): {@code format_version},
 * {@code resource_changes[]} with {@code address} and {@code change.actions} ({@code ["create"]},
 * {@code ["delete","create"]}, ...), {@code before}/{@code after}, {@code action_reason} and
 * {@code replace_paths}; adoption is Terraform's import ({@code ["no-op"]} with {@code importing}). Pure.
 */
public final class PlanJson {

    public static final String FORMAT_VERSION = "1.2";
    /** Every host is one resource of this type: {@code proxmox_vm.<host>}. */
    public static final String RESOURCE_TYPE = "proxmox_vm";

    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private PlanJson() {
    }

    /** The Terraform actions of a fleetplane action. */
    public static List<String> actions(String action) {
        return switch (action) {
            case PlanDraft.CREATE -> List.of("create");
            case PlanDraft.UPDATE, PlanDraft.GROW_DISK -> List.of("update");
            case PlanDraft.REPLACE -> List.of("delete", "create");
            case PlanDraft.DESTROY -> List.of("delete");
            case PlanDraft.FORGET -> List.of("forget");
            default -> List.of("no-op");
        };
    }

    /**
     * A plan that knows the spec of the fleet's previous plan (the planner's): as {@link #render(String, Long, String,
     * PlanDraft)} plus the top-level {@code template_change}, null unless {@code _proxmox.templateVmid} changed, else
     * {@code {"attribute": "_proxmox.templateVmid", "before": 9003, "after": 9040, "existing_vms_kept": 5,
     * "note": "..."}}. It is no change: {@code applyable} and {@link #hasChanges} do not look at it.
     */
    public static ObjectNode render(String fleet, Long specVersion, String inventoryDigest, PlanDraft draft,
                                    Optional<TemplateChange> template) {
        ObjectNode root = render(fleet, specVersion, inventoryDigest, draft);
        if (template.isEmpty()) {
            root.putNull("template_change");
            return root;
        }
        TemplateChange t = template.get();
        root.putObject("template_change").put("attribute", TemplateChange.ATTRIBUTE).put("before", t.previous())
                .put("after", t.next()).put("existing_vms_kept", t.kept()).put("note", t.note());
        return root;
    }

    /**
     * Without {@code template_change}: an offline plan has no previous spec to compare with.
     *
     * @param specVersion     null for a plan of a file (offline)
     * @param inventoryDigest null when no inventory was read
     */
    public static ObjectNode render(String fleet, Long specVersion, String inventoryDigest, PlanDraft draft) {
        ObjectNode root = F.objectNode();
        root.put("format_version", FORMAT_VERSION);
        root.put("fleet", fleet);
        if (specVersion != null) {
            root.put("spec_version", specVersion);
        } else {
            root.putNull("spec_version");
        }
        root.put("inventory_digest", inventoryDigest);
        root.put("applyable", !draft.hasErrors() && draft.hasChanges());
        root.put("errored", draft.hasErrors());
        root.put("complete", true);
        ArrayNode resources = root.putArray("resource_changes");
        for (PlannedChange c : draft.changes()) {
            resources.add(resource(c, draft.states().get(c.host())));
        }
        ObjectNode summary = root.putObject("change_summary");
        summary.put("import", draft.toAdopt());
        summary.put("add", draft.toAdd());
        summary.put("change", draft.toChange());
        summary.put("remove", draft.toDestroy());
        summary.put("forget", draft.toForget());
        summary.put("operation", "plan");
        ArrayNode unmanaged = root.putArray("unmanaged_hosts");
        draft.unmanaged().forEach(unmanaged::add);
        ArrayNode errors = root.putArray("errors");
        for (SpecProblem p : draft.errors()) {
            errors.addObject().put("severity", "error").put("path", p.path()).put("summary", p.message());
        }
        return root;
    }

    private static ObjectNode resource(PlannedChange c, ResourceState state) {
        ObjectNode r = F.objectNode();
        r.put("address", RESOURCE_TYPE + "." + c.host());
        r.put("mode", "managed");
        r.put("type", RESOURCE_TYPE);
        r.put("name", c.host());
        r.put("provider_name", "fleetplane/proxmox");
        ObjectNode change = r.putObject("change");
        ArrayNode actions = change.putArray("actions");
        actions(c.action()).forEach(actions::add);
        change.set("before", state == null || state.before() == null ? F.nullNode() : Json.MAPPER.valueToTree(state.before()));
        change.set("after", state == null || state.after() == null ? F.nullNode() : Json.MAPPER.valueToTree(state.after()));
        change.putObject("after_unknown");
        change.put("before_sensitive", false);
        change.put("after_sensitive", false);
        if (c.action().equals(PlanDraft.REPLACE)) {
            ArrayNode paths = change.putArray("replace_paths");
            for (AttributeChange a : c.attributes()) {
                if (a.forcesReplacement()) {
                    paths.addArray().add(a.name());
                }
            }
        }
        if (c.action().equals(PlanDraft.ADOPT)) {
            change.putObject("importing").put("id", Integer.toString(c.vmid()));
        }
        if (c.reason() != null) {
            r.put("action_reason", c.reason());
        }
        ObjectNode own = r.putObject("fleetplane");
        own.put("action", c.action());
        own.put("vmid", c.vmid());
        own.put("node", c.node());
        ArrayNode attrs = own.putArray("attributes");
        for (AttributeChange a : c.attributes()) {
            attrs.addObject().put("name", a.name()).put("before", a.before()).put("after", a.after())
                    .put("forces_replacement", a.forcesReplacement());
        }
        ArrayNode notes = own.putArray("notes");
        c.changes().stream().filter(l -> l.startsWith("#")).map(l -> l.substring(1).trim()).forEach(notes::add);
        return r;
    }

    /** Whether a stored or received JSON face says the plan would change anything. */
    public static boolean hasChanges(JsonNode plan) {
        for (JsonNode r : plan.path("resource_changes")) {
            JsonNode actions = r.path("change").path("actions");
            if (!(actions.size() == 1 && actions.get(0).asText().equals("no-op")) || r.path("change").has("importing")) {
                return true;
            }
        }
        return false;
    }
}
