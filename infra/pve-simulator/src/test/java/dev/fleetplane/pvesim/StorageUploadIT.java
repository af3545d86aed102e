package dev.fleetplane.pvesim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Storage list, content listing and the streamed multipart upload (reference §2.15). */
class StorageUploadIT {

    private static final String BACKUP = "local:backup/vzdump-qemu-9000-2024_01_01-00_00_00.vma.zst";
    private static final String BOUNDARY = "----fleetplane7MA4YWxkTrZu0gW";
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private PveSimulator sim;
    private PveTestClient client;

    @BeforeEach
    void start() {
        sim = PveSimulator.builder().apiToken(PveTestClient.TOKEN_ID, PveTestClient.SECRET)
                .seed(SeedVm.template(9003, "nixos-template").sized(2, 2048, 8), SeedVm.vm(110, "dev").sized(2, 2048, 32))
                .backupArchive(BACKUP, Map.of("name", "base", "scsi0", "local-lvm:vm-9000-disk-0,size=8G"))
                .storageVolume("local:iso/debian-12.iso", 654_311_424L)
                .build().start();
        client = new PveTestClient(sim);
    }

    @AfterEach
    void close() {
        sim.close();
    }

    @Test
    void storageList_namesEachStorageWithItsContentTypes() {
        JsonNode list = client.get("/nodes/pve/storage").data();
        assertEquals(2, list.size());
        JsonNode local = find(list, "storage", "local");
        assertEquals("dir", local.get("type").asText());
        assertEquals("backup,import,iso,snippets,vztmpl", local.get("content").asText());
        assertEquals(1, local.get("active").asInt());
        JsonNode images = client.get("/nodes/pve/storage?content=images").data();
        assertEquals(1, images.size());
        assertEquals("local-lvm", images.get(0).get("storage").asText());
    }

    @Test
    void content_listsTemplateBaseDisks_vmDisks_backups_isos_withFilters() {
        JsonNode lvm = client.get("/nodes/pve/storage/local-lvm/content").data();
        JsonNode base = find(lvm, "volid", "local-lvm:base-9003-disk-0");
        assertEquals("images", base.get("content").asText());
        assertEquals("raw", base.get("format").asText());
        assertEquals(8L * 1024 * 1024 * 1024, base.get("size").asLong());
        assertEquals(9003, base.get("vmid").asInt());
        assertEquals(1, client.get("/nodes/pve/storage/local-lvm/content?vmid=110").data().size());

        JsonNode local = client.get("/nodes/pve/storage/local/content").data();
        JsonNode backup = find(local, "volid", BACKUP);
        assertEquals("backup", backup.get("content").asText());
        assertEquals("vma.zst", backup.get("format").asText());
        assertEquals(9000, backup.get("vmid").asInt());
        assertTrue(backup.get("ctime").asLong() > 0);
        JsonNode isos = client.get("/nodes/pve/storage/local/content?content=iso").data();
        assertEquals(1, isos.size());
        assertEquals("local:iso/debian-12.iso", isos.get(0).get("volid").asText());
        assertEquals(654_311_424L, isos.get(0).get("size").asLong());

        PveTestClient.Response unknown = client.get("/nodes/pve/storage/nas/content");
        assertEquals(500, unknown.status());
        assertEquals("storage 'nas' does not exist\n", unknown.body().get("message").asText());
        PveTestClient.Response badType = client.get("/nodes/pve/storage/local/content?content=bogus");
        assertEquals(400, badType.status());
        assertTrue(badType.body().get("errors").has("content"));
    }

    @Test
    void upload_ofTensOfMegabytes_chunked_isStreamedToStorage_andChecksummed() throws Exception {
        long size = 70L * 1024 * 1024; // above the 64 MiB a buffered request body may have
        String sha256 = sha256(size);
        HttpResponse<String> r = upload(multipart(List.of("content", "import", "checksum-algorithm", "sha256",
                "checksum", sha256), "filename", "big.raw", size), false);
        JsonNode task = awaitUpid(r);
        assertEquals("OK", task.get("exitstatus").asText(), task.toString());
        assertEquals("imgcopy", task.get("type").asText());
        assertEquals("", task.get("id").asText());
        JsonNode imported = client.get("/nodes/pve/storage/local/content?content=import").data();
        assertEquals("local:import/big.raw", imported.get(0).get("volid").asText());
        assertEquals(size, imported.get(0).get("size").asLong());
        assertEquals("raw", imported.get(0).get("format").asText());
        // and it is usable as an import source
        String create = client.post("/nodes/pve/qemu", "vmid", "150", "scsi0", "local-lvm:0,import-from=local:import/big.raw")
                .data().asText();
        assertEquals("OK", client.awaitTask("pve", create).get("exitstatus").asText());
        assertEquals("local-lvm:vm-150-disk-0,size=72M", client.get("/nodes/pve/qemu/150/config").data().get("scsi0").asText());
    }

    @Test
    void upload_withContentLength_andWrongChecksum_failsTheTask() throws Exception {
        long size = 3 * 1024 * 1024 + 17;
        HttpResponse<String> r = upload(multipart(List.of("content", "iso", "checksum-algorithm", "md5",
                "checksum", "0123456789abcdef0123456789abcdef"), "filename", "boot.iso", size), true);
        JsonNode task = awaitUpid(r);
        assertTrue(task.get("exitstatus").asText().startsWith("checksum mismatch: got '"), task.toString());
        assertTrue(task.get("exitstatus").asText().endsWith("' != expect '0123456789abcdef0123456789abcdef'"));
        assertEquals(1, client.get("/nodes/pve/storage/local/content?content=iso").data().size());
    }

