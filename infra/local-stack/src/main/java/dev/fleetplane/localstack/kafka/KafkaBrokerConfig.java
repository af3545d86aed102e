package dev.fleetplane.localstack.kafka;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The {@code server.properties} of a single-node KRaft broker on loopback (broker and controller in one process).
 *
 * @param clusterId a Kafka base64 UUID, fresh for every stack
 * @param auth      SASL/SCRAM on the client listener, SASL/PLAIN (the admin only) on the controller listener and
 *                  ACLs ({@code StandardAuthorizer}, the admin the only super user); empty: plaintext, no ACLs
 */
public record KafkaBrokerConfig(String host, int clientPort, int controllerPort, Path logDir, String clusterId,
                                Optional<KafkaAuth> auth) {

    static final String AUTHORIZER = "org.apache.kafka.metadata.authorizer.StandardAuthorizer";

    /** A broker without authentication: anyone who reaches the port may read and write every topic. */
    public KafkaBrokerConfig(String host, int clientPort, int controllerPort, Path logDir, String clusterId) {
        this(host, clientPort, controllerPort, logDir, clusterId, Optional.empty());
    }

    public KafkaBrokerConfig {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(auth, "auth");
        Objects.requireNonNull(logDir, "logDir");
        if (clientPort < 1 || clientPort > 65535 || controllerPort < 1 || controllerPort > 65535) {
            throw new IllegalArgumentException("kafka ports must be 1-65535, got client " + clientPort
                    + " and controller " + controllerPort);
        }
        if (clientPort == controllerPort) {
            throw new IllegalArgumentException("kafka client and controller ports must differ, both are " + clientPort);
        }
        if (clusterId == null || clusterId.isBlank()) {
            throw new IllegalArgumentException("kafka cluster id must not be blank");
        }
    }

    public String bootstrapServers() {
        return host + ":" + clientPort;
    }

    /** Ordered so that the written file reads top-down like a recipe. */
    public Map<String, String> properties() {
        var p = new LinkedHashMap<String, String>();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.voters", "1@" + host + ":" + controllerPort);
        String client = auth.isPresent() ? "SASL_PLAINTEXT" : "PLAINTEXT";
        p.put("listeners", client + "://" + host + ":" + clientPort + ",CONTROLLER://" + host + ":" + controllerPort);
        p.put("advertised.listeners", client + "://" + host + ":" + clientPort);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", client);
        p.put("listener.security.protocol.map", client + ":" + client + ",CONTROLLER:" + client);
        auth.ifPresent(a -> putAuth(p, a));
        p.put("log.dirs", logDir.toString());
        // Topics exist only as declared in fleet-events' Topics: a typo in a service must fail, not create a topic.
        p.put("auto.create.topics.enable", "false");
        p.put("num.partitions", "1");
        // An inventory of thousands of VMs is one record; producers compress it (fleet-messaging) and may send up to 8 MiB.
        p.put("message.max.bytes", Integer.toString(8 << 20));
        // One node: every internal topic must accept a single replica, or consumer groups never get data.
        p.put("default.replication.factor", "1");
        p.put("min.insync.replicas", "1");
        p.put("offsets.topic.replication.factor", "1");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        // Fewer internal partitions make the first group join and the first transaction quick on two cores.
        p.put("offsets.topic.num.partitions", "5");
        p.put("transaction.state.log.num.partitions", "5");
        // Tests start consumers one by one; waiting 3 s for more members only slows them down.
        p.put("group.initial.rebalance.delay.ms", "0");
        return p;
    }

    /**
     * SCRAM users live in the cluster metadata, which the controller listener cannot use to log in (KRaft allows only
     * PLAIN there), so the controller listener knows the admin alone, from this file; the client listener takes SCRAM
     * users (the admin is created with the storage, the services by {@link KafkaBroker}). A controller listener left
     * in plaintext would need {@code User:ANONYMOUS} as a super user, and anyone reaching its port would be one.
     */
    private static void putAuth(Map<String, String> p, KafkaAuth auth) {
        String admin = KafkaAuth.ADMIN;
        String password = auth.password(admin);
        p.put("sasl.enabled.mechanisms", KafkaAuth.MECHANISM);
        p.put("sasl.mechanism.inter.broker.protocol", KafkaAuth.MECHANISM);
        p.put("listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config", KafkaAuth.scramJaas(admin, password));
        p.put("sasl.mechanism.controller.protocol", "PLAIN");
        p.put("listener.name.controller.sasl.enabled.mechanisms", "PLAIN");
        p.put("listener.name.controller.plain.sasl.jaas.config",
                "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"" + admin
                        + "\" password=\"" + password + "\" user_" + admin + "=\"" + password + "\";");
        p.put("authorizer.class.name", AUTHORIZER);
        p.put("super.users", "User:" + admin);
        p.put("allow.everyone.if.no.acl.found", "false");
    }

    public String toPropertiesFile() {
        return properties().entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining("\n", "# written by fleetplane local-stack\n", "\n"));
    }
}
