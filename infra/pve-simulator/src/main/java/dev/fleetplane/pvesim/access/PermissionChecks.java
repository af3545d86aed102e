package dev.fleetplane.pvesim.access;

import dev.fleetplane.pvesim.http.ApiDispatcher;
import dev.fleetplane.pvesim.http.ApiException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The privilege checks pve-manager, qemu-server and pve-storage run for the endpoints the simulator serves, against
 * the caller's effective privileges ({@link AclModel}): a failure is {@code 403 Permission check failed (<path>,
 * <privilege>)} ({@code A|B} when any of several would do), and lists keep only what the caller may audit.
 */
public final class PermissionChecks implements ApiDispatcher.Authorization {

    /** The storages of a VM's disks (config key -> storage id); empty when the VM does not exist. */
    @FunctionalInterface
    public interface VmDisks {
        Map<String, String> storages(int vmid);
    }

    // qemu-server API2/Qemu.pm option groups, checked per key by check_vm_modify_config_perm
    private static final Set<String> CPU = Set.of("affinity", "cores", "cpu", "cpulimit", "cpuunits", "numa", "smp",
            "sockets", "vcpus");
    private static final Set<String> MEMORY = Set.of("memory", "balloon", "shares");
    private static final Set<String> HWTYPE = Set.of("acpi", "hotplug", "kvm", "machine", "scsihw", "smbios1", "tablet",
            "vga", "watchdog", "audio0", "rng0", "vmgenid");
    private static final Set<String> DISK_OPTIONS = Set.of("boot", "bootdisk", "vmstatestorage");
    private static final Set<String> CLOUDINIT = Set.of("cicustom", "cipassword", "citype", "ciupgrade", "ciuser",
            "nameserver", "searchdomain", "sshkeys");
    private static final Set<String> NOT_CONFIG = Set.of("digest", "delete", "revert", "skiplock", "background_delay",
            "force");
    private static final Pattern DRIVE = Pattern.compile("(ide|sata|scsi|virtio|unused)\\d+|efidisk0|tpmstate0");
    /** Privileges any of which lets a caller into the config endpoints (qemu-server's $vm_config_perm_list). */
    private static final List<String> CONFIG_ANY = List.of("VM.Config.Disk", "VM.Config.CDROM", "VM.Config.CPU",
            "VM.Config.Memory", "VM.Config.Network", "VM.Config.HWType", "VM.Config.Options", "VM.Config.Cloudinit");
    private static final List<String> STORAGE_AUDIT = List.of("Datastore.Audit", "Datastore.AllocateSpace");

    private final AclModel acl;
    private final VmDisks disks;

    public PermissionChecks(AclModel acl, VmDisks disks) {
        this.acl = acl;
        this.disks = disks;
    }

    public AclModel acl() {
        return acl;
    }

    /** Throws the 403 Proxmox answers when {@code authId} may not call {@code endpoint} with these parameters. */
    @Override
    public void check(String endpoint, Map<String, String> path, Map<String, String> params, String authId) {
        String vms = "/vms/" + path.getOrDefault("vmid", "");
        String agent = acl.privileges().guestAgentAudit();
        switch (endpoint) {
            case "GET /nodes/{node}/qemu/{vmid}/config", "GET /nodes/{node}/qemu/{vmid}/status/current" ->
                    require(authId, vms, "VM.Audit");
            case "PUT /nodes/{node}/qemu/{vmid}/config", "POST /nodes/{node}/qemu/{vmid}/config" ->
                    config(authId, vms, params);
            case "POST /nodes/{node}/qemu/{vmid}/clone" -> clone(authId, vms, path, params);
            case "PUT /nodes/{node}/qemu/{vmid}/resize" -> {
                require(authId, vms, "VM.Config.Disk");
                String storage = disks.storages(vmid(path)).get(params.getOrDefault("disk", ""));
                if (storage != null) {
                    require(authId, "/storage/" + storage, "Datastore.AllocateSpace");
                }
            }
            case "POST /nodes/{node}/qemu/{vmid}/template", "DELETE /nodes/{node}/qemu/{vmid}" ->
                    require(authId, vms, "VM.Allocate");
            case "POST /nodes/{node}/qemu/{vmid}/status/start", "POST /nodes/{node}/qemu/{vmid}/status/stop",
                 "POST /nodes/{node}/qemu/{vmid}/status/shutdown", "POST /nodes/{node}/qemu/{vmid}/status/reboot" ->
                    require(authId, vms, "VM.PowerMgmt");
            case "GET /nodes/{node}/qemu/{vmid}/agent/network-get-interfaces",
                 "GET /nodes/{node}/qemu/{vmid}/agent/get-host-name", "GET /nodes/{node}/qemu/{vmid}/agent/get-osinfo",
                 "POST /nodes/{node}/qemu/{vmid}/agent/ping" -> {
                if (agent.equals("VM.Monitor")) {
                    require(authId, vms, agent);
                } else {
                    requireAny(authId, vms, List.of(agent, "VM.GuestAgent.Unrestricted"));
                }
            }
            case "POST /nodes/{node}/qemu/{vmid}/agent" -> require(authId, vms,
                    agent.equals("VM.Monitor") ? agent : "VM.GuestAgent.Unrestricted");
            case "POST /nodes/{node}/qemu/{vmid}/termproxy", "GET /nodes/{node}/qemu/{vmid}/vncwebsocket" ->
                    require(authId, vms, "VM.Console");
            case "POST /nodes/{node}/qemu" -> {
                require(authId, "/vms/" + params.getOrDefault("vmid", ""), "VM.Allocate");
                if (params.containsKey("storage")) {
                    require(authId, "/storage/" + params.get("storage"), "Datastore.AllocateSpace");
                }
            }
            case "GET /nodes/{node}/storage/{storage}/content" ->
                    requireAny(authId, "/storage/" + path.get("storage"), STORAGE_AUDIT);
            case "POST /nodes/{node}/storage/{storage}/upload" ->
                    require(authId, "/storage/" + path.get("storage"), "Datastore.AllocateTemplate");
            default -> {
                // no privilege check (version, nextid, tasks of one's own, lists filtered below, /access/*)
            }
        }
    }

