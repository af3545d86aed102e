package dev.fleetplane.plancore.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleetplane.events.Json;
import dev.fleetplane.events.desired.SpecProblem;
import dev.fleetplane.events.plans.AttributeChange;
import dev.fleetplane.events.plans.PlannedChange;
import dev.fleetplane.events.pve.ObservedVm;
import dev.fleetplane.plancore.spec.HostsSpec;
import dev.fleetplane.plancore.spec.SpecValidator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DiffEngineTest {

    static final String PROXMOX = """
            "_proxmox": {"host": "192.168.1.12", "node": "pve", "defaultStorage": "local-lvm", "templateVmid": 9003}""";
    static final String FLEET = "{" + PROXMOX + """
            ,
             "dev": {"proxmox": {"vmid": 110, "cores": 4, "memory": 8192, "disk": "64G", "cloneFromTemplate": false}},
             "web": {"proxmox": {"vmid": 111, "cores": 2, "memory": 4096, "disk": "32G"}},
             "db": {"proxmox": {"vmid": 112, "cores": 2, "memory": 4096, "disk": "32G", "storage": "fast"}},
             "laptop": {"user": "root"}}""";

    static final ObservedVm TEMPLATE = vm(9003, "nixos-template", "stopped", true);
    static final ObservedVm DEV = new ObservedVm(110, "dev", "pve", "running", false, 4, 8L << 30, 64L << 30, List.of());

    static HostsSpec spec(String json) throws Exception {
        SpecValidator.Result r = SpecValidator.validate(Json.MAPPER.readTree(json));
        return r.spec().orElseThrow(() -> new AssertionError(r.problems().toString()));
    }

    /** One managed host "web" (vmid 111) with the given proxmox attributes after the required ones. */
    static HostsSpec web(String extra) throws Exception {
        return spec("{" + PROXMOX + ", \"web\": {\"proxmox\": {\"vmid\": 111, \"cores\": 2, \"memory\": 4096, "
                + "\"disk\": \"32G\"" + extra + "}}}");
    }

    static ObservedVm vm(int vmid, String name, String status, boolean template) {
        return new ObservedVm(vmid, name, "pve", status, template, 2, 4L << 30, 32L << 30, List.of());
    }

    static ObservedVm web(int cores, long memoryMb, long diskGb, Map<String, String> config) {
        return new ObservedVm(111, "web", "pve", "running", false, cores, memoryMb << 20, diskGb << 30,
                List.of("fleetplane"), null, config);
    }

    static PlannedChange change(PlanDraft d, String host) {
        return d.changes().stream().filter(c -> c.host().equals(host)).findFirst()
                .orElseThrow(() -> new AssertionError(host + " not in " + d.changes() + " errors " + d.errors()));
    }

    static PlanDraft diff(HostsSpec spec, List<ObservedVm> vms, Map<String, ManagedHost> managed) {
        return DiffEngine.diff(spec, vms, managed);
    }

    static final Map<String, ManagedHost> WEB_CREATED = Map.of("web", ManagedHost.created(111));

    @Test
    void absentVmid_isCreated_existingImportedVm_isAdopted_unmanagedHostIsListed() throws Exception {
        PlanDraft d = diff(spec(FLEET), List.of(TEMPLATE, DEV), Map.of());
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
        assertTrue(change(d, "web").attributes().contains(new AttributeChange("cores", null, "2", false)));
    }

    @Test
    void managedHostsMatchingTheSpec_areNoOps() throws Exception {
        PlanDraft d = diff(spec(FLEET), List.of(TEMPLATE, DEV, vm(111, "web", "running", false),
                        vm(112, "db", "running", false)),
                Map.of("dev", ManagedHost.adopted(110), "web", ManagedHost.created(111), "db", ManagedHost.created(112)));
        assertTrue(d.changes().stream().allMatch(c -> c.action().equals(PlanDraft.NO_OP)), d.changes().toString());
        assertTrue(!d.hasChanges() && !d.hasErrors());
    }

    @Test
    void existingVmNotManagedYet_isAdopted_evenWhenClonable_andItsDriftIsShownAsANote() throws Exception {
        PlanDraft d = diff(spec(FLEET), List.of(TEMPLATE, DEV, new ObservedVm(111, "old-web", "pve", "stopped", false,
                1, 4L << 30, 32L << 30, List.of())), Map.of("dev", ManagedHost.adopted(110)));
        PlannedChange web = change(d, "web");
        assertEquals(PlanDraft.ADOPT, web.action());
        assertTrue(web.changes().contains("# differs from the spec (the next plan after adoption changes it): "
                + "name: \"old-web\" → \"web\""), web.changes().toString());
        assertTrue(web.changes().contains("# differs from the spec (the next plan after adoption changes it): "
                + "cores: 1 → 2"), web.changes().toString());
        assertEquals(PlanDraft.NO_OP, change(d, "dev").action());
    }

    @Test
    void missingImportedVm_isAPlanError_neverACreate() throws Exception {
        PlanDraft d = diff(spec(FLEET), List.of(TEMPLATE), Map.of());
        assertEquals(1, d.errors().size());
        SpecProblem p = d.errors().get(0);
        assertEquals("hosts.dev.proxmox.cloneFromTemplate", p.path());
        assertTrue(p.message().contains("VMID 110 does not exist"), p.message());
        assertTrue(d.changes().stream().noneMatch(c -> c.host().equals("dev")));
    }

    @Test
    void missingTemplate_isAPlanError_whenSomethingMustBeCloned() throws Exception {
        PlanDraft d = diff(spec(FLEET), List.of(DEV), Map.of());
        assertEquals(List.of("_proxmox.templateVmid"), d.errors().stream().map(SpecProblem::path).toList());
    }

    @Test
    void vmidThatIsATemplateInProxmox_isAPlanError() throws Exception {
        PlanDraft d = diff(spec(FLEET), List.of(TEMPLATE, DEV, vm(111, "other-template", "stopped", true)), Map.of());
        assertEquals(List.of("hosts.web.proxmox.vmid"), d.errors().stream().map(SpecProblem::path).toList());
    }

    @Test
    void changedCoresAndMemory_updateInPlace_withBeforeAndAfter() throws Exception {
        PlanDraft d = diff(spec("{" + PROXMOX + ", \"web\": {\"proxmox\": {\"vmid\": 111, \"cores\": 4, "
                + "\"memory\": 8192, \"disk\": \"32G\"}}}"), List.of(TEMPLATE, web(2, 4096, 32, null)), WEB_CREATED);
        PlannedChange c = change(d, "web");
        assertEquals(PlanDraft.UPDATE, c.action());
        assertEquals(List.of("cores: 2 → 4", "memory: 4096 → 8192"), c.changes());
        assertEquals(List.of(new AttributeChange("cores", "2", "4", false), new AttributeChange("memory", "4096", "8192",
                false)), c.attributes());
        assertEquals(4L, d.states().get("web").after().get("cores"));
        assertEquals(2L, d.states().get("web").before().get("cores"));
        assertEquals(1, d.toChange());
    }

    @Test
    void biggerDisk_growsTheDisk_smallerDisk_isAnError_neverAPlan() throws Exception {
        PlanDraft grow = diff(web(""), List.of(TEMPLATE, web(2, 4096, 16, null)), WEB_CREATED);
        assertEquals(PlanDraft.GROW_DISK, change(grow, "web").action());
        assertEquals(List.of("disk: \"16G\" → \"32G\""), change(grow, "web").changes());

        PlanDraft shrink = diff(web(""), List.of(TEMPLATE, web(2, 4096, 64, null)), WEB_CREATED);
        assertEquals(List.of(new SpecProblem("hosts.web.proxmox.disk", "is 32G but the VM's disk is already 64G; "
                + "Proxmox cannot shrink a disk: set disk to at least 64G")), shrink.errors());
        assertTrue(shrink.changes().isEmpty(), shrink.changes().toString());
    }

    @Test
    void diskGrowthWithOtherChanges_isOneUpdate() throws Exception {
        PlanDraft d = diff(web(""), List.of(TEMPLATE, web(1, 4096, 16, null)), WEB_CREATED);
        assertEquals(PlanDraft.UPDATE, change(d, "web").action());
        assertEquals(List.of("cores: 1 → 2", "disk: \"16G\" → \"32G\""), change(d, "web").changes());
    }

    @Test
    void changedBios_forcesReplacement_namingTheAttribute() throws Exception {
        PlanDraft d = diff(web(", \"bios\": \"ovmf\""), List.of(TEMPLATE,
                web(2, 4096, 32, Map.of("scsi0", "local-lvm:vm-111-disk-0,size=32G"))), WEB_CREATED);
        PlannedChange c = change(d, "web");
        assertEquals(PlanDraft.REPLACE, c.action());
        assertEquals("replace_because_cannot_update", c.reason());
        assertEquals(List.of("bios: \"seabios\" → \"ovmf\" # forces replacement"), c.changes());
        assertEquals(1, d.toAdd());
        assertEquals(1, d.toDestroy());
    }

    @Test
    void changedDiskInterface_forcesReplacement() throws Exception {
        PlanDraft d = diff(web(", \"diskInterface\": \"virtio0\""), List.of(TEMPLATE,
                web(2, 4096, 32, Map.of("scsi0", "local-lvm:vm-111-disk-0,size=32G", "ide2", "local:cloudinit,media=cdrom"))),
                WEB_CREATED);
        assertEquals(List.of(new AttributeChange("diskInterface", "scsi0", "virtio0", true)),
                change(d, "web").attributes());
    }

    @Test
    void configOnlyAttributes_areNeverDrift_whenTheConfigWasNotRead() throws Exception {
        PlanDraft d = diff(web(", \"bios\": \"ovmf\", \"cpuType\": \"host\", \"machine\": \"q35\", "
                + "\"diskInterface\": \"virtio0\", \"description\": \"x\", \"storage\": \"fast\""),
                List.of(TEMPLATE, web(2, 4096, 32, null)), WEB_CREATED);
        assertEquals(PlanDraft.NO_OP, change(d, "web").action(), change(d, "web").toString());
    }

    @Test
    void cpuTypeMachineAndDescription_updateInPlace_fromTheConfig() throws Exception {
        PlanDraft d = diff(web(", \"cpuType\": \"host\", \"machine\": \"q35\", \"description\": \"web server\""),
                List.of(TEMPLATE, web(2, 4096, 32, Map.of("cpu", "x86-64-v2-AES,flags=+aes", "machine", "q35",
                        "scsi0", "local-lvm:vm-111-disk-0,size=32G"))), WEB_CREATED);
        assertEquals(PlanDraft.UPDATE, change(d, "web").action());
        assertEquals(List.of("cpuType: \"x86-64-v2-AES\" → \"host\"", "description: \"\" → \"web server\""),
                change(d, "web").changes());
    }

    @Test
    void createDefaults_areNeverComparedWithAnExistingVm_onlyWhatTheSpecWrites() throws Exception {
        // Proxmox's own defaults everywhere (kvm64, onboot 0 absent, no tags, no description): the seed's create
        // defaults (x86-64-v2-AES, on_boot false, its tags and description) are not drift.
        Map<String, String> config = Map.of("scsi0", "local-lvm:vm-111-disk-0,size=32G", "onboot", "1");
        PlanDraft omitted = diff(web(""), List.of(TEMPLATE, web(2, 4096, 32, config)), WEB_CREATED);
        assertEquals(PlanDraft.NO_OP, change(omitted, "web").action(), change(omitted, "web").toString());

        PlanDraft written = diff(web(", \"onBoot\": false"), List.of(TEMPLATE, web(2, 4096, 32, config)), WEB_CREATED);
        assertEquals(PlanDraft.UPDATE, change(written, "web").action());
        assertEquals(List.of("onBoot: true → false"), change(written, "web").changes());
        assertEquals(List.of(new AttributeChange("onBoot", "true", "false", false)), change(written, "web").attributes());
        assertEquals(false, written.states().get("web").after().get("onBoot"));

        PlanDraft ignored = diff(web(", \"onBoot\": false, \"ignoreChangesExtra\": [\"on_boot\"]"),
                List.of(TEMPLATE, web(2, 4096, 32, config)), WEB_CREATED);
        assertEquals(PlanDraft.NO_OP, change(ignored, "web").action(), change(ignored, "web").toString());
    }

    @Test
    void create_withoutTheTemplatesConfig_saysTheBootDiskIsFoundLater() throws Exception {
        PlanDraft d = diff(web(""), List.of(TEMPLATE), Map.of());
        assertTrue(change(d, "web").changes().contains("# diskInterface: the boot disk of template 9003 (its config is "
                + "not in this inventory), found when the disk is grown"), change(d, "web").changes().toString());
        assertTrue(change(d, "web").attributes().stream().noneMatch(a -> a.name().equals("diskInterface")));
        PlanDraft written = diff(web(", \"diskInterface\": \"scsi0\""), List.of(TEMPLATE), Map.of());
        assertTrue(change(written, "web").changes().contains("diskInterface = \"scsi0\""),
                change(written, "web").changes().toString());
    }

    @Test
    void bpgNamesInIgnoreChangesExtra_hideTheDriftTheyCover() throws Exception {
        Map<String, String> config = Map.of("scsi0", "other:vm-111-disk-0,size=32G", "cpu", "host");
        PlanDraft d = diff(web(", \"cpuType\": \"x86-64-v2-AES\", \"storage\": \"local-lvm\", "
                        + "\"ignoreChangesExtra\": [\"cpu[0].type\", \"disk[0].datastore_id\", \"vga\"]"),
                List.of(TEMPLATE, web(8, 4096, 32, config)), WEB_CREATED);
        assertEquals(List.of("cores: 8 → 2"), change(d, "web").changes(), "cores is not covered by cpu[0].type");
        PlanDraft block = diff(web(", \"cpuType\": \"x86-64-v2-AES\", \"ignoreChangesExtra\": [\"cpu\"]"),
                List.of(TEMPLATE, web(8, 4096, 32, config)), WEB_CREATED);
        assertEquals(PlanDraft.NO_OP, change(block, "web").action(), "the whole cpu block covers cores and type");
    }

    @Test
    void ignoreChangesExtra_andIgnoreInit_hideDrift() throws Exception {
        Map<String, String> config = Map.of("scsi0", "other:vm-111-disk-0,size=32G");
        PlanDraft ignored = diff(spec("{" + PROXMOX + ", \"web\": {\"proxmox\": {\"vmid\": 111, \"cores\": 8, \"memory\": 4096,"
                        + " \"disk\": \"32G\", \"storage\": \"local-lvm\", \"ignoreInit\": true, "
                        + "\"ignoreChangesExtra\": [\"cores\"]}}}"),
                List.of(TEMPLATE, web(2, 4096, 32, config)), WEB_CREATED);
        assertEquals(PlanDraft.NO_OP, change(ignored, "web").action(), change(ignored, "web").toString());
        assertEquals(2L, ignored.states().get("web").after().get("cores"), "ignored attributes keep their value");

        PlanDraft storage = diff(web(", \"storage\": \"local-lvm\""), List.of(TEMPLATE, web(2, 4096, 32, config)),
                WEB_CREATED);
        assertEquals(List.of(new AttributeChange("storage", "other", "local-lvm", true)),
                change(storage, "web").attributes());
    }

    @Test
    void tagsAreComparedAsSets_withoutFleetplanesOwnTag() throws Exception {
        ObservedVm tagged = new ObservedVm(111, "web", "pve", "running", false, 2, 4096L << 20, 32L << 30,
                List.of("fleetplane", "prod", "web"), null, null);
        assertEquals(PlanDraft.NO_OP, change(diff(web(", \"tags\": [\"web\", \"prod\"]"), List.of(TEMPLATE, tagged),
                WEB_CREATED), "web").action());
        assertEquals(List.of("tags: [\"fleetplane\", \"prod\", \"web\"] → [\"web\"]"),
                change(diff(web(", \"tags\": [\"web\"]"), List.of(TEMPLATE, tagged), WEB_CREATED), "web").changes());
    }

    @Test
    void replacingAnAdoptedVm_isAnError_neverAPlan() throws Exception {
        PlanDraft d = diff(web(", \"bios\": \"ovmf\""), List.of(TEMPLATE,
                web(2, 4096, 32, Map.of("scsi0", "local-lvm:vm-111-disk-0"))), Map.of("web", ManagedHost.adopted(111)));
        assertEquals(1, d.errors().size(), d.errors().toString());
        assertEquals("hosts.web.proxmox.bios", d.errors().get(0).path());
        assertTrue(d.errors().get(0).message().contains("never destroys"), d.errors().get(0).message());
    }

    @Test
    void readonlyHost_isNeverChanged_itsDriftIsOnlyNoted() throws Exception {
        PlanDraft d = diff(web(", \"readonly\": true"),
                List.of(TEMPLATE, web(1, 4096, 64, null)), WEB_CREATED);
        PlannedChange c = change(d, "web");
        assertEquals(PlanDraft.NO_OP, c.action(), d.toString());
        assertEquals("readonly", c.reason());
        assertTrue(c.changes().contains("# readonly, not changed: cores: 1 → 2"), c.changes().toString());
        assertTrue(!d.hasChanges(), "a readonly host changes nothing");

        PlanDraft missing = diff(web(", \"readonly\": true"), List.of(TEMPLATE), Map.of());
        assertEquals("hosts.web.proxmox.readonly", missing.errors().get(0).path());
    }

    @Test
    void removedHost_isForgotten_unlessTheSpecAllowsDestruction() throws Exception {
        List<ObservedVm> vms = List.of(TEMPLATE, vm(120, "old", "running", false));
        PlanDraft forgotten = diff(spec("{" + PROXMOX + "}"), vms, Map.of("old", ManagedHost.created(120)));
        assertEquals(PlanDraft.FORGET, change(forgotten, "old").action());
        assertEquals("destroy_not_allowed", change(forgotten, "old").reason());
        assertEquals(1, forgotten.toForget());
        assertNull(forgotten.states().get("old").after());

        PlanDraft destroyed = diff(spec("{" + PROXMOX + ", \"_fleetplane\": {\"allowDestroy\": true}}"), vms,
                Map.of("old", ManagedHost.created(120)));
        assertEquals(PlanDraft.DESTROY, change(destroyed, "old").action());
        assertEquals("delete_because_no_resource_config", change(destroyed, "old").reason());
        assertEquals(1, destroyed.toDestroy());

        PlanDraft perHost = diff(spec("{" + PROXMOX + "}"), vms,
                Map.of("old", new ManagedHost(120, false, true, false)));
        assertEquals(PlanDraft.DESTROY, change(perHost, "old").action());
    }

    @Test
    void removedHost_isNeverDestroyed_whenAdopted_readonly_gone_orItsVmidIsNowAnotherHosts() throws Exception {
        String allow = "{" + PROXMOX + ", \"_fleetplane\": {\"allowDestroy\": true}";
        List<ObservedVm> vms = List.of(TEMPLATE, vm(120, "old", "running", false), vm(111, "web", "running", false));
        Map<String, ManagedHost> managed = new HashMap<>();
        managed.put("adopted", ManagedHost.adopted(120));
        managed.put("ro", new ManagedHost(120, false, true, true));
        managed.put("gone", ManagedHost.created(130));
        managed.put("renamed", ManagedHost.created(111));
        PlanDraft d = diff(spec(allow + ", \"web\": {\"proxmox\": {\"vmid\": 111, \"cores\": 2, \"memory\": 4096, "
                + "\"disk\": \"32G\"}}}"), vms, managed);
        assertEquals("adopted", change(d, "adopted").reason());
        assertEquals("readonly", change(d, "ro").reason());
        assertEquals("vm_missing", change(d, "gone").reason());
        assertEquals("vmid_claimed", change(d, "renamed").reason());
        assertTrue(d.changes().stream().filter(c -> !c.host().equals("web"))
                .allMatch(c -> c.action().equals(PlanDraft.FORGET)), d.changes().toString());
        assertEquals(0, d.toDestroy());
    }

    @Test
    void managedVmDeletedOutsideFleetplane_isCreatedAgain() throws Exception {
        PlanDraft d = diff(web(""), List.of(TEMPLATE), WEB_CREATED);
        assertEquals(PlanDraft.CREATE, change(d, "web").action());
        assertEquals("vm_missing", change(d, "web").reason());
    }

    @Test
    void changedVmid_replacesAClonedVm_butNeverAnAdoptedOne() throws Exception {
        PlanDraft d = diff(web(""), List.of(TEMPLATE, vm(105, "web", "running", false)),
                Map.of("web", ManagedHost.created(105)));
        PlannedChange c = change(d, "web");
        assertEquals(PlanDraft.REPLACE, c.action());
        assertEquals(new AttributeChange("vmid", "105", "111", true), c.attributes().get(0));

        PlanDraft adopted = diff(web(""), List.of(TEMPLATE, vm(105, "web", "running", false)),
                Map.of("web", ManagedHost.adopted(105)));
        assertEquals("hosts.web.proxmox.vmid", adopted.errors().get(0).path());
    }

    @Test
    void sameInputs_giveTheSamePlan() throws Exception {
        assertEquals(diff(spec(FLEET), List.of(TEMPLATE, DEV), Map.of()),
                diff(spec(FLEET), List.of(DEV, TEMPLATE), Map.of()));
    }

    @Test
    void offlineState_takesVmsAtTheSpecsVmids_asManaged_adoptedUnlessTaggedByFleetplane() throws Exception {
        HostsSpec s = spec(FLEET);
        Map<String, ManagedHost> m = OfflineState.assumeManaged(s, List.of(TEMPLATE, DEV, web(2, 4096, 32, null)));
        assertEquals(Map.of("dev", ManagedHost.adopted(110), "web", ManagedHost.created(111)), m);
    }
}
