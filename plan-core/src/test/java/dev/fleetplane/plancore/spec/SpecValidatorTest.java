package dev.fleetplane.plancore.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fleetplane.events.Json;
import dev.fleetplane.events.desired.SpecProblem;
import java.util.List;
import org.junit.jupiter.api.Test;

class SpecValidatorTest {

    static final String PROXMOX = """
            "_proxmox": {"host": "192.168.1.12", "node": "pve", "defaultStorage": "local-lvm", "templateVmid": 9003}""";

    static JsonNode json(String text) throws Exception {
        return Json.MAPPER.readTree(text);
    }

    static List<String> problems(String text) throws Exception {
        return SpecValidator.validate(json(text)).problems().stream().map(SpecProblem::toString).toList();
    }

    @Test
    void validFleet_becomesTypedSpec_withDefaults() throws Exception {
        SpecValidator.Result r = SpecValidator.validate(json("{" + PROXMOX + """
                , "web": {"configurationFile": "./hosts/web/configuration.nix",
                          "proxmox": {"vmid": 111, "cores": 2, "memory": 4096, "disk": "32G", "tags": ["x"]}},
                  "laptop": {"user": "alice"}}"""));
        assertTrue(r.valid(), r.problems().toString());
        HostsSpec spec = r.spec().orElseThrow();
        assertEquals("pve", spec.proxmox().orElseThrow().node());
        assertEquals(List.of("laptop", "web"), spec.hostNames());
        HostSpec web = spec.managedHosts().get(0);
        ProxmoxVm vm = web.proxmox().orElseThrow();
        assertEquals("root", web.user());
        assertEquals("web", vm.name());
        assertTrue(vm.cloneFromTemplate());
        assertEquals(32L << 30, vm.diskBytes());
        assertEquals(java.util.Optional.of(List.of("x")), vm.tags());
        assertEquals("./hosts/web/configuration.nix", web.attribute("configurationFile").orElseThrow());
        assertFalse(spec.hosts().get(0).managed(), "a host without proxmox is unmanaged");
        assertEquals("nixos-rebuild switch --flake /etc/nixos#web", spec.rebuildCommandFor(web));
    }

    @Test
    void everyProblem_isReported_atOnce_namingHostAndAttribute() throws Exception {
        List<String> p = problems("{" + PROXMOX + """
                , "web": {"proxmox": {"vmid": "111", "cores": 0, "memory": 4096, "disk": "32 gigs"}},
                  "db": {"proxmox": {"cores": 2, "memory": 1, "disk": "32G"}}}""");
        assertTrue(p.contains("hosts.web.proxmox.vmid: must be an integer, got string \"111\""), p.toString());
        assertTrue(p.contains("hosts.web.proxmox.cores: must be between 1 and 512, got 0"), p.toString());
        assertTrue(p.contains("hosts.web.proxmox.disk: must be a size like \"32G\", \"512M\" or \"1T\", got '32 gigs'"),
                p.toString());
        assertTrue(p.contains("hosts.db.proxmox.vmid: required"), p.toString());
        assertTrue(p.contains("hosts.db.proxmox.memory: must be between 512 and 128000 MB, got 1"), p.toString());
        assertEquals(5, p.size(), p.toString());
    }

    @Test
    void duplicateVmid_namesBothHosts() throws Exception {
        List<String> p = problems("{" + PROXMOX + """
                , "web": {"proxmox": {"vmid": 111, "cores": 2, "memory": 4096, "disk": "32G"}},
                  "db": {"proxmox": {"vmid": 111, "cores": 2, "memory": 4096, "disk": "32G"}}}""");
        assertEquals(List.of("hosts.db.proxmox.vmid: VMID 111 is also used by host web",
                "hosts.web.proxmox.vmid: VMID 111 is also used by host db"), p);
    }

