package dev.fleetplane.proxmox.client;

import com.fasterxml.jackson.databind.JsonNode;

/** {@code GET /version}: which Proxmox VE answers. */
public record PveVersion(String version, String release, String repoid) {

    static PveVersion from(JsonNode data) {
        JsonFields.object(data, "version data");
        return new PveVersion(JsonFields.text(data, "version", ""), JsonFields.text(data, "release", ""),
                JsonFields.text(data, "repoid", ""));
    }
}
