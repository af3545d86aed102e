package dev.fleetplane.images;

import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

import com.github.luben.zstd.ZstdOutputStream;

/**
 * Writes a small but real image pair, laid out as nixpkgs' proxmox-image module lays out its output: a
 * {@code vzdump-qemu-nixos-<date>.vma.zst} with a {@code qemu-server.conf} like the one nixpkgs generates, and a
 * {@code nixos.qcow2}. This is the demo's and the tests' stand-in for {@code nixos-rebuild build-image}, which
 * cannot run without nixpkgs; the disk holds marker bytes, not NixOS, and is never presented as a NixOS build.
 *
 * <p>Usage: {@code StandInImages --out DIR [--format vma|qcow2|both] [--disk-mib N] [--fault truncate]}.
 */
public final class StandInImages {

    /** Which images to write. */
    public enum Format { VMA, QCOW2, BOTH }

    static final String QCOW2_NAME = "nixos.qcow2";
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy_MM_dd-HH_mm_ss")
            .withZone(ZoneOffset.UTC);

    private StandInImages() {
    }

    public static void main(String[] args) throws IOException {
        try {
            for (Path p : run(args)) {
                System.out.println(p);
            }
        } catch (IllegalArgumentException e) {
            System.err.println("stand-in-images: " + e.getMessage());
            System.exit(2);
        }
    }

    /** {@link #main}'s work: parses the arguments, writes the images, returns their paths. */
    static List<Path> run(String[] args) throws IOException {
        Path out = null;
        Format format = Format.BOTH;
        int diskMib = 4;
        boolean truncate = false;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (a) {
                case "--out" -> out = Path.of(need(a, value));
                case "--format" -> format = parseFormat(need(a, value));
                case "--disk-mib" -> diskMib = parseMib(need(a, value));
                case "--fault" -> {
                    if (!"truncate".equals(need(a, value))) {
                        usage("--fault: only 'truncate' is known, got '" + value + "'");
                    }
                    truncate = true;
                }
                default -> usage("unknown argument '" + a + "'");
            }
            i++;
        }
        if (out == null) {
            usage("--out DIR is required");
        }
        return write(out, format, diskMib, truncate, Instant.now());
    }

    /**
     * Writes the images into {@code dir} (created if missing) and returns their paths.
     *
     * @param truncate cut each file in half after writing it (a fault for tests)
     */
    public static List<Path> write(Path dir, Format format, int diskMib, boolean truncate, Instant when)
            throws IOException {
        if (diskMib < 1 || diskMib > 1024) {
            throw new IllegalArgumentException("--disk-mib must be 1 to 1024, got " + diskMib);
        }
        Files.createDirectories(dir);
        Path raw = Files.createTempFile(dir, ".stand-in-", ".raw");
        List<Path> written = new ArrayList<>();
        try {
            writeDisk(raw, diskMib);
            if (format != Format.QCOW2) {
                Path vma = dir.resolve("vzdump-qemu-nixos-" + DATE.format(when) + ".vma.zst");
                Map<String, byte[]> configs = new LinkedHashMap<>();
                configs.put(VmaHeader.QEMU_CONFIG, qemuServerConf(diskMib).getBytes(StandardCharsets.UTF_8));
                try (OutputStream o = new ZstdOutputStream(Files.newOutputStream(vma))) {
                    VmaWriter.write(o, UUID.randomUUID(), when.getEpochSecond(), configs,
                            List.of(new VmaWriter.Disk("drive-virtio0", raw)));
                }
                written.add(vma);
            }
            if (format != Format.VMA) {
                Path qcow2 = dir.resolve(QCOW2_NAME);
                Qcow2Writer.write(raw, qcow2);
                written.add(qcow2);
            }
        } finally {
            Files.deleteIfExists(raw);
        }
        if (truncate) {
            for (Path p : written) {
                try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
                    f.setLength(f.length() / 2);
                }
            }
        }
        return written;
    }

    /** The config nixpkgs' proxmox-image module writes into the archive (its defaults, VMID 9999). */
    static String qemuServerConf(int diskMib) {
        return String.join("\n",
                "agent: 1",
                "boot: order=virtio0",
                "cores: 1",
                "ide2: local-lvm:vm-9999-cloudinit,media=cdrom",
                "memory: 1024",
                "name: nixos-stand-in",
                "net0: virtio=00:00:00:00:00:00,bridge=vmbr0,firewall=1",
                "ostype: l26",
                "scsihw: virtio-scsi-single",
                "serial0: socket",
                "virtio0: local-lvm:vm-9999-disk-0,discard=on,size=" + diskMib + "M",
                "") ;
    }

    /** A disk of marker blocks: a boot sector signature, a text block, scattered pseudo-random blocks, zeros. */
    private static void writeDisk(Path raw, int diskMib) throws IOException {
        long size = diskMib * 1024L * 1024;
        try (RandomAccessFile f = new RandomAccessFile(raw.toFile(), "rw")) {
            f.setLength(size);
            byte[] mbr = new byte[512];
            mbr[510] = 0x55;
            mbr[511] = (byte) 0xaa;
            f.write(mbr);
            f.seek(4096);
            f.write("fleetplane stand-in image: not NixOS, marker bytes only\n".getBytes(StandardCharsets.US_ASCII));
            Random random = new Random(diskMib);
            byte[] block = new byte[4096];
            for (long at = 256 * 1024; at + block.length <= size; at += 384 * 1024) {
                random.nextBytes(block);
                f.seek(at);
                f.write(block);
            }
        }
    }

    private static String need(String flag, String value) {
        if (value == null) {
            usage(flag + " needs a value");
        }
        return value;
    }

    private static Format parseFormat(String v) {
        try {
            return Format.valueOf(v.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            usage("--format must be vma, qcow2 or both, got '" + v + "'");
            return null;
        }
    }

    private static int parseMib(String v) {
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            usage("--disk-mib must be a number, got '" + v + "'");
            return 0;
        }
    }

    private static void usage(String problem) {
        throw new IllegalArgumentException(problem
                + "\nusage: StandInImages --out DIR [--format vma|qcow2|both] [--disk-mib N] [--fault truncate]");
    }
}
