package dev.fleetplane.events.pve;

/**
 * Command: delete a stopped VM with its disks ({@code purge}, {@code destroy-unreferenced-disks}).
 * The adapter refuses a VM that fleetplane neither created nor adopted.
 */
public record DestroyVm(String node, int vmid, String name) {
}
