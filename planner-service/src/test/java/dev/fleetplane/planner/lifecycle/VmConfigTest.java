package dev.fleetplane.planner.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fleetplane.events.Json;
import dev.fleetplane.plancore.spec.HostSpec;
import dev.fleetplane.plancore.spec.HostsSpec;
import dev.fleetplane.plancore.spec.SpecValidator;
import dev.fleetplane.events.plans.AttributeChange;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class VmConfigTest {

    static HostDesired desired(Map<String, String> config) {
        return new HostDesired(111, "web-vm", 4, 8192, "64G", "local-lvm", 9003, "root", "nixos-rebuild switch",
                null, config);
    }

    @Test
    void update_carriesExactlyTheChangedKeys_inProxmoxNames() throws Exception {
        Map<String, String> extra = VmConfig.forUpdate(desired(Map.of()), List.of(
                new AttributeChange("cores", "2", "4", false),
                new AttributeChange("cpuType", "kvm64", "host", false),
                new AttributeChange("tags", "[\"web\"]", "[\"web\",\"prod\"]", false),
                new AttributeChange("ignoreInit", "false", "true", false)));
        assertEquals(Map.of("cpu", "host", "tags", "fleetplane;prod;web"), extra,
                "cores travel in their own field; ignoreInit is not Proxmox config");
    }

    static HostSpec host(String json) throws Exception {
        HostsSpec spec = SpecValidator.validate(Json.MAPPER.readTree("""
                {"_proxmox": {"host": "h", "node": "pve", "defaultStorage": "local-lvm", "templateVmid": 9003},
                 "web": """ + json + "}")).spec().orElseThrow();
        return spec.hosts().get(0);
    }

    static Map<String, String> create(String hostJson) throws Exception {
        HostSpec h = host(hostJson);
        JsonNode written = Json.MAPPER.readTree(hostJson).path("proxmox");
        return VmConfig.forCreate(new HostDesired(111, "web-vm", 4, 8192, "64G", "local-lvm", 9003, h.user(),
                "nixos-rebuild switch", null, VmConfig.fromSpec(h, h.proxmox().orElseThrow(), written)), "f", "web");
    }

    @Test
    void create_namesTheVm_enablesTheAgent_andKeepsTheUsersConfig() throws Exception {
        Map<String, String> extra = create("""
                {"proxmox": {"vmid": 111, "cores": 4, "memory": 8192, "disk": "64G", "bios": "ovmf", "cpuType": "host",
                             "onBoot": true, "tags": ["web"], "description": "front"}}""");
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("name", "web-vm");
        expected.put("agent", "1");
        expected.put("tags", "fleetplane;web");
        expected.put("description", "front");
        expected.put("bios", "ovmf");
        expected.put("cpu", "host");
        expected.put("onboot", "1");
        expected.put("ipconfig0", "ip=dhcp");
        expected.put("ciuser", "root");
        assertEquals(expected, extra);
        assertEquals("managed by fleetplane (fleet f, host web)",
                VmConfig.forCreate(desired(null), "f", "web").get("description"), "rows queued before the defaults");
    }

    @Test
    void create_withoutOptionalAttributes_getsTheSeedsDefaults_andItsCloudInit() throws Exception {
        Map<String, String> extra = create("""
                {"hostname": "web01", "user": "ops",
                 "authorizedKeys": ["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIA1 fleet", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIA2 me"],
                 "proxmox": {"vmid": 111, "cores": 4, "memory": 8192, "disk": "64G"}}""");
        assertEquals("x86-64-v2-AES", extra.get("cpu"));
        assertEquals("0", extra.get("onboot"));
        assertEquals("fleetplane;managed;nixos;opentofu", extra.get("tags"));
        assertEquals("Managed by fleetplane - web01", extra.get("description"));
        assertEquals("ip=dhcp", extra.get("ipconfig0"));
        assertEquals("ops", extra.get("ciuser"));
        assertEquals("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIA1 fleet\nssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIA2 me",
                extra.get("sshkeys"), "one key a line; the adapter percent-encodes them");
        assertFalse(create("""
                {"proxmox": {"vmid": 111, "cores": 4, "memory": 8192, "disk": "64G"}}""").containsKey("sshkeys"),
                "no authorizedKeys, no sshkeys: the template's keys stay");
    }

    @Test
    void create_ofARowQueuedBeforeTheConfigCarriedCiuser_stillLetsCloudInitCreateTheAdmin() {
        HostDesired ops = new HostDesired(111, "web-vm", 4, 8192, "64G", "local-lvm", 9003, "ops",
                "nixos-rebuild switch", null, Map.of());
        assertEquals("ops", VmConfig.forCreate(ops, "f", "web").get("ciuser"));
        assertFalse(VmConfig.forCreate(desired(Map.of()), "f", "web").containsKey("ciuser"), "root needs no ciuser");
    }

    @Test
    void update_ofOnBoot_sendsProxmoxsOnboot() {
        assertEquals(Map.of("onboot", "1"), VmConfig.forUpdate(desired(Map.of()),
                List.of(new AttributeChange("onBoot", "false", "true", false))));
    }

    @Test
    void tags_acceptListsAndSeparatedText_andAlwaysCarryFleetplane() {
        assertEquals("fleetplane", VmConfig.tags(null));
        assertEquals("a;b;fleetplane", VmConfig.tags("b; a"));
        assertEquals("a;b;fleetplane", VmConfig.tags("[\"b\",\"a\"]"));
        assertEquals("a;b;fleetplane", VmConfig.tags("[b, a]"));
    }

    @Test
    void onlyInPlaceAttributes_haveAConfigKey() {
        assertEquals("cpu", VmConfig.configKey("cpuType").orElseThrow());
        assertFalse(VmConfig.configKey("diskInterface").isPresent());
        assertFalse(VmConfig.configKey("disk").isPresent(), "disks grow with ResizeDisk");
    }
}
