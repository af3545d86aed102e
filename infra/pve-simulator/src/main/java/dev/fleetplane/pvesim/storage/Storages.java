package dev.fleetplane.pvesim.storage;

import dev.fleetplane.pvesim.http.ApiException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The storages every node has ({@code local}: a directory for isos, templates, backups and import images;
 * {@code local-lvm}: LVM-thin for VM disks) and the volumes on them that are not VM disks (VM disks live in the VM
 * configs and are listed from there). Thread-safe.
 */
public final class Storages {

    /** One storage definition as {@code storage.cfg} holds it. */
    public record Storage(String id, String type, Set<String> content, long total) {
    }

    /**
     * A file volume: {@code local:iso/x.iso}, {@code local:backup/vzdump-qemu-….vma.zst} (with the config the
     * archive was made from), {@code local:import/x.qcow2}. {@code file} is null for seeded volumes (no bytes).
     */
    public record Volume(String node, String volid, String content, String format, long size, long ctime,
                         Integer vmid, String notes, Map<String, String> archiveConfig, Path file) {
    }

    public static final Storage LOCAL = new Storage("local", "dir",
            Set.of("iso", "vztmpl", "backup", "import", "snippets"), 100L * 1024 * 1024 * 1024);
    public static final Storage LOCAL_LVM = new Storage("local-lvm", "lvmthin",
            Set.of("images", "rootdir"), 400L * 1024 * 1024 * 1024);

    private static final Pattern FILE_VOLID = Pattern.compile("([a-zA-Z][a-zA-Z0-9\\-_.]*):(iso|vztmpl|backup|import|snippets)/([^/]+)");
    private static final Pattern BACKUP_NAME = Pattern.compile(
            "vzdump-qemu-(\\d+)-\\d{4}_\\d{2}_\\d{2}-\\d{2}_\\d{2}_\\d{2}\\.(vma(?:\\.(?:zst|gz|lzo))?)");
    private static final Pattern ISO_NAME = Pattern.compile("(?i)[^/]+\\.(?:iso|img)");
    private static final Pattern VZTMPL_NAME = Pattern.compile("[^/]+\\.tar\\.(gz|xz|zst|bz2)");
    private static final Pattern IMPORT_NAME = Pattern.compile("[a-zA-Z0-9\\-.+=_]+\\.(ova|qcow2|raw|vmdk)");

    private final Path root;
    private final Map<String, Volume> volumes = new LinkedHashMap<>(); // node + " " + volid

    /** @param root where uploaded files are kept ({@code <root>/<node>/<storage>/<content>/<name>}) */
    public Storages(Path root) {
        this.root = root;
    }

    public List<Storage> all() {
        return List.of(LOCAL, LOCAL_LVM);
    }

    public Optional<Storage> find(String id) {
        return all().stream().filter(s -> s.id().equals(id)).findFirst();
    }

    /** The storage, or PVE's 500 "storage '…' does not exist". */
    public Storage require(String id) {
        return find(id).orElseThrow(() -> ApiException.internal("storage '" + id + "' does not exist"));
    }

    public Path fileFor(String node, String volid) {
        Matcher m = FILE_VOLID.matcher(volid);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a file volume: " + volid);
        }
        return root.resolve(node).resolve(m.group(1)).resolve(m.group(2)).resolve(m.group(3));
    }

    public synchronized void add(Volume v) {
        volumes.put(v.node() + " " + v.volid(), v);
    }

    public synchronized Optional<Volume> volume(String node, String volid) {
        return Optional.ofNullable(volumes.get(node + " " + volid));
    }

    /** The file volumes of one storage on one node, in the order they were added. */
    public synchronized List<Volume> volumes(String node, String storage) {
        List<Volume> out = new ArrayList<>();
        for (Volume v : volumes.values()) {
            if (v.node().equals(node) && v.volid().startsWith(storage + ":")) {
                out.add(v);
            }
        }
        return out;
    }

    /**
     * A volume as seeded by a test or demo: its content type follows its directory ({@code iso/}, {@code backup/},
     * …), its storage must hold that content; backups need {@code vzdump-qemu-<vmid>-<date>.vma[.zst]} names.
     */
    public Volume seeded(String node, String volid, long size, Map<String, String> archiveConfig) {
        Matcher m = FILE_VOLID.matcher(volid == null ? "" : volid);
        if (!m.matches()) {
            throw new IllegalArgumentException("volume '" + volid + "' must look like <storage>:<iso|vztmpl|backup|import|snippets>/<name>");
        }
        String storage = m.group(1);
        String content = m.group(2);
        String name = m.group(3);
        Storage s = find(storage).orElseThrow(() -> new IllegalArgumentException(
                "volume '" + volid + "': storage '" + storage + "' does not exist (known: local, local-lvm)"));
        if (!s.content().contains(content)) {
            throw new IllegalArgumentException("volume '" + volid + "': storage '" + storage + "' does not hold '" + content + "' content");
        }
        if (size < 0) {
            throw new IllegalArgumentException("volume '" + volid + "': size must not be negative");
        }
        Integer vmid = null;
        String format = formatOf(content, name);
        if (content.equals("backup")) {
            Matcher b = BACKUP_NAME.matcher(name);
            if (!b.matches()) {
                throw new IllegalArgumentException("backup '" + volid + "' must be named vzdump-qemu-<vmid>-YYYY_MM_DD-hh_mm_ss.vma[.zst|.gz|.lzo]");
            }
            vmid = Integer.parseInt(b.group(1));
            if (archiveConfig == null || archiveConfig.isEmpty()) {
                throw new IllegalArgumentException("backup '" + volid + "' needs the config it was made from");
            }
        } else if (format == null) {
            throw new IllegalArgumentException("volume '" + volid + "' has a wrong extension for '" + content + "' content");
        }
        return new Volume(node, volid, content, format, size, System.currentTimeMillis() / 1000, vmid,
                content.equals("backup") ? archiveConfig.getOrDefault("name", "VM " + vmid) : null,
                archiveConfig == null ? null : Map.copyOf(archiveConfig), null);
    }

    /** {@code format} as {@code list_volumes} derives it from the file name; null when the extension is wrong. */
    public static String formatOf(String content, String name) {
        switch (content) {
            case "iso":
                return ISO_NAME.matcher(name).matches() ? "iso" : null;
            case "vztmpl": {
                Matcher m = VZTMPL_NAME.matcher(name);
                return m.matches() ? "t" + m.group(1).replace("bz2", "bz") : null;
            }
            case "import": {
                Matcher m = IMPORT_NAME.matcher(name);
                return m.matches() ? m.group(1) : null;
            }
            case "backup": {
                Matcher m = BACKUP_NAME.matcher(name);
                return m.matches() ? m.group(2) : null;
            }
            case "snippets":
                return "snippet";
            default:
                return null;
        }
    }

    /** The upload handler's file name checks ({@code Status.pm upload}); null when fine, else the error. */
    public static String uploadNameError(String content, String name) {
        switch (content) {
            case "iso":
                return ISO_NAME.matcher(name).matches() ? null : "wrong file extension";
            case "vztmpl":
                return VZTMPL_NAME.matcher(name).matches() ? null : "wrong file extension";
            case "import":
                return IMPORT_NAME.matcher(name).matches() ? null : "invalid filename or wrong extension";
            default:
                throw new IllegalArgumentException(content);
        }
    }
}
