package dev.fleetplane.adapter.commands;

import dev.fleetplane.adapter.clone.CloneHandler;
import dev.fleetplane.adapter.configure.ConfigureHandler;
import dev.fleetplane.adapter.destroy.DestroyHandler;
import dev.fleetplane.adapter.disk.ResizeHandler;
import dev.fleetplane.adapter.guest.GuestNetworkHandler;
import dev.fleetplane.adapter.inventory.InventorySync;
import dev.fleetplane.adapter.power.RebootHandler;
import dev.fleetplane.adapter.power.StartHandler;
import dev.fleetplane.adapter.restore.RestoreHandler;
import dev.fleetplane.adapter.template.TemplateHandler;
import dev.fleetplane.adapter.power.StopHandler;
import dev.fleetplane.adapter.task.TaskPoller;
import dev.fleetplane.events.EventCatalog;
import dev.fleetplane.events.FleetEvent;
import dev.fleetplane.messaging.ConsumerPipeline;
import dev.fleetplane.messaging.EventConsumer;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Reads {@code pve.commands} through the {@link ConsumerPipeline}: unreadable records and events that are not adapter
 * commands go to {@code pve.commands.dlq}; a command already handled is skipped; otherwise its handler does the
 * Proxmox I/O outside any transaction and the outcome is written together with the inbox row, then the task poller
 * is woken. Long waits (tasks)
 * are left to the task poller, so this thread only makes short calls.
 */
@ApplicationScoped
public class PveCommandConsumer {

    static final String CONSUMER = "proxmox-adapter";
    private static final EventConsumer READS = EventConsumer.named(CONSUMER).handling(EventCatalog.SYNC_INVENTORY,
            EventCatalog.CLONE_VM, EventCatalog.CONFIGURE_VM, EventCatalog.START_VM, EventCatalog.RESIZE_DISK,
            EventCatalog.STOP_VM, EventCatalog.REBOOT_VM, EventCatalog.DESTROY_VM, EventCatalog.RESTORE_VM,
            EventCatalog.CONVERT_TO_TEMPLATE, EventCatalog.QUERY_GUEST_NETWORK);

    @Inject
    ConsumerPipeline pipeline;

    @Inject
    InventorySync inventory;

    @Inject
    CloneHandler clone;

    @Inject
    ConfigureHandler configure;

    @Inject
    StartHandler start;

    @Inject
    GuestNetworkHandler guestNetwork;

    @Inject
    ResizeHandler resize;

    @Inject
    StopHandler stop;

    @Inject
    RebootHandler reboot;

    @Inject
    DestroyHandler destroy;

    @Inject
    RestoreHandler restore;

    @Inject
    TemplateHandler template;

    @Inject
    TaskPoller poller;

    @Incoming("pve-commands")
    @Blocking
    public void on(ConsumerRecord<String, byte[]> record) {
        pipeline.prepareThenCommit(READS, record, event -> {
            Outcome outcome = handlerFor(event).orElseThrow().handle(new Command(event, record.key()));
            return c -> {
                outcome.write(c);
                return poller::wake;
            };
        });
    }

    private Optional<CommandHandler> handlerFor(FleetEvent event) {
        if (event.is(EventCatalog.SYNC_INVENTORY)) {
            return Optional.of(inventory);
        }
        if (event.is(EventCatalog.CLONE_VM)) {
            return Optional.of(clone);
        }
        if (event.is(EventCatalog.CONFIGURE_VM)) {
            return Optional.of(configure);
        }
        if (event.is(EventCatalog.START_VM)) {
            return Optional.of(start);
        }
        if (event.is(EventCatalog.RESIZE_DISK)) {
            return Optional.of(resize);
        }
        if (event.is(EventCatalog.STOP_VM)) {
            return Optional.of(stop);
        }
        if (event.is(EventCatalog.REBOOT_VM)) {
            return Optional.of(reboot);
        }
        if (event.is(EventCatalog.DESTROY_VM)) {
            return Optional.of(destroy);
        }
        if (event.is(EventCatalog.RESTORE_VM)) {
            return Optional.of(restore);
        }
        if (event.is(EventCatalog.CONVERT_TO_TEMPLATE)) {
            return Optional.of(template);
        }
        if (event.is(EventCatalog.QUERY_GUEST_NETWORK)) {
            return Optional.of(guestNetwork);
        }
        return Optional.empty();
    }
}
