package dev.fleetplane.pvesim.qemu;

import dev.fleetplane.pvesim.http.ApiRouter;
import dev.fleetplane.pvesim.storage.Storages;
import dev.fleetplane.pvesim.task.TaskRunner;

import java.time.Duration;

/**
 * {@code /nodes/{node}/qemu…}, one class per Proxmox sub-resource (list and index, create, config, clone, resize,
 * status, template, destroy, agent; the console's are {@code pvesim.console}'s). Each keeps the split qemu-server
 * makes between early checks (HTTP 500 before a task exists) and task errors (HTTP 200 + UPID, the failure in the
 * task's exitstatus).
 */
public final class QemuApi {

    private final Inventory inventory;
    private final TaskRunner tasks;
    private final Storages storages;
    private final GuestRuntime guests;
    private final GuestBooter booter;
    private final boolean acpiShutdown;

    /** @param acpiShutdown guests obey ACPI powerdown; otherwise only a running guest agent makes them shut down */
    public QemuApi(Inventory inventory, TaskRunner tasks, Storages storages, GuestRuntime guests, Duration bootDelay,
                   Duration dhcpDelay, boolean acpiShutdown) {
        this.inventory = inventory;
        this.tasks = tasks;
        this.storages = storages;
        this.guests = guests;
        this.booter = new GuestBooter(inventory, guests, bootDelay, dhcpDelay);
        this.acpiShutdown = acpiShutdown;
    }

    public void register(ApiRouter router) {
        new QemuIndexApi(inventory).register(router);
        new CreateApi(inventory, tasks, storages, booter).register(router);
        new DestroyApi(inventory, tasks, guests).register(router);
        new CloneApi(inventory, tasks).register(router);
        new ConfigApi(inventory, tasks).register(router);
        new ResizeApi(inventory, tasks).register(router);
        new StatusApi(inventory, tasks, guests, booter, acpiShutdown).register(router);
        new TemplateApi(inventory, tasks).register(router);
        new AgentApi(inventory, guests).register(router);
    }
}
