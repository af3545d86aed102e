package dev.fleetplane.proxmox.client;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * {@code GET /nodes/{node}/qemu/{vmid}/status/current}, the fields fleetplane acts on.
 *
 * @param lock null when the VM is not locked
 */
public record VmStatus(int vmid, String name, String status, String qmpStatus, boolean agent, String lock,
                       long uptimeSeconds) {

    public boolean running() {
        return "running".equals(status);
    }

    static VmStatus from(JsonNode data, int vmid) {
        JsonFields.object(data, "VM status");
        return new VmStatus(JsonFields.intValue(data, "vmid", vmid), JsonFields.text(data, "name", ""),
                JsonFields.text(data, "status", "unknown"), JsonFields.text(data, "qmpstatus"),
                JsonFields.bool(data, "agent"), JsonFields.text(data, "lock"), JsonFields.longValue(data, "uptime", 0));
    }
}
