package dev.fleetplane.plancore.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fleetplane.events.pve.ObservedVm;
import dev.fleetplane.plancore.spec.HostsSpec;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TemplateChangeTest {

    /** The fixture's fleet as it was before template 9003 was promoted. */
    static HostsSpec before() throws Exception {
        return DiffEngineTest.spec(PlanFixtures.SPEC.replace("\"templateVmid\": 9003", "\"templateVmid\": 9001"));
    }

    /** One VM fleetplane created, exactly as the spec says: nothing to do. */
    static final String ONE_DB = "{" + DiffEngineTest.PROXMOX + """
            ,
             "db": {"proxmox": {"vmid": 112, "cores": 2, "memory": 4096, "disk": "32G"}}}""";

    static final List<ObservedVm> DB_ONLY = List.of(
            new ObservedVm(112, "db", "pve", "running", false, 2, 4L << 30, 32L << 30, List.of("fleetplane")));

    @Test
    void aPromotedTemplate_countsOnlyTheCreatedVmsThePlanKeeps() throws Exception {
        PlanDraft draft = PlanFixtures.everyAction();
        Optional<TemplateChange> t = TemplateChange.between(Optional.of(before()),
                DiffEngineTest.spec(PlanFixtures.SPEC), draft, PlanFixtures.MANAGED);
        // api (update) and db (grow-disk) keep their VMs; cache is replaced, old destroyed, legacy adopted and
        // forgotten, dev adopted, web created: none of those is an existing VM fleetplane keeps.
        assertEquals(Optional.of(new TemplateChange(9001, 9003, 2)), t);
        assertEquals("_proxmox.templateVmid: 9001 -> 9003. New VMs clone template 9003; the 2 existing VMs keep their"
                + " disks (fleetplane never replaces a VM because its template changed; to rebuild one from the new"
                + " template, destroy it through the plan or give it a new vmid).", t.get().note());
    }

    @Test
    void theNote_standsJustBeforeTheSummary() throws Exception {
        PlanDraft draft = PlanFixtures.everyAction();
        Optional<TemplateChange> t = TemplateChange.between(Optional.of(before()),
                DiffEngineTest.spec(PlanFixtures.SPEC), draft, PlanFixtures.MANAGED);
        String text = PlanRenderer.render("default", 3, draft, t);
        assertTrue(text.endsWith("Unmanaged hosts (no proxmox attribute, never touched): laptop\n\n# "
                + t.get().note() + "\n\nPlan: 1 to import, 2 to add, 2 to change, 2 to destroy, 1 to forget.\n"), text);
        assertEquals(PlanRenderer.render("default", 3, draft), text.replace("# " + t.get().note() + "\n\n", ""),
                "the note is the only difference");
    }

    @Test
    void aTemplateChangeAlone_isNoChange_butTheTextAndJsonSaySo() throws Exception {
        HostsSpec next = DiffEngineTest.spec(ONE_DB);
        HostsSpec previous = DiffEngineTest.spec(ONE_DB.replace("\"templateVmid\": 9003", "\"templateVmid\": 9001"));
        Map<String, ManagedHost> managed = Map.of("db", ManagedHost.created(112));
        PlanDraft draft = DiffEngine.diff(next, DB_ONLY, managed);
        assertFalse(draft.hasChanges());
        Optional<TemplateChange> t = TemplateChange.between(Optional.of(previous), next, draft, managed);

        assertEquals("# _proxmox.templateVmid: 9001 -> 9003. New VMs clone template 9003; the 1 existing VM keeps its"
                + " disk (fleetplane never replaces a VM because its template changed; to rebuild one from the new"
                + " template, destroy it through the plan or give it a new vmid).\n\n"
                + PlanRenderer.NO_CHANGES + "\n", PlanRenderer.render("prod", 4, draft, t));

        JsonNode json = PlanJson.render("prod", 4L, "sha256:x", draft, t);
        assertFalse(json.path("applyable").asBoolean(), "a note is not a change");
        assertFalse(PlanJson.hasChanges(json), "-detailed-exitcode still says no changes");
        JsonNode tc = json.path("template_change");
        assertEquals("_proxmox.templateVmid", tc.path("attribute").asText());
        assertEquals(9001, tc.path("before").asInt());
        assertEquals(9003, tc.path("after").asInt());
        assertEquals(1, tc.path("existing_vms_kept").asInt());
        assertEquals(t.get().note(), tc.path("note").asText());
    }

    @Test
    void aFirstSpec_theSameTemplate_orAFleetWithoutProxmox_sayNothing() throws Exception {
        HostsSpec next = DiffEngineTest.spec(ONE_DB);
        Map<String, ManagedHost> managed = Map.of("db", ManagedHost.created(112));
        PlanDraft draft = DiffEngine.diff(next, DB_ONLY, managed);
        assertEquals(Optional.empty(), TemplateChange.between(Optional.empty(), next, draft, managed));
        assertEquals(Optional.empty(), TemplateChange.between(Optional.of(next), next, draft, managed));
        HostsSpec noProxmox = DiffEngineTest.spec("{\"laptop\": {\"user\": \"root\"}}");
        assertEquals(Optional.empty(), TemplateChange.between(Optional.of(noProxmox), next, draft, managed));

        assertEquals(PlanRenderer.NO_CHANGES + "\n", PlanRenderer.render("prod", 4, draft, Optional.empty()));
        JsonNode json = PlanJson.render("prod", 4L, "sha256:x", draft, Optional.empty());
        assertTrue(json.has("template_change") && json.get("template_change").isNull());
        assertFalse(PlanJson.render("prod", 4L, "sha256:x", draft).has("template_change"),
                "an offline plan knows no previous spec and carries no field");
    }

    @Test
    void adoptedVms_areNotCounted_andNoneLeftReadsPlainly() throws Exception {
        HostsSpec next = DiffEngineTest.spec(ONE_DB);
        Map<String, ManagedHost> managed = Map.of("db", ManagedHost.adopted(112));
        PlanDraft draft = DiffEngine.diff(next, DB_ONLY, managed);
        TemplateChange t = TemplateChange.between(Optional.of(DiffEngineTest.spec(
                ONE_DB.replace("\"templateVmid\": 9003", "\"templateVmid\": 9001"))), next, draft, managed).orElseThrow();
        assertEquals(0, t.kept());
        assertTrue(t.note().contains("New VMs clone template 9003; no existing VM fleetplane created is affected ("),
                t.note());
    }
}
