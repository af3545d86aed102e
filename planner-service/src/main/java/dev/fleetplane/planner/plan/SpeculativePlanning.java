package dev.fleetplane.planner.plan;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fleetplane.messaging.Database;
import dev.fleetplane.messaging.StoryContext;
import dev.fleetplane.plancore.plan.DiffEngine;
import dev.fleetplane.plancore.plan.ManagedHost;
import dev.fleetplane.plancore.plan.PlanDraft;
import dev.fleetplane.plancore.plan.PlanJson;
import dev.fleetplane.plancore.plan.PlanRenderer;
import dev.fleetplane.plancore.plan.Removal;
import dev.fleetplane.plancore.spec.HostSpec;
import dev.fleetplane.plancore.spec.HostsSpec;
import dev.fleetplane.plancore.spec.SpecValidator;
import dev.fleetplane.planner.spec.SpecStore;
import dev.fleetplane.planner.spec.SpecVersion;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * Plans that are only shown (what {@code fleetplane remove} prints): a spec given in the request, or the fleet's
 * latest, against a fresh inventory and the fleet's managed state, with some hosts' destroy allowed. Nothing is
 * stored, announced or applied and no host is marked Drifted; the only traces are the read-only
 * {@code SyncInventory} / {@code InventoryObserved} pair in the event log.
 */
@ApplicationScoped
public class SpeculativePlanning {

    private static final Logger LOG = Logger.getLogger(SpeculativePlanning.class);

    /** The spec in the request is not valid; each problem as {@code path: message}. */
    public static class InvalidSpecException extends RuntimeException {
        private final List<String> problems;

        public InvalidSpecException(String message, List<String> problems) {
            super(message);
            this.problems = List.copyOf(problems);
        }

        public List<String> problems() {
            return problems;
        }
    }

    /** A plan that was computed and not stored. */
    public record Speculative(String fleet, Long specVersion, String inventoryDigest, PlanDraft draft, String text,
                              JsonNode json) {
    }

    @Inject
    Database database;

    @Inject
    SpecStore specs;

    @Inject
    ManagedHosts managedHosts;

    @Inject
    InventoryRequests inventories;

    /**
     * @param spec         the evaluated spec to plan; null = the fleet's latest spec version
     * @param allowDestroy hosts whose VM may be destroyed once they left the spec, as if their last applied spec
     *                     said {@code allowDestroy = true} (adopted and readonly VMs are still only forgotten)
     */
    public Speculative plan(String fleet, JsonNode spec, List<String> allowDestroy) {
        Long version = null;
        HostsSpec hosts;
        String what;
        if (spec == null) {
            SpecVersion latest = database.read(c -> specs.findLatest(c, fleet)).orElseThrow(() ->
                    new Planning.NoSpecException("fleet " + fleet + " has no spec version yet: send one as \"spec\""));
            version = latest.version();
            hosts = valid(latest.content(), "stored spec version " + version);
            what = "spec version " + version;
        } else {
            hosts = valid(spec, "the spec");
            what = "the spec in the request";
        }
        String correlation = "speculative-" + UUID.randomUUID().toString().substring(0, 8);
        try (StoryContext.Scope story = StoryContext.forHost(fleet, null, correlation).open()) {
            return planInStory(fleet, version, hosts, what, allowDestroy, correlation);
        }
    }

    /** {@link #plan(String, JsonNode, List)} once the spec is known, in its own story ({@code correlation}). */
    private Speculative planInStory(String fleet, Long version, HostsSpec hosts, String what, List<String> allowDestroy,
                                    String correlation) {
        Optional<String> node = database.read(c -> managedHosts.inventoryNode(c, fleet, hosts));
        InventoryRequests.Observation seen = node.isEmpty() ? null
                : inventories.fetch(fleet, node.get(), "speculative plan of fleet " + fleet,
                        correlation);
        Set<String> inSpec = hosts.managedHosts().stream().map(HostSpec::name).collect(Collectors.toSet());
        Map<String, ManagedHost> managed = database.read(c -> managedHosts.of(c, fleet, inSpec));
        for (String host : allowDestroy) {
            managed = Removal.allowingDestroy(managed, host);
        }
        String digest = seen == null ? null : seen.digest();
        PlanDraft draft = DiffEngine.diff(hosts, seen == null ? List.of() : seen.vms(), managed);
        String context = "fleet " + fleet + ", speculative: " + what
                + (allowDestroy.isEmpty() ? "" : ", destroy allowed for " + String.join(", ", allowDestroy));
        LOG.infof("speculative plan of %s: %s %d errors, not stored", what, PlanRenderer.summary(draft),
                draft.errors().size());
        return new Speculative(fleet, version, digest, draft, PlanRenderer.render(context, draft),
                PlanJson.render(fleet, version, digest, draft));
    }

    private static HostsSpec valid(JsonNode tree, String what) {
        SpecValidator.Result result = SpecValidator.validate(tree);
        Optional<HostsSpec> spec = result.spec();
        if (!result.valid() || spec.isEmpty()) {
            throw new InvalidSpecException(what + " is not a valid hosts file (" + result.problems().size()
                    + (result.problems().size() == 1 ? " problem)" : " problems)"),
                    result.problems().stream().map(p -> p.path() + ": " + p.message()).toList());
        }
        return spec.get();
    }
}
