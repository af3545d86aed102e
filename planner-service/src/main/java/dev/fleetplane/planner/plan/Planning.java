package dev.fleetplane.planner.plan;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fleetplane.events.EventCatalog;
import dev.fleetplane.events.FleetEvent;
import dev.fleetplane.events.plans.PlanComputed;
import dev.fleetplane.events.pve.InventoryObserved;
import dev.fleetplane.events.pve.ObservedVm;
import dev.fleetplane.events.pve.SyncInventory;
import dev.fleetplane.messaging.Database;
import dev.fleetplane.messaging.StoryContext;
import dev.fleetplane.plancore.plan.DiffEngine;
import dev.fleetplane.plancore.plan.ManagedHost;
import dev.fleetplane.plancore.plan.PlanDraft;
import dev.fleetplane.plancore.plan.PlanJson;
import dev.fleetplane.plancore.plan.PlanRenderer;
import dev.fleetplane.plancore.plan.TemplateChange;
import dev.fleetplane.plancore.spec.HostSpec;
import dev.fleetplane.plancore.spec.HostsSpec;
import dev.fleetplane.plancore.spec.SpecValidator;
import dev.fleetplane.planner.Publisher;
import dev.fleetplane.planner.Sql;
import dev.fleetplane.planner.lifecycle.HostScheduler;
import dev.fleetplane.planner.spec.PatchedValue;
import dev.fleetplane.planner.spec.PlanTrigger;
import dev.fleetplane.planner.spec.RevertedPatch;
import dev.fleetplane.planner.spec.SpecStore;
import dev.fleetplane.planner.spec.SpecVersion;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * Turns spec versions into plans: when a version is accepted it asks the adapter for the inventory and plans
 * when the matching {@code InventoryObserved} arrives (same correlation id); on request it plans the fleet's
 * latest version against a fresh inventory. Each plan is stored with both faces and announced; auto-approved
 * plans are applied in the same transaction.
 */
@ApplicationScoped
public class Planning implements PlanTrigger {

    private static final Logger LOG = Logger.getLogger(Planning.class);

    /** The fleet has nothing to plan yet. */
    public static class NoSpecException extends RuntimeException {
        public NoSpecException(String message) {
            super(message);
        }
    }

    @Inject
    Publisher publisher;

    @Inject
    SpecStore specs;

    @Inject
    PlanStore plans;

    @Inject
    ManagedHosts managedHosts;

    @Inject
    PlanApproval approval;

    @Inject
    InventoryRequests inventories;

    @Inject
    HostScheduler scheduler;

    @Inject
    Database database;

    @Override
    public void start(Connection c, SpecVersion v, HostsSpec spec, FleetEvent accepted) throws SQLException {
        Optional<String> inventoryNode = managedHosts.inventoryNode(c, v.fleet(), spec);
        if (inventoryNode.isEmpty()) {
            // Nothing lives on Proxmox, so no inventory is needed: the plan is the empty one.
            record(c, v, spec, List.of(), null, accepted, Plan.ORIGIN_SPEC);
            return;
        }
        String node = inventoryNode.get();
        publisher.publish(c, node, EventCatalog.SYNC_INVENTORY, node,
                new SyncInventory("plan spec version " + v.version() + " of fleet " + v.fleet()),
                v.correlationId(), accepted);
    }

    /**
     * Handles an {@code InventoryObserved}: the answer to a waiting request (fresh plan, apply check), or the
     * inventory a newly accepted spec version waits for; anything else is ignored.
     */
    public void onInventory(Connection c, FleetEvent event) throws SQLException {
        if (inventories.answer(c, event)) {
            return;
        }
        Optional<Long> version = specVersionOf(event.correlationId());
        if (version.isEmpty()) {
            LOG.debugf("inventory answers no spec version; ignored");
            return;
        }
        Optional<SpecVersion> v = specs.find(c, version.get());
        if (v.isEmpty()) {
            LOG.warnf("inventory %s names spec version %d, which does not exist; ignored", event.id(), version.get());
            return;
        }
        if (plans.hasSpecPlan(c, version.get())) {
            LOG.infof("spec version %d already has a plan; inventory %s ignored", version.get(), event.id());
            return;
        }
        InventoryObserved inventory = event.dataAs(EventCatalog.INVENTORY_OBSERVED);
        record(c, v.get(), validated(v.get()), inventory.vms() == null ? List.of() : inventory.vms(),
                inventory.digest(), event, Plan.ORIGIN_SPEC);
    }

