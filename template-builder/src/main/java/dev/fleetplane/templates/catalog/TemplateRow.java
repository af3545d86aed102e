package dev.fleetplane.templates.catalog;

import java.time.Instant;

/**
 * A template a build made ready, with what the catalogue saw of its use.
 *
 * @param inUse      VMs cloned from it that still exist (seen on pve.events)
 * @param lastCloned when a VM was last cloned from it; null: never since it was ready
 * @param deleting   retention asked the adapter to destroy it and the answer is outstanding
 */
public record TemplateRow(String name, String node, int vmid, String buildId, String sha256, String builtFrom,
                          String route, Instant readyAt, Instant promotedAt, Instant deletedAt, boolean deleting,
                          int inUse, Instant lastCloned) {
}
