package dev.fleetplane.planner.spec;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One value a host patch changed, as recorded with the spec version the patch made.
 *
 * @param host   the host's name
 * @param path   the attribute path relative to the host ({@code proxmox.memory}); empty when the patch removed the
 *               whole host
 * @param before the value before the patch, null when it was not set
 * @param after  the value the patch set, null when the patch removed it
 */
public record PatchedValue(String host, String path, JsonNode before, JsonNode after) {

    public PatchedValue {
        // Stored as JSON, an absent value comes back as a JSON null: both mean "not set".
        before = before == null || before.isNull() || before.isMissingNode() ? null : before;
        after = after == null || after.isNull() || after.isMissingNode() ? null : after;
        path = path == null ? "" : path;
    }

    /** {@code web.proxmox.memory}, or {@code web} for the whole host. */
    public String attribute() {
        return path.isEmpty() ? host : host + "." + path;
    }

    /** The value at {@link #attribute()} in an evaluated spec, null when it is not there. */
    public JsonNode in(JsonNode spec) {
        JsonNode at = spec == null ? null : spec.get(host);
        if (!path.isEmpty()) {
            for (String part : path.split("\\.")) {
                at = at == null || !at.isObject() ? null : at.get(part);
            }
        }
        return at == null || at.isNull() || at.isMissingNode() ? null : at;
    }
}
