package dev.fleetplane.images;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Writes a minimal valid qcow2 version 3 image holding given raw data: 64 KiB clusters, the header in cluster 0,
 * one refcount table cluster, the refcount blocks (16-bit refcounts), the L1 table, then one L2 table and the data
 * clusters per 512 MiB that has data. Zero clusters are left unallocated. Used for stand-in images and tests.
 */
public final class Qcow2Writer {

    private static final int CLUSTER_BITS = 16;
    private static final long CLUSTER = 1L << CLUSTER_BITS;
    private static final long L2_ENTRIES = CLUSTER / 8;
    private static final long REFCOUNTS_PER_BLOCK = CLUSTER / 2;
    private static final long COPIED = 1L << 63; // refcount 1: written in place

    private Qcow2Writer() {
    }

    /** Writes {@code raw}'s bytes as a qcow2 image of the same virtual size to {@code target}. */
    public static void write(Path raw, Path target) throws IOException {
        long virtualSize = Files.size(raw);
        if (virtualSize == 0) {
            throw new IllegalArgumentException("raw image " + raw + " is empty");
        }
        long clusters = (virtualSize + CLUSTER - 1) / CLUSTER;
        long l1Size = (clusters + L2_ENTRIES - 1) / L2_ENTRIES;
        long l1Clusters = Math.max(1, (l1Size * 8 + CLUSTER - 1) / CLUSTER);
        // The file can need at most: header, refcount table, L1, every L2, every data cluster, the refcount blocks.
        long maxClusters = 2 + l1Clusters + l1Size + clusters;
        long refcountBlocks = (maxClusters + REFCOUNTS_PER_BLOCK) / REFCOUNTS_PER_BLOCK + 1;
        if (refcountBlocks > L2_ENTRIES) {
            throw new IllegalArgumentException("raw image " + raw + " is too large for one refcount table cluster");
        }
        long refcountTable = CLUSTER;
        long firstRefcountBlock = 2 * CLUSTER;
        long l1Offset = firstRefcountBlock + refcountBlocks * CLUSTER;
        long next = l1Offset + l1Clusters * CLUSTER;
        long[] l1 = new long[(int) l1Size];
        try (FileChannel out = FileChannel.open(target, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING);
             InputStream in = Files.newInputStream(raw)) {
            byte[] data = new byte[(int) CLUSTER];
            long[] l2 = null;
            long l2Offset = 0;
            for (long c = 0; c < clusters; c++) {
                int l1Index = (int) (c / L2_ENTRIES);
                java.util.Arrays.fill(data, (byte) 0);
                in.readNBytes(data, 0, (int) Math.min(CLUSTER, virtualSize - c * CLUSTER));
                if (c % L2_ENTRIES == 0 && l2 != null) {
                    writeTable(out, l2Offset, l2);
                    l2 = null;
                }
                if (isZero(data)) {
                    continue;
                }
                if (l2 == null) {
                    l2 = new long[(int) L2_ENTRIES];
                    l2Offset = next;
                    next += CLUSTER;
                    l1[l1Index] = l2Offset | COPIED;
                }
                l2[(int) (c % L2_ENTRIES)] = next | COPIED;
                out.write(ByteBuffer.wrap(data), next);
                next += CLUSTER;
            }
            if (l2 != null) {
                writeTable(out, l2Offset, l2);
            }
            long used = next / CLUSTER;
            writeTable(out, l1Offset, l1);
            long[] table = new long[(int) L2_ENTRIES];
            ByteBuffer counts = ByteBuffer.allocate((int) (refcountBlocks * CLUSTER));
            for (long c = 0; c < used; c++) {
                counts.putShort((int) (c * 2), (short) 1);
            }
            for (int b = 0; b < refcountBlocks; b++) {
                table[b] = firstRefcountBlock + b * CLUSTER;
            }
            out.write(counts, firstRefcountBlock);
            writeTable(out, refcountTable, table);
            out.write(ByteBuffer.wrap(header(virtualSize, (int) l1Size, l1Offset, refcountTable)), 0);
            if (out.size() < next) {
                out.write(ByteBuffer.allocate(1), next - 1); // a trailing unwritten region still counts as the file
            }
        }
    }

    static byte[] header(long virtualSize, int l1Size, long l1Offset, long refcountTable) {
        ByteBuffer h = ByteBuffer.allocate(112);
        h.put(Qcow2Image.MAGIC).putInt(3)
                .putLong(0).putInt(0)          // no backing file
                .putInt(CLUSTER_BITS).putLong(virtualSize)
                .putInt(0)                     // no encryption
                .putInt(l1Size).putLong(l1Offset)
                .putLong(refcountTable).putInt(1)
                .putInt(0).putLong(0)          // no snapshots
                .putLong(0).putLong(0).putLong(0) // incompatible, compatible, autoclear features
                .putInt(4)                     // refcount order: 16-bit refcounts
                .putInt(104);                  // header length
        // header extension end marker (type 0, length 0) follows at 104
        return h.array();
    }

    private static void writeTable(FileChannel out, long offset, long[] entries) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(entries.length * 8);
        for (long e : entries) {
            b.putLong(e);
        }
        b.flip();
        out.write(b, offset);
    }

    private static boolean isZero(byte[] b) {
        for (byte x : b) {
            if (x != 0) {
                return false;
            }
        }
        return true;
    }
}
