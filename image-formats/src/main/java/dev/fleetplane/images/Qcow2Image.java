package dev.fleetplane.images;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A qcow2 image's header as the qcow2 specification (QEMU's {@code docs/interop/qcow2.txt}) lays it out, checked
 * for what a template must not be: encrypted, backed by another file, marked corrupt or dirty, using features this
 * reader does not know, or cut short (a table that lies past the file's end is named).
 *
 * <p>Hand-written because no maintained Java library reads qcow2; only the header, the L1 table and the refcount
 * table are read, each bounded (L1 at most 32 MiB as QEMU allows, tables inside the file) before it is used.
 * {@link QemuImg} asks the real {@code qemu-img} where it is installed.
 *
 * @param version       2 or 3
 * @param clusterBits   9–21
 * @param virtualSize   the guest-visible disk size in bytes
 * @param headerLength  104 for version 2, the header's own field for version 3
 * @param fileSize      bytes of the image file
 */
public record Qcow2Image(int version, int clusterBits, long virtualSize, long l1TableOffset, int l1Size,
                         long refcountTableOffset, int refcountTableClusters, int headerLength,
                         long incompatibleFeatures, long fileSize) {

    static final byte[] MAGIC = {'Q', 'F', 'I', (byte) 0xfb};
    private static final long MAX_L1_BYTES = 32L * 1024 * 1024;
    private static final long OFFSET_MASK = 0x00fffffffffffe00L;
    private static final long COMPRESSED = 1L << 62;
    private static final String[] INCOMPATIBLE = {"dirty", "corrupt", "external data file", "compression type",
            "extended L2 entries"};

    /** Reads and checks the image in {@code file}. */
    public static Qcow2Image read(Path file) throws IOException {
        String where = file.getFileName().toString();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long fileSize = ch.size();
            if (fileSize == 0) {
                throw new ImageRejected(where + ": empty file");
            }
            ByteBuffer h = ByteBuffer.allocate(104);
            int got = read(ch, h, 0);
            if (got < 4 || !java.util.Arrays.equals(h.array(), 0, 4, MAGIC, 0, 4)) {
                throw new ImageRejected(where + ": not a qcow2 image: wrong magic " + Compression.hex(h.array(), got)
                        + " (want 51 46 49 fb)");
            }
            if (got < 72) {
                throw new ImageRejected(where + ": truncated qcow2 header: " + got + " of 72 bytes");
            }
            int version = h.getInt(4);
            if (version != 2 && version != 3) {
                throw new ImageRejected(where + ": qcow2 version " + version + " at byte 4 is not supported (2 or 3)");
            }
            if (version == 3 && got < 104) {
                throw new ImageRejected(where + ": truncated qcow2 v3 header: " + got + " of 104 bytes");
            }
            long backingOffset = h.getLong(8);
            int clusterBits = h.getInt(20);
            long virtualSize = h.getLong(24);
            int cryptMethod = h.getInt(32);
            int l1Size = h.getInt(36);
            long l1Offset = h.getLong(40);
            long refcountOffset = h.getLong(48);
            int refcountClusters = h.getInt(56);
            long incompatible = version == 3 ? h.getLong(72) : 0;
            int headerLength = version == 3 ? h.getInt(100) : 72;
            if (clusterBits < 9 || clusterBits > 21) {
                throw new ImageRejected(where + ": cluster bits " + clusterBits + " at byte 20 out of range (9-21)");
            }
            long cluster = 1L << clusterBits;
            if (version == 3 && (headerLength < 104 || headerLength % 8 != 0 || headerLength > cluster)) {
                throw new ImageRejected(where + ": header length " + headerLength + " at byte 100 is invalid");
            }
            if (backingOffset != 0) {
                throw new ImageRejected(where + ": has a backing file (offset " + backingOffset
                        + "); a template image must stand alone (qemu-img convert it first)");
            }
            if (cryptMethod != 0) {
                throw new ImageRejected(where + ": is encrypted (method " + cryptMethod + "); a template cannot be");
            }
            for (int bit = 0; bit < 64; bit++) {
                if ((incompatible & 1L << bit) != 0 && bit != 3 && bit != 4) {
                    throw new ImageRejected(where + ": incompatible feature bit " + bit + " is set ("
                            + (bit < INCOMPATIBLE.length ? INCOMPATIBLE[bit] : "unknown")
                            + (bit == 0 ? ": not closed cleanly, run qemu-img check -r all" : "") + ")");
                }
            }
            if (virtualSize < 0) {
                throw new ImageRejected(where + ": virtual size at byte 24 is negative");
            }
            long l1Bytes = Integer.toUnsignedLong(l1Size) * 8;
            if (l1Bytes > MAX_L1_BYTES) {
                throw new ImageRejected(where + ": L1 table of " + Integer.toUnsignedString(l1Size)
                        + " entries is larger than 32 MiB");
            }
            long entriesPerL2 = cluster / 8;
            long needed = ceilDiv(ceilDiv(virtualSize, cluster), entriesPerL2);
            if (l1Size < needed) {
                throw new ImageRejected(where + ": L1 table of " + l1Size + " entries cannot map " + virtualSize
                        + " bytes (needs " + needed + ")");
            }
            checkTable(where, "L1 table", l1Offset, l1Bytes, cluster, fileSize);
            long refcountBytes = Integer.toUnsignedLong(refcountClusters) * cluster;
            if (refcountClusters == 0) {
                throw new ImageRejected(where + ": refcount table has no clusters");
            }
            checkTable(where, "refcount table", refcountOffset, refcountBytes, cluster, fileSize);
            java.util.Set<Long> l2Tables = checkEntries(where, ch, "L1 table", "L2 table", l1Offset, l1Size, cluster,
                    fileSize);
            for (long l2 : l2Tables) {
                checkEntries(where, ch, "L2 table at " + l2, "data cluster", l2, (int) (cluster / 8), cluster, fileSize);
            }
            checkEntries(where, ch, "refcount table", "refcount block", refcountOffset,
                    (int) Math.min(refcountBytes / 8, MAX_L1_BYTES / 8), cluster, fileSize);
            return new Qcow2Image(version, clusterBits, virtualSize, l1Offset, l1Size, refcountOffset,
                    refcountClusters, headerLength, incompatible, fileSize);
        }
    }

    private static void checkTable(String where, String table, long offset, long bytes, long cluster, long fileSize)
            throws ImageRejected {
        if (offset <= 0 || offset % cluster != 0) {
            throw new ImageRejected(where + ": " + table + " offset " + offset + " is not a cluster boundary");
        }
        if (offset + bytes > fileSize) {
            throw new ImageRejected(where + ": truncated: the " + table + " at " + offset + " (" + bytes
                    + " bytes) ends past the file's end (" + fileSize + " bytes)");
        }
    }

    /**
     * Every table entry that points somewhere must point at a whole cluster inside the file; the distinct targets
     * (so a hostile table pointing many times at one cluster is read once). Compressed L2 entries are not checked.
     */
    private static java.util.Set<Long> checkEntries(String where, FileChannel ch, String table, String target, long offset,
                                     int entries, long cluster, long fileSize) throws IOException {
        java.util.Set<Long> targets = new java.util.LinkedHashSet<>();
        ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
        for (long i = 0; i < entries; ) {
            buf.clear();
            buf.limit((int) Math.min(buf.capacity(), (entries - i) * 8));
            int got = read(ch, buf, offset + i * 8);
            if (got < buf.limit()) {
                throw new ImageRejected(where + ": truncated inside the " + table);
            }
            for (int at = 0; at < got; at += 8, i++) {
                long raw = buf.getLong(at);
                long entry = raw & OFFSET_MASK;
                if (entry == 0 || (raw & COMPRESSED) != 0) {
                    continue;
                }
                // qemu may leave a data cluster at the file's end short; tables are always written whole
                long mustEnd = target.equals("data cluster") ? entry + 1 : entry + cluster;
                if (entry % cluster != 0 || mustEnd > fileSize) {
                    throw new ImageRejected(where + ": truncated or corrupt: " + table + " entry " + i + " points at a "
                            + target + " at " + entry + ", past the file's end (" + fileSize + " bytes)");
                }
                targets.add(entry);
            }
        }
        return targets;
    }

    private static int read(FileChannel ch, ByteBuffer buf, long at) throws IOException {
        int total = 0;
        while (buf.hasRemaining()) {
            int n = ch.read(buf, at + total);
            if (n < 0) {
                break;
            }
            total += n;
        }
        return total;
    }

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }
}
