package dev.fleetplane.adapter.commands;

import dev.fleetplane.messaging.ConsumerPipeline;
import dev.fleetplane.messaging.EventConsumer;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Reads {@code pve.commands} through the {@link ConsumerPipeline}: unreadable records and events that are not adapter
 * commands go to {@code pve.commands.dlq}; a command already handled is skipped; otherwise its handler does the
 * Proxmox I/O outside any transaction and the outcome is written together with the inbox row, then the task poller
 * is woken. Long waits (tasks) are left to the task poller, so this thread only makes short calls.
 */
@ApplicationScoped
public class PveCommandConsumer {

    static final String CONSUMER = "proxmox-adapter";

    @Inject
    ConsumerPipeline pipeline;

    @Inject
    CommandHandlers handlers;

    @Inject
    TaskFollower poller;

    /** Admits exactly the kinds a handler is registered for; any other type is dead-lettered naming them. */
    private EventConsumer reads;

    @PostConstruct
    void admitRegisteredKinds() {
        reads = EventConsumer.named(CONSUMER).handling(handlers.kinds());
    }

    @Incoming("pve-commands")
    @Blocking
    public void on(ConsumerRecord<String, byte[]> record) {
        pipeline.prepareThenCommit(reads, record, event -> {
            Outcome outcome = handlers.forEvent(event).orElseThrow().handle(new Command(event, record.key()));
            return c -> {
                outcome.write(c);
                return poller::wake;
            };
        });
    }
}
