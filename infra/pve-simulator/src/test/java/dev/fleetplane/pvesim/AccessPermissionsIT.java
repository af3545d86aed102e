package dev.fleetplane.pvesim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The privilege model over HTTP: /access/permissions, 403s naming path and privilege, filtered lists, the request log. */
class AccessPermissionsIT {

    private static final String OPS = "fleetplane@pve!ops";
    private static final String OPS_SECRET = "ops-secret-1";

    @TempDir
    Path tmp;

    private PveSimulator sim;

    @AfterEach
    void stop() {
        if (sim != null) {
            sim.close();
        }
    }

    private PveSimulator start(PveSimulatorBuilder b) {
        sim = b.apiToken(PveTestClient.TOKEN_ID, PveTestClient.SECRET)
                .seed(SeedVm.template(9003, "nixos-template"), SeedVm.vm(111, "web-1"), SeedVm.vm(112, "db-1"))
                .build().start();
        return sim;
    }

    private PveTestClient ops() {
        return new PveTestClient(sim, "PVEAPIToken=" + OPS + "=" + OPS_SECRET);
    }

    @Test
    void permissions_answerTheTokensOwnAcls_asPathToPrivilegeToPropagateFlag() {
        start(PveSimulator.builder().apiTokenWithoutAcls(OPS, OPS_SECRET)
                .acl(OPS, "/vms", true, "PVEVMAdmin")
                .acl(OPS, "/storage/local-lvm", false, "Datastore.AllocateSpace"));
        JsonNode all = ops().get("/access/permissions").data();
        List<String> paths = new ArrayList<>();
        all.fieldNames().forEachRemaining(paths::add);
        assertEquals(List.of("/storage/local-lvm", "/vms"), paths);
        assertEquals(1, all.get("/vms").get("VM.Clone").asInt());
        assertEquals(0, all.get("/storage/local-lvm").get("Datastore.AllocateSpace").asInt());

        JsonNode one = ops().get("/access/permissions?path=/vms/9003").data();
        assertTrue(one.get("/vms/9003").has("VM.Clone"), one.toString());
        JsonNode none = ops().get("/access/permissions?path=/storage/local").data();
        assertEquals(0, none.get("/storage/local").size(), "an empty map for a path without privileges");
    }

    @Test
    void permissions_ofAnotherUser_needSysAuditOnAccess() {
        start(PveSimulator.builder().apiTokenWithoutAcls(OPS, OPS_SECRET).acl(OPS, "/vms", true, "PVEVMAdmin"));
        PveTestClient.Response r = ops().get("/access/permissions?userid=root@pam");
        assertEquals(403, r.status());
        assertEquals("Permission check failed (/access, Sys.Audit)\n", r.body().get("message").asText());
        // an administrator token may look at another token's permissions
        JsonNode seen = new PveTestClient(sim).get("/access/permissions?userid=" + OPS).data();
        assertTrue(seen.get("/vms").has("VM.Clone"));
    }

    @Test
    void droppedPrivilege_refusesTheCloneNamingPathAndPrivilege_andVanishesFromPermissions() {
        start(PveSimulator.builder());
        sim.faults().dropPrivileges("VM.Clone");
        PveTestClient admin = new PveTestClient(sim);
        PveTestClient.Response r = admin.post("/nodes/pve/qemu/9003/clone", "newid", "120", "name", "web-2");
        assertEquals(403, r.status());
        assertEquals("Permission check failed (/vms/9003, VM.Clone)\n", r.body().get("message").asText());
        assertFalse(admin.get("/access/permissions").data().get("/").has("VM.Clone"));
        assertEquals(3, admin.get("/cluster/resources?type=vm").data().size(), "other privileges stay");

        sim.faults().restorePrivileges();
        assertEquals(200, admin.post("/nodes/pve/qemu/9003/clone", "newid", "120", "name", "web-2").status());
    }

