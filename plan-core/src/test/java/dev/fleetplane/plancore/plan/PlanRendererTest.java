package dev.fleetplane.plancore.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleetplane.events.desired.SpecProblem;
import dev.fleetplane.events.plans.PlannedChange;
import java.util.List;
import org.junit.jupiter.api.Test;

class PlanRendererTest {

    static final PlannedChange CREATE_WEB = new PlannedChange("web", PlanDraft.CREATE, 111, "pve",
            List.of("vmid = 111", "name = \"web\"", "cores = 2"));
    static final PlannedChange ADOPT_DEV = new PlannedChange("dev", PlanDraft.ADOPT, 110, "pve",
            List.of("vmid = 110", "status = \"running\""));

    @Test
    void createsAndAdoptions_renderLikeTofu_withSummary() {
        String text = PlanRenderer.render("default", 3,
                new PlanDraft(List.of(ADOPT_DEV, CREATE_WEB), List.of(), List.of("laptop")));
        assertEquals("""
                fleetplane will perform the following actions (fleet default, spec version 3):

                  # dev (vmid 110) exists and will be adopted (nothing changes in Proxmox)
                  <= adopt dev {
                      vmid   = 110
                      status = "running"
                    }

                  # web (vmid 111) will be created
                  + create web {
                      + vmid  = 111
                      + name  = "web"
                      + cores = 2
                    }

                Unmanaged hosts (no proxmox attribute, never touched): laptop

                Plan: 1 to adopt, 1 to add, 0 to change, 0 to destroy.
                """, text);
    }

    @Test
    void onlyCreates_useTheTofuSummaryLine() {
        String text = PlanRenderer.render("default", 1, new PlanDraft(List.of(CREATE_WEB), List.of(), List.of()));
        assertTrue(text.endsWith("\nPlan: 1 to add, 0 to change, 0 to destroy.\n"), text);
    }

    @Test
    void nothingToDo_saysNoChanges() {
        PlannedChange noop = new PlannedChange("web", PlanDraft.NO_OP, 111, "pve", List.of());
        assertEquals(PlanRenderer.NO_CHANGES + "\n",
                PlanRenderer.render("default", 2, new PlanDraft(List.of(noop), List.of(), List.of())));
    }

    @Test
    void errors_areListed_andThePlanSaysItCannotBeApplied() {
        String text = PlanRenderer.render("default", 2, new PlanDraft(List.of(), List.of(
                new SpecProblem("hosts.dev.proxmox.cloneFromTemplate", "VMID 110 does not exist")), List.of()));
        assertTrue(text.contains("Error: hosts.dev.proxmox.cloneFromTemplate: VMID 110 does not exist\n"), text);
        assertTrue(text.endsWith("Plan failed with 1 error; it cannot be applied.\n"), text);
    }
}
