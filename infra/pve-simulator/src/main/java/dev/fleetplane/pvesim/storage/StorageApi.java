package dev.fleetplane.pvesim.storage;

import dev.fleetplane.pvesim.http.ApiCall;
import dev.fleetplane.pvesim.http.ApiException;
import dev.fleetplane.pvesim.http.ApiRouter;
import dev.fleetplane.pvesim.task.TaskFailure;
import dev.fleetplane.pvesim.task.TaskRunner;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * {@code /nodes/{node}/storage…}: the storage list, a storage's content (file volumes plus the VM disks the configs
 * reference, templates' {@code base-} disks included) and the multipart upload ({@code imgcopy} task).
 */
public final class StorageApi {

    private static final List<String> CONTENT_TYPES = List.of("backup", "images", "import", "iso", "rootdir",
            "snippets", "vztmpl");
    private static final Map<String, String> DIGESTS = Map.of("md5", "MD5", "sha1", "SHA-1", "sha224", "SHA-224",
            "sha256", "SHA-256", "sha384", "SHA-384", "sha512", "SHA-512");
    private static final int MIN_VMID = 100; // pve-vmid
    private static final int MAX_VMID = 999_999_999;

    private final VmDiskVolumes vmDisks;
    private final Storages storages;
    private final TaskRunner tasks;
    private final Path uploadDir;

    /** @param uploadDir where the HTTP server spools uploads; {@code tmpfilename} must point inside it */
    public StorageApi(VmDiskVolumes vmDisks, Storages storages, TaskRunner tasks, Path uploadDir) {
        this.vmDisks = vmDisks;
        this.storages = storages;
        this.tasks = tasks;
        this.uploadDir = uploadDir.toAbsolutePath().normalize();
    }

    public void register(ApiRouter router) {
        router.add("GET", "/nodes/{node}/storage", this::list)
                .add("GET", "/nodes/{node}/storage/{storage}", c -> List.of(Map.of("subdir", "content"),
                        Map.of("subdir", "upload"), Map.of("subdir", "status")))
                .add("GET", "/nodes/{node}/storage/{storage}/content", this::content)
                .add("POST", "/nodes/{node}/storage/{storage}/upload", this::upload);
    }

    private Object list(ApiCall call) {
        call.allowOnly("content", "enabled", "format", "storage", "target");
        String content = call.opt("content").orElse(null);
        call.optBool("enabled", false);
        call.optBool("format", false);
        call.check();
        List<Map<String, Object>> out = new ArrayList<>();
        for (Storages.Storage s : storages.all()) {
            if (content != null && !s.content().contains(content)) {
                continue;
            }
            if (call.opt("storage").filter(id -> !id.equals(s.id())).isPresent()) {
                continue;
            }
            long used = usedBytes(call.path("node"), s);
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("storage", s.id());
            e.put("type", s.type());
            e.put("content", String.join(",", new TreeSet<>(s.content())));
            e.put("active", 1);
            e.put("enabled", 1);
            e.put("shared", 0);
            e.put("total", s.total());
            e.put("used", used);
            e.put("avail", s.total() - used);
            e.put("used_fraction", (double) used / s.total());
            out.add(e);
        }
        return out;
    }

    private long usedBytes(String node, Storages.Storage s) {
        long used = 0;
        for (Map<String, Object> v : volumes(node, s.id())) {
            used += ((Number) v.get("size")).longValue();
        }
        return used;
    }

    private Object content(ApiCall call) {
        call.allowOnly("content", "vmid");
        String content = call.opt("content").orElse(null);
        if (content != null && !CONTENT_TYPES.contains(content)) {
            call.error("content", "invalid format - invalid content type '" + content + "'");
        }
        Integer vmid = call.optInt("vmid", MIN_VMID, MAX_VMID);
        call.check();
        String node = call.path("node");
        storages.require(call.path("storage"));
        List<Map<String, Object>> out = new ArrayList<>();
        for (Map<String, Object> v : volumes(node, call.path("storage"))) {
            if (content != null && !content.equals(v.get("content"))) {
                continue;
            }
            if (vmid != null && !vmid.equals(v.get("vmid"))) {
                continue;
            }
            out.add(v);
        }
        return out;
    }

