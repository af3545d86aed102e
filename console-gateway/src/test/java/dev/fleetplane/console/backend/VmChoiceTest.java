package dev.fleetplane.console.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fleetplane.proxmox.client.ClusterVm;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class VmChoiceTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A {@code /cluster/resources?type=vm} data array as Proxmox sends it (numbers, 0/1 templates, an lxc). */
    private static List<ClusterVm> cluster(String json) throws Exception {
        return ClusterVm.parseList(JSON.readTree(json));
    }

    private static final String CLUSTER = """
            [{"id":"qemu/101","type":"qemu","vmid":101,"name":"web1","node":"pve1","status":"running","template":0},
             {"id":"qemu/9000","type":"qemu","vmid":9000,"name":"base","node":"pve1","status":"stopped","template":1},
             {"id":"lxc/200","type":"lxc","vmid":200,"name":"ct1","node":"pve2","status":"running"},
             {"id":"qemu/102","type":"qemu","vmid":"102","name":"db1","node":"pve2","status":"stopped"}]""";

    @Test
    void theQemuVmOfThatName_isTheTarget_onItsNode() throws Exception {
        assertEquals(Optional.of(new ConsoleTarget("web1", "pve1", 101)), VmChoice.choose("web1", cluster(CLUSTER)));
        assertEquals(Optional.of(new ConsoleTarget("db1", "pve2", 102)), VmChoice.choose("db1", cluster(CLUSTER)),
                "a stopped VM is still located: opening it is what refuses");
    }

    @Test
    void templatesContainersAndUnknownNames_areNotFound() throws Exception {
        assertEquals(Optional.empty(), VmChoice.choose("base", cluster(CLUSTER)));
        assertEquals(Optional.empty(), VmChoice.choose("ct1", cluster(CLUSTER)));
        assertEquals(Optional.empty(), VmChoice.choose("nope", cluster(CLUSTER)));
        assertEquals(Optional.empty(), VmChoice.choose("web1", List.of()));
    }

    @Test
    void twoVmsOfOneName_areRefused_namingBoth() throws Exception {
        BackendException e = assertThrows(BackendException.class, () -> VmChoice.choose("web1", cluster("""
                [{"type":"qemu","vmid":101,"name":"web1","node":"pve1","status":"running"},
                 {"type":"qemu","vmid":131,"name":"web1","node":"pve2","status":"stopped"}]""")));
        assertEquals(BackendException.Kind.REFUSED, e.kind());
        assertEquals("host web1 is the name of 2 VMs (VM 101 on pve1, VM 131 on pve2): rename all but one so the"
                + " console knows which to open", e.getMessage());
    }

    @Test
    void aVmWithoutNode_isAProtocolError() throws Exception {
        BackendException e = assertThrows(BackendException.class, () -> VmChoice.choose("web1", cluster("""
                [{"type":"qemu","vmid":101,"name":"web1","status":"running"}]""")));
        assertEquals(BackendException.Kind.PROTOCOL, e.kind());
    }
}
