package dev.fleetplane.planner;

import dev.fleetplane.events.CloudEventsKafkaCodec;
import dev.fleetplane.events.EventCatalog;
import dev.fleetplane.events.EventKind;
import dev.fleetplane.events.FleetEvent;
import dev.fleetplane.events.Topics;
import dev.fleetplane.events.provisioning.ProvisionHost;
import dev.fleetplane.events.provisioning.ProvisioningSucceeded;
import dev.fleetplane.events.pve.CloneVm;
import dev.fleetplane.events.pve.ConfigureVm;
import dev.fleetplane.events.pve.DestroyVm;
import dev.fleetplane.events.pve.PveOperationFailed;
import dev.fleetplane.events.pve.ResizeDisk;
import dev.fleetplane.events.pve.StartVm;
import dev.fleetplane.events.pve.StopVm;
import dev.fleetplane.events.pve.VmCloned;
import dev.fleetplane.events.pve.VmConfigured;
import dev.fleetplane.events.pve.VmDestroyed;
import dev.fleetplane.events.pve.VmResized;
import dev.fleetplane.events.pve.VmStarted;
import dev.fleetplane.events.pve.VmStopped;
import dev.fleetplane.localstack.quarkus.LocalStackTestResource;
import dev.fleetplane.localstack.quarkus.TopicRecorder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Test side: plays the proxmox-adapter and the provisioner on their real topics. Waits for the planner's
 * commands and answers them as those services would.
 */
final class FleetPlay implements AutoCloseable {

    static final Duration WAIT = Duration.ofSeconds(30);
    static final String ADAPTER = "/fleetplane/proxmox-adapter";
    static final String PROVISIONER = "/fleetplane/provisioner";

    final TopicRecorder recorder;
    private final KafkaProducer<String, byte[]> producer;
    private final Set<String> taken = ConcurrentHashMap.newKeySet();

    FleetPlay() {
        String bootstrap = LocalStackTestResource.current().kafkaBootstrapServers();
        recorder = new TopicRecorder(bootstrap, List.of(Topics.PVE_COMMANDS, Topics.FLEET_PLANS,
                Topics.PROVISIONING_COMMANDS, Topics.FLEET_DESIRED));
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    }

    /** The next command of {@code kind} for {@code host} under {@code planId} not awaited before. */
    FleetEvent command(EventKind<?> kind, String host, String planId) throws InterruptedException {
        FleetEvent e = recorder.await(kind.name() + " " + host + " (" + planId + ")", s -> s.event() != null
                && s.event().is(kind) && host.equals(s.key()) && planId.equals(s.event().correlationId())
                && !taken.contains(s.event().id()), WAIT).event();
        taken.add(e.id());
        return e;
    }

    /** The oldest command for {@code host} under {@code planId} not answered yet; null when none is out. */
    FleetEvent nextUnanswered(String host, String planId) {
        for (TopicRecorder.Seen s : recorder.all()) {
            FleetEvent e = s.event();
            if (e != null && (s.topic().equals(Topics.PVE_COMMANDS) || s.topic().equals(Topics.PROVISIONING_COMMANDS))
                    && host.equals(s.key()) && planId.equals(e.correlationId()) && taken.add(e.id())) {
                return e;
            }
        }
        return null;
    }

    /** How many commands of {@code kind} the planner sent for {@code host} under {@code planId}. */
    long sent(EventKind<?> kind, String host, String planId) {
        return recorder.all().stream().filter(s -> s.event() != null && s.event().is(kind) && host.equals(s.key())
                && planId.equals(s.event().correlationId())).count();
    }

