package dev.fleetplane.pvesim;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fleetplane.images.StandInImages;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Real image files in the simulator: VMA archives dropped into a node's dump directory are listed and restored from
 * their bytes (config and disk sizes from the archive, reference §2.14), and an uploaded qcow2 gives an
 * {@code import-from} disk its virtual size. The images are image-formats' stand-ins, written for each test.
 */
class ImageArchivesIT {

    private static final String QEMU = "/nodes/pve/qemu";
    private static final Instant WHEN = Instant.parse("2026-03-04T05:06:07Z");
    private static final String STAND_IN = "vzdump-qemu-nixos-2026_03_04-05_06_07.vma.zst";
    private static final String BOUNDARY = "----fleetplaneImagesBoundary";

    @TempDir
    Path images;
    private PveSimulator sim;
    private PveTestClient client;

    @BeforeEach
    void start() {
        sim = PveSimulator.builder().apiToken(PveTestClient.TOKEN_ID, PveTestClient.SECRET).build().start();
        client = new PveTestClient(sim);
    }

    @AfterEach
    void close() {
        sim.close();
    }

    @Test
    void dumpDirectoryFiles_areListedAsBackups_onlyWithTheVzdumpPrefix() throws Exception {
        Path vma = StandInImages.write(images, StandInImages.Format.VMA, 2, false, WHEN).get(0);
        Path dump = sim.dumpDir("pve");
        Files.copy(vma, dump.resolve(STAND_IN));
        Files.copy(vma, dump.resolve("vzdump-qemu-9100-2025_02_03-04_05_06.vma.zst"));
        Files.copy(vma, dump.resolve("nixos.vma.zst"));
        Files.writeString(dump.resolve("vzdump-qemu-9100-2025_02_03-04_05_06.log"), "INFO: starting\n");

        JsonNode list = client.get("/nodes/pve/storage/local/content?content=backup").data();
        assertEquals(2, list.size(), list.toString());
        JsonNode nixos = find(list, "local:backup/" + STAND_IN);
        assertEquals("backup", nixos.get("content").asText());
        assertEquals("vma.zst", nixos.get("format").asText());
        assertEquals(Files.size(vma), nixos.get("size").asLong());
        assertEquals(Files.getLastModifiedTime(dump.resolve(STAND_IN)).toMillis() / 1000, nixos.get("ctime").asLong());
        assertNull(nixos.get("vmid"), "no VMID in a non-standard name");
        JsonNode std = find(list, "local:backup/vzdump-qemu-9100-2025_02_03-04_05_06.vma.zst");
        assertEquals(9100, std.get("vmid").asInt());
        assertEquals(LocalDateTime.of(2025, 2, 3, 4, 5, 6).toEpochSecond(ZoneOffset.UTC), std.get("ctime").asLong());
        assertEquals(1, client.get("/nodes/pve/storage/local/content?vmid=9100").data().size());

        PveTestClient.Response notBackup = client.post(QEMU, "vmid", "151", "archive", "local:backup/nixos.vma.zst");
        assertEquals(500, notBackup.status());
        assertEquals("can't find file 'local:backup/nixos.vma.zst'\n", notBackup.body().get("message").asText());
    }

    @Test
    void restore_ofARealArchive_takesItsConfigAndDiskSizes() throws Exception {
        Path vma = StandInImages.write(images, StandInImages.Format.VMA, 6, false, WHEN).get(0);
        Files.copy(vma, sim.dumpDir("pve").resolve(STAND_IN));

        String upid = upid(client.post(QEMU, "vmid", "150", "archive", "local:backup/" + STAND_IN));
        assertEquals("OK", client.awaitTask("pve", upid).get("exitstatus").asText());
        JsonNode config = client.get(QEMU + "/150/config").data();
        assertNull(config.get("lock"));
        assertEquals("nixos-stand-in", config.get("name").asText());
        assertEquals("order=virtio0", config.get("boot").asText());
        assertEquals("socket", config.get("serial0").asText());
        // the archive's 6 MiB device, rounded up to whole 4 MiB extents; the archived size=6M is not kept
        assertEquals("local-lvm:vm-150-disk-0,discard=on,size=8M", config.get("virtio0").asText());
        assertEquals("local-lvm:vm-150-cloudinit,media=cdrom", config.get("ide2").asText());
        String log = log(upid);
        assertTrue(log.contains("restore vma archive: zstd -q -d -c /var/lib/vz/dump/" + STAND_IN
                + " | vma extract -v -r /var/tmp/vzdumptmp150.fifo - /var/tmp/vzdumptmp150"), log);
        assertTrue(log.contains("CFG: size: "), log);
        assertTrue(log.contains("DEV: dev_id=1 size: 6291456 devname: drive-virtio0"), log);
        assertTrue(log.contains("CTIME: Wed Mar  4 05:06:07 2026"), log);
    }