    @Test
    void duplicateVmid_isReported_evenWhenTheHostsHaveOtherProblems() throws Exception {
        List<String> p = problems("{" + PROXMOX + """
                , "web": {"proxmox": {"vmid": 111, "cores": 0, "memory": 4096, "disk": "32G"}},
                  "db": {"proxmox": {"vmid": 111, "cores": 2, "memory": 4096, "disk": "lots"}}}""");
        assertTrue(p.contains("hosts.db.proxmox.vmid: VMID 111 is also used by host web"), p.toString());
        assertTrue(p.contains("hosts.web.proxmox.vmid: VMID 111 is also used by host db"), p.toString());
        assertEquals(4, p.size(), p.toString());
    }

    @Test
    void vmidOfTheTemplate_isRejected() throws Exception {
        List<String> p = problems("{" + PROXMOX + """
                , "_fleetplane": {"vmidRange": [100, 9999]},
                  "web": {"proxmox": {"vmid": 9003, "cores": 2, "memory": 4096, "disk": "32G"}}}""");
        assertEquals(List.of("hosts.web.proxmox.vmid: VMID 9003 is the template (_proxmox.templateVmid); a host cannot use it"), p);
    }

    @Test
    void vmidOutOfRange_isRejected() throws Exception {
        List<String> p = problems("{" + PROXMOX + """
                , "web": {"proxmox": {"vmid": 99, "cores": 2, "memory": 4096, "disk": "32G"}}}""");
        assertEquals(List.of("hosts.web.proxmox.vmid: must be between 100 and 8999 (_fleetplane.vmidRange), got 99"), p);
    }

    @Test
    void vmids_followTheSeedsRange_100To8999_unlessVmidRangeSaysOtherwise() throws Exception {
        // Host keys that sort before _fleetplane ("A" < "_") still see its range.
        assertEquals(List.of("hosts.A.proxmox.vmid: must be between 100 and 8999 (_fleetplane.vmidRange), got 9000"),
                problems("{" + PROXMOX + """
                        , "A": {"proxmox": {"vmid": 9000, "cores": 2, "memory": 4096, "disk": "32G"}}}"""));
        assertEquals(List.of("hosts.A.proxmox.vmid: must be between 1000 and 1999 (_fleetplane.vmidRange), got 999"),
                problems("{" + PROXMOX + """
                        , "_fleetplane": {"vmidRange": [1000, 1999]},
                          "A": {"proxmox": {"vmid": 999, "cores": 2, "memory": 4096, "disk": "32G"}}}"""));
        SpecValidator.Result wide = SpecValidator.validate(json("{" + PROXMOX + """
                , "_fleetplane": {"vmidRange": [100, 20000]},
                  "web": {"proxmox": {"vmid": 12000, "cores": 2, "memory": 4096, "disk": "32G"}}}"""));
        assertTrue(wide.valid(), wide.problems().toString());
        assertEquals(new VmidRange(100, 20000), wide.spec().orElseThrow().fleetplane().vmidRange());
        assertEquals(VmidRange.DEFAULT, SpecValidator.validate(json("{}")).spec().orElseThrow().fleetplane().vmidRange());
    }

    @Test
    void badVmidRange_isNamed() throws Exception {
        for (String bad : List.of("[8999, 100]", "[100]", "[50, 8999]", "\"100-8999\"", "[100, \"8999\"]")) {
            List<String> p = problems("{\"_fleetplane\": {\"vmidRange\": " + bad + "}}");
            assertEquals(1, p.size(), bad + ": " + p);
            assertTrue(p.get(0).startsWith("_fleetplane.vmidRange: must be a list of two VMIDs [ first last ] with "
                    + "100 <= first <= last <= 999999999 (default [ 100 8999 ]), got "), p.toString());
        }
    }