    /** Answers a command with its success event, as the adapter (or the provisioner) would. */
    void succeed(FleetEvent cmd) throws Exception {
        String host = cmd.subject();
        if (cmd.is(EventCatalog.CLONE_VM)) {
            CloneVm d = cmd.dataAs(EventCatalog.CLONE_VM);
            pve(host, FleetEvent.causedBy(cmd, EventCatalog.VM_CLONED, ADAPTER, host,
                    new VmCloned(d.node(), d.vmid(), d.name(), d.templateVmid(), "UPID:clone")));
        } else if (cmd.is(EventCatalog.CONFIGURE_VM)) {
            ConfigureVm d = cmd.dataAs(EventCatalog.CONFIGURE_VM);
            List<String> keys = new ArrayList<>(List.of("cores", "memory"));
            keys.addAll(new TreeMap<>(d.extra()).keySet());
            pve(host, FleetEvent.causedBy(cmd, EventCatalog.VM_CONFIGURED, ADAPTER, host,
                    new VmConfigured(d.node(), d.vmid(), keys)));
        } else if (cmd.is(EventCatalog.START_VM)) {
            StartVm d = cmd.dataAs(EventCatalog.START_VM);
            pve(host, FleetEvent.causedBy(cmd, EventCatalog.VM_STARTED, ADAPTER, host,
                    new VmStarted(d.node(), d.vmid(), "UPID:start")));
        } else if (cmd.is(EventCatalog.RESIZE_DISK)) {
            ResizeDisk d = cmd.dataAs(EventCatalog.RESIZE_DISK);
            pve(host, FleetEvent.causedBy(cmd, EventCatalog.VM_RESIZED, ADAPTER, host,
                    new VmResized(d.node(), d.vmid(), d.disk(), d.size(), "UPID:resize")));
        } else if (cmd.is(EventCatalog.STOP_VM)) {
            StopVm d = cmd.dataAs(EventCatalog.STOP_VM);
            pve(host, FleetEvent.causedBy(cmd, EventCatalog.VM_STOPPED, ADAPTER, host,
                    new VmStopped(d.node(), d.vmid(), true, "UPID:stop")));
        } else if (cmd.is(EventCatalog.DESTROY_VM)) {
            DestroyVm d = cmd.dataAs(EventCatalog.DESTROY_VM);
            pve(host, FleetEvent.causedBy(cmd, EventCatalog.VM_DESTROYED, ADAPTER, host,
                    new VmDestroyed(d.node(), d.vmid(), "UPID:destroy")));
        } else if (cmd.is(EventCatalog.PROVISION_HOST)) {
            ProvisionHost d = cmd.dataAs(EventCatalog.PROVISION_HOST);
            publish(Topics.PROVISIONING_EVENTS, host, FleetEvent.causedBy(cmd, EventCatalog.PROVISIONING_SUCCEEDED,
                    PROVISIONER, host, new ProvisioningSucceeded(host, d.vmid(), "10.0.0." + (d.vmid() % 250))));
        } else {
            throw new IllegalArgumentException("not a command the test answers: " + cmd.type());
        }
    }

    /** Answers a Proxmox command with a typed failure of {@code operation}, as the adapter reports it. */
    void fail(FleetEvent cmd, String operation, int vmid, String failure, boolean retryable, String message)
            throws Exception {
        pve(cmd.subject(), FleetEvent.causedBy(cmd, EventCatalog.PVE_OPERATION_FAILED, ADAPTER, cmd.subject(),
                new PveOperationFailed(operation, "pve", vmid, failure, message, 0, null, null, List.of(), retryable)));
    }

    /** Answers a Proxmox command with a failure of {@code operation}. */
    void fail(FleetEvent cmd, String operation, int vmid, String message) throws Exception {
        pve(cmd.subject(), FleetEvent.causedBy(cmd, EventCatalog.PVE_OPERATION_FAILED, ADAPTER, cmd.subject(),
                new PveOperationFailed(operation, "pve", vmid, "task-failed", message, 0, null, "ERROR", List.of(),
                        false)));
    }

    void pve(String key, FleetEvent e) throws Exception {
        publish(Topics.PVE_EVENTS, key, e);
    }

    void publish(String topic, String key, FleetEvent e) throws Exception {
        producer.send(CloudEventsKafkaCodec.toRecord(topic, key, e)).get(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws Exception {
        producer.close(Duration.ofSeconds(5));
        recorder.close();
    }
}