    /**
     * A fresh plan of the fleet's latest spec version against a fresh inventory (what online {@code fleetplane
     * plan} shows and {@code fleetplane apply} can apply). Waits, bounded, for the inventory: call outside any
     * transaction. The same inputs give the same (stored) plan back.
     */
    public Plan fresh(String fleet) {
        SpecVersion v = database.read(c -> specs.findLatest(c, fleet)).orElseThrow(() -> new NoSpecException(
                "fleet " + fleet + " has no spec version yet; push one with `fleetplane push FILE --fleet " + fleet + "`"));
        HostsSpec spec = validated(v);
        Optional<String> node = database.read(c -> managedHosts.inventoryNode(c, fleet, spec));
        InventoryRequests.Observation seen = node.isEmpty() ? null
                : inventories.fetch(fleet, node.get(), "plan fleet " + fleet + " (spec version "
                        + v.version() + ") on request", v.correlationId());
        return database.inTransaction(c -> record(c, v, spec, seen == null ? List.of() : seen.vms(),
                seen == null ? null : seen.digest(), null, Plan.ORIGIN_REQUEST));
    }

    private Plan record(Connection c, SpecVersion v, HostsSpec spec, List<ObservedVm> observed, String digest,
                        FleetEvent cause, String origin) throws SQLException {
        try (StoryContext.Scope story = StoryContext.forHost(v.fleet(), null, v.correlationId()).open()) {
            return recordInStory(c, v, spec, observed, digest, cause, origin);
        }
    }

    /** {@link #record}, in the spec version's story: the plan is computed (and auto-approved) in it. */
    private Plan recordInStory(Connection c, SpecVersion v, HostsSpec spec, List<ObservedVm> observed, String digest,
                               FleetEvent cause, String origin) throws SQLException {
        Set<String> inSpec = spec.managedHosts().stream().map(HostSpec::name).collect(Collectors.toSet());
        Map<String, ManagedHost> managed = managedHosts.of(c, v.fleet(), inSpec);
        PlanDraft draft = DiffEngine.diff(spec, observed, managed);
        Optional<TemplateChange> template = TemplateChange.between(previousSpec(c, v), spec, draft, managed);
        String base = planId(v.version(), digest, draft);
        String id = base;
        for (int n = 2; ; n++) {
            Optional<Plan> same = plans.find(c, id, false);
            if (same.isEmpty()) {
                break;
            }
            if (!same.get().applied()) {
                LOG.infof("plan %s computed again, unchanged", id);
                return same.get();
            }
            // The same content was applied already (e.g. a targeted apply left the rest): a new, applicable plan.
            id = base + "-" + n;
        }
        boolean withheld = origin.equals(Plan.ORIGIN_SPEC) && v.autoApprove() && !v.appliesItself()
                && !draft.hasErrors();
        String text = PlanRenderer.render(v.fleet(), v.version(), draft, template) + revertNotes(v, id, withheld);
        JsonNode json = withReverts(PlanJson.render(v.fleet(), v.version(), digest, draft, template), v, withheld);
        Plan plan = new Plan(id, v.fleet(), v.version(), digest, observed, draft.changes(), draft.errors(), text, json,
                origin, draft.toAdd(), draft.toChange(), draft.toDestroy(), draft.toAdopt(), draft.toForget(), null,
                null, null, null);
        if (!plans.insert(c, plan)) {
            return plans.find(c, id, false).orElseThrow();
        }
        FleetEvent computed = publisher.publish(c, v.fleet(), EventCatalog.PLAN_COMPUTED, v.fleet(),
                new PlanComputed(id, v.fleet(), v.version(), digest, draft.changes(), draft.toAdd(), draft.toChange(),
                        draft.toDestroy(), draft.toAdopt(), draft.toForget(), draft.errors(), text),
                v.correlationId(), cause);
        LOG.infof("plan %s (%s) for spec version %d: %s %d errors", id, origin, v.version(),
                PlanRenderer.summary(draft), draft.errors().size());
        if (template.isPresent()) {
            LOG.infof("plan %s: %s", id, template.get().note());
        }
        scheduler.observePlan(c, v.fleet(), id, draft.changes(), computed);
        if (origin.equals(Plan.ORIGIN_SPEC) && v.autoApprove()) {
            if (draft.hasErrors()) {
                LOG.warnf("plan %s has errors; auto-approve skipped", id);
            } else if (withheld) {
                LOG.warnf("plan %s reverts %d host patch(es) the push did not allow; auto-approve withheld", id,
                        v.reverts().size());
            } else {
                approval.apply(c, plans.find(c, id, true).orElseThrow(), "auto-approve", computed,
                        PlanApproval.Selection.ALL);
            }
        }
        return plans.find(c, id, false).orElseThrow();
    }

