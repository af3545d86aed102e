package dev.fleetplane.provisioner.saga;

import dev.fleetplane.events.EventCatalog;
import dev.fleetplane.events.FleetEvent;
import dev.fleetplane.events.provisioning.ProvisionHost;
import dev.fleetplane.messaging.ConsumerPipeline;
import dev.fleetplane.messaging.EventConsumer;
import dev.fleetplane.provisioner.ProvisionerConfig;
import dev.fleetplane.provisioner.ssh.HostKeyPins;
import dev.fleetplane.provisioner.rebuild.RebuildTemplate;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Starts a saga for every {@code ProvisionHost} on provisioning.commands: the row in
 * {@code resolving-ip} and the first QueryGuestNetwork commit together.
 */
@ApplicationScoped
public class ProvisionCommands {

    static final String CONSUMER = "provisioner.provisioning-commands";
    private static final EventConsumer READS = EventConsumer.named(CONSUMER)
            .handling(EventCatalog.PROVISION_HOST, EventCatalog.RETRY_PROVISIONING);
    private static final Logger LOG = Logger.getLogger(ProvisionCommands.class);

    @Inject
    ConsumerPipeline pipeline;

    @Inject
    SagaStore store;

    @Inject
    SagaEvents events;

    @Inject
    ProvisioningSaga saga;

    @Inject
    ProvisionerConfig config;

    @Inject
    HostKeyPins pins;

    @Inject
    Retries retries;

    @Incoming("provisioning-commands")
    @Blocking
    public void on(ConsumerRecord<String, byte[]> record) {
        pipeline.consume(READS, record, this::handle);
    }

    void handle(FleetEvent event, Connection c) throws SQLException {
        if (event.is(EventCatalog.RETRY_PROVISIONING)) {
            var retry = event.dataAs(EventCatalog.RETRY_PROVISIONING);
            try {
                retries.retry(c, retry.host(), retry.requestedBy());
            } catch (Retries.RetryRefused e) {
                // A readable command that cannot be carried out: logged, not dead-lettered (nothing to replay).
                LOG.warnf("RetryProvisioning %s refused: %s", event.id(), e.getMessage());
            }
            return;
        }
        ProvisionHost command = event.dataAs(EventCatalog.PROVISION_HOST);
        String correlation = event.correlationId() != null ? event.correlationId() : event.id();
        Instant now = Instant.now();
        List<String> problems = RebuildTemplate.problems(command);
        if (!problems.isEmpty()) {
            reject(event, command, correlation, problems, c);
            return;
        }
        Optional<Saga> previous = store.lock(c, command.host());
        previous.filter(p -> p.state().isActive()).ifPresent(p -> LOG.warnf(
                "ProvisionHost %s replaces the saga of %s still in %s", event.id(), p.commandEventId(),
                p.state().label()));
        if (command.isNewVm() && pins.forget(c, command.host())) {
            LOG.infof("the plan created its VM anew; the host key pinned for it is dropped");
        }
        Saga started = saga.start(command, event.id(), correlation, now);
        ProvisioningSaga.Tick first = saga.tick(started, now);
        if (!(first instanceof ProvisioningSaga.Tick.SendQuery send)) {
            throw new IllegalStateException("a fresh saga must query at once, got " + first);
        }
        store.save(c, send.saga());
        events.queryGuestNetwork(c, send.saga(), config.ipResolution().preferIpv6());
        LOG.infof("provisioning vmid %d on %s; asking the guest agent for its address (query 1)", command.vmid(),
                command.node());
    }

    /** A command that can never succeed fails at once, naming every problem, without bothering the adapter. */
    private void reject(FleetEvent event, ProvisionHost command, String correlation, List<String> problems,
                        Connection c) throws SQLException {
        String reason = "ProvisionHost " + event.id() + " rejected: " + String.join("; ", problems);
        LOG.error(reason);
        Instant now = Instant.now();
        Saga failed = new Saga(String.valueOf(command.host()), command.vmid(), String.valueOf(command.node()),
                // Missing values are stored empty, never as the word "null", so a retry sees them missing.
                Objects.toString(command.user(), ""), Objects.toString(command.rebuildCommand(), ""), SagaState.FAILED, 0, false,
                null, now, null, correlation, event.id(), event.id(), reason, now, command.isNewVm(), null, null, 0,
                0, false, ProvisioningSaga.STEP_REBUILD, List.of(), null);
        if (command.host() != null && !command.host().isBlank()) {
            store.save(c, failed);
        }
        // Which step it is: the inputs of the rebuild command are what is wrong.
        events.failed(c, failed, "rebuild", reason, List.of());
    }
}