    @Test
    void restore_ofATruncatedArchive_failsTheTask_keepsTheConfigWithoutLock() throws Exception {
        Path vma = StandInImages.write(images, StandInImages.Format.VMA, 4, true, WHEN).get(0);
        Files.copy(vma, sim.dumpDir("pve").resolve(STAND_IN));

        String upid = upid(client.post(QEMU, "vmid", "152", "archive", "local:backup/" + STAND_IN));
        assertEquals("command 'set -o pipefail && zstd -q -d -c /var/lib/vz/dump/" + STAND_IN
                        + " | vma extract -v -r /var/tmp/vzdumptmp152.fifo - /var/tmp/vzdumptmp152' failed: exit code 133",
                client.awaitTask("pve", upid).get("exitstatus").asText());
        String log = log(upid);
        assertTrue(log.contains("ERROR **: restore failed - " + STAND_IN + ": "), log);
        PveTestClient.Response config = client.get(QEMU + "/152/config");
        assertEquals(200, config.status());
        assertNull(config.data().get("lock"), config.data().toString());
        assertNull(config.data().get("virtio0"), "no disk from a broken archive");
    }

    @Test
    void importFrom_anUploadedQcow2_takesItsVirtualSize_andACorruptOneFailsTheCreate() throws Exception {
        Path qcow2 = StandInImages.write(images, StandInImages.Format.QCOW2, 9, false, WHEN).get(0);
        upload("nixos.qcow2", Files.readAllBytes(qcow2));
        byte[] whole = Files.readAllBytes(qcow2);
        upload("broken.qcow2", java.util.Arrays.copyOf(whole, whole.length / 2));

        String ok = upid(client.post(QEMU, "vmid", "160", "name", "imported",
                "virtio0", "local-lvm:0,import-from=local:import/nixos.qcow2"));
        assertEquals("OK", client.awaitTask("pve", ok).get("exitstatus").asText());
        // 9 MiB virtual (the file is smaller: zero clusters are not stored), rounded to 12 MiB of extents
        assertTrue(Files.size(qcow2) < 9L << 20);
        assertEquals("local-lvm:vm-160-disk-0,size=12M", client.get(QEMU + "/160/config").data().get("virtio0").asText());

        String bad = upid(client.post(QEMU, "vmid", "161", "virtio0", "local-lvm:0,import-from=local:import/broken.qcow2"));
        String status = client.awaitTask("pve", bad).get("exitstatus").asText();
        assertTrue(status.startsWith("unable to import 'local:import/broken.qcow2' - broken.qcow2: truncated"), status);
        assertEquals(500, client.get(QEMU + "/161/config").status(), "a failed create removes the VM");
    }

    private void upload(String name, byte[] bytes) throws Exception {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"content\"\r\n\r\nimport\r\n"
                + "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"filename\"; filename=\"" + name
                + "\"\r\nContent-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        body.writeBytes(bytes);
        body.writeBytes(("\r\n--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.ISO_8859_1));
        HttpRequest request = HttpRequest.newBuilder(URI.create(sim.url() + "/nodes/pve/storage/local/upload"))
                .header("Authorization", "PVEAPIToken=" + PveTestClient.TOKEN_ID + "=" + PveTestClient.SECRET)
                .header("Content-Type", "multipart/form-data; boundary=" + BOUNDARY)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build();
        HttpResponse<String> r = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        String upid = new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.body()).get("data").asText();
        assertEquals("OK", client.awaitTask("pve", upid).get("exitstatus").asText());
    }

    private String log(String upid) {
        List<String> lines = new ArrayList<>();
        client.get("/nodes/pve/tasks/" + upid + "/log?limit=1000").data().forEach(l -> lines.add(l.get("t").asText()));
        return String.join("\n", lines);
    }

    private static JsonNode find(JsonNode list, String volid) {
        for (JsonNode n : list) {
            if (n.get("volid").asText().equals(volid)) {
                return n;
            }
        }
        throw new AssertionError(volid + " not in " + list);
    }

    private static String upid(PveTestClient.Response r) {
        assertEquals(200, r.status(), () -> "expected a UPID, got " + r.status() + " " + r.body());
        assertFalse(r.data().asText().isEmpty());
        return r.data().asText();
    }
}
