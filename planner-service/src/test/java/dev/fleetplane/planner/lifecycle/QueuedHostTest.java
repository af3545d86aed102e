package dev.fleetplane.planner.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fleetplane.events.Json;
import dev.fleetplane.events.plans.AttributeChange;
import dev.fleetplane.events.plans.PlannedChange;
import dev.fleetplane.plancore.spec.HostsSpec;
import dev.fleetplane.plancore.spec.SpecValidator;
import dev.fleetplane.planner.lifecycle.HostLifecycle.Origin;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What row a planned change of an applied plan becomes. */
class QueuedHostTest {

    static final String SPEC = """
            {"_proxmox": {"host": "10.0.0.1", "node": "pve", "defaultStorage": "local-lvm", "templateVmid": 9003},
             "web": {"proxmox": {"vmid": 111, "cores": 4, "memory": 4096, "disk": "64G", "diskInterface": "virtio0",
                                 "cpuType": "host"}},
             "dev": {"proxmox": {"vmid": 110, "cores": 2, "memory": 2048, "disk": "32G", "cloneFromTemplate": false}}}""";

    static JsonNode content() throws Exception {
        return Json.MAPPER.readTree(SPEC);
    }

    static HostsSpec spec() throws Exception {
        return SpecValidator.validate(content()).spec().orElseThrow();
    }

    static HostRecord existing(String host, int vmid, HostState state, Origin origin) {
        OffsetDateTime t = OffsetDateTime.parse("2026-01-01T00:00:00Z");
        return new HostRecord("f", host, vmid, "pve", state, null, null, "10.0.0.9", "plan-0",
                new HostDesired(vmid, host, 2, 2048, "32G", "local-lvm", 9003, "root", "rebuild", null, Map.of()),
                new PlannedChange(host, "create", vmid, "pve", List.of()), origin, null, t, t, t, t);
    }

    @Test
    void create_isQueuedAsPending_withTheDesiredValuesOfTheSpec() throws Exception {
        HostRecord r = QueuedHost.of("f", "plan-1", new PlannedChange("web", "create", 111, "pve", List.of()),
                spec(), content(), Optional.empty());
        assertEquals(HostState.Pending, r.state());
        assertEquals(Origin.created, r.origin());
        assertEquals(111, r.vmid());
        assertEquals(4, r.desired().cores());
        assertEquals("local-lvm", r.desired().storage());
        assertEquals("virtio0", r.desired().disk0());
        assertEquals("host", r.desired().config().get("cpu"));
        assertEquals("0", r.desired().config().get("onboot"), "the seed's on_boot = false");
    }

    @Test
    void create_withoutDiskInterface_growsTheTemplatesBootDisk_asThePlanReadIt_elseTheAdapterFindsIt() throws Exception {
        JsonNode content = Json.MAPPER.readTree("""
                {"_proxmox": {"host": "10.0.0.1", "node": "pve", "defaultStorage": "local-lvm", "templateVmid": 9003},
                 "db": {"proxmox": {"vmid": 112, "cores": 2, "memory": 4096, "disk": "32G"}}}""");
        HostsSpec spec = SpecValidator.validate(content).spec().orElseThrow();
        HostRecord fromTemplate = QueuedHost.of("f", "plan-1", new PlannedChange("db", "create", 112, "pve",
                List.of(), List.of(new AttributeChange("diskInterface", null, "virtio0", false)), null), spec, content,
                Optional.empty());
        assertEquals("virtio0", fromTemplate.desired().disk0());
        HostRecord unknown = QueuedHost.of("f", "plan-1", new PlannedChange("db", "create", 112, "pve", List.of()),
                spec, content, Optional.empty());
        assertEquals(null, unknown.desired().disk0(), "ResizeDisk without a disk: the adapter grows the boot disk");
    }

    @Test
    void adopt_settlesAtOnce_andForget_isGoneWithAReason() throws Exception {
        HostRecord adopted = QueuedHost.of("f", "plan-1", new PlannedChange("dev", "adopt", 110, "pve", List.of()),
                spec(), content(), Optional.empty());
        assertEquals(HostState.Adopted, adopted.state());
        assertEquals(Origin.adopted, adopted.origin());
        HostRecord forgotten = QueuedHost.of("f", "plan-2",
                new PlannedChange("old", "forget", 120, "pve", List.of()), spec(), content(),
                Optional.of(existing("old", 120, HostState.Ready, Origin.created)));
        assertEquals(HostState.Gone, forgotten.state());
        assertTrue(forgotten.reason().contains("left in Proxmox"), forgotten.reason());
        assertEquals("10.0.0.9", forgotten.ip());
    }

    @Test
    void update_keepsTheHostsOrigin() throws Exception {
        HostRecord r = QueuedHost.of("f", "plan-2", new PlannedChange("dev", "update", 110, "pve", List.of(),
                        List.of(new AttributeChange("cores", "1", "2", false)), null), spec(), content(),
                Optional.of(existing("dev", 110, HostState.Adopted, Origin.adopted)));
        assertEquals(HostState.Pending, r.state());
        assertEquals(Origin.adopted, r.origin());
        assertEquals(HostState.Adopted, r.route().end(), "an adopted VM stays adopted after an update");
    }

    @Test
    void destroy_ofAHostNoLongerInTheSpec_keepsWhatItKnew() throws Exception {
        HostRecord before = existing("old", 120, HostState.Ready, Origin.created);
        HostRecord r = QueuedHost.of("f", "plan-2", new PlannedChange("old", "destroy", 120, "pve", List.of()),
                spec(), content(), Optional.of(before));
        assertEquals(HostState.Pending, r.state());
        assertEquals(before.desired(), r.desired());
        assertEquals(before.readyAt(), r.readyAt());
    }

    @Test
    void replace_actsOnTheExistingVmid_whenTheVmidItselfChanges() throws Exception {
        HostRecord r = QueuedHost.of("f", "plan-2", new PlannedChange("web", "replace", 111, "pve", List.of(),
                        List.of(new AttributeChange("vmid", "105", "111", true)), "replace_because_cannot_update"),
                spec(), content(), Optional.of(existing("web", 105, HostState.Ready, Origin.created)));
        assertEquals(105, r.vmid(), "Stopping and Destroying act on the VM that exists");
        assertEquals(111, r.desired().vmid(), "Cloning creates the new one");
        assertNull(r.commandId());
    }

    @Test
    void anUnknownAction_isRefused() {
        assertThrows(IllegalArgumentException.class, () -> QueuedHost.of("f", "plan-1",
                new PlannedChange("web", "teleport", 111, "pve", List.of()), spec(), content(), Optional.empty()));
    }
}
