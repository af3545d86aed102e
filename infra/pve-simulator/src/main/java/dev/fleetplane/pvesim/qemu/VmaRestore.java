package dev.fleetplane.pvesim.qemu;

import dev.fleetplane.images.Compression;
import dev.fleetplane.images.VmaArchive;
import dev.fleetplane.images.VmaHeader;
import dev.fleetplane.pvesim.storage.Storages;
import dev.fleetplane.pvesim.task.Task;
import dev.fleetplane.pvesim.task.TaskFailure;

import java.io.IOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What {@code qmrestore} learns from a real VMA archive file ({@code restore_vma_archive} piping the file through
 * {@code vma extract}): the archived {@code qemu-server.conf} and each disk's size, after the whole archive was
 * walked and verified. A broken archive fails the task as the pipe's failure does in Proxmox: vma's
 * {@code ERROR} line in the log and "command '…' failed: exit code 133" as the exit status.
 */
final class VmaRestore {

    /** The archived config (keys in file order) and the size of each archived disk by config key. */
    record Archive(Map<String, String> config, Map<String, Long> diskBytes) {
    }

    private static final DateTimeFormatter CTIME = DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    private VmaRestore() {
    }

    static Archive read(Storages.Volume backup, int vmid, Task t) {
        String name = backup.file().getFileName().toString();
        String path = "/var/lib/vz/dump/" + name;
        String fifo = "/var/tmp/vzdumptmp" + vmid + ".fifo";
        String tmp = "/var/tmp/vzdumptmp" + vmid;
        String command = switch (Compression.ofName(name)) {
            case ZSTD -> "zstd -q -d -c " + path + " | vma extract -v -r " + fifo + " - " + tmp;
            case GZIP -> "zcat " + path + " | vma extract -v -r " + fifo + " - " + tmp;
            case LZO -> "lzop -d -c " + path + " | vma extract -v -r " + fifo + " - " + tmp;
            case NONE -> "vma extract -v -r " + fifo + " " + path + " " + tmp;
        };
        t.log("restore vma archive: " + command);
        VmaHeader header;
        try {
            header = VmaArchive.readHeader(backup.file());
        } catch (IOException e) {
            throw failed(t, command, e);
        }
        header.configs().forEach((n, data) -> t.log("CFG: size: " + data.length + " name: " + n));
        for (VmaHeader.Device d : header.devices()) {
            t.log("DEV: dev_id=" + d.id() + " size: " + d.size() + " devname: " + d.name());
        }
        t.log("CTIME: " + CTIME.format(Instant.ofEpochSecond(header.ctime())));
        long[] stored = {0};
        try {
            VmaArchive.verify(backup.file(), (device, offset, data, from, length) -> stored[0] += length);
        } catch (IOException e) {
            throw failed(t, command, e);
        }
        long total = header.devices().stream().mapToLong(VmaHeader.Device::size).sum();
        t.log("progress 100% (read " + total + " bytes, duration 0 sec)");
        long sparse = total - stored[0];
        t.log("total bytes read " + total + ", sparse bytes " + sparse + " ("
                + String.format(Locale.ROOT, "%.3g", total == 0 ? 0.0 : 100.0 * sparse / total) + "%)");
        String conf = header.qemuConfig().orElseThrow(() -> {
            t.log("restore failed - archive has no " + VmaHeader.QEMU_CONFIG);
            return new TaskFailure("unable to restore VM " + vmid + " - archive has no " + VmaHeader.QEMU_CONFIG);
        });
        Map<String, Long> disks = new LinkedHashMap<>();
        for (VmaHeader.Device d : header.devices()) {
            if (d.name().startsWith("drive-")) {
                disks.put(d.name().substring("drive-".length()), d.size());
            }
        }
        return new Archive(parseConfig(conf), disks);
    }

    /**
     * The main section of a {@code qemu-server.conf}: {@code key: value} lines up to the first snapshot or
     * {@code [PENDING]} section; comment lines (the description) are left out.
     */
    static Map<String, String> parseConfig(String text) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            String l = line.strip();
            if (l.startsWith("[")) {
                break;
            }
            int colon = l.indexOf(':');
            if (l.isEmpty() || l.startsWith("#") || colon <= 0) {
                continue;
            }
            out.put(l.substring(0, colon).strip(), l.substring(colon + 1).strip());
        }
        return out;
    }

    private static TaskFailure failed(Task t, String command, IOException e) {
        // vma extract dies through g_error(): the message, then the shell reports SIGTRAP as exit code 133
        t.log("** (process:" + ProcessHandle.current().pid() + "): ERROR **: restore failed - " + e.getMessage());
        return new TaskFailure("command 'set -o pipefail && " + command + "' failed: exit code 133");
    }
}
