package dev.fleetplane.planner.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.fleetplane.events.Json;
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

    @Test
    void create_namesTheVm_enablesTheAgent_andKeepsTheUsersConfig() throws Exception {
        Map<String, String> fromSpec = VmConfig.fromSpec(Json.MAPPER.readTree("""
                {"vmid": 111, "cores": 4, "bios": "ovmf", "cpuType": "host", "tags": ["web"], "description": "front"}"""));
        Map<String, String> extra = VmConfig.forCreate(desired(fromSpec), "f", "web");
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("name", "web-vm");
        expected.put("agent", "1");
        expected.put("tags", "fleetplane;web");
        expected.put("description", "front");
        expected.put("bios", "ovmf");
        expected.put("cpu", "host");
        assertEquals(expected, extra);
        assertEquals("managed by fleetplane (fleet f, host web)",
                VmConfig.forCreate(desired(null), "f", "web").get("description"));
    }

    @Test
    void create_forANonRootAdmin_letsCloudInitCreateThatUser() {
        HostDesired ops = new HostDesired(111, "web-vm", 4, 8192, "64G", "local-lvm", 9003, "ops",
                "nixos-rebuild switch", null, Map.of());
        assertEquals("ops", VmConfig.forCreate(ops, "f", "web").get("ciuser"));
        assertFalse(VmConfig.forCreate(desired(Map.of()), "f", "web").containsKey("ciuser"), "root needs no ciuser");
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
