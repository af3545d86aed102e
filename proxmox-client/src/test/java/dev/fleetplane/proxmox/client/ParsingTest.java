package dev.fleetplane.proxmox.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Real-shaped Proxmox bodies (from the API reference) read into records. */
class ParsingTest {

    private static final PveCall GET = new PveCall("test", "GET", "http://pve/api2/json/x", "u@pve!t");

    private static JsonNode root(String body) {
        return ResponseReader.envelope(GET, 200, "OK", body);
    }

    private static JsonNode data(String body) {
        return root(body).get("data");
    }

    @Test
    void version_readsPve9Shape() {
        PveVersion v = PveVersion.from(data("{\"data\":{\"release\":\"9.2\",\"repoid\":\"f6997e698c7933ea\",\"version\":\"9.2.11\"}}"));
        assertEquals(new PveVersion("9.2.11", "9.2", "f6997e698c7933ea"), v);
    }

    @Test
    void clusterResources_keepsGuestsOnly_andReadsLooseTypes() {
        List<ClusterVm> vms = ClusterVm.listFrom(data("""
                {"data":[{"id":"qemu/101","type":"qemu","vmid":101,"name":"leap154","node":"node1","status":"stopped","template":1,
                          "maxcpu":4,"maxmem":16777216000,"maxdisk":68719476736,"mem":0,"cpu":0,"disk":0,"uptime":0,"netin":0,"netout":0,
                          "diskread":0,"diskwrite":0},
                         {"id":"qemu/111","type":"qemu","vmid":"111","name":"web-1","node":"node1","status":"running","template":0,
                          "maxcpu":"2","maxmem":"2147483648","maxdisk":21474836480,"tags":"fleetplane;web","lock":"clone","hastate":"started",
                          "uptime":"3725"},
                         {"id":"node/node1","type":"node","node":"node1","status":"online"},
                         {"id":"storage/node1/local","type":"storage","storage":"local"}]}"""));
        assertEquals(2, vms.size());
        ClusterVm template = vms.get(0);
        assertTrue(template.template());
        assertEquals(16777216000L, template.maxMemBytes());
        assertNull(template.lock());
        ClusterVm web = vms.get(1);
        assertEquals(111, web.vmid());
        assertEquals(2, web.maxCpu());
        assertEquals(2147483648L, web.maxMemBytes());
        assertEquals(List.of("fleetplane", "web"), web.tags());
        assertEquals("clone", web.lock());
        assertFalse(web.template());
        assertTrue(web.isQemu());
        assertEquals(3725, web.uptimeSeconds());
        assertEquals(0, template.uptimeSeconds());
    }

    @Test
    void clusterResources_ofWrongShape_isBadResponse() {
        var e = assertThrows(JsonFields.BadShape.class, () -> ClusterVm.listFrom(data("{\"data\":{\"vmid\":1}}")));
        assertTrue(e.getMessage().contains("array"), e.getMessage());
        assertThrows(JsonFields.BadShape.class,
                () -> ClusterVm.listFrom(data("{\"data\":[{\"type\":\"qemu\",\"vmid\":\"abc\"}]}")));
    }

    @Test
    void config_readsMixedTypes_net0Mac_andAgentPropertyString() {
        VmConfig c = VmConfig.from(data("""
                {"data":{"cores":2,"memory":"2048","net0":"virtio=BC:24:11:2A:7F:01,bridge=vmbr0,firewall=1",
                         "agent":"1,fstrim_cloned_disks=1","scsi0":"local-lvm:vm-111-disk-0,size=20G","digest":"4d6b1f0a2c",
                         "serial0":"socket","onboot":1,"unknown-future-key":"x"}}"""));
        assertEquals(Optional.of(2), c.cores());
        assertEquals(Optional.of(2048), c.memoryMb());
        assertEquals(Optional.of("BC:24:11:2A:7F:01"), c.net0Mac());
        assertTrue(c.agentEnabled());
        assertEquals(Optional.of("4d6b1f0a2c"), c.digest());
        assertEquals(Optional.of("1"), c.get("onboot"));
    }

    @Test
    void vmConfig_diskSizeStorageAndBootDisk() {
        VmConfig c = VmConfig.from(data("""
                {"data":{"ide2":"local-lvm:vm-111-cloudinit,media=cdrom","efidisk0":"local-lvm:vm-111-disk-1,efitype=4m,size=4M",
                 "scsi0":"ceph:vm-111-disk-0,iothread=1,size=64G","virtio1":"local-lvm:vm-111-disk-2,size=1536M"}}"""));
        assertEquals(Optional.of("scsi0"), c.bootDiskKey());
        assertEquals(Optional.of(64L << 30), c.diskBytes("scsi0"));
        assertEquals(Optional.of(1536L << 20), c.diskBytes("virtio1"));
        assertEquals(Optional.of(4L << 20), c.diskBytes("efidisk0"));
        assertEquals(Optional.of("ceph"), c.diskStorage("scsi0"));
        assertEquals(Optional.empty(), c.diskStorage("ide2"));
        assertEquals(Optional.empty(), c.diskBytes("scsi9"));
        assertEquals(Optional.of("virtio1"), VmConfig.from(data("""
                {"data":{"boot":"order=ide2;virtio1;net0","scsi0":"local-lvm:vm-1-disk-0,size=8G",
                 "virtio1":"local-lvm:vm-1-disk-2,size=8G"}}""")).bootDiskKey());
        assertEquals(Optional.of(1L << 40), VmConfig.sizeBytes("1T"));
        assertEquals(Optional.empty(), VmConfig.sizeBytes("+1G"));
    }

