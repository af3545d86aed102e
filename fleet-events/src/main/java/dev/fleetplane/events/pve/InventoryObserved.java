package dev.fleetplane.events.pve;

import java.util.List;

/** The fleet as Proxmox sees it, with a digest that changes whenever any VM's listed attributes do. */
public record InventoryObserved(String pveUrl, List<ObservedVm> vms, String digest) {
}
