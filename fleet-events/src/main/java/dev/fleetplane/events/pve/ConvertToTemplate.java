package dev.fleetplane.events.pve;

/** Command: turn a stopped VM fleetplane created into a template ({@code qmtemplate}); clones are made from it. */
public record ConvertToTemplate(String node, int vmid) {
}
