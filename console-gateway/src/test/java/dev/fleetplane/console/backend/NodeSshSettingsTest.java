package dev.fleetplane.console.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class NodeSshSettingsTest {

    private static NodeSshBackend.Settings settings(Optional<String> host, Map<String, String> nodes) {
        return new NodeSshBackend.Settings(host, nodes, 22, "root", Path.of("/k"), "SHA256:x", Duration.ofSeconds(5));
    }

    @Test
    void aNodesOwnAddressWins_elseTheSingleHost() throws Exception {
        NodeSshBackend.Settings s = settings(Optional.of("pve.lan"), Map.of("pve2", "10.0.0.2"));
        assertEquals("10.0.0.2", s.address("pve2"));
        assertEquals("pve.lan", s.address("pve1"));
        assertEquals("pve.lan", s.inventoryAddress());
    }

    @Test
    void aNodeWithoutAddress_isRefused_namingTheKey() {
        NodeSshBackend.Settings s = settings(Optional.empty(), Map.of("pve2", "10.0.0.2", "pve1", "10.0.0.1"));
        assertEquals("10.0.0.1", s.inventoryAddress(), "pvesh runs on the first node by name");
        BackendException e = assertThrows(BackendException.class, () -> s.address("pve3"));
        assertEquals(BackendException.Kind.REFUSED, e.kind());
        assertEquals("node pve3 has no SSH address: set fleetplane.console.node-ssh.node-hosts.pve3 (known: pve1, pve2)",
                e.getMessage());
    }

    @Test
    void noAddressAtAll_isAConfigurationError() {
        assertThrows(IllegalArgumentException.class, () -> settings(Optional.empty(), Map.of()));
    }

    @Test
    void pveshOutput_isReadAsTheApisResourceList() throws Exception {
        byte[] out = """
                [{"id":"qemu/101","type":"qemu","vmid":101,"name":"web1","node":"pve","status":"running","template":0}]
                """.getBytes();
        assertEquals(101, NodeSshBackend.inventory(out, "root@pve:22").get(0).vmid());
        BackendException e = assertThrows(BackendException.class,
                () -> NodeSshBackend.inventory("{\"data\":[]}".getBytes(), "root@pve:22"));
        assertEquals("'pvesh get /cluster/resources --type vm --output-format json' on root@pve:22 printed no JSON"
                + " array", e.getMessage());
        assertEquals(BackendException.Kind.PROTOCOL,
                assertThrows(BackendException.class, () -> NodeSshBackend.inventory("not json".getBytes(), "n")).kind());
    }
}
