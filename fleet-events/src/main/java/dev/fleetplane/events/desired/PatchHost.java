package dev.fleetplane.events.desired;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/**
 * A desired-state change for one host, put on {@code fleet.desired} by an operator or a tool: set (a JSON
 * null removes) some of its attributes, or remove the host. The planner applies it to the fleet's latest
 * spec version, which makes the next version.
 *
 * @param set         attribute paths relative to the host ({@code proxmox.cores}, or a bare proxmox attribute
 *                    name such as {@code cores}) to their new values
 * @param remove      remove the host from the spec ({@code set} must then be empty)
 * @param baseVersion when set, the patch applies only if this is still the latest spec version
 * @param autoApprove null = as the spec's {@code _fleetplane.autoApprove} says
 * @param requestedBy who asks (optional, added later: absent = the event's CloudEvents source); named when a later
 *                    push of a hosts file without the patch reverts it
 */
public record PatchHost(String fleet, String host, Map<String, JsonNode> set, boolean remove, String source,
                        String revision, Long baseVersion, Boolean autoApprove, String requestedBy) {

    /** As before {@code requestedBy} existed. */
    public PatchHost(String fleet, String host, Map<String, JsonNode> set, boolean remove, String source,
                     String revision, Long baseVersion, Boolean autoApprove) {
        this(fleet, host, set, remove, source, revision, baseVersion, autoApprove, null);
    }
}
