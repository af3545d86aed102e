package dev.fleetplane.pvesim.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AclModelTest {

    private static final String TOKEN = "fleetplane@pve!ops";
    private static final Privileges PVE9 = Privileges.of("9.1.2");

    private static AclModel model(AclEntry... entries) {
        return new AclModel(PVE9, List.of(entries), Set::of);
    }

    private static AclEntry acl(String path, boolean propagate, String... roles) {
        return new AclEntry(path, TOKEN, List.of(roles), propagate);
    }

    @Test
    void propagatedAcl_reachesEveryPathBelow_withPropagateFlagOne() {
        AclModel m = model(acl("/vms", true, "PVEVMAdmin"));
        assertEquals(1, m.permissions(TOKEN, "/vms/9003").get("VM.Clone"));
        assertEquals(1, m.permissions(TOKEN, "/vms").get("VM.Allocate"));
        assertTrue(m.permissions(TOKEN, "/storage/local-lvm").isEmpty());
        assertTrue(m.permissions(TOKEN, "/").isEmpty());
    }

    @Test
    void unpropagatedAcl_holdsOnItsOwnPathOnly_withPropagateFlagZero() {
        AclModel m = model(acl("/vms", false, "PVEVMAdmin"));
        assertEquals(0, m.permissions(TOKEN, "/vms").get("VM.Clone"));
        assertTrue(m.permissions(TOKEN, "/vms/9003").isEmpty());
    }

    @Test
    void mostSpecificAcl_replacesWhatAnAncestorGranted() {
        AclModel m = model(acl("/", true, "Administrator"), acl("/vms/9003", true, "PVEAuditor"));
        Map<String, Integer> template = m.permissions(TOKEN, "/vms/9003");
        assertTrue(template.containsKey("VM.Audit"));
        assertFalse(template.containsKey("VM.Clone"), "the /vms/9003 ACL replaces Administrator from /");
        assertTrue(m.permissions(TOKEN, "/vms/111").containsKey("VM.Clone"));
    }

    @Test
    void rolesOnOnePath_addUp_andNoAccessEmptiesIt() {
        AclModel m = model(acl("/vms", true, "PVETemplateUser"), acl("/vms", true, "VM.PowerMgmt"),
                acl("/", true, "Administrator"), acl("/nodes", true, "NoAccess"));
        assertEquals(Set.of("VM.Clone", "VM.Audit", "VM.PowerMgmt"), m.permissions(TOKEN, "/vms/5").keySet());
        assertTrue(m.permissions(TOKEN, "/nodes/pve").isEmpty());
        assertTrue(m.permissions(TOKEN, "/sdn/zones/localnetwork/vmbr0").containsKey("SDN.Use"));
    }

    @Test
    void siblingPrefix_isNotAnAncestor() {
        AclModel m = model(acl("/vms/1", true, "PVEVMAdmin"));
        assertTrue(m.permissions(TOKEN, "/vms/10").isEmpty());
    }

    @Test
    void tokenWithoutAcls_hasNothing_butATicketUserWithoutAclsIsAdministrator() {
        AclModel m = model();
        assertTrue(m.permissions(TOKEN, "/").isEmpty());
        assertTrue(m.effective(TOKEN).isEmpty());
        assertTrue(m.permissions("root@pam", "/vms/1").containsKey("VM.Allocate"));
    }

    @Test
    void droppedPrivileges_vanishEverywhere() {
        Set<String> dropped = new HashSet<>();
        AclModel m = new AclModel(PVE9, List.of(acl("/", true, "Administrator")), () -> dropped);
        dropped.add("VM.Clone");
        assertFalse(m.permissions(TOKEN, "/vms/9003").containsKey("VM.Clone"));
        assertTrue(m.permissions(TOKEN, "/vms/9003").containsKey("VM.Allocate"));
        assertFalse(m.effective(TOKEN).get("/vms").containsKey("VM.Clone"));
    }

    @Test
    void effective_listsDefaultAndAclPaths_thatHoldSomething() {
        AclModel m = model(acl("/vms", true, "PVEVMAdmin"), acl("/storage/local-lvm", true, "PVEDatastoreUser"));
        Map<String, Map<String, Integer>> all = m.effective(TOKEN);
        assertEquals(Set.of("/vms", "/storage/local-lvm"), all.keySet());
        assertEquals(1, all.get("/storage/local-lvm").get("Datastore.AllocateSpace"));
    }

    @Test
    void guestAgentPrivilege_followsTheRelease() {
        assertEquals("VM.GuestAgent.Audit", PVE9.guestAgentAudit());
        assertEquals("VM.Monitor", Privileges.of("8.4.1").guestAgentAudit());
        assertTrue(Privileges.of("8.4.1").expand("PVEVMAdmin").contains("VM.Monitor"));
        assertFalse(PVE9.all().contains("VM.Monitor"));
    }

    @Test
    void unknownRoleOrPrivilege_isRefusedNamingIt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> model(acl("/vms", true, "VM.Monitor")));
        assertTrue(e.getMessage().startsWith("'VM.Monitor' is neither a role"), e.getMessage());
    }
}
