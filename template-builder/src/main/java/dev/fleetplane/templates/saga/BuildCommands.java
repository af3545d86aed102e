package dev.fleetplane.templates.saga;

import dev.fleetplane.events.EventCatalog;
import dev.fleetplane.events.FleetEvent;
import dev.fleetplane.events.templates.BuildTemplate;
import dev.fleetplane.events.templates.TemplateRejected;
import dev.fleetplane.messaging.ConsumerPipeline;
import dev.fleetplane.messaging.EventConsumer;
import dev.fleetplane.messaging.EventSource;
import dev.fleetplane.messaging.Outbox;
import dev.fleetplane.templates.TemplatesConfig;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Starts a build for every {@code BuildTemplate} on templates.commands: the build row (its id is the command's id)
 * and the inbox row commit together, then the worker runs the build phase. A command that can never succeed (an
 * unknown route, a missing recipe, the sftp route without the node's SSH settings) is rejected at once, naming every
 * problem, before anything is built.
 */
@ApplicationScoped
public class BuildCommands {

    static final String CONSUMER = "template-builder.templates-commands";
    private static final EventConsumer READS = EventConsumer.named(CONSUMER).handling(EventCatalog.BUILD_TEMPLATE);
    private static final Logger LOG = Logger.getLogger(BuildCommands.class);

    @Inject
    ConsumerPipeline pipeline;

    @Inject
    BuildStore store;

    @Inject
    BuildWorker worker;

    @Inject
    TemplatesConfig config;

    @Inject
    Outbox outbox;

    @Inject
    EventSource source;

    @Incoming("templates-commands")
    @Blocking
    public void on(ConsumerRecord<String, byte[]> record) {
        pipeline.prepareThenCommit(READS, record, event -> c -> handle(event, c));
    }

    /** Returns the worker's job to start after the commit, or null. */
    Runnable handle(FleetEvent event, Connection c) throws SQLException {
        BuildTemplate cmd = event.dataAs(EventCatalog.BUILD_TEMPLATE);
        BuildRequest request = BuildRequest.of(cmd, config);
        List<String> problems = request.problems(config);
        if (!problems.isEmpty()) {
            String name = cmd.template() == null || cmd.template().isBlank() ? "(unnamed)" : cmd.template();
            String reason = "BuildTemplate " + event.id() + " refused: " + String.join("; ", problems);
            LOG.error(reason);
            FleetEvent rejected = FleetEvent.causedBy(event, EventCatalog.TEMPLATE_REJECTED, source.uri(), name,
                    new TemplateRejected(name, event.id(), "build", reason));
            outbox.append(c, name, rejected);
            return null;
        }
        Build b = request.toBuild(event.id(), Instant.now());
        if (!store.insert(c, b)) {
            LOG.infof("build %s exists already; nothing to start", event.id());
            return null;
        }
        LOG.infof("build %s of %s accepted: %s route from %s onto %s/%s", b.buildId(), b.template(), b.route(),
                b.builtFrom(), b.node(), b.storage());
        return () -> worker.buildPhase(b.buildId());
    }
}
