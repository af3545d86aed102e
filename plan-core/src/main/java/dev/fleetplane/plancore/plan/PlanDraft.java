package dev.fleetplane.plancore.plan;

import dev.fleetplane.events.desired.SpecProblem;
import dev.fleetplane.events.plans.PlannedChange;
import java.util.List;

/**
 * What the diff engine decided, before it has an id or text. A draft with errors is stored and shown
 * but can never be applied.
 *
 * @param unmanaged hosts without a proxmox attribute: listed, never touched
 */
public record PlanDraft(List<PlannedChange> changes, List<SpecProblem> errors, List<String> unmanaged) {

    public static final String CREATE = "create";
    public static final String ADOPT = "adopt";
    public static final String NO_OP = "no-op";

    public int toAdd() {
        return count(CREATE);
    }

    public int toAdopt() {
        return count(ADOPT);
    }

    public int toChange() {
        return 0;
    }

    public int toDestroy() {
        return 0;
    }

    public boolean hasErrors() {
        return !errors.isEmpty();
    }

    private int count(String action) {
        return (int) changes.stream().filter(c -> c.action().equals(action)).count();
    }
}