    /** The data with every entry the caller may not audit removed (lists Proxmox filters rather than refuses). */
    @Override
    public Object filter(String endpoint, Object data, String authId) {
        if (!(data instanceof List<?> list)) {
            return data;
        }
        switch (endpoint) {
            case "GET /cluster/resources", "GET /nodes/{node}/qemu", "GET /nodes/{node}/storage", "GET /nodes" -> {
                List<Object> out = new ArrayList<>();
                for (Object o : list) {
                    if (!(o instanceof Map<?, ?> entry) || visible(entry, authId)) {
                        out.add(o);
                    }
                }
                return out;
            }
            default -> {
                return data;
            }
        }
    }

    private boolean visible(Map<?, ?> entry, String authId) {
        Object type = entry.get("type");
        Object vmid = entry.get("vmid");
        if (vmid != null && (type == null || "qemu".equals(type) || "lxc".equals(type))) {
            return acl.has(authId, "/vms/" + vmid, "VM.Audit");
        }
        Object storage = entry.get("storage");
        if (storage != null) {
            Map<String, Integer> have = acl.permissions(authId, "/storage/" + storage);
            return STORAGE_AUDIT.stream().anyMatch(have::containsKey);
        }
        Object node = entry.get("node");
        if (node != null) {
            return acl.has(authId, "/nodes/" + node, "Sys.Audit");
        }
        return true;
    }

    private void clone(String authId, String vms, Map<String, String> path, Map<String, String> params) {
        require(authId, vms, "VM.Clone");
        String pool = params.get("pool");
        if (!(pool != null && acl.has(authId, "/pool/" + pool, "VM.Allocate"))) {
            require(authId, "/vms/" + params.getOrDefault("newid", ""), "VM.Allocate");
        }
        // qemu-server check_storage_access_clone: the target storage, else each source disk's own storage
        String target = params.get("storage");
        Map<String, String> storages = new LinkedHashMap<>(disks.storages(vmid(path)));
        if (target != null) {
            require(authId, "/storage/" + target, "Datastore.AllocateSpace");
        } else {
            for (String storage : storages.values()) {
                require(authId, "/storage/" + storage, "Datastore.AllocateSpace");
            }
        }
    }

    private void config(String authId, String vms, Map<String, String> params) {
        requireAny(authId, vms, CONFIG_ANY);
        List<String> keys = new ArrayList<>(params.keySet());
        String delete = params.get("delete");
        if (delete != null) {
            for (String k : delete.split("[,;\\s]+")) {
                if (!k.isBlank()) {
                    keys.add(k);
                }
            }
        }
        for (String key : keys) {
            if (NOT_CONFIG.contains(key) || key.equals("tags")) {
                continue;
            }
            if (DRIVE.matcher(key).matches() || DISK_OPTIONS.contains(key)) {
                require(authId, vms, "VM.Config.Disk");
            } else if (CPU.contains(key) || key.matches("numa\\d+")) {
                require(authId, vms, "VM.Config.CPU");
            } else if (MEMORY.contains(key)) {
                require(authId, vms, "VM.Config.Memory");
            } else if (HWTYPE.contains(key) || key.matches("serial\\d+")) {
                require(authId, vms, "VM.Config.HWType");
            } else if (key.matches("net\\d+")) {
                require(authId, vms, "VM.Config.Network");
            } else if (CLOUDINIT.contains(key) || key.matches("ipconfig\\d+")) {
                requireAny(authId, vms, List.of("VM.Config.Cloudinit", "VM.Config.Network"));
            } else {
                require(authId, vms, "VM.Config.Options");
            }
        }
    }

    private void require(String authId, String path, String privilege) {
        if (!acl.has(authId, path, privilege)) {
            throw ApiException.of(403, "Permission check failed (" + path + ", " + privilege + ")");
        }
    }

    private void requireAny(String authId, String path, List<String> privileges) {
        Map<String, Integer> have = acl.permissions(authId, path);
        if (privileges.stream().noneMatch(have::containsKey)) {
            throw ApiException.of(403, "Permission check failed (" + path + ", " + String.join("|", privileges) + ")");
        }
    }

    private static int vmid(Map<String, String> path) {
        try {
            return Integer.parseInt(path.getOrDefault("vmid", "0"));
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
