package dev.fleetplane.templates.saga;

import dev.fleetplane.events.EventCatalog;
import dev.fleetplane.events.FleetEvent;
import dev.fleetplane.events.templates.TemplateUploadProgress;
import dev.fleetplane.messaging.ConsumerPipeline;
import dev.fleetplane.messaging.EventConsumer;
import dev.fleetplane.templates.TemplateSubject;
import dev.fleetplane.templates.TemplatesConfig;
import dev.fleetplane.templates.catalog.Catalog;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Reads the adapter's answers on pve.events. Answers to a build's commands (subject {@code template:<name>},
 * correlation id = the build id) move its saga; clones and destroys of anyone's VMs keep the catalogue's use counts.
 * Everything else on the topic is other services' business.
 */
@ApplicationScoped
public class PveAnswers {

    static final String CONSUMER = "template-builder.pve-events";
    private static final EventConsumer READS = EventConsumer.named(CONSUMER).handlingOnly(
            EventCatalog.IMAGE_UPLOAD_PROGRESS, EventCatalog.IMAGE_UPLOADED, EventCatalog.VM_RESTORED,
            EventCatalog.VM_IMPORTED, EventCatalog.VM_CLONED, EventCatalog.VM_STARTED,
            EventCatalog.GUEST_NETWORK_REPORTED, EventCatalog.GUEST_AGENT_UNAVAILABLE, EventCatalog.VM_STOPPED,
            EventCatalog.VM_DESTROYED, EventCatalog.VM_TEMPLATED, EventCatalog.PVE_OPERATION_FAILED);
    private static final Logger LOG = Logger.getLogger(PveAnswers.class);

    @Inject
    ConsumerPipeline pipeline;

    @Inject
    Sagas sagas;

    @Inject
    Catalog catalog;

    @Inject
    BuildWorker worker;

    @Inject
    TemplatesConfig config;

    @Incoming("pve-events")
    @Blocking
    public void on(ConsumerRecord<String, byte[]> record) {
        // The login runs after the commit: the worker must find the build in logging-in.
        pipeline.prepareThenCommit(READS, record, event -> c -> handle(event, c));
    }

    Runnable handle(FleetEvent e, Connection c) throws SQLException {
        if (e.is(EventCatalog.VM_CLONED)) {
            var cloned = e.dataAs(EventCatalog.VM_CLONED);
            catalog.cloned(c, cloned.node(), cloned.vmid(), cloned.templateVmid());
        } else if (e.is(EventCatalog.VM_DESTROYED)) {
            var destroyed = e.dataAs(EventCatalog.VM_DESTROYED);
            catalog.destroyed(c, destroyed.node(), destroyed.vmid(), e.correlationId());
        } else if (e.is(EventCatalog.PVE_OPERATION_FAILED) && TemplateSubject.is(e.subject())) {
            var failed = e.dataAs(EventCatalog.PVE_OPERATION_FAILED);
            if ("destroy".equals(failed.operation())) {
                catalog.destroyFailed(c, failed.node(), failed.vmid(), failed.message());
            }
        }
        if (!TemplateSubject.is(e.subject()) || e.correlationId() == null) {
            return null;
        }
        String buildId = e.correlationId();
        Instant now = Instant.now();
        Optional<Build> after = sagas.apply(c, buildId, e.id(), b -> decide(b, e, now));
        if (after.isPresent() && after.get().state() == BuildState.LOGGING_IN) {
            return () -> worker.login(buildId);
        }
        return null;
    }

    private Move decide(Build b, FleetEvent e, Instant now) {
        BuildSaga saga = sagas.saga();
        if (e.is(EventCatalog.IMAGE_UPLOAD_PROGRESS)) {
            var p = e.dataAs(EventCatalog.IMAGE_UPLOAD_PROGRESS);
            if (b.state() == BuildState.UPLOADING) {
                return Move.to(b, Out.of(EventCatalog.TEMPLATE_UPLOAD_PROGRESS, new TemplateUploadProgress(
                        b.template(), b.buildId(), b.route(), p.bytesSent(), p.bytesTotal())));
            }
            return Move.none(b);
        }
        if (e.is(EventCatalog.IMAGE_UPLOADED)) {
            var u = e.dataAs(EventCatalog.IMAGE_UPLOADED);
            return saga.imageUploaded(b, u.volid(), u.bytes(), config.api().diskKey(), candidateConfig(b));
        }
        if (e.is(EventCatalog.VM_RESTORED)) {
            return saga.candidateCreated(b, e.dataAs(EventCatalog.VM_RESTORED).vmid());
        }
        if (e.is(EventCatalog.VM_IMPORTED)) {
            return saga.candidateCreated(b, e.dataAs(EventCatalog.VM_IMPORTED).vmid());
        }
        if (e.is(EventCatalog.VM_CLONED)) {
            var cloned = e.dataAs(EventCatalog.VM_CLONED);
            return saga.probeCloned(b, cloned.vmid(), cloned.templateVmid());
        }
        if (e.is(EventCatalog.VM_STARTED)) {
            return saga.probeStarted(b, e.dataAs(EventCatalog.VM_STARTED).vmid(), now);
        }
        if (e.is(EventCatalog.GUEST_NETWORK_REPORTED)) {
            var r = e.dataAs(EventCatalog.GUEST_NETWORK_REPORTED);
            String what = r.chosenIp() != null ? null
                    : "no usable address" + (r.note() != null ? " (" + r.note() + ")" : "") + ", "
                    + r.addresses().size() + " addresses reported";
            return saga.agentAnswered(b, r.vmid(), r.chosenIp(), what, now);
        }
        if (e.is(EventCatalog.GUEST_AGENT_UNAVAILABLE)) {
            var u = e.dataAs(EventCatalog.GUEST_AGENT_UNAVAILABLE);
            return saga.agentAnswered(b, u.vmid(), null, "guest agent " + u.reason() + ": " + u.message(), now);
        }
        if (e.is(EventCatalog.VM_STOPPED)) {
            return saga.probeStopped(b, e.dataAs(EventCatalog.VM_STOPPED).vmid());
        }
        if (e.is(EventCatalog.VM_DESTROYED)) {
            return saga.destroyed(b, e.dataAs(EventCatalog.VM_DESTROYED).vmid(), now);
        }
        if (e.is(EventCatalog.VM_TEMPLATED)) {
            return saga.templated(b, e.dataAs(EventCatalog.VM_TEMPLATED).vmid());
        }
        var f = e.dataAs(EventCatalog.PVE_OPERATION_FAILED);
        LOG.warnf("build %s: the adapter's %s of VM %d failed (%s): %s", b.buildId(), f.operation(), f.vmid(),
                f.failure(), f.message());
        return saga.adapterFailed(b, f.operation(), f.vmid(), f.failure() + ": " + f.message());
    }

    /** The candidate's configuration on the api route: what nixpkgs' proxmox image sets, for a qcow2 that has none. */
    private Map<String, String> candidateConfig(Build b) {
        Map<String, String> cfg = new LinkedHashMap<>();
        cfg.put("agent", "1");
        cfg.put("boot", "order=" + config.api().diskKey());
        cfg.put("cores", "1");
        cfg.put("memory", "1024");
        cfg.put("net0", "virtio,bridge=vmbr0");
        cfg.put("ostype", "l26");
        cfg.put("scsihw", "virtio-scsi-single");
        cfg.put("serial0", "socket");
        cfg.put("vga", "serial0");
        cfg.put("ide2", b.storage() + ":cloudinit");
        return cfg;
    }
}
