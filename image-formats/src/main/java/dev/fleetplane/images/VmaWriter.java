package dev.fleetplane.images;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Writes a VMA archive as vzdump does ({@code vma_spec.txt}): the header with the config blobs and the devices, then
 * extents of up to 59 clusters, every cluster of every device listed and only its non-zero 4 KiB blocks stored
 * (the mask marks which). Devices are written one after the other, where vzdump interleaves them as the backup job
 * reads them; readers take either. Used to make stand-in template images and test archives.
 */
public final class VmaWriter {

    /**
     * One disk to archive.
     *
     * @param name device name, e.g. {@code drive-virtio0}
     * @param raw  its raw image; the device size is the file's size
     */
    public record Disk(String name, Path raw) {
    }

    private static final int C = VmaArchive.CLUSTER_SIZE;
    private static final int B = VmaArchive.BLOCK_SIZE;

    private VmaWriter() {
    }

    /**
     * Writes the archive to {@code out} (not closed).
     *
     * @param configs file name → content, e.g. {@code qemu-server.conf}
     */
    public static void write(OutputStream out, UUID uuid, long ctime, Map<String, byte[]> configs, List<Disk> disks)
            throws IOException {
        if (disks.size() > 255) {
            throw new IllegalArgumentException("a VMA archive holds at most 255 devices, got " + disks.size());
        }
        if (configs.size() > VmaArchive.MAX_CONFIGS) {
            throw new IllegalArgumentException("a VMA archive holds at most 256 configs, got " + configs.size());
        }
        long[] sizes = new long[disks.size()];
        for (int i = 0; i < disks.size(); i++) {
            sizes[i] = Files.size(disks.get(i).raw());
            if (sizes[i] == 0) {
                throw new IllegalArgumentException("disk " + disks.get(i).name() + " (" + disks.get(i).raw() + ") is empty");
            }
        }
        out.write(header(uuid, ctime, configs, disks, sizes));
        Extents extents = new Extents(out, uuid);
        for (int i = 0; i < disks.size(); i++) {
            try (InputStream in = Files.newInputStream(disks.get(i).raw())) {
                byte[] cluster = new byte[C];
                for (long c = 0; c * C < sizes[i]; c++) {
                    Arrays.fill(cluster, (byte) 0);
                    in.readNBytes(cluster, 0, (int) Math.min(C, sizes[i] - c * C));
                    extents.add(i + 1, c, cluster);
                }
            }
        }
        extents.flush();
    }

    /** The header bytes: fixed part, blob buffer from its position 1, MD5 over all of it. */
    static byte[] header(UUID uuid, long ctime, Map<String, byte[]> configs, List<Disk> disks, long[] sizes) {
        Blobs blobs = new Blobs();
        int[] configNames = new int[configs.size()];
        int[] configData = new int[configs.size()];
        int i = 0;
        for (Map.Entry<String, byte[]> e : configs.entrySet()) {
            configNames[i] = blobs.string(e.getKey());
            configData[i] = blobs.add(e.getValue());
            i++;
        }
        int[] deviceNames = new int[disks.size()];
        for (int d = 0; d < disks.size(); d++) {
            deviceNames[d] = blobs.string(disks.get(d).name());
        }
        int blobTableSize = (blobs.length() + 511) / 512 * 512;
        int headerSize = VmaArchive.HEADER_STRUCT_SIZE + blobTableSize;
        if (headerSize > VmaArchive.MAX_HEADER_SIZE) {
            throw new IllegalArgumentException("configs and names need a " + headerSize + "-byte header, more than "
                    + VmaArchive.MAX_HEADER_SIZE);
        }
        ByteBuffer h = ByteBuffer.allocate(headerSize);
        h.put(VmaArchive.MAGIC).putInt(1).putLong(uuid.getMostSignificantBits())
                .putLong(uuid.getLeastSignificantBits()).putLong(ctime);
        h.putInt(48, VmaArchive.HEADER_STRUCT_SIZE).putInt(52, blobs.length()).putInt(56, headerSize);
        for (int c = 0; c < configNames.length; c++) {
            h.putInt(VmaArchive.CONFIG_NAMES_AT + 4 * c, configNames[c]);
            h.putInt(VmaArchive.CONFIG_DATA_AT + 4 * c, configData[c]);
        }
        for (int d = 0; d < disks.size(); d++) {
            int at = VmaArchive.DEV_INFO_AT + (d + 1) * VmaArchive.DEV_INFO_SIZE;
            h.putInt(at, deviceNames[d]).putLong(at + 8, sizes[d]);
        }
        h.put(VmaArchive.HEADER_STRUCT_SIZE, blobs.bytes(), 0, blobs.length());
        byte[] bytes = h.array();
        System.arraycopy(VmaArchive.md5(bytes, bytes.length), 0, bytes, 32, 16);
        return bytes;
    }

    /** The blob buffer: each blob a 2-byte little-endian size and its bytes; position 0 is unused (0 = none). */
    private static final class Blobs {
        private byte[] buf = new byte[512];
        private int pos = 1;

        int string(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            return add(Arrays.copyOf(b, b.length + 1));
        }

        int add(byte[] data) {
            if (data.length > 65535) {
                throw new IllegalArgumentException("a VMA blob holds at most 65535 bytes, got " + data.length);
            }
            while (pos + 2 + data.length > buf.length) {
                buf = Arrays.copyOf(buf, buf.length * 2);
            }
            int at = pos;
            buf[pos] = (byte) data.length;
            buf[pos + 1] = (byte) (data.length >> 8);
            System.arraycopy(data, 0, buf, pos + 2, data.length);
            pos += 2 + data.length;
            return at;
        }

        int length() {
            return pos;
        }

        byte[] bytes() {
            return buf;
        }
    }

    /** Collects clusters into extents and writes each when it has 59. */
    private static final class Extents {
        private final OutputStream out;
        private final UUID uuid;
        private final List<long[]> infos = new ArrayList<>();
        private final java.io.ByteArrayOutputStream data = new java.io.ByteArrayOutputStream();

        Extents(OutputStream out, UUID uuid) {
            this.out = out;
            this.uuid = uuid;
        }

        void add(int devId, long cluster, byte[] bytes) throws IOException {
            int mask = 0;
            for (int j = 0; j < 16; j++) {
                if (!zero(bytes, j * B)) {
                    mask |= 1 << j;
                    data.write(bytes, j * B, B);
                }
            }
            infos.add(new long[] {devId, cluster, mask});
            if (infos.size() == VmaArchive.CLUSTERS_PER_EXTENT) {
                flush();
            }
        }

        void flush() throws IOException {
            if (infos.isEmpty()) {
                return;
            }
            ByteBuffer h = ByteBuffer.allocate(VmaArchive.EXTENT_HEADER_SIZE);
            h.put(VmaArchive.EXTENT_MAGIC).putShort((short) 0).putShort((short) (data.size() / B))
                    .putLong(uuid.getMostSignificantBits()).putLong(uuid.getLeastSignificantBits());
            for (int i = 0; i < infos.size(); i++) {
                long[] info = infos.get(i);
                h.putLong(40 + 8 * i, info[2] << 48 | info[0] << 32 | info[1]);
            }
            byte[] header = h.array();
            System.arraycopy(VmaArchive.md5(header, header.length), 0, header, 24, 16);
            out.write(header);
            data.writeTo(out);
            data.reset();
            infos.clear();
        }

        private static boolean zero(byte[] b, int from) {
            for (int i = from; i < from + B; i++) {
                if (b[i] != 0) {
                    return false;
                }
            }
            return true;
        }
    }
}
