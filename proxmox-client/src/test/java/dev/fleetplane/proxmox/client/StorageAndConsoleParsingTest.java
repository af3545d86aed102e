package dev.fleetplane.proxmox.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real-shaped bodies of nextid, storage content and termproxy (reference §2.3, §2.15, §5.2), and the upload framing. */
class StorageAndConsoleParsingTest {

    private static final PveCall GET = new PveCall("test", "GET", "http://pve/api2/json/x", "u@pve!t");

    private static JsonNode data(String body) {
        return ResponseReader.envelope(GET, 200, "OK", body).get("data");
    }

    @Test
    void nextId_isAJsonString_butANumberIsAcceptedToo() {
        assertEquals(100, ProxmoxClient.vmidFrom(data("{\"data\":\"100\"}")));
        assertEquals(4242, ProxmoxClient.vmidFrom(data("{\"data\":4242}")));
        assertThrows(JsonFields.BadShape.class, () -> ProxmoxClient.vmidFrom(data("{\"data\":\"next\"}")));
        assertThrows(JsonFields.BadShape.class, () -> ProxmoxClient.vmidFrom(data("{\"data\":null}")));
    }

    @Test
    void nextId_ofTakenVmid_isAParameterErrorOnVmid() {
        PveException e = ResponseReader.failure(GET, 400, "Parameter verification failed.",
                "{\"errors\":{\"vmid\":\"VM 200 already exists\"},\"data\":null}");
        assertEquals(400, e.httpStatus());
        assertEquals("VM 200 already exists", e.parameterErrors().get("vmid"));
    }

    @Test
    void storageContent_readsIsoFixture_andLooseTypes_andOptionalKeys() {
        List<StorageVolume> list = StorageVolume.listFrom(data("""
                {"data":[{"volid":"local:iso/debian-12.0.0-amd64-netinst.iso","content":"iso","format":"iso","size":654311424,"ctime":1693252591},
                         {"volid":"local:backup/vzdump-qemu-9000-2024_01_01-00_00_00.vma.zst","content":"backup","format":"vma.zst",
                          "size":"524288000","ctime":"1704067200","vmid":"9000","notes":"nixos-base","protected":1,"subtype":"qemu"},
                         {"volid":"local-lvm:base-9000-disk-0/vm-111-disk-0","format":"raw","size":8589934592,"vmid":111,
                          "parent":"base-9000-disk-0@__base__"}]}"""));
        assertEquals(3, list.size());
        StorageVolume iso = list.get(0);
        assertEquals(new StorageVolume("local:iso/debian-12.0.0-amd64-netinst.iso", "iso", "iso", 654311424L, 1693252591L,
                null, null, null, false), iso);
        StorageVolume backup = list.get(1);
        assertEquals("backup", backup.content());
        assertEquals(524288000L, backup.size());
        assertEquals(9000, backup.vmid());
        assertEquals("nixos-base", backup.notes());
        assertTrue(backup.isProtected());
        StorageVolume disk = list.get(2);
        assertEquals("images", disk.content()); // absent 'content' on a disk volid: images
        assertEquals(111, disk.vmid());
        assertEquals("base-9000-disk-0@__base__", disk.parent());
        assertEquals(0, disk.ctime());
    }

    @Test
    void storageContent_entryWithoutVolid_isABadShape() {
        assertThrows(JsonFields.BadShape.class, () -> StorageVolume.listFrom(data("{\"data\":[{\"content\":\"iso\"}]}")));
        assertThrows(JsonFields.BadShape.class, () -> StorageVolume.listFrom(data("{\"data\":{\"volid\":\"x\"}}")));
    }

    @Test
    void termproxy_acceptsPortAsStringOrNumber_andHidesTheTicket() {
        String upid = "UPID:pve:00012F3A:0049B2C1:679A423B:vncproxy:110:root@pam:";
        TermProxy s = TermProxy.from(data("{\"data\":{\"user\":\"root@pam\",\"ticket\":\"PVEVNC:679A423B::c2lnbmF0dXJl\","
                + "\"port\":\"5901\",\"upid\":\"" + upid + "\"}}"));
        assertEquals(5901, s.port());
        assertEquals("root@pam", s.user());
        assertEquals("vncproxy", s.upid().type());
        TermProxy n = TermProxy.from(data("{\"data\":{\"user\":\"ops@pve!console\",\"ticket\":\"PVEVNC:679A423B::x\","
                + "\"port\":5999,\"upid\":\"" + upid + "\"}}"));
        assertEquals(5999, n.port());
        assertFalse(n.toString().contains("PVEVNC"), n.toString());
        assertThrows(JsonFields.BadShape.class, () -> TermProxy.from(data("{\"data\":{\"user\":\"root@pam\",\"ticket\":\"t\","
                + "\"upid\":\"" + upid + "\"}}")));
        assertThrows(JsonFields.BadShape.class, () -> TermProxy.from(data("{\"data\":{\"user\":\"root@pam\",\"ticket\":\"t\","
                + "\"port\":\"5900\",\"upid\":\"not-a-upid\"}}")));
    }

    @Test
    void upload_framesFieldsBeforeTheFilePartNamedFilename(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("noble.img"), "bytes");
        UploadRequest r = new UploadRequest("iso", file, null, "SHA256", "abc");
        assertEquals("noble.img", r.filename());
        assertEquals("sha256", r.checksumAlgorithm());
        byte[][] frame = PveUpload.frame(r, "B");
        String head = new String(frame[0], StandardCharsets.UTF_8);
        int content = head.indexOf("name=\"content\"\r\n\r\niso\r\n");
        int algorithm = head.indexOf("name=\"checksum-algorithm\"\r\n\r\nsha256\r\n");
        int checksum = head.indexOf("name=\"checksum\"\r\n\r\nabc\r\n");
        int filePart = head.indexOf("name=\"filename\"; filename=\"noble.img\"");
        assertTrue(content > 0 && algorithm > content && checksum > algorithm && filePart > checksum, head);
        assertTrue(head.endsWith("\r\n\r\n"));
        assertEquals("\r\n--B--\r\n", new String(frame[1], StandardCharsets.UTF_8));
    }

    @Test
    void uploadRequest_rejectsWhatProxmoxWouldRefuse(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("disk.qcow2"), "x");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> UploadRequest.of("backup", file))
                .getMessage().contains("'backup' is not one of iso, vztmpl, import"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> UploadRequest.of("iso", dir.resolve("missing.iso")))
                .getMessage().contains("missing.iso is not a readable file"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new UploadRequest("import", file, null, "sha256", null))
                .getMessage().contains("both checksumAlgorithm and checksum"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new UploadRequest("import", file, null, "crc32", "1"))
                .getMessage().contains("'crc32' is not one of"));
        assertThrows(IllegalArgumentException.class, () -> new UploadRequest("import", file, "a\"b.qcow2", null, null));
        assertNull(UploadRequest.of("import", file).checksum());
    }

    @Test
    void restoreRequest_checksVmidAndArchive() {
        assertThrows(IllegalArgumentException.class, () -> RestoreRequest.of(99, "local:backup/x.vma.zst"));
        assertThrows(NullPointerException.class, () -> RestoreRequest.of(100, null));
        assertNull(new RestoreRequest(100, "local:backup/x.vma.zst", " ", false, false, false).storage());
    }
}