    @Test
    void clone_needsAllocateOnTheNewVmid_andSpaceOnTheTargetStorage() {
        start(PveSimulator.builder().apiTokenWithoutAcls(OPS, OPS_SECRET)
                .acl(OPS, "/vms/9003", true, "PVETemplateUser"));
        PveTestClient.Response noAllocate = ops().post("/nodes/pve/qemu/9003/clone", "newid", "120", "full", "1",
                "storage", "local-lvm");
        assertEquals("Permission check failed (/vms/120, VM.Allocate)\n", noAllocate.body().get("message").asText());
        sim.close();
        start(PveSimulator.builder().apiTokenWithoutAcls(OPS, OPS_SECRET)
                .acl(OPS, "/vms", true, "PVEVMAdmin"));
        PveTestClient.Response noSpace = ops().post("/nodes/pve/qemu/9003/clone", "newid", "120", "full", "1",
                "storage", "local-lvm");
        assertEquals(403, noSpace.status());
        assertEquals("Permission check failed (/storage/local-lvm, Datastore.AllocateSpace)\n",
                noSpace.body().get("message").asText());
    }

    @Test
    void configWrite_checksEachKeysPrivilege() {
        start(PveSimulator.builder().apiTokenWithoutAcls(OPS, OPS_SECRET)
                .acl(OPS, "/vms", true, "VM.Audit", "VM.Config.Memory"));
        assertEquals(200, ops().put("/nodes/pve/qemu/111/config", "memory", "2048").status());
        PveTestClient.Response cores = ops().put("/nodes/pve/qemu/111/config", "memory", "2048", "cores", "4");
        assertEquals(403, cores.status());
        assertEquals("Permission check failed (/vms/111, VM.Config.CPU)\n", cores.body().get("message").asText());
    }

    @Test
    void lists_showOnlyWhatTheCallerMayAudit() {
        start(PveSimulator.builder().apiTokenWithoutAcls(OPS, OPS_SECRET)
                .acl(OPS, "/vms/111", false, "PVEAuditor")
                .acl(OPS, "/storage/local-lvm", true, "PVEDatastoreUser"));
        JsonNode vms = ops().get("/cluster/resources?type=vm").data();
        assertEquals(1, vms.size());
        assertEquals(111, vms.get(0).get("vmid").asInt());
        assertEquals(1, ops().get("/nodes/pve/qemu").data().size());
        JsonNode storages = ops().get("/nodes/pve/storage").data();
        assertEquals(1, storages.size());
        assertEquals("local-lvm", storages.get(0).get("storage").asText());
        assertEquals(403, ops().get("/nodes/pve/qemu/112/config").status());
    }

    @Test
    void agentPrivilege_isVmMonitorBeforePve9() {
        start(PveSimulator.builder().pveVersion("8.4.1").apiTokenWithoutAcls(OPS, OPS_SECRET)
                .acl(OPS, "/vms", true, "VM.Audit"));
        PveTestClient.Response r = ops().get("/nodes/pve/qemu/111/agent/network-get-interfaces");
        assertEquals("Permission check failed (/vms/111, VM.Monitor)\n", r.body().get("message").asText());
    }

    @Test
    void unknownPrivilege_isRefusedListingTheKnownOnes() {
        start(PveSimulator.builder());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> sim.faults().dropPrivileges("VM.Clonе"));
        assertTrue(e.getMessage().contains("known: ") && e.getMessage().contains("VM.Clone"), e.getMessage());
    }

    @Test
    void requestLog_hasOneFlushedLinePerAnsweredRequest() throws Exception {
        Path log = tmp.resolve("requests.log");
        start(PveSimulator.builder().requestLog(log));
        PveTestClient admin = new PveTestClient(sim);
        admin.post("/nodes/pve/qemu/9003/clone", "newid", "120", "name", "web-2");
        admin.get("/nodes/pve/qemu/999/config");
        List<String> lines = Files.readAllLines(log);
        assertEquals(2, lines.size(), lines.toString());
        assertTrue(lines.get(0).matches("\\d{4}-\\d\\d-\\d\\dT\\S+Z POST /api2/json/nodes/pve/qemu/9003/clone 200"),
                lines.get(0));
        assertTrue(lines.get(1).endsWith(" GET /api2/json/nodes/pve/qemu/999/config 500"), lines.get(1));
    }
}
