package dev.fleetplane.localstack.kafka;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KafkaBrokerConfigTest {

    private final KafkaBrokerConfig config =
            new KafkaBrokerConfig("127.0.0.1", 19092, 19093, Path.of("/tmp/stack/kafka/data"), "MkU3OEVBNTcwNTJENDM2Qk");

    @Test
    void singleNode_runsBrokerAndControllerOnLoopbackListeners() {
        var p = config.properties();
        assertEquals("broker,controller", p.get("process.roles"));
        assertEquals("1@127.0.0.1:19093", p.get("controller.quorum.voters"));
        assertEquals("PLAINTEXT://127.0.0.1:19092,CONTROLLER://127.0.0.1:19093", p.get("listeners"));
        assertEquals("PLAINTEXT://127.0.0.1:19092", p.get("advertised.listeners"));
        assertEquals("CONTROLLER", p.get("controller.listener.names"));
        assertEquals("/tmp/stack/kafka/data", p.get("log.dirs"));
        assertEquals("127.0.0.1:19092", config.bootstrapServers());
    }

    @Test
    void internalTopics_haveOneReplica_soConsumerGroupsWorkOnOneNode() {
        var p = config.properties();
        for (String key : new String[] {"offsets.topic.replication.factor", "transaction.state.log.replication.factor",
                "transaction.state.log.min.isr", "default.replication.factor", "min.insync.replicas",
                "share.coordinator.state.topic.replication.factor", "share.coordinator.state.topic.min.isr"}) {
            assertEquals("1", p.get(key), key);
        }
    }

    @Test
    void autoCreate_isDisabled_andRebalanceDelayIsZero() {
        assertEquals("false", config.properties().get("auto.create.topics.enable"));
        assertEquals("0", config.properties().get("group.initial.rebalance.delay.ms"));
    }

    @Test
    void propertiesFile_holdsOneKeyValuePerLine() {
        String file = config.toPropertiesFile();
        assertTrue(file.startsWith("# written by fleetplane local-stack\n"), file);
        assertTrue(file.contains("\nnode.id=1\n"), file);
        assertEquals(config.properties().size() + 1, file.lines().count());
    }

    @Test
    void sameClientAndControllerPort_isRejected() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> new KafkaBrokerConfig("127.0.0.1", 19092, 19092, Path.of("/tmp/x"), "id"));
        assertTrue(e.getMessage().contains("19092"), e.getMessage());
    }

    @Test
    void blankClusterId_isRejected() {
        assertThrows(IllegalArgumentException.class,
                () -> new KafkaBrokerConfig("127.0.0.1", 19092, 19093, Path.of("/tmp/x"), " "));
    }

    @Test
    void brokerCommand_runsBrokerMainInASmallJvm() {
        var command = KafkaBroker.command(Path.of("/jdk/bin/java"), "/a.jar:/b.jar", Path.of("/w/server.properties"),
                "cid", 4242, false);
        assertEquals("/jdk/bin/java", command.get(0));
        assertTrue(command.containsAll(java.util.List.of("-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1")));
        int cp = command.indexOf("-cp");
        assertEquals("/a.jar:/b.jar", command.get(cp + 1));
        assertEquals(java.util.List.of(BrokerMain.class.getName(), "/w/server.properties", "cid", "4242"),
                command.subList(cp + 2, command.size()));
    }

    @Test
    void brokerCommand_ofKeptData_asksForACleanShutdownWhenTheOwnerDies() {
        var command = KafkaBroker.command(Path.of("/jdk/bin/java"), "/a.jar", Path.of("/w/server.properties"),
                "cid", 4242, true);
        assertEquals("keep", command.get(command.size() - 1));
    }

    @Test
    void withAuth_scramOnTheClientListener_plainForTheAdminOnTheController_andAcls() {
        var auth = new KafkaAuth(Path.of("/tmp/users"), java.util.Map.of(KafkaAuth.ADMIN, "s3cret"));
        var p = new KafkaBrokerConfig("127.0.0.1", 19092, 19093, Path.of("/tmp/d"), "id", java.util.Optional.of(auth))
                .properties();
        assertEquals("SASL_PLAINTEXT://127.0.0.1:19092,CONTROLLER://127.0.0.1:19093", p.get("listeners"));
        assertEquals("SASL_PLAINTEXT:SASL_PLAINTEXT,CONTROLLER:SASL_PLAINTEXT", p.get("listener.security.protocol.map"));
        assertEquals("SCRAM-SHA-512", p.get("sasl.enabled.mechanisms"));
        assertEquals("PLAIN", p.get("sasl.mechanism.controller.protocol"));
        assertEquals("org.apache.kafka.metadata.authorizer.StandardAuthorizer", p.get("authorizer.class.name"));
        // The admin alone: no User:ANONYMOUS, which would make anyone on the controller port a super user.
        assertEquals("User:fleetplane-admin", p.get("super.users"));
        assertEquals("false", p.get("allow.everyone.if.no.acl.found"));
        assertFalse(auth.toString().contains("s3cret"), auth.toString());
    }

    @Test
    void withoutAuth_noSaslNoAuthorizer() {
        var p = config.properties();
        assertEquals("PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT", p.get("listener.security.protocol.map"));
        assertFalse(p.containsKey("authorizer.class.name"));
    }
}