    @Test
    void memory_followsTheSeedsRange_512To128000MB() throws Exception {
        assertEquals(List.of("hosts.web.proxmox.memory: must be between 512 and 128000 MB, got 100"),
                problems("{" + PROXMOX + """
                        , "web": {"proxmox": {"vmid": 111, "cores": 2, "memory": 100, "disk": "32G"}}}"""));
        assertEquals(List.of("hosts.web.proxmox.memory: must be between 512 and 128000 MB, got 128001"),
                problems("{" + PROXMOX + """
                        , "web": {"proxmox": {"vmid": 111, "cores": 2, "memory": 128001, "disk": "32G"}}}"""));
        assertEquals(List.of(), problems("{" + PROXMOX + """
                , "a": {"proxmox": {"vmid": 111, "cores": 1, "memory": 512, "disk": "32G"}},
                  "b": {"proxmox": {"vmid": 112, "cores": 1, "memory": 128000, "disk": "32G"}}}"""));
    }

    @Test
    void authorizedKeys_ofAManagedHost_mustBePublicKeyLines_namedByIndex() throws Exception {
        assertEquals(List.of(
                        "hosts.web.authorizedKeys[1]: must be one OpenSSH public key line like 'ssh-ed25519 AAAA... "
                                + "comment', got '-----BEGIN OPENSSH PRIVA...'",
                        "hosts.web.authorizedKeys[2]: must be one OpenSSH public key line like 'ssh-ed25519 AAAA... "
                                + "comment', got number 5"),
                problems("{" + PROXMOX + """
                        , "web": {"authorizedKeys": ["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGuT master",
                                                     "-----BEGIN OPENSSH PRIVATE KEY-----\\nb3BlbnNzaC1rZXk\\n", 5],
                                  "proxmox": {"vmid": 111, "cores": 2, "memory": 4096, "disk": "32G"}},
                          "laptop": {"authorizedKeys": "not checked: fleetplane does not make this host"}}"""));
        assertEquals(List.of("hosts.web.authorizedKeys: must be a list of SSH public keys, got string \"k\""),
                problems("{" + PROXMOX + """
                        , "web": {"authorizedKeys": "k",
                                  "proxmox": {"vmid": 111, "cores": 2, "memory": 4096, "disk": "32G"}}}"""));
    }

    @Test
    void hostNameWithShellMetacharacters_isRejected() throws Exception {
        List<String> p = problems("{" + PROXMOX + """
                , "web;rm -rf": {"proxmox": {"vmid": 111, "cores": 2, "memory": 4096, "disk": "32G"}}}""");
        assertEquals(1, p.size(), p.toString());
        assertTrue(p.get(0).startsWith("hosts.web;rm -rf: host name must match"), p.toString());
    }

    @Test
    void proxmoxHost_withoutProxmoxSettings_isRejected() throws Exception {
        List<String> p = problems("""
                {"web": {"proxmox": {"vmid": 111, "cores": 2, "memory": 4096, "disk": "32G"}}}""");
        assertEquals(1, p.size(), p.toString());
        assertTrue(p.get(0).startsWith("_proxmox: required when any host has a proxmox attribute set"), p.toString());
    }

    @Test
    void proxmoxSettings_areCheckedField_byField() throws Exception {
        List<String> p = problems("""
                {"_proxmox": {"host": "192.168.1.12", "node": "pve node", "templateVmid": "9003"}}""");
        assertTrue(p.contains("_proxmox.defaultStorage: required"), p.toString());
        assertTrue(p.contains("_proxmox.templateVmid: must be an integer, got string \"9003\""), p.toString());
        assertTrue(p.stream().anyMatch(s -> s.startsWith("_proxmox.node: must match")), p.toString());
    }

    @Test
    void unmanagedOnlyFleet_needsNoProxmoxSettings() throws Exception {
        SpecValidator.Result r = SpecValidator.validate(json("""
                {"laptop": {"user": "root"}, "_somethingElse": 1}"""));
        assertTrue(r.valid(), r.problems().toString());
        assertEquals(List.of(new SpecProblem("_somethingElse", "unknown setting, ignored")), r.warnings());
    }

