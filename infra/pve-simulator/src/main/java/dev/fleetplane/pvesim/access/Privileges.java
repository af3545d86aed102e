package dev.fleetplane.pvesim.access;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The privilege names a Proxmox VE release knows and its built-in roles (pve-access-control's privilege groups), so
 * ACLs can name roles ({@code PVEVMAdmin}) as {@code pveum acl modify} does. PVE 9 replaced {@code VM.Monitor} with
 * the {@code VM.GuestAgent.*} privileges.
 */
public final class Privileges {

    private static final List<String> VM_ADMIN = List.of("VM.Allocate", "VM.Clone", "VM.Config.CPU", "VM.Config.Disk",
            "VM.Config.HWType", "VM.Config.Memory", "VM.Config.Network", "VM.Config.Options", "VM.Migrate",
            "VM.Snapshot", "VM.Snapshot.Rollback");
    private static final List<String> VM_USER = List.of("VM.Backup", "VM.Config.CDROM", "VM.Config.Cloudinit",
            "VM.Console", "VM.PowerMgmt");
    private static final List<String> GUEST_AGENT_9 = List.of("VM.GuestAgent.Audit", "VM.GuestAgent.FileRead",
            "VM.GuestAgent.FileWrite", "VM.GuestAgent.FileSystemMgmt", "VM.GuestAgent.Unrestricted");
    private static final List<String> SYS = List.of("Sys.Audit", "Sys.Console", "Sys.Incoming", "Sys.Modify",
            "Sys.PowerMgmt", "Sys.Syslog", "Sys.AccessNetwork");
    private static final List<String> DATASTORE_USER = List.of("Datastore.AllocateSpace", "Datastore.AllocateTemplate");
    private static final List<String> OTHER = List.of("Datastore.Allocate", "Datastore.Audit", "SDN.Allocate",
            "SDN.Audit", "SDN.Use", "Pool.Allocate", "Pool.Audit", "User.Modify", "Group.Allocate", "Realm.Allocate",
            "Realm.AllocateUser", "Permissions.Modify", "Mapping.Audit", "Mapping.Modify", "Mapping.Use", "VM.Audit");

    /** The role that takes every privilege away on a path (it wins over any other role there). */
    public static final String NO_ACCESS = "NoAccess";

    private final int major;
    private final Set<String> all;
    private final Map<String, Set<String>> roles = new LinkedHashMap<>();

    private Privileges(int major) {
        this.major = major;
        Set<String> vmAdmin = new TreeSet<>(VM_ADMIN);
        Set<String> vmUser = new TreeSet<>(VM_USER);
        if (major >= 9) {
            vmUser.add("VM.GuestAgent.Audit");
            vmAdmin.addAll(GUEST_AGENT_9);
            vmAdmin.add("VM.Replicate");
        } else {
            vmAdmin.add("VM.Monitor");
        }
        Set<String> everything = new TreeSet<>();
        everything.addAll(vmAdmin);
        everything.addAll(vmUser);
        everything.addAll(SYS);
        everything.addAll(DATASTORE_USER);
        everything.addAll(OTHER);
        this.all = Set.copyOf(everything);
        roles.put("Administrator", everything);
        roles.put(NO_ACCESS, Set.of());
        roles.put("PVEAuditor", Set.of("VM.Audit", "Sys.Audit", "Datastore.Audit", "SDN.Audit", "Pool.Audit",
                "Mapping.Audit"));
        Set<String> vmAdminRole = new TreeSet<>(vmAdmin);
        vmAdminRole.addAll(vmUser);
        vmAdminRole.add("VM.Audit");
        roles.put("PVEVMAdmin", vmAdminRole);
        Set<String> vmUserRole = new TreeSet<>(vmUser);
        vmUserRole.add("VM.Audit");
        roles.put("PVEVMUser", vmUserRole);
        roles.put("PVETemplateUser", Set.of("VM.Clone", "VM.Audit"));
        roles.put("PVEDatastoreUser", Set.of("Datastore.AllocateSpace", "Datastore.AllocateTemplate", "Datastore.Audit"));
        roles.put("PVEDatastoreAdmin", Set.of("Datastore.Allocate", "Datastore.AllocateSpace",
                "Datastore.AllocateTemplate", "Datastore.Audit"));
        roles.put("PVESDNUser", Set.of("SDN.Use", "SDN.Audit"));
    }

    /** The privileges of the release whose pve-manager version is {@code version} ({@code 9.1.2}, {@code 7.4-16}). */
    public static Privileges of(String version) {
        return new Privileges(Integer.parseInt(version.split("[.-]")[0]));
    }

    public int major() {
        return major;
    }

    /** Every privilege name this release knows. */
    public Set<String> all() {
        return all;
    }

    /** Whether {@code name} is a built-in role. */
    public boolean isRole(String name) {
        return roles.containsKey(name);
    }

    /**
     * The privileges of a role, or the privilege itself; anything else is refused naming what is known, as
     * {@code pveum} refuses an unknown role or privilege.
     */
    public Set<String> expand(String roleOrPrivilege) {
        Set<String> role = roles.get(roleOrPrivilege);
        if (role != null) {
            return role;
        }
        if (all.contains(roleOrPrivilege)) {
            return Set.of(roleOrPrivilege);
        }
        throw new IllegalArgumentException("'" + roleOrPrivilege + "' is neither a role (" + String.join(", ",
                roles.keySet()) + ") nor a privilege of PVE " + major + " (" + String.join(" ", new TreeSet<>(all)) + ")");
    }

    /** The privilege the guest agent calls need: {@code VM.GuestAgent.Audit} on PVE 9, {@code VM.Monitor} before. */
    public String guestAgentAudit() {
        return major >= 9 ? "VM.GuestAgent.Audit" : "VM.Monitor";
    }
}
