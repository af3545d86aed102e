package dev.fleetplane.events.plans;

import java.util.List;

/**
 * What a plan will do to one host.
 *
 * @param action     {@code create}, {@code update}, {@code grow-disk}, {@code replace}, {@code destroy},
 *                   {@code forget}, {@code adopt} or {@code no-op}
 * @param changes    attribute lines as the text plan shows them, e.g. {@code cores: 2 -> 4}
 * @param attributes the same changes, structured
 * @param reason     why the action was chosen when it is not obvious (e.g. {@code replace_because_cannot_update},
 *                   {@code delete_because_no_resource_config}); null otherwise
 */
public record PlannedChange(String host, String action, int vmid, String node, List<String> changes,
                            List<AttributeChange> attributes, String reason) {

    /** The schema-1 shape, before attributes and reason existed. */
    public PlannedChange(String host, String action, int vmid, String node, List<String> changes) {
        this(host, action, vmid, node, changes, List.of(), null);
    }
}
