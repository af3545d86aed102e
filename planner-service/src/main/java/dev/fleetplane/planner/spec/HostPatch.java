package dev.fleetplane.planner.spec;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.Optional;

/**
 * A desired-state change for one host: set (or, with a JSON null, remove) some of its attributes, or remove the
 * host. Applied to the fleet's latest spec version, it makes the next one. Arrives over REST
 * ({@code PATCH /api/v1/hosts/{host}}) or as the {@code PatchHost} event on {@code fleet.desired}.
 *
 * @param set         attribute paths relative to the host ({@code proxmox.cores}; a bare {@code proxmox} attribute
 *                    name such as {@code cores} means {@code proxmox.cores}) to their new JSON values
 * @param remove      remove the host from the spec (then {@code set} must be empty)
 * @param baseVersion when given, the patch applies only if this is still the fleet's latest spec version
 * @param autoApprove empty = as the spec's {@code _fleetplane.autoApprove} says
 * @param requestedBy who asked (recorded with the version, named when a later push reverts the patch)
 */
public record HostPatch(String fleet, String host, Map<String, JsonNode> set, boolean remove, String source,
                        String revision, Long baseVersion, Optional<Boolean> autoApprove, String requestedBy) {
}
