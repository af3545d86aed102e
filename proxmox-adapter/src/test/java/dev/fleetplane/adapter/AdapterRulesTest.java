package dev.fleetplane.adapter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fleetplane.adapter.commands.Checks;
import dev.fleetplane.adapter.configure.ConfigValues;
import dev.fleetplane.adapter.inventory.InventoryDigest;
import dev.fleetplane.adapter.power.StartHandler;
import dev.fleetplane.adapter.task.PendingTask;
import dev.fleetplane.adapter.task.TaskVerdict;
import dev.fleetplane.events.pve.ObservedVm;
import dev.fleetplane.proxmox.client.ClusterVm;
import dev.fleetplane.proxmox.client.TaskStatus;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The adapter's pure rules: inventory digest, config encoding, command checks, task verdicts. */
class AdapterRulesTest {

    private static ClusterVm vm(int vmid, String type, String status, List<String> tags) {
        return new ClusterVm(type + "/" + vmid, type, vmid, "vm" + vmid, "pve", status, false, 2, 2L << 30, 20L << 30, tags, null);
    }

    @Test
    void inventory_keepsQemuOnly_sortedByVmid() {
        List<ObservedVm> vms = InventoryDigest.observed(List.of(vm(120, "qemu", "running", List.of()),
                vm(105, "lxc", "running", List.of()), vm(111, "qemu", "stopped", List.of("web"))));
        assertEquals(List.of(111, 120), vms.stream().map(ObservedVm::vmid).toList());
        assertEquals(2L << 30, vms.get(0).memoryBytes());
    }

    @Test
    void inventoryDigest_ignoresOrder_butSeesEveryChange() {
        var a = InventoryDigest.observed(List.of(vm(111, "qemu", "stopped", List.of("b", "a")), vm(120, "qemu", "running", List.of())));
        var b = InventoryDigest.observed(List.of(vm(120, "qemu", "running", List.of()), vm(111, "qemu", "stopped", List.of("a", "b"))));
        assertEquals(InventoryDigest.digest(a), InventoryDigest.digest(b));
        var started = InventoryDigest.observed(List.of(vm(111, "qemu", "running", List.of("a", "b")), vm(120, "qemu", "running", List.of())));
        assertNotEquals(InventoryDigest.digest(a), InventoryDigest.digest(started));
        assertTrue(InventoryDigest.digest(a).startsWith("sha256:"));
    }

    @Test
    void configValues_typedFieldsAndPercentEncodedSshKeys() {
        Map<String, String> v = ConfigValues.of(2, 2048, Map.of("sshkeys", "ssh-ed25519 AAAAC3Nz+/x= ops@lab\nssh-rsa AAAB ops2",
                "ipconfig0", "ip=dhcp"));
        assertEquals("2", v.get("cores"));
        assertEquals("2048", v.get("memory"));
        assertEquals("ssh-ed25519%20AAAAC3Nz%2B%2Fx%3D%20ops%40lab%0Assh-rsa%20AAAB%20ops2", v.get("sshkeys"));
        assertEquals("ip=dhcp", v.get("ipconfig0"));
        assertEquals("ssh-ed25519%20AAAA", ConfigValues.of(1, 512, Map.of("sshkeys", "ssh-ed25519%20AAAA")).get("sshkeys"));
    }

    @Test
    void checks_nameEveryBadField() {
        Checks c = Checks.of("CloneVm for host web-1").node("pve_1").vmid("vmid", 42).dnsName("name", "web 1");
        assertFalse(c.ok());
        assertTrue(c.message().startsWith("CloneVm for host web-1 rejected: "), c.message());
        assertTrue(c.message().contains("node 'pve_1'"), c.message());
        assertTrue(c.message().contains("vmid 42 is outside"), c.message());
        assertTrue(c.message().contains("name 'web 1'"), c.message());
        assertTrue(Checks.of("x").node("pve").vmid("vmid", 111).dnsName("name", "web-1.lab").ok());
    }

    private static PendingTask task(String operation, Instant deadline) {
        return new PendingTask(1, "UPID:pve:00001ED0:00035693:66343A23:qmstart:111:fleetplane@pve!adapter:", "pve", 111,
                operation, "e1", "fleetplane.vm.start-requested.v1", "web-1", "web-1", "c1", Map.of(), deadline,
                Instant.now().minusSeconds(5));
    }

    private static TaskStatus status(String state, String exit) {
        return new TaskStatus("u", "pve", "qmstart", "111", "fleetplane@pve", "adapter", state, exit);
    }

    @Test
    void taskVerdict_waitsWhileRunning_andTimesOutAfterDeadline() {
        assertInstanceOf(TaskVerdict.Wait.class,
                TaskVerdict.of(task("start", Instant.now().plusSeconds(60)), status("running", null), List.of(), Instant.now(), e -> false));
        var late = TaskVerdict.of(task("start", Instant.now().minusSeconds(1)), status("running", null), List.of(), Instant.now(), e -> false);
        var failed = assertInstanceOf(TaskVerdict.Failed.class, late);
        assertEquals("timeout", failed.failure().failure().code());
    }

    @Test
    void taskVerdict_startOfRunningVm_isSuccess_otherErrorsFail() {
        Instant later = Instant.now().plusSeconds(60);
        assertInstanceOf(TaskVerdict.Succeeded.class,
                TaskVerdict.of(task("start", later), status("stopped", "VM 111 already running"), List.of(), Instant.now(),
                        StartHandler::alreadyRunning));
        var f = assertInstanceOf(TaskVerdict.Failed.class, TaskVerdict.of(task("clone", later),
                status("stopped", "clone failed: can't lock file '/var/lock/pve-manager/pve-storage-local-lvm' - got timeout"),
                List.of("TASK ERROR: clone failed"), Instant.now(), StartHandler::alreadyRunning));
        assertEquals("task-failed", f.failure().failure().code());
        assertEquals(List.of("TASK ERROR: clone failed"), f.failure().logTail());
        assertInstanceOf(TaskVerdict.Succeeded.class,
                TaskVerdict.of(task("clone", later), status("stopped", "WARNINGS: 1"), List.of(), Instant.now(), e -> false));
    }
}