    @Test
    void nonObjectRoot_isRejected() throws Exception {
        assertEquals(List.of("(root): a hosts file must evaluate to an attribute set (JSON object), got a list"),
                problems("[1, 2]"));
    }

    @Test
    void fleetplaneSettings_setRebuildCommandAndFlake_hostOverrides() throws Exception {
        SpecValidator.Result r = SpecValidator.validate(json("{" + PROXMOX + """
                , "_fleetplane": {"autoApprove": true, "flake": "github:me/fleet"},
                  "web": {"proxmox": {"vmid": 111, "cores": 2, "memory": 4096, "disk": "32G"}},
                  "db": {"rebuildCommand": "nixos-rebuild boot --flake {flake}#{host}",
                         "proxmox": {"vmid": 112, "cores": 2, "memory": 4096, "disk": "32G"}}}"""));
        HostsSpec spec = r.spec().orElseThrow();
        assertEquals(true, spec.fleetplane().autoApprove().orElseThrow());
        assertEquals("nixos-rebuild switch --flake github:me/fleet#web", spec.rebuildCommandFor(spec.hosts().get(1)));
        assertEquals("nixos-rebuild boot --flake github:me/fleet#db", spec.rebuildCommandFor(spec.hosts().get(0)));
    }

    @Test
    void wrongTypesOfOptionalAttributes_areRejected() throws Exception {
        List<String> p = problems("{" + PROXMOX + """
                , "web": {"user": "Root Admin", "proxmox": {"vmid": 111, "cores": 2, "memory": 4096, "disk": "32G",
                          "cloneFromTemplate": "no", "storage": 5}}}""");
        assertTrue(p.contains("hosts.web.user: must be a Unix user name ([a-z_][a-z0-9_-]*), got 'Root Admin'"), p.toString());
        assertTrue(p.contains("hosts.web.proxmox.cloneFromTemplate: must be true or false, got string \"no\""), p.toString());
        assertTrue(p.contains("hosts.web.proxmox.storage: must be a non-empty string, got number 5"), p.toString());
    }

    @Test
    void everyProxmoxAttribute_isRead() throws Exception {
        SpecValidator.Result r = SpecValidator.validate(json("{" + PROXMOX + """
                , "_fleetplane": {"allowDestroy": true},
                  "web": {"hostname": "web", "publicKey": "ssh-ed25519 AAA", "authorizedKeys": ["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5 k1"],
                          "proxmox": {"vmid": 111, "cores": 2, "memory": 4096, "disk": "32G", "storage": "fast",
                                      "name": "web-vm", "bios": "ovmf", "cpuType": "host", "machine": "q35",
                                      "onBoot": true,
                                      "diskInterface": "virtio0", "cloneFromTemplate": true, "ignoreInit": true,
                                      "tags": ["prod", "web"], "description": "the web server",
                                      "ignoreChangesExtra": ["cores", "description"], "readonly": false,
                                      "allowDestroy": true}}}"""));
        assertTrue(r.valid(), r.problems().toString());
        assertEquals(List.of(), r.warnings());
        HostsSpec spec = r.spec().orElseThrow();
        assertTrue(spec.fleetplane().allowDestroy());
        HostSpec web = spec.hosts().get(0);
        ProxmoxVm vm = web.proxmox().orElseThrow();
        assertEquals(java.util.Optional.of("ovmf"), vm.bios());
        assertEquals(java.util.Optional.of("host"), vm.cpuType());
        assertEquals(java.util.Optional.of("q35"), vm.machine());
        assertEquals(java.util.Optional.of(true), vm.onBoot());
        assertEquals(java.util.Optional.of("virtio0"), vm.diskInterface());
        assertEquals(java.util.Optional.of("the web server"), vm.description());
        assertEquals(List.of("cores", "description"), vm.ignoreChangesExtra());
        assertEquals(java.util.Optional.of(true), vm.allowDestroy());
        assertTrue(vm.ignoreInit());
        assertEquals("web-vm", vm.name());
        assertEquals("ssh-ed25519 AAA", web.attribute("publicKey").orElseThrow());
        assertTrue(web.attributes().get("authorizedKeys").isArray(), "other host attributes are kept as written");
    }