    /** Every volume of a storage as {@code list_volumes} reports it: VM disks from the configs, then files. */
    private List<Map<String, Object>> volumes(String node, String storage) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (VmDiskVolumes.DiskVolume d : vmDisks.on(node, storage)) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("volid", d.volid());
            e.put("content", "images");
            e.put("format", "raw");
            e.put("size", d.size());
            e.put("vmid", d.vmid());
            out.add(e);
        }
        for (Storages.Volume v : storages.volumes(node, storage)) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("volid", v.volid());
            e.put("content", v.content());
            e.put("format", v.format());
            e.put("size", v.size());
            e.put("ctime", v.ctime());
            if (v.vmid() != null) {
                e.put("vmid", v.vmid());
            }
            if (v.notes() != null) {
                e.put("notes", v.notes());
            }
            out.add(e);
        }
        return out;
    }

    private Object upload(ApiCall call) {
        call.allowOnly("content", "filename", "checksum", "checksum-algorithm", "tmpfilename");
        String content = call.require("content");
        String filename = call.require("filename");
        String algorithm = call.opt("checksum-algorithm").orElse(null);
        String checksum = call.opt("checksum").orElse(null);
        if (algorithm != null && !DIGESTS.containsKey(algorithm)) {
            call.error("checksum-algorithm", "value '" + algorithm
                    + "' does not have a value in the enumeration 'md5, sha1, sha224, sha256, sha384, sha512'");
        }
        if (checksum != null && algorithm == null) {
            call.error("checksum-algorithm", "missing property - 'checksum' requires this property");
        }
        if (algorithm != null && checksum == null) {
            call.error("checksum", "missing property - 'checksum-algorithm' requires this property");
        }
        call.check();
        String node = call.path("node");
        Storages.Storage storage = storages.require(call.path("storage"));
        if (!storage.type().equals("dir")) {
            throw ApiException.internal("can't upload to storage type '" + storage.type() + "'");
        }
        String tmp = call.opt("tmpfilename").orElse(null);
        if (tmp == null) {
            throw ApiException.internal("missing temporary file name");
        }
        Path spooled = Path.of(tmp).toAbsolutePath().normalize();
        if (!spooled.startsWith(uploadDir) || !Files.isRegularFile(spooled)) {
            throw ApiException.internal("temporary file '" + tmp + "' does not exist");
        }
        String name = filename.replaceAll(".*[/\\\\]", "");
        if (!List.of("iso", "vztmpl", "import").contains(content)) {
            throw ApiException.param("content", "upload content type '" + content + "' not allowed");
        }
        String nameError = Storages.uploadNameError(content, name);
        if (nameError != null) {
            throw ApiException.param("filename", nameError);
        }
        if (!storage.content().contains(content)) {
            throw ApiException.internal("storage '" + storage.id() + "' does not support '" + content + "' content");
        }
        String volid = storage.id() + ":" + content + "/" + name;
        Path dest = storages.fileFor(node, volid);
        Path staged;
        long size;
        try {
            // The server deletes its spool file after this request; the worker needs the bytes, so take them now.
            staged = Files.createTempFile(uploadDir, "imgcopy-", "");
            Files.move(spooled, staged, StandardCopyOption.REPLACE_EXISTING);
            size = Files.size(staged);
        } catch (IOException e) {
            throw ApiException.internal("unable to take over the uploaded file: " + e.getMessage());
        }
        return tasks.submit(node, "imgcopy", "", call.user(), t -> {
            if (algorithm != null) {
                t.log("calculating checksum...");
                String got = digest(DIGESTS.get(algorithm), staged);
                if (!got.equalsIgnoreCase(checksum)) {
                    throw new TaskFailure("checksum mismatch: got '" + got + "' != expect '" + checksum + "'");
                }
                t.log("OK, checksum verified");
            }
            t.log("starting file import from: " + staged);
            t.log("target node: " + node);
            t.log("target file: " + dest);
            t.log("file size is: " + size);
            Files.createDirectories(dest.getParent());
            Files.move(staged, dest, StandardCopyOption.REPLACE_EXISTING);
            storages.add(new Storages.Volume(node, volid, content, Storages.formatOf(content, name), size,
                    System.currentTimeMillis() / 1000, null, null, null, dest));
            t.log("finished file import successfully");
            return 0;
        }, t -> {
            try {
                Files.deleteIfExists(staged);
            } catch (IOException ignored) {
                // the work directory goes with the simulator
            }
        }).upid().encode();
    }

    private static String digest(String algorithm, Path file) throws IOException {
        try {
            MessageDigest md = MessageDigest.getInstance(algorithm);
            try (InputStream in = Files.newInputStream(file)) {
                byte[] buf = new byte[64 * 1024];
                for (int n; (n = in.read(buf)) > 0; ) {
                    md.update(buf, 0, n);
                }
            }
            return HexFormat.of().formatHex(md.digest()).toLowerCase(Locale.ROOT);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
