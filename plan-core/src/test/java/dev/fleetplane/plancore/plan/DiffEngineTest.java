package dev.fleetplane.plancore.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleetplane.events.Json;
import dev.fleetplane.events.desired.SpecProblem;
import dev.fleetplane.events.plans.PlannedChange;
import dev.fleetplane.events.pve.ObservedVm;
import dev.fleetplane.plancore.spec.HostsSpec;
import dev.fleetplane.plancore.spec.SpecValidator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DiffEngineTest {

    static final String FLEET = """
            {"_proxmox": {"host": "192.168.1.12", "node": "pve", "defaultStorage": "local-lvm", "templateVmid": 9003},
             "dev": {"proxmox": {"vmid": 110, "cores": 4, "memory": 8192, "disk": "64G", "cloneFromTemplate": false}},
             "web": {"proxmox": {"vmid": 111, "cores": 2, "memory": 4096, "disk": "32G"}},
             "db": {"proxmox": {"vmid": 112, "cores": 2, "memory": 4096, "disk": "32G", "storage": "fast"}},
             "laptop": {"user": "root"}}""";

    static final ObservedVm TEMPLATE = vm(9003, "nixos-template", "stopped", true);
    static final ObservedVm DEV = vm(110, "dev", "running", false);

    static HostsSpec spec(String json) throws Exception {
        return SpecValidator.validate(Json.MAPPER.readTree(json)).spec().orElseThrow();
    }

    static ObservedVm vm(int vmid, String name, String status, boolean template) {
        return new ObservedVm(vmid, name, "pve", status, template, 2, 4L << 30, 32L << 30, List.of());
    }

    static PlannedChange change(PlanDraft d, String host) {
        return d.changes().stream().filter(c -> c.host().equals(host)).findFirst().orElseThrow();
    }

    @Test
    void absentVmid_isCreated_existingImportedVm_isAdopted_unmanagedHostIsListed() throws Exception {
        PlanDraft d = DiffEngine.diff(spec(FLEET), List.of(TEMPLATE, DEV), Map.of());
        assertEquals(List.of(), d.errors());
        assertEquals(PlanDraft.ADOPT, change(d, "dev").action());
        assertEquals(PlanDraft.CREATE, change(d, "web").action());
        assertEquals(PlanDraft.CREATE, change(d, "db").action());
        assertEquals(List.of("laptop"), d.unmanaged());
        assertEquals(2, d.toAdd());
        assertEquals(1, d.toAdopt());
        assertTrue(change(d, "db").changes().contains("storage = \"fast\""));
        assertTrue(change(d, "web").changes().contains("storage = \"local-lvm\""));
        assertTrue(change(d, "web").changes().contains("clone = 9003"));
    }

    @Test
    void managedHostWhoseVmExists_isNoOp() throws Exception {
        PlanDraft d = DiffEngine.diff(spec(FLEET),
                List.of(TEMPLATE, DEV, vm(111, "web", "running", false), vm(112, "db", "running", false)),
                Map.of("dev", 110, "web", 111, "db", 112));
        assertTrue(d.changes().stream().allMatch(c -> c.action().equals(PlanDraft.NO_OP)), d.changes().toString());
        assertEquals(0, d.toAdd());
    }

    @Test
    void existingVmNotManagedYet_isAdopted_evenWhenClonable() throws Exception {
        PlanDraft d = DiffEngine.diff(spec(FLEET), List.of(TEMPLATE, DEV, vm(111, "old-web", "stopped", false)),
                Map.of("dev", 110));
        PlannedChange web = change(d, "web");
        assertEquals(PlanDraft.ADOPT, web.action());
        assertTrue(web.changes().contains("# note: Proxmox names it \"old-web\", the spec \"web\""), web.changes().toString());
        assertEquals(PlanDraft.NO_OP, change(d, "dev").action());
    }

    @Test
    void missingImportedVm_isAPlanError_neverACreate() throws Exception {
        PlanDraft d = DiffEngine.diff(spec(FLEET), List.of(TEMPLATE), Map.of());
        assertEquals(1, d.errors().size());
        SpecProblem p = d.errors().get(0);
        assertEquals("hosts.dev.proxmox.cloneFromTemplate", p.path());
        assertTrue(p.message().contains("VMID 110 does not exist"), p.message());
        assertTrue(d.changes().stream().noneMatch(c -> c.host().equals("dev")));
    }

    @Test
    void missingTemplate_isAPlanError_whenSomethingMustBeCloned() throws Exception {
        PlanDraft d = DiffEngine.diff(spec(FLEET), List.of(DEV), Map.of());
        assertEquals(List.of("_proxmox.templateVmid"), d.errors().stream().map(SpecProblem::path).toList());
    }

    @Test
    void vmidThatIsATemplateInProxmox_isAPlanError() throws Exception {
        PlanDraft d = DiffEngine.diff(spec(FLEET), List.of(TEMPLATE, DEV, vm(111, "other-template", "stopped", true)),
                Map.of());
        assertEquals(List.of("hosts.web.proxmox.vmid"), d.errors().stream().map(SpecProblem::path).toList());
    }

    @Test
    void sameInputs_giveTheSamePlan() throws Exception {
        assertEquals(DiffEngine.diff(spec(FLEET), List.of(TEMPLATE, DEV), Map.of()),
                DiffEngine.diff(spec(FLEET), List.of(DEV, TEMPLATE), Map.of()));
    }
}
