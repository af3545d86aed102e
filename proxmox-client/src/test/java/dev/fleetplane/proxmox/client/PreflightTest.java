package dev.fleetplane.proxmox.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class PreflightTest {

    private static final String TOKEN = "fleetplane@pve!ops";
    private static final Preflight.Needs NEEDS = new Preflight.Needs("pve", OptionalInt.of(9003), Optional.of("local-lvm"));
    private static final List<String> VM_PRIVS = List.of("VM.Allocate", "VM.Audit", "VM.Clone", "VM.Config.CPU",
            "VM.Config.Memory", "VM.Config.Network", "VM.Config.Cloudinit", "VM.Config.Options", "VM.Config.HWType",
            "VM.Config.Disk", "VM.PowerMgmt", "VM.GuestAgent.Audit", "VM.Monitor", "VM.Console");

    private static Map<String, Boolean> all(List<String> privs) {
        Map<String, Boolean> m = new TreeMap<>();
        privs.forEach(p -> m.put(p, true));
        return m;
    }

    private static PvePermissions enough() {
        Map<String, Map<String, Boolean>> tree = new TreeMap<>();
        tree.put("/vms", all(VM_PRIVS));
        tree.put("/storage/local-lvm", all(List.of("Datastore.AllocateSpace", "Datastore.Audit")));
        tree.put("/sdn/zones/localnetwork", all(List.of("SDN.Use")));
        return new PvePermissions(tree);
    }

    private static ClusterVm vm(int vmid, String name, String node, boolean template) {
        return new ClusterVm("qemu/" + vmid, "qemu", vmid, name, node, "stopped", template, 2, 2L << 30, 8L << 30,
                List.of(), null);
    }

    private static final List<ClusterVm> VMS = List.of(vm(9003, "nixos-template", "pve", true), vm(111, "web-1", "pve", false));
    private static final List<NodeStorage> STORAGES = List.of(
            new NodeStorage("local", "dir", List.of("iso", "vztmpl", "backup"), true, true, false, 1, 1),
            new NodeStorage("local-lvm", "lvmthin", List.of("images", "rootdir"), true, true, false, 1, 1));

    private static Preflight.Report check(String version, PvePermissions perms, List<ClusterVm> vms,
                                          List<NodeStorage> storages, Preflight.Needs needs) {
        return Preflight.check(new Preflight.Observed("https://pve:8006/api2/json", TOKEN,
                new PveVersion(version, version.substring(0, 3), "f6997e698c7933ea"), perms, vms, storages), needs);
    }

    @Test
    void enoughPrivileges_template_andStorage_areClean_withOkLines() {
        Preflight.Report r = check("9.1.2", enough(), VMS, STORAGES, NEEDS);
        assertEquals(List.of(), r.problems());
        assertEquals(4, r.ok().size(), r.ok().toString());
        assertTrue(r.ok().get(0).startsWith("ok: Proxmox VE 9.1.2"));
    }

    @Test
    void refusal_namesTheMissingPrivilege_itsPath_andTheGrant() {
        PvePermissions perms = enough().with(new PvePermissions(Map.of("/vms/9003", all(List.of("VM.Audit")))));
        Preflight.Report r = check("9.1.2", perms, VMS, STORAGES, NEEDS);
        assertEquals(List.of("token fleetplane@pve!ops lacks VM.Clone on /vms/9003 (grant a role with it to the token"
                + " itself and its user: pveum acl modify /vms --tokens 'fleetplane@pve!ops' --users 'fleetplane@pve'"
                + " --roles PVEVMAdmin)"), r.problems());
    }

    @Test
    void privilegeOnVmsThatDoesNotPropagate_isMissingForNewVms() {
        Map<String, Map<String, Boolean>> tree = new TreeMap<>(enough().byPath());
        Map<String, Boolean> vms = new TreeMap<>(tree.get("/vms"));
        vms.put("VM.PowerMgmt", false);
        tree.put("/vms", vms);
        Preflight.Report r = check("9.1.2", new PvePermissions(tree), VMS, STORAGES, NEEDS);
        assertEquals(1, r.problems().size());
        assertTrue(r.problems().get(0).startsWith("token fleetplane@pve!ops lacks VM.PowerMgmt on /vms (propagated,"),
                r.problems().get(0));
    }

    @Test
    void agentPrivilege_isVmMonitorBeforePve9_andSdnUseIsNotNeededOnPve7() {
        List<String> pve9 = Preflight.requirements(9, NEEDS).stream().map(Preflight.Requirement::privilege).toList();
        List<String> pve8 = Preflight.requirements(8, NEEDS).stream().map(Preflight.Requirement::privilege).toList();
        List<String> pve7 = Preflight.requirements(7, NEEDS).stream().map(Preflight.Requirement::privilege).toList();
        assertTrue(pve9.contains("VM.GuestAgent.Audit") && !pve9.contains("VM.Monitor"));
        assertTrue(pve8.contains("VM.Monitor") && !pve8.contains("VM.GuestAgent.Audit") && pve8.contains("SDN.Use"));
        assertTrue(!pve7.contains("SDN.Use"));
    }

    @Test
    void tokenWithoutAcls_isToldSo_andEachPathNamesWhatItLacks() {
        Preflight.Report r = check("8.2.4", new PvePermissions(Map.of()), VMS, List.of(), NEEDS);
        assertTrue(r.problems().get(0).startsWith("token fleetplane@pve!ops has no privileges at all"));
        assertTrue(r.problems().stream().anyMatch(p -> p.startsWith("token fleetplane@pve!ops lacks VM.Clone, VM.Audit"
                + " on /vms/9003")), r.problems().toString());
        assertTrue(r.problems().stream().anyMatch(p -> p.contains("lacks Datastore.AllocateSpace, Datastore.Audit on"
                + " /storage/local-lvm") && p.contains("--roles PVEDatastoreUser")), r.problems().toString());
        assertTrue(r.problems().stream().anyMatch(p -> p.contains("VM.Monitor") && p.contains(" on /vms (propagated")));
    }

    @Test
    void vmThatIsNotATemplate_isRefusedWithTheConversion() {
        Preflight.Report r = check("9.1.2", enough(), List.of(vm(9003, "nixos", "pve", false)), STORAGES, NEEDS);
        assertEquals(List.of("template 9003 on node pve is a VM, not a template (convert it: qm template 9003)"),
                r.problems());
    }

    @Test
    void missingTemplate_andTemplateOnAnotherNode_areRefused() {
        assertTrue(check("9.1.2", enough(), List.of(), STORAGES, NEEDS).problems().get(0)
                .startsWith("template 9003 does not exist, or the token cannot see it"));
        assertTrue(check("9.1.2", enough(), List.of(vm(9003, "nixos", "pve2", true)), STORAGES, NEEDS).problems()
                .get(0).startsWith("template 9003 (nixos) is on node pve2, not on pve"));
    }

    @Test
    void storage_missing_withoutImages_orDisabled_isRefused() {
        Preflight.Needs local = new Preflight.Needs("pve", OptionalInt.empty(), Optional.of("local"));
        Preflight.Needs zfs = new Preflight.Needs("pve", OptionalInt.empty(), Optional.of("local-zfs"));
        PvePermissions perms = enough().with(new PvePermissions(Map.of(
                "/storage/local", all(List.of("Datastore.AllocateSpace", "Datastore.Audit")),
                "/storage/local-zfs", all(List.of("Datastore.AllocateSpace", "Datastore.Audit")))));
        assertEquals(List.of("storage local has no 'images' content (it holds iso,vztmpl,backup; allow VM disks: pvesm"
                + " set local --content iso,vztmpl,backup,images, or set _proxmox.defaultStorage to one that has)"),
                check("9.1.2", perms, VMS, STORAGES, local).problems());
        assertEquals(List.of("storage local-zfs does not exist on node pve, or the token cannot see it (it sees local,"
                + " local-lvm; set _proxmox.defaultStorage, or grant Datastore.Audit on /storage/local-zfs)"),
                check("9.1.2", perms, VMS, STORAGES, zfs).problems());
        List<NodeStorage> disabled = List.of(new NodeStorage("local-lvm", "lvmthin", List.of("images"), false, false,
                false, 1, 1));
        assertTrue(check("9.1.2", enough(), VMS, disabled, NEEDS).problems().get(0)
                .startsWith("storage local-lvm on node pve is disabled"));
    }

    @Test
    void oldRelease_isRefused() {
        Preflight.Report r = check("6.4-13", enough(), VMS, STORAGES, NEEDS);
        assertTrue(r.problems().get(0).startsWith("Proxmox 6.4-13 is older than the 7.0 fleetplane supports"),
                r.problems().toString());
    }

    @Test
    void nothingKnownButTheNode_checksVersionAndVmPrivilegesOnly() {
        Preflight.Needs bare = new Preflight.Needs("pve", OptionalInt.empty(), Optional.empty());
        assertTrue(check("9.1.2", enough(), List.of(), List.of(), bare).clean());
    }
}
