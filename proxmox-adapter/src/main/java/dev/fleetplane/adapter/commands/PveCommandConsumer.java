package dev.fleetplane.adapter.commands;

import dev.fleetplane.events.FleetEvent;
import dev.fleetplane.messaging.Database;
import dev.fleetplane.messaging.DeadLetters;
import dev.fleetplane.messaging.EventIntake;
import dev.fleetplane.messaging.Inbox;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Reads {@code pve.commands}: unreadable records and events that are not adapter commands go to
 * {@code pve.commands.dlq}; a command already handled is skipped; otherwise its handler does the Proxmox
 * I/O outside any transaction and the outcome is written together with the inbox row. Long waits (tasks)
 * are left to the task poller, so this thread only makes short calls.
 */
@ApplicationScoped
public class PveCommandConsumer {

    static final String CONSUMER = "proxmox-adapter";
    private static final Logger LOG = Logger.getLogger(PveCommandConsumer.class);
    private static final int ATTEMPTS = 5;

    @Inject
    EventIntake intake;

    @Inject
    Inbox inbox;

    @Inject
    Database database;

    @Inject
    DeadLetters deadLetters;

    @Inject
    CommandHandlers handlers;

    @Inject
    TaskFollower poller;

    @Incoming("pve-commands")
    @Blocking
    public void on(ConsumerRecord<String, byte[]> record) {
        Optional<FleetEvent> decoded = intake.decode(CONSUMER, record);
        if (decoded.isEmpty()) {
            return;
        }
        FleetEvent event = decoded.get();
        Optional<CommandHandler> handler = handlers.forEvent(event);
        if (handler.isEmpty()) {
            deadLetters.send(CONSUMER, record, event.type() + " (event " + event.id() + ") is not a command proxmox-adapter"
                    + " handles; expected one of " + handlers.accepted());
            return;
        }
        Command command = new Command(event, record.key());
        if (database.read(c -> inbox.alreadyHandled(c, CONSUMER, event.id()))) {
            LOG.infof("%s already handled, skipping redelivery (%s)", event.type(), command.logContext());
            return;
        }
        long backoff = 200;
        for (int attempt = 1; ; attempt++) {
            try {
                Outcome outcome = handler.get().handle(command);
                boolean first = database.inTransaction(c -> {
                    if (!inbox.firstDelivery(c, CONSUMER, event.id())) {
                        return false;
                    }
                    outcome.write(c);
                    return true;
                });
                poller.wake();
                if (!first) {
                    LOG.infof("%s was handled concurrently; its outcome is already recorded (%s)", event.type(),
                            command.logContext());
                }
                return;
            } catch (RuntimeException e) {
                if (attempt >= ATTEMPTS) {
                    deadLetters.send(CONSUMER, record, "handling " + event.type() + " failed after " + attempt
                            + " attempts: " + e);
                    return;
                }
                LOG.warnf("handling %s failed, attempt %d of %d (%s): %s", event.type(), attempt, ATTEMPTS,
                        command.logContext(), e.toString());
                sleep(backoff);
                backoff = Math.min(backoff * 2, 5000);
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
