package dev.fleetplane.proxmox.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Real-shaped bodies of {@code /access/permissions}, {@code /nodes/{node}/storage} and {@code /nodes}. */
class PermissionsParsingTest {

    private static final PveCall GET = new PveCall("test", "GET", "http://pve/api2/json/x", "u@pve!t");

    private static JsonNode data(String body) {
        return ResponseReader.envelope(GET, 200, "OK", body).get("data");
    }

    // pveum user token permissions 'fleetplane@pve!ops' on PVE 8 with PVEVMAdmin on /vms and a storage grant
    private static final String PERMISSIONS = "{\"data\":{\"/vms\":{\"VM.Allocate\":1,\"VM.Clone\":1,\"VM.Audit\":1,"
            + "\"VM.Config.CPU\":1},\"/storage/local-lvm\":{\"Datastore.AllocateSpace\":0,\"Datastore.Audit\":\"1\"},"
            + "\"/vms/9003\":{\"VM.Audit\":1}}}";

    @Test
    void permissions_mapPathsToPrivilegesAndPropagateFlags_numbersOrStrings() {
        PvePermissions p = PvePermissions.from(data(PERMISSIONS));
        assertEquals(List.of("/storage/local-lvm", "/vms", "/vms/9003"), List.copyOf(p.byPath().keySet()));
        assertTrue(p.byPath().get("/storage/local-lvm").get("Datastore.Audit"));
        assertFalse(p.byPath().get("/storage/local-lvm").get("Datastore.AllocateSpace"));
    }

    @Test
    void permissions_onAPathWithoutEntry_inheritOnlyWhatPropagatesFromTheNearestListedAncestor() {
        PvePermissions p = PvePermissions.from(data(PERMISSIONS));
        assertTrue(p.has("/vms/111", "VM.Clone"));
        assertTrue(p.propagates("/vms", "VM.Allocate"));
        assertFalse(p.has("/vms/9003", "VM.Clone"), "its own entry replaces /vms");
        assertTrue(p.has("/storage/local-lvm", "Datastore.AllocateSpace"));
        assertFalse(p.has("/storage/local-lvm/x", "Datastore.AllocateSpace"), "a flag of 0 does not propagate");
        assertFalse(p.has("/nodes/pve", "Sys.Audit"));
    }

    @Test
    void permissions_ofATokenWithoutAcls_areEmpty_andAnExactAnswerOverridesTheTree() {
        PvePermissions none = PvePermissions.from(data("{\"data\":{}}"));
        assertTrue(none.isEmpty());
        PvePermissions exact = PvePermissions.from(data("{\"data\":{\"/vms/9003\":{}}}"));
        assertTrue(exact.isEmpty());
        PvePermissions merged = PvePermissions.from(data(PERMISSIONS))
                .with(PvePermissions.from(data("{\"data\":{\"/vms/9003\":{\"VM.Clone\":1}}}")));
        assertTrue(merged.has("/vms/9003", "VM.Clone"));
    }

    @Test
    void permissions_ofTheWrongShape_areABadShape() {
        assertThrows(JsonFields.BadShape.class, () -> PvePermissions.from(data("{\"data\":[]}")));
        assertThrows(JsonFields.BadShape.class, () -> PvePermissions.from(data("{\"data\":{\"/\":[\"Sys.Audit\"]}}")));
    }

    @Test
    void storages_readContentListsAndFlags_leniently() {
        List<NodeStorage> list = NodeStorage.listFrom(data("{\"data\":[{\"storage\":\"local-lvm\",\"type\":\"lvmthin\","
                + "\"content\":\"rootdir,images\",\"active\":1,\"enabled\":1,\"shared\":0,\"total\":\"100000\","
                + "\"used\":10,\"avail\":90000,\"used_fraction\":0.0001},"
                + "{\"storage\":\"local\",\"type\":\"dir\",\"content\":\"iso,vztmpl,backup\"}]}"));
        assertEquals(2, list.size());
        NodeStorage lvm = list.get(0);
        assertTrue(lvm.holds("images"));
        assertEquals(100000L, lvm.totalBytes());
        assertTrue(lvm.active() && lvm.enabled() && !lvm.shared());
        NodeStorage local = list.get(1);
        assertFalse(local.holds("images"));
        assertTrue(local.enabled(), "absent 'enabled' means enabled");
        assertThrows(JsonFields.BadShape.class, () -> NodeStorage.listFrom(data("{\"data\":[{\"type\":\"dir\"}]}")));
    }
}