    @Test
    void unknownProxmoxAttributes_andIgnoreChangesNames_areWarnedAboutByName() throws Exception {
        SpecValidator.Result r = SpecValidator.validate(json("{" + PROXMOX + """
                , "web": {"proxmox": {"vmid": 111, "cores": 2, "memory": 4096, "disk": "32G", "sockets": 2,
                                      "ignoreChangesExtra": ["network", "cpu[0].type",
                                                             "timeout_clone", "vga", "cpuType"]}}}"""));
        assertTrue(r.valid(), r.problems().toString());
        List<String> w = r.warnings().stream().map(SpecProblem::toString).toList();
        assertEquals(2, w.size(), w.toString());
        assertTrue(w.get(0).startsWith("hosts.web.proxmox.ignoreChangesExtra[0]: 'network' is neither an attribute "
                + "fleetplane compares (name, cores, memory, disk, storage, diskInterface, bios, cpuType, machine, "
                + "onBoot, tags, description) nor a bpg proxmox_virtual_environment_vm attribute"), w.toString());
        assertTrue(w.get(1).startsWith("hosts.web.proxmox.sockets: unknown attribute, ignored (known: "), w.toString());
        assertTrue(r.spec().orElseThrow().hosts().get(0).proxmox().orElseThrow().other().containsKey("sockets"));
    }

    @Test
    void badOptionalAttributes_areEachNamed() throws Exception {
        List<String> p = problems("{" + PROXMOX + """
                , "web": {"proxmox": {"vmid": 111, "cores": 2, "memory": 4096, "disk": "32G", "bios": "uefi",
                                      "diskInterface": "nvme0", "tags": ["ok", "not ok"], "readonly": "yes",
                                      "ignoreInit": 1, "description": 5, "cpuType": "host;rm"}}}""");
        assertEquals(List.of(
                "hosts.web.proxmox.bios: unknown bios 'uefi'; must be seabios or ovmf",
                "hosts.web.proxmox.cpuType: must be a Proxmox CPU type like host or x86-64-v2-AES, got 'host;rm'",
                "hosts.web.proxmox.diskInterface: must be a disk slot: virtio0..virtio15, scsi0..scsi30, sata0..sata5 "
                        + "or ide0..ide3, got 'nvme0'",
                "hosts.web.proxmox.ignoreInit: must be true or false, got number 1",
                "hosts.web.proxmox.tags[1]: must be a Proxmox tag ([a-zA-Z0-9_][a-zA-Z0-9_+.-]*), got 'not ok'",
                "hosts.web.proxmox.description: must be a string, got number 5",
                "hosts.web.proxmox.readonly: must be true or false, got string \"yes\""), p);
    }

    @Test
    void diskSlots_followProxmoxsRanges() {
        assertTrue(SpecValidator.validDiskInterface("scsi30"));
        assertTrue(SpecValidator.validDiskInterface("virtio15"));
        assertTrue(SpecValidator.validDiskInterface("ide3"));
        assertFalse(SpecValidator.validDiskInterface("ide4"));
        assertFalse(SpecValidator.validDiskInterface("sata6"));
        assertFalse(SpecValidator.validDiskInterface("scsi01"));
    }

    @Test
    void duplicateVmNames_nameBothHosts() throws Exception {
        List<String> p = problems("{" + PROXMOX + """
                , "web": {"proxmox": {"vmid": 111, "cores": 2, "memory": 4096, "disk": "32G", "name": "app"}},
                  "app": {"proxmox": {"vmid": 112, "cores": 2, "memory": 4096, "disk": "32G"}}}""");
        assertEquals(List.of("hosts.app.proxmox.name: VM name 'app' is also used by host web",
                "hosts.web.proxmox.name: VM name 'app' is also used by host app"), p);
    }
}
