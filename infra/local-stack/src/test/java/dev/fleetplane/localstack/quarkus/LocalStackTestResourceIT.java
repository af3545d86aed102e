package dev.fleetplane.localstack.quarkus;

import dev.fleetplane.localstack.Endpoints;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;

import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LocalStackTestResourceIT {

    @Test
    void ownStack_servesTheHandedOutPropertiesAndStopsWithTheResource() throws Exception {
        var resource = new LocalStackTestResource();
        resource.init(Map.of("shared", "false"));
        Map<String, String> props = resource.start();
        try {
            Endpoints current = LocalStackTestResource.current();
            assertEquals(current.kafkaBootstrapServers(), props.get("kafka.bootstrap.servers"));
            assertEquals("false", props.get("quarkus.kafka.devservices.enabled"));
            try (var c = DriverManager.getConnection(props.get("quarkus.datasource.jdbc.url"),
                    props.get("quarkus.datasource.username"), props.get("quarkus.datasource.password"));
                 ResultSet rs = c.createStatement().executeQuery("select current_database()")) {
                assertTrue(rs.next());
                assertEquals("fleetplane", rs.getString(1));
            }
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                    props.get("kafka.bootstrap.servers")))) {
                assertTrue(admin.listTopics().names().get(10, TimeUnit.SECONDS).contains("pve.commands"));
            }
        } finally {
            resource.stop();
        }
        String port = props.get("kafka.bootstrap.servers").split(":")[1];
        assertTrue(dev.fleetplane.localstack.LoopbackPorts.isFree(Integer.parseInt(port)),
                "the broker's port is free again after stop()");
    }
}