    /**
     * The plan text's closing warning when {@code v} undoes host patches hosts.nix never got: one note per patch
     * (who, when, which version), how to keep them, and whether auto-approve was withheld. Empty otherwise.
     */
    static String revertNotes(SpecVersion v, String planId, boolean withheld) {
        if (v.reverts().isEmpty()) {
            return "";
        }
        StringBuilder out = new StringBuilder("\nWarning: spec version ").append(v.version()).append(" undoes ")
                .append(v.reverts().size()).append(v.reverts().size() == 1 ? " host patch" : " host patches")
                .append(" that the pushed file does not contain:\n");
        for (RevertedPatch r : v.reverts()) {
            out.append("  ").append(r.note()).append('\n');
        }
        long patched = v.reverts().stream().mapToLong(r -> r.patch().specVersion()).max().orElseThrow();
        out.append("  To keep them, commit them to hosts.nix: fleetplane spec export --fleet ").append(v.fleet())
                .append(" --spec-version ").append(patched).append(" (then push again).\n");
        if (withheld) {
            out.append("  Auto-approve withheld: apply the revert with `fleetplane apply ").append(planId)
                    .append("`, or push with --allow-revert.\n");
        } else if (v.allowRevert()) {
            out.append("  The push allowed this (--allow-revert).\n");
        }
        return out.toString();
    }

    /**
     * The JSON plan with {@code reverted_patches} (one object per undone patch: {@code attribute}, {@code host},
     * {@code path}, {@code patched_from}, {@code patched_to}, {@code pushed}, {@code requested_by},
     * {@code requested_at}, {@code spec_version}, {@code note}) and {@code auto_approve_withheld}.
     */
    static JsonNode withReverts(JsonNode json, SpecVersion v, boolean withheld) {
        ObjectNode root = (ObjectNode) json;
        ArrayNode list = root.putArray("reverted_patches");
        for (RevertedPatch r : v.reverts()) {
            PatchedValue c = r.patch().change();
            ObjectNode o = list.addObject();
            o.put("attribute", c.attribute());
            o.put("host", c.host());
            o.put("path", c.path());
            o.set("patched_from", c.before() == null ? NullNode.getInstance() : c.before());
            o.set("patched_to", c.after() == null ? NullNode.getInstance() : c.after());
            o.set("pushed", r.pushed() == null ? NullNode.getInstance() : r.pushed());
            o.put("requested_by", r.patch().requestedBy());
            o.put("requested_at", r.patch().requestedAt().toInstant().toString());
            o.put("spec_version", r.patch().specVersion());
            o.put("note", r.note());
        }
        root.put("auto_approve_withheld", withheld);
        return root;
    }

    /**
     * The spec of the fleet's previous plan, to say when {@code _proxmox.templateVmid} changed; empty for the first
     * one, or when that stored spec no longer validates (the note is then left out rather than failing the plan).
     */
    private Optional<HostsSpec> previousSpec(Connection c, SpecVersion v) throws SQLException {
        return specs.contentOfPreviousPlan(c, v.fleet(), v.version())
                .flatMap(content -> SpecValidator.validate(content).spec());
    }

    private static HostsSpec validated(SpecVersion v) {
        return SpecValidator.validate(v.content()).spec().orElseThrow(
                () -> new IllegalStateException("stored spec version " + v.version() + " no longer validates"));
    }

    /**
     * Readable and unique: the spec version, then a digest of what the plan saw and decided, so the same
     * inputs give the same id and any difference (inventory, managed state) another.
     */
    static String planId(long specVersion, String inventoryDigest, PlanDraft draft) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(String.valueOf(inventoryDigest).getBytes(StandardCharsets.UTF_8));
            sha.update(Sql.json(draft.changes()).getBytes(StandardCharsets.UTF_8));
            sha.update(Sql.json(draft.errors()).getBytes(StandardCharsets.UTF_8));
            return "plan-" + specVersion + "-" + HexFormat.of().formatHex(sha.digest()).substring(0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no SHA-256", e);
        }
    }

    static Optional<Long> specVersionOf(String correlationId) {
        if (correlationId == null || !correlationId.startsWith("spec-")) {
            return Optional.empty();
        }
        try {
            return Optional.of(Long.parseLong(correlationId.substring("spec-".length())));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
