package dev.fleetplane.pvesim.task;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UpidTest {

    @Test
    void encode_usesUpperCaseHexAndTrailingColon_likeUpidPm() {
        Upid upid = new Upid("pve", 0x1ED0, 0x35693, 0x66343A23L, "qmshutdown", "100", "terraform@pve!provider");
        assertEquals("UPID:pve:00001ED0:00035693:66343A23:qmshutdown:100:terraform@pve!provider:", upid.encode());
    }

    @Test
    void decode_ofRealUpid_roundTrips() {
        String text = "UPID:pve-mp:00000ACD:00006AE8:679A423B:qmclone:112:capmox@pve!capi:";
        Upid upid = Upid.decode(text).orElseThrow();
        assertEquals("pve-mp", upid.node());
        assertEquals(0xACD, upid.pid());
        assertEquals(0x6AE8, upid.pstart());
        assertEquals(0x679A423BL, upid.starttime());
        assertEquals("qmclone", upid.type());
        assertEquals("112", upid.id());
        assertEquals("capmox@pve", upid.userWithoutToken());
        assertEquals("capi", upid.tokenName().orElseThrow());
        assertEquals(text, upid.encode());
    }

    @Test
    void decode_acceptsEmptyIdAndNineDigitPstart() {
        Upid upid = Upid.decode("UPID:pve:00061CB3:1010BA69C:64EFECB0:imgcopy::root@pam:").orElseThrow();
        assertEquals("", upid.id());
        assertEquals(0x1010BA69CL, upid.pstart());
        assertTrue(upid.tokenName().isEmpty());
    }

    @Test
    void decode_rejectsMalformedText() {
        assertTrue(Upid.decode("UPID:pve:00001ED0:00035693:66343A23:qmstart:100:root@pam").isEmpty(), "no trailing colon");
        assertTrue(Upid.decode("UPID:pve:1ED0:00035693:66343A23:qmstart:100:root@pam:").isEmpty(), "short pid");
        assertTrue(Upid.decode("UPID:-pve:00001ED0:00035693:66343A23:qmstart:100:root@pam:").isEmpty(), "bad node");
        assertTrue(Upid.decode("UPID:pve:00001ED0:00035693:66343A23::100:root@pam:").isEmpty(), "empty type");
        assertTrue(Upid.decode(null).isEmpty());
    }

    @Test
    void constructor_rejectsFieldsThatWouldBreakTheFormat() {
        assertThrows(IllegalArgumentException.class, () -> new Upid("pve", 1, 1, 1, "qm:start", "100", "root@pam"));
        assertThrows(IllegalArgumentException.class, () -> new Upid("pve", 1, 1, 1, "qmstart", "1/0", "root@pam"));
        assertThrows(IllegalArgumentException.class, () -> new Upid("pve", 1, 1, 1, "qmstart", "100", ""));
    }

    @Test
    void taskStatus_splitsTokenUser_andReadsExitstatusFromLastLogLine() {
        Task task = new Task(new Upid("pve", 1, 2, 3, "qmclone", "9003", "root@pam!fleetplane"));
        assertEquals("running", task.status().get("status"));
        assertTrue(!task.status().containsKey("exitstatus"));
        task.log("create full clone of drive scsi0 (local-lvm:base-9003-disk-0)");
        task.finishError("clone failed: can't lock file '/var/lock/pve-manager/pve-storage-local-lvm' - got timeout");
        assertEquals("stopped", task.status().get("status"));
        assertEquals("clone failed: can't lock file '/var/lock/pve-manager/pve-storage-local-lvm' - got timeout",
                task.status().get("exitstatus"));
        assertEquals("root@pam", task.status().get("user"));
        assertEquals("fleetplane", task.status().get("tokenid"));
        Task.LogPage page = task.logPage(0, 50);
        assertEquals(2, page.total());
        assertEquals("TASK ERROR: clone failed: can't lock file '/var/lock/pve-manager/pve-storage-local-lvm' - got timeout",
                page.lines().get(1).get("t"));
    }

    @Test
    void taskLog_ofEmptyTask_saysNoContent_andPagesFromStart() {
        Task task = new Task(new Upid("pve", 1, 2, 3, "qmstart", "100", "root@pam"));
        assertEquals("no content", task.logPage(0, 50).lines().get(0).get("t"));
        task.log("a");
        task.log("b");
        task.finishOk(1);
        assertEquals("WARNINGS: 1", task.exitstatus());
        Task.LogPage page = task.logPage(1, 1);
        assertEquals(3, page.total());
        assertEquals(1, page.lines().size());
        assertEquals(2, page.lines().get(0).get("n"));
        assertEquals("b", page.lines().get(0).get("t"));
    }
}
