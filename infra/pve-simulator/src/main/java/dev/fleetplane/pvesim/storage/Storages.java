package dev.fleetplane.pvesim.storage;

import dev.fleetplane.pvesim.http.ApiException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

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
     * archive was made from), {@code local:import/x.qcow2}. {@code file} is null for seeded volumes (no bytes); a backup with a file is a
     * real VMA archive (its config is in the archive, {@code archiveConfig} is null).
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
    /** {@code archive_info}: any {@code vzdump-qemu-…} VMA is a backup; a standard name also gives VMID and time. */
    private static final Pattern BACKUP_FILE = Pattern.compile("vzdump-qemu-[^/]+?\\.(vma(?:\\.(?:zst|gz|lzo))?)");
    private static final Pattern STD_BACKUP_NAME = Pattern.compile(
            "vzdump-qemu-([1-9]\\d{2,8})-(\\d{4})_(\\d{2})_(\\d{2})-(\\d{2})_(\\d{2})_(\\d{2})\\.vma(?:\\.(?:zst|gz|lzo))?");
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
        if (m.group(1).equals(LOCAL.id()) && m.group(2).equals("backup")) {
            return dumpDir(node).resolve(m.group(3));
        }
        return root.resolve(node).resolve(m.group(1)).resolve(m.group(2)).resolve(m.group(3));
    }

    /**
     * The {@code local} storage's dump directory on {@code node} (Proxmox's {@code /var/lib/vz/dump}), created if
     * missing. A {@code vzdump-qemu-…vma[.zst|.gz|.lzo]} file put there from outside the API (by SFTP, by a test)
     * is a backup volume {@code local:backup/<name>}; other files there are not.
     */
    public Path dumpDir(String node) {
        Path dir = root.resolve(node).resolve(LOCAL.id()).resolve("dump");
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the dump directory " + dir, e);
        }
        return dir;
    }

    public synchronized void add(Volume v) {
        volumes.put(v.node() + " " + v.volid(), v);
    }

    /** A registered volume, or a backup file in the node's dump directory. */
    public synchronized Optional<Volume> volume(String node, String volid) {
        Volume v = volumes.get(node + " " + volid);
        if (v != null) {
            return Optional.of(v);
        }
        Matcher m = FILE_VOLID.matcher(volid);
        if (m.matches() && m.group(1).equals(LOCAL.id()) && m.group(2).equals("backup")) {
            return dumpFile(node, dumpDir(node).resolve(m.group(3)));
        }
        return Optional.empty();
    }

    /** The file volumes of one storage on one node, in the order they were added, then the dump directory's backups. */
    public synchronized List<Volume> volumes(String node, String storage) {
        List<Volume> out = new ArrayList<>();
        for (Volume v : volumes.values()) {
            if (v.node().equals(node) && v.volid().startsWith(storage + ":")) {
                out.add(v);
            }
        }
        if (storage.equals(LOCAL.id())) {
            try (Stream<Path> files = Files.list(dumpDir(node))) {
                files.sorted().forEach(f -> dumpFile(node, f)
                        .filter(v -> !volumes.containsKey(node + " " + v.volid()))
                        .ifPresent(out::add));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot list the dump directory of node " + node, e);
            }
        }
        return out;
    }

    /**
     * A file of the dump directory as {@code list_volumes} reports it ({@code archive_info}): a backup only when
     * named {@code vzdump-qemu-…}; VMID and ctime from a standard name, else no VMID and the file's mtime.
     */
    private static Optional<Volume> dumpFile(String node, Path file) {
        String name = file.getFileName().toString();
        Matcher m = BACKUP_FILE.matcher(name);
        if (!m.matches() || !Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            long size = Files.size(file);
            Matcher std = STD_BACKUP_NAME.matcher(name);
            Integer vmid = null;
            long ctime = Files.getLastModifiedTime(file).toMillis() / 1000;
            if (std.matches()) {
                vmid = Integer.parseInt(std.group(1));
                ctime = LocalDateTime.of(Integer.parseInt(std.group(2)), Integer.parseInt(std.group(3)),
                        Integer.parseInt(std.group(4)), Integer.parseInt(std.group(5)), Integer.parseInt(std.group(6)),
                        Integer.parseInt(std.group(7))).toEpochSecond(ZoneOffset.UTC);
            }
            return Optional.of(new Volume(node, LOCAL.id() + ":backup/" + name, "backup", m.group(1), size, ctime,
                    vmid, null, null, file));
        } catch (IOException | java.time.DateTimeException e) {
            return Optional.empty(); // gone meanwhile, or a date that is no date: not a backup
        }
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
                Matcher m = BACKUP_FILE.matcher(name);
                return m.matches() ? m.group(1) : null;
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