    @Test
    void upload_checksWhatProxmoxChecks() throws Exception {
        HttpResponse<String> badExt = upload(multipart(List.of("content", "iso"), "filename", "boot.qcow2", 10), true);
        assertEquals(400, badExt.statusCode());
        assertEquals("wrong file extension", JSON.readTree(badExt.body()).get("errors").get("filename").asText());

        HttpResponse<String> badImport = upload(multipart(List.of("content", "import"), "filename", "disk.iso", 10), true);
        assertEquals("invalid filename or wrong extension", JSON.readTree(badImport.body()).get("errors").get("filename").asText());

        HttpResponse<String> badType = upload(multipart(List.of("content", "backup"), "filename", "x.vma", 10), true);
        assertEquals("upload content type 'backup' not allowed", JSON.readTree(badType.body()).get("errors").get("content").asText());

        // the non-file fields must come before the file part: a field after it is not seen
        Body late = multipart(List.of(), "filename", "boot.iso", 10, "\r\n--" + BOUNDARY
                + "\r\nContent-Disposition: form-data; name=\"content\"\r\n\r\niso\r\n--" + BOUNDARY + "--\r\n");
        HttpResponse<String> fieldAfterFile = upload(late, false);
        assertEquals(400, fieldAfterFile.statusCode());
        assertEquals("property is missing and it is not optional",
                JSON.readTree(fieldAfterFile.body()).get("errors").get("content").asText());

        HttpResponse<String> wrongName = upload(multipart(List.of("content", "iso"), "file", "boot.iso", 10), true);
        assertEquals(400, wrongName.statusCode());

        HttpResponse<String> lvm = upload(multipart(List.of("content", "iso"), "filename", "boot.iso", 10), true,
                "/nodes/pve/storage/local-lvm/upload");
        assertEquals(500, lvm.statusCode());
        assertEquals("can't upload to storage type 'lvmthin'\n", JSON.readTree(lvm.body()).get("message").asText());
    }

    // ---------------------------------------------------------------- helpers

    private static JsonNode find(JsonNode list, String key, String value) {
        for (JsonNode e : list) {
            if (value.equals(e.path(key).asText())) {
                return e;
            }
        }
        throw new AssertionError("no entry with " + key + "=" + value + " in " + list);
    }

    private JsonNode awaitUpid(HttpResponse<String> r) throws IOException {
        assertEquals(200, r.statusCode(), r::body);
        String upid = JSON.readTree(r.body()).get("data").asText();
        assertTrue(upid.contains(":imgcopy::"), upid);
        return client.awaitTask("pve", upid);
    }

    /** A deterministic pseudo-random file of {@code size} bytes, generated as it is read (never held whole). */
    private static InputStream fileBytes(long size) {
        return new InputStream() {
            private long pos;

            @Override
            public int read() {
                return pos < size ? (int) ((pos++ * 2654435761L >>> 13) & 0xFF) : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (pos >= size) {
                    return -1;
                }
                int n = (int) Math.min(len, size - pos);
                for (int i = 0; i < n; i++) {
                    b[off + i] = (byte) read();
                }
                return n;
            }
        };
    }

    private static String sha256(long size) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        try (InputStream in = fileBytes(size)) {
            byte[] buf = new byte[64 * 1024];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    private record Body(InputStream in, long length) {
    }

    private static Body multipart(List<String> fields, String partName, String filename, long size) {
        return multipart(fields, partName, filename, size, "\r\n--" + BOUNDARY + "--\r\n");
    }

    /** Fields, then the file part, then {@code tail} (the closing delimiter, or more parts). */
    private static Body multipart(List<String> fields, String partName, String filename, long size, String tail) {
        StringBuilder head = new StringBuilder();
        for (int i = 0; i < fields.size(); i += 2) {
            head.append("--").append(BOUNDARY).append("\r\n")
                    .append("Content-Disposition: form-data; name=\"").append(fields.get(i)).append("\"\r\n\r\n")
                    .append(fields.get(i + 1)).append("\r\n");
        }
        head.append("--").append(BOUNDARY).append("\r\n")
                .append("Content-Disposition: form-data; name=\"").append(partName).append("\"; filename=\"")
                .append(filename).append("\"\r\nContent-Type: application/octet-stream\r\n\r\n");
        byte[] prefix = head.toString().getBytes(StandardCharsets.ISO_8859_1);
        byte[] suffix = tail.getBytes(StandardCharsets.ISO_8859_1);
        InputStream in = new SequenceInputStream(java.util.Collections.enumeration(List.of(
                new ByteArrayInputStream(prefix), fileBytes(size), new ByteArrayInputStream(suffix))));
        return new Body(in, prefix.length + size + suffix.length);
    }

    private HttpResponse<String> upload(Body body, boolean withLength) throws Exception {
        return upload(body, withLength, "/nodes/pve/storage/local/upload");
    }

    private HttpResponse<String> upload(Body body, boolean withLength, String path) throws Exception {
        HttpRequest.BodyPublisher publisher = HttpRequest.BodyPublishers.ofInputStream(body::in);
        if (withLength) {
            publisher = HttpRequest.BodyPublishers.fromPublisher(publisher, body.length());
        }
        return send(publisher, path);
    }

    private HttpResponse<String> send(HttpRequest.BodyPublisher publisher, String path) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(sim.url() + path))
                .timeout(Duration.ofSeconds(60))
                .header("Authorization", "PVEAPIToken=" + PveTestClient.TOKEN_ID + "=" + PveTestClient.SECRET)
                .header("Content-Type", "multipart/form-data; boundary=" + BOUNDARY)
                .POST(publisher).build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

}