    @Test
    void config_macaddrForm_andAgentOff() {
        VmConfig c = VmConfig.from(data("{\"data\":{\"net0\":\"model=virtio,bridge=vmbr0,macaddr=bc:24:11:aa:bb:cc\",\"agent\":\"enabled=0\"}}"));
        assertEquals(Optional.of("BC:24:11:AA:BB:CC"), c.net0Mac());
        assertFalse(c.agentEnabled());
        assertEquals(Optional.empty(), VmConfig.from(data("{\"data\":{}}")).net0Mac());
    }

    @Test
    void status_readsRunningWithLock() {
        VmStatus s = VmStatus.from(data("""
                {"data":{"status":"running","qmpstatus":"running","vmid":111,"name":"web-1","uptime":42,"pid":1234,
                         "agent":1,"lock":"clone","cpus":2,"maxmem":2147483648,"ha":{"managed":0},"nics":{}}}"""), 111);
        assertTrue(s.running());
        assertTrue(s.agent());
        assertEquals("clone", s.lock());
        assertEquals(42, s.uptimeSeconds());
    }

    @Test
    void taskStatus_okWarningsRunningAndFailure() {
        TaskStatus ok = TaskStatus.from(data("""
                {"data":{"upid":"UPID:example-node:000CFC5C:03E8D0C3:6194806C:aptupdate::root@pam:","node":"example-node","pid":851036,
                 "pstart":65589443,"starttime":1637122156,"type":"aptupdate","id":"","user":"root@pam","status":"stopped","exitstatus":"OK"}}"""));
        assertTrue(ok.succeeded());
        TaskStatus warn = TaskStatus.from(data("{\"data\":{\"status\":\"stopped\",\"exitstatus\":\"WARNINGS: 1\",\"type\":\"qmclone\"}}"));
        assertTrue(warn.succeeded());
        TaskStatus running = TaskStatus.from(data("{\"data\":{\"status\":\"running\",\"type\":\"qmclone\",\"pid\":\"12\"}}"));
        assertTrue(running.running());
        assertFalse(running.succeeded());
        TaskStatus failed = TaskStatus.from(data("""
                {"data":{"status":"stopped","type":"qmclone","user":"terraform@pve","tokenid":"provider",
                 "exitstatus":"clone failed: can't lock file '/var/lock/pve-manager/pve-storage-local-lvm' - got timeout"}}"""));
        assertFalse(failed.succeeded());
        assertEquals("provider", failed.tokenId());
        TaskStatus crashed = TaskStatus.from(data("{\"data\":{\"status\":\"stopped\",\"exitstatus\":\"unexpected status\"}}"));
        assertFalse(crashed.succeeded());
    }

    @Test
    void taskLog_readsLinesAndTotal() {
        JsonNode root = root("{\"data\":[{\"n\":1,\"t\":\"create full clone of drive scsi0\"},{\"n\":2,\"t\":\"TASK OK\"}],\"total\":2}");
        TaskLog log = TaskLog.from(root, root.get("data"));
        assertEquals(2, log.total());
        assertEquals(List.of("create full clone of drive scsi0", "TASK OK"), log.texts());
    }

    @Test
    void agentInterfaces_toleratesMissingAddressesAndStatistics() {
        List<GuestInterface> ifs = GuestInterface.listFrom(data("""
                {"data":{"result":[
                  {"name":"lo","hardware-address":"00:00:00:00:00:00",
                   "ip-addresses":[{"ip-address":"127.0.0.1","ip-address-type":"ipv4","prefix":8},
                                   {"ip-address":"::1","ip-address-type":"ipv6","prefix":128}],
                   "statistics":{"rx-bytes":15957,"rx-packets":185,"rx-errs":0,"rx-dropped":0,"tx-bytes":15957,"tx-packets":185,"tx-errs":0,"tx-dropped":0}},
                  {"name":"ens18","hardware-address":"be:2a:81:98:bc:ad",
                   "ip-addresses":[{"ip-address":"172.16.12.20","ip-address-type":"ipv4","prefix":24},
                                   {"ip-address":"fe80::bc2a:81ff:fe98:bcad","ip-address-type":"ipv6","prefix":64}]},
                  {"name":"eth1","hardware-address":"6e:c4:11:d0:53:10"}]}}"""));
        assertEquals(3, ifs.size());
        assertEquals(2, ifs.get(1).addresses().size());
        assertEquals(new GuestInterface.Address("172.16.12.20", "ipv4", 24), ifs.get(1).addresses().get(0));
        assertTrue(ifs.get(2).addresses().isEmpty());
    }

    @Test
    void upid_parsesTokenUserAndEmptyId() {
        Upid u = Upid.parse("UPID:pve-mp:00000ACD:00006AE8:679A423B:qmclone:112:capmox@pve!capi:");
        assertEquals("pve-mp", u.node());
        assertEquals(0xACD, u.pid());
        assertEquals("qmclone", u.type());
        assertEquals("112", u.id());
        assertEquals("capmox@pve!capi", u.user());
        Upid upload = Upid.parse("UPID:pve:00061CB3:010BA69C:64EFECB0:imgcopy::root@pam:");
        assertEquals("", upload.id());
        Upid longUptime = Upid.parse("UPID:pve:00061CB3:110BA69C0:64EFECB0:qmstart:100:root@pam:");
        assertEquals(0x110BA69C0L, longUptime.pstart());
    }

    @Test
    void upid_rejectsMalformedText() {
        var e = assertThrows(IllegalArgumentException.class, () -> Upid.parse("UPID:pve:1:2:3:qmclone:112:root@pam"));
        assertTrue(e.getMessage().contains("not a Proxmox UPID"));
        assertThrows(IllegalArgumentException.class, () -> Upid.parse("OK"));
    }
}
