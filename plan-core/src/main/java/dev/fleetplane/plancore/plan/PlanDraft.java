package dev.fleetplane.plancore.plan;

import dev.fleetplane.events.desired.SpecProblem;
import dev.fleetplane.events.plans.PlannedChange;
import java.util.List;
import java.util.Map;

/**
 * What the diff engine decided, before it has an id or text. A draft with errors is stored and shown
 * but can never be applied.
 *
 * @param changes   one per Proxmox host of the spec (that had no error) and one per managed host that left it
 * @param unmanaged hosts without a proxmox attribute: listed, never touched
 * @param states    per host of {@code changes}: the VM before and after, for the JSON face
 */
public record PlanDraft(List<PlannedChange> changes, List<SpecProblem> errors, List<String> unmanaged,
                        Map<String, ResourceState> states) {

    public static final String CREATE = "create";
    public static final String UPDATE = "update";
    public static final String GROW_DISK = "grow-disk";
    public static final String REPLACE = "replace";
    public static final String DESTROY = "destroy";
    public static final String FORGET = "forget";
    public static final String ADOPT = "adopt";
    public static final String NO_OP = "no-op";

    public PlanDraft(List<PlannedChange> changes, List<SpecProblem> errors, List<String> unmanaged) {
        this(changes, errors, unmanaged, Map.of());
    }

    /** New VMs: creates and the new half of replacements (as tofu counts them). */
    public int toAdd() {
        return count(CREATE) + count(REPLACE);
    }

    public int toAdopt() {
        return count(ADOPT);
    }

    /** In-place changes: updates and disk growths. */
    public int toChange() {
        return count(UPDATE) + count(GROW_DISK);
    }

    /** VMs that go: destroys and the old half of replacements. */
    public int toDestroy() {
        return count(DESTROY) + count(REPLACE);
    }

    public int toForget() {
        return count(FORGET);
    }

    /** Whether applying would do anything at all (adopting and forgetting count: they change fleetplane's state). */
    public boolean hasChanges() {
        return changes.stream().anyMatch(c -> !c.action().equals(NO_OP));
    }

    public boolean hasErrors() {
        return !errors.isEmpty();
    }

    private int count(String action) {
        return (int) changes.stream().filter(c -> c.action().equals(action)).count();
    }
}
