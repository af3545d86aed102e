package dev.fleetplane.localstack.kafka;

import dev.fleetplane.events.Topics;

import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KafkaAclsTest {

    @Test
    void provisioningCommands_areWrittenByThePlannerAlone() {
        assertEquals(Set.of("User:planner"), writersOf(Topics.PROVISIONING_COMMANDS));
    }

    @Test
    void eachTopic_isWrittenByTheServicesOfTheArchitectureTable_andThePlannersReplay() {
        assertEquals(Set.of("User:planner", "User:proxmox-adapter"), writersOf(Topics.PVE_EVENTS));
        assertEquals(Set.of("User:planner", "User:provisioner", "User:template-builder"),
                writersOf(Topics.PVE_COMMANDS));
        assertEquals(Set.of("User:planner", "User:provisioner"), writersOf(Topics.PROVISIONING_EVENTS));
        assertEquals(Set.of("User:planner", "User:template-builder"), writersOf(Topics.TEMPLATES_COMMANDS));
        assertEquals(Set.of("User:planner", "User:console-gateway"), writersOf(Topics.CONSOLE_SESSIONS));
        assertEquals(Set.of("User:planner"), writersOf(Topics.FLEET_DESIRED));
    }

    @Test
    void deadLetters_areWrittenByTheTopicsConsumers() {
        assertEquals(Set.of("User:planner", "User:proxmox-adapter"), writersOf(Topics.dlq(Topics.PVE_COMMANDS)));
        assertEquals(Set.of("User:planner", "User:provisioner"),
                writersOf(Topics.dlq(Topics.PROVISIONING_COMMANDS)));
    }

    @Test
    void everyServiceUser_hasAGrant_andOnlyAllowEntries() {
        assertEquals(KafkaAuth.SERVICES, KafkaAcls.GRANTS.stream().map(KafkaAcls.Grant::user).toList());
        assertTrue(KafkaAcls.bindings().stream()
                .allMatch(b -> b.entry().permissionType() == AclPermissionType.ALLOW));
    }

    @Test
    void consumerGroups_arePrefixesOfTheServicesGroupIds() {
        // The group ids of the services' application.properties (mp.messaging.incoming.*.group.id).
        for (var pair : List.of(List.of("planner", "planner.event-log"), List.of("proxmox-adapter", "proxmox-adapter"),
                List.of("provisioner", "provisioner.provisioning-commands"),
                List.of("template-builder", "template-builder.pve-events"))) {
            assertTrue(pair.get(1).startsWith(KafkaAcls.grantOf(pair.get(0)).groupPrefix()), pair.toString());
        }
    }

    private static Set<String> writersOf(String topic) {
        return KafkaAcls.bindings().stream()
                .filter(b -> b.pattern().resourceType() == ResourceType.TOPIC && b.pattern().name().equals(topic)
                        && b.entry().operation() == AclOperation.WRITE)
                .map(b -> b.entry().principal())
                .collect(Collectors.toSet());
    }
}
