package dev.fleetplane.events.templates;

/**
 * Command: build a NixOS template image, check it, register it on Proxmox as a candidate VM, smoke-test a clone of
 * it, and only then convert the candidate into a template. The command's id is the build's id.
 *
 * @param template       the template's name (the record key), e.g. {@code nixos}
 * @param recipe         a directory holding a flake whose default recipe is built; null: the configured one
 * @param flake          a flake reference naming the image instead of a recipe, e.g.
 *                       {@code .#nixosConfigurations.template.config.system.build.images.proxmox}; null: none
 * @param route          {@code sftp} (a VMA to the node's dump directory, then restore) or {@code api} (a qcow2
 *                       uploaded as import content, then a VM created with {@code import-from}); null: the default
 * @param node           the Proxmox node; null: the configured one
 * @param storage        the storage the template's disks go to; null: the configured one
 * @param timeoutSeconds the build's time limit; null or 0: the configured one
 * @param requestedBy    who asked (the CLI's user, CI), for the audit trail; null: unknown
 */
public record BuildTemplate(String template, String recipe, String flake, String route, String node, String storage,
                            Integer timeoutSeconds, String requestedBy) {
}
