package dev.fleetplane.pvesim.http;

import java.util.List;
import java.util.Map;

/**
 * What a token with privilege separation and no ACL of its own may do: only calls without a privilege check.
 * Proxmox answers everything else {@code 403 Permission check failed (<path>, <privilege>)}, and lists only what the
 * caller may audit, which for such a token is nothing (the common "fresh token sees an empty cluster" pitfall).
 */
final class Permissions {

    private record Check(String aclPath, String privilege) {
    }

    // endpoint as routed -> ACL path template and the privilege pve-manager / qemu-server check first
    private static final Map<String, Check> CHECKS = Map.ofEntries(
            Map.entry("GET /nodes/{node}/qemu", new Check("/vms", "VM.Audit")),
            Map.entry("GET /nodes/{node}/qemu/{vmid}/config", new Check("/vms/{vmid}", "VM.Audit")),
            Map.entry("PUT /nodes/{node}/qemu/{vmid}/config", new Check("/vms/{vmid}", "VM.Config.Options")),
            Map.entry("POST /nodes/{node}/qemu/{vmid}/config", new Check("/vms/{vmid}", "VM.Config.Options")),
            Map.entry("GET /nodes/{node}/qemu/{vmid}/status/current", new Check("/vms/{vmid}", "VM.Audit")),
            Map.entry("POST /nodes/{node}/qemu/{vmid}/clone", new Check("/vms/{vmid}", "VM.Clone")),
            Map.entry("PUT /nodes/{node}/qemu/{vmid}/resize", new Check("/vms/{vmid}", "VM.Config.Disk")),
            Map.entry("POST /nodes/{node}/qemu/{vmid}/template", new Check("/vms/{vmid}", "VM.Allocate")),
            Map.entry("DELETE /nodes/{node}/qemu/{vmid}", new Check("/vms/{vmid}", "VM.Allocate")),
            Map.entry("GET /nodes/{node}/qemu/{vmid}/agent/network-get-interfaces",
                    new Check("/vms/{vmid}", "VM.GuestAgent.Audit")),
            Map.entry("POST /nodes/{node}/qemu/{vmid}/agent/ping", new Check("/vms/{vmid}", "VM.GuestAgent.Audit")),
            Map.entry("POST /nodes/{node}/qemu/{vmid}/termproxy", new Check("/vms/{vmid}", "VM.Console")),
            Map.entry("GET /nodes/{node}/qemu/{vmid}/vncwebsocket", new Check("/vms/{vmid}", "VM.Console")),
            Map.entry("GET /nodes/{node}/storage/{storage}/content", new Check("/storage/{storage}", "Datastore.Audit")),
            Map.entry("POST /nodes/{node}/storage/{storage}/upload",
                    new Check("/storage/{storage}", "Datastore.AllocateTemplate")));

    private static final List<String> FILTERED_LISTS = List.of("GET /cluster/resources", "GET /nodes",
            "GET /nodes/{node}/storage");

    private Permissions() {
    }

    /** Throws the 403 an ACL-less caller gets from {@code endpoint}; power calls share one privilege. */
    static void checkWithoutAcls(String endpoint, Map<String, String> pathParams) {
        Check c = CHECKS.get(endpoint);
        if (c == null && endpoint.startsWith("POST /nodes/{node}/qemu/{vmid}/status/")) {
            c = new Check("/vms/{vmid}", "VM.PowerMgmt");
        }
        if (c == null && endpoint.startsWith("POST /nodes/{node}/qemu") && !endpoint.contains("{vmid}")) {
            c = new Check("/vms", "VM.Allocate");
        }
        if (c == null) {
            return;
        }
        String path = c.aclPath().replace("{vmid}", pathParams.getOrDefault("vmid", ""))
                .replace("{storage}", pathParams.getOrDefault("storage", ""));
        throw ApiException.of(403, "Permission check failed (" + path + ", " + c.privilege() + ")");
    }

    /** A list an ACL-less caller reads comes back empty; everything else unchanged. */
    static Object filterWithoutAcls(String endpoint, Object data) {
        return FILTERED_LISTS.contains(endpoint) && data instanceof List<?> ? List.of() : data;
    }
}
