package dev.fleetplane.plancore.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleetplane.events.desired.SpecProblem;
import dev.fleetplane.events.plans.PlannedChange;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PlanRendererTest {

    @Test
    void everyAction_rendersLikeTofu_withOneSummaryLine() throws Exception {
        assertEquals("""
                fleetplane will perform the following actions (fleet default, spec version 3):

                  # api (vmid 113) will be updated in-place
                  ~ update api {
                      ~ cores: 2 → 4
                    }

                  # cache (vmid 114) must be replaced (destroyed and created again)
                  -/+ replace cache {
                      ~ bios: "seabios" → "ovmf" # forces replacement
                    }

                  # db (vmid 112) will have its disk grown in-place
                  ~ grow-disk db {
                      ~ disk: "32G" → "64G"
                    }

                  # dev (vmid 110) exists and will be adopted (nothing changes in Proxmox)
                  <= adopt dev {
                      vmid   = 110
                      name   = "dev"
                      node   = "pve"
                      status = "running"
                    }

                  # web (vmid 111) will be created
                  + create web {
                      + vmid          = 111
                      + name          = "web"
                      + node          = "pve"
                      + clone         = 9003
                      + cores         = 2
                      + memory        = 4096
                      + disk          = "32G"
                      + storage       = "local-lvm"
                      + diskInterface = "virtio0" (from template 9003)
                      + cpuType       = "x86-64-v2-AES" (default)
                      + onBoot        = false (default)
                      + tags          = ["web"]
                      + description   = "Managed by fleetplane - web" (default)
                    }

                  # legacy (vmid 121) will no longer be managed by fleetplane (the VM is not destroyed)
                  forget legacy {
                      vmid = 121
                      # the VM was adopted: fleetplane never destroys adopted VMs
                    }

                  # old (vmid 120) will be destroyed
                  - destroy old {
                      - vmid   = 120
                      - node   = "pve"
                      - name   = "old"
                      - cores  = 1
                      - memory = 1024
                      - disk   = "8G"
                      - tags   = ["fleetplane"]
                    }

                Unmanaged hosts (no proxmox attribute, never touched): laptop

                Plan: 1 to import, 2 to add, 2 to change, 2 to destroy, 1 to forget.
                """, PlanRenderer.render("default", 3, PlanFixtures.everyAction()));
    }

    @Test
    void onlyCreates_useTheTofuSummaryLine_withoutImportOrForget() throws Exception {
        PlanDraft d = DiffEngine.diff(DiffEngineTest.web(""), List.of(DiffEngineTest.TEMPLATE), Map.of());
        String text = PlanRenderer.render("default", 1, d);
        assertTrue(text.endsWith("\nPlan: 1 to add, 0 to change, 0 to destroy.\n"), text);
    }

    @Test
    void nothingToDo_saysNoChanges_likeTofu() throws Exception {
        PlanDraft d = DiffEngine.diff(DiffEngineTest.web(""), List.of(DiffEngineTest.TEMPLATE,
                DiffEngineTest.web(2, 4096, 32, null)), DiffEngineTest.WEB_CREATED);
        assertEquals("No changes. Your infrastructure matches the configuration.\n",
                PlanRenderer.render("default", 4, d));
    }

    @Test
    void readonlyDrift_isShownAsANote_andStillNoChanges() throws Exception {
        PlanDraft d = DiffEngine.diff(DiffEngineTest.web(", \"readonly\": true"), List.of(DiffEngineTest.TEMPLATE,
                DiffEngineTest.web(1, 4096, 32, null)), DiffEngineTest.WEB_CREATED);
        assertEquals("""

                  # web (vmid 111) is readonly; fleetplane changes nothing
                  readonly web {
                      # readonly, not changed: cores: 1 → 2
                    }

                No changes. Your infrastructure matches the configuration.
                """, PlanRenderer.render("default", 5, d));
    }

    @Test
    void errors_areListed_andThePlanCannotBeApplied() {
        PlanDraft d = new PlanDraft(List.of(new PlannedChange("web", PlanDraft.CREATE, 111, "pve", List.of("vmid = 111"))),
                List.of(new SpecProblem("hosts.db.proxmox.disk", "is 32G but the VM's disk is already 64G")), List.of());
        assertEquals("""
                fleetplane will perform the following actions (fleet f, spec version 2):

                  # web (vmid 111) will be created
                  + create web {
                      + vmid = 111
                    }

                Error: hosts.db.proxmox.disk: is 32G but the VM's disk is already 64G

                Plan failed with 1 error; it cannot be applied.
                """, PlanRenderer.render("f", 2, d));
    }
}
