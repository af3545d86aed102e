package dev.fleetplane.plancore.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fleetplane.events.Json;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PlanJsonTest {

    static JsonNode resource(JsonNode plan, String host) {
        for (JsonNode r : plan.path("resource_changes")) {
            if (r.path("name").asText().equals(host)) {
                return r;
            }
        }
        throw new AssertionError(host + " not in " + plan);
    }

    static JsonNode tree(String json) throws Exception {
        return Json.MAPPER.readTree(json);
    }

    @Test
    void everyAction_mapsToTerraformsActions_withBeforeAfterAndReasons() throws Exception {
        JsonNode plan = PlanJson.render("default", 3L, "sha256:abc", PlanFixtures.everyAction());
        assertEquals("1.2", plan.path("format_version").asText());
        assertEquals(3, plan.path("spec_version").asInt());
        assertEquals("sha256:abc", plan.path("inventory_digest").asText());
        assertTrue(plan.path("applyable").asBoolean());

        JsonNode web = resource(plan, "web");
        assertEquals("proxmox_vm.web", web.path("address").asText());
        assertEquals(tree("[\"create\"]"), web.path("change").path("actions"));
        assertTrue(web.path("change").path("before").isNull());
        assertEquals(tree("""
                {"vmid": 111, "name": "web", "node": "pve", "clone": 9003, "cores": 2, "memory": 4096, "disk": "32G",
                 "storage": "local-lvm", "diskInterface": "virtio0", "cpuType": "x86-64-v2-AES", "onBoot": false,
                 "tags": ["web"], "description": "Managed by fleetplane - web"}"""), web.path("change").path("after"));

        JsonNode api = resource(plan, "api");
        assertEquals(tree("[\"update\"]"), api.path("change").path("actions"));
        assertEquals(2, api.path("change").path("before").path("cores").asInt());
        assertEquals(4, api.path("change").path("after").path("cores").asInt());
        assertEquals(tree("[{\"name\": \"cores\", \"before\": \"2\", \"after\": \"4\", \"forces_replacement\": false}]"),
                api.path("fleetplane").path("attributes"));

        assertEquals(tree("[\"update\"]"), resource(plan, "db").path("change").path("actions"));
        assertEquals("grow-disk", resource(plan, "db").path("fleetplane").path("action").asText());

        JsonNode cache = resource(plan, "cache");
        assertEquals(tree("[\"delete\", \"create\"]"), cache.path("change").path("actions"));
        assertEquals(tree("[[\"bios\"]]"), cache.path("change").path("replace_paths"));
        assertEquals("replace_because_cannot_update", cache.path("action_reason").asText());
        assertEquals("seabios", cache.path("change").path("before").path("bios").asText());
        assertEquals("ovmf", cache.path("change").path("after").path("bios").asText());

        JsonNode dev = resource(plan, "dev");
        assertEquals(tree("[\"no-op\"]"), dev.path("change").path("actions"));
        assertEquals(tree("{\"id\": \"110\"}"), dev.path("change").path("importing"));

        JsonNode old = resource(plan, "old");
        assertEquals(tree("[\"delete\"]"), old.path("change").path("actions"));
        assertTrue(old.path("change").path("after").isNull());
        assertEquals("delete_because_no_resource_config", old.path("action_reason").asText());

        JsonNode legacy = resource(plan, "legacy");
        assertEquals(tree("[\"forget\"]"), legacy.path("change").path("actions"));
        assertEquals("adopted", legacy.path("action_reason").asText());
        assertEquals(tree("[\"the VM was adopted: fleetplane never destroys adopted VMs\"]"),
                legacy.path("fleetplane").path("notes"));

        assertEquals(tree("""
                {"import": 1, "add": 2, "change": 2, "remove": 2, "forget": 1, "operation": "plan"}"""),
                plan.path("change_summary"));
        assertEquals(tree("[\"laptop\"]"), plan.path("unmanaged_hosts"));
        assertTrue(PlanJson.hasChanges(plan));
    }

    @Test
    void noOps_andErrors_areShownAsSuch() throws Exception {
        PlanDraft none = DiffEngine.diff(DiffEngineTest.web(""), List.of(DiffEngineTest.TEMPLATE,
                DiffEngineTest.web(2, 4096, 32, null)), DiffEngineTest.WEB_CREATED);
        JsonNode plan = PlanJson.render("default", null, null, none);
        assertEquals(tree("[\"no-op\"]"), resource(plan, "web").path("change").path("actions"));
        assertFalse(plan.path("applyable").asBoolean());
        assertFalse(PlanJson.hasChanges(plan));
        assertTrue(plan.path("spec_version").isNull());

        PlanDraft shrink = DiffEngine.diff(DiffEngineTest.web(""), List.of(DiffEngineTest.TEMPLATE,
                DiffEngineTest.web(2, 4096, 64, null)), DiffEngineTest.WEB_CREATED);
        JsonNode failed = PlanJson.render("default", 9L, "d", shrink);
        assertTrue(failed.path("errored").asBoolean());
        assertEquals("hosts.web.proxmox.disk", failed.path("errors").get(0).path("path").asText());
        assertEquals(0, failed.path("resource_changes").size());
    }
}
