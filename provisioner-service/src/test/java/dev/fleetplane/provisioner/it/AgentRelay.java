package dev.fleetplane.provisioner.it;

import dev.fleetplane.events.CloudEventsKafkaCodec;
import dev.fleetplane.events.EventCatalog;
import dev.fleetplane.events.FleetEvent;
import dev.fleetplane.events.Topics;
import dev.fleetplane.events.pve.GuestAddress;
import dev.fleetplane.events.pve.GuestAgentUnavailable;
import dev.fleetplane.events.pve.GuestNetworkReported;
import dev.fleetplane.events.pve.QueryGuestNetwork;
import dev.fleetplane.proxmox.client.GuestIpChoice;
import dev.fleetplane.proxmox.client.PveException;
import dev.fleetplane.proxmox.client.PveReadOnlyClient;
import dev.fleetplane.proxmox.client.VmConfig;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The proxmox-adapter's guest-network answer, without the adapter service: reads QueryGuestNetwork from pve.commands
 * and answers on pve.events with what the PVE simulator's guest agent reports for the VM, the address chosen by the
 * client library's {@link GuestIpChoice} (net0's MAC), as the adapter does. Nothing is scripted: a late agent, an
 * address that changed, are whatever the simulated guest really shows.
 */
final class AgentRelay implements AutoCloseable {

    private static final String SOURCE = "/fleetplane/proxmox-adapter";

    private final PveReadOnlyClient pve;
    private final KafkaConsumer<String, byte[]> consumer;
    private final KafkaProducer<String, byte[]> producer;
    private final Thread thread;
    private final List<FleetEvent> queries = new CopyOnWriteArrayList<>();
    private final List<FleetEvent> answers = new CopyOnWriteArrayList<>();
    private volatile boolean running = true;

    AgentRelay(String bootstrap, PveReadOnlyClient pve) {
        this.pve = pve;
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ConsumerConfig.GROUP_ID_CONFIG, "agent-relay-" + UUID.randomUUID());
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        consumer = new KafkaConsumer<>(c, new StringDeserializer(), new ByteArrayDeserializer());
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
        consumer.subscribe(List.of(Topics.PVE_COMMANDS));
        while (consumer.assignment().isEmpty()) {
            consumer.poll(Duration.ofMillis(100)); // joined: no query sent after the constructor is missed
        }
        thread = new Thread(this::loop, "agent-relay");
        thread.setDaemon(true);
        thread.start();
    }

    List<FleetEvent> queriesFor(String host) {
        return queries.stream().filter(q -> host.equals(q.subject())).toList();
    }

    List<FleetEvent> answersFor(String host) {
        return answers.stream().filter(q -> host.equals(q.subject())).toList();
    }

    private void loop() {
        while (running) {
            for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                FleetEvent query = CloudEventsKafkaCodec.decode(r.headers(), r.value());
                if (query.is(EventCatalog.QUERY_GUEST_NETWORK)) {
                    queries.add(query);
                    answer(query, query.dataAs(EventCatalog.QUERY_GUEST_NETWORK));
                }
            }
        }
    }

    private void answer(FleetEvent query, QueryGuestNetwork q) {
        String host = query.subject();
        FleetEvent reply;
        try {
            VmConfig config = pve.config(q.node(), q.vmid());
            GuestIpChoice.Result choice = GuestIpChoice.choose(config.net0Mac().orElse(null),
                    pve.guestInterfaces(q.node(), q.vmid()), q.preferIpv6(), false);
            reply = FleetEvent.causedBy(query, EventCatalog.GUEST_NETWORK_REPORTED, SOURCE, host,
                    new GuestNetworkReported(q.node(), q.vmid(), choice.chosenIp(), choice.addresses().stream()
                            .map(a -> new GuestAddress(a.interfaceName(), a.mac(), a.ip(), a.family(), a.prefix()))
                            .toList(), choice.note()));
        } catch (PveException e) {
            String reason = switch (e.failure()) {
                case AGENT_NOT_CONFIGURED -> "not-configured";
                case AGENT_NOT_RUNNING -> "not-running";
                case VM_NOT_RUNNING -> "vm-not-running";
                default -> "error";
            };
            reply = FleetEvent.causedBy(query, EventCatalog.GUEST_AGENT_UNAVAILABLE, SOURCE, host,
                    new GuestAgentUnavailable(q.node(), q.vmid(), reason, e.getMessage()));
        }
        answers.add(reply);
        try {
            producer.send(CloudEventsKafkaCodec.toRecord(Topics.PVE_EVENTS, host, reply)).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("agent relay could not answer " + query.id(), e);
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(5000);
        consumer.close();
        producer.close();
    }
}
