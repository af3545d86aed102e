package dev.fleetplane.images;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Reads Proxmox's VMA backup archives ({@code vma_spec.txt} in pve-qemu): the header (UUID, time, config blobs,
 * devices) and, in verify mode, every extent, as {@code vma verify} does.
 *
 * <p>Hand-written because no Java library reads VMA: the format exists only in Proxmox's patched QEMU. Everything
 * read from the file is bounded before it is used (header size at most 512 KiB as the writer's header buffer, blob
 * pointers inside the blob buffer, names at most 255 bytes, block counts at most 59 × 16 per extent, cluster
 * numbers inside their device, coverage kept as ranges), and every loop consumes input, so a hostile file can
 * neither make it allocate gigabytes nor spin. Offsets in messages count bytes of the uncompressed VMA stream.
 */
public final class VmaArchive {

    static final int HEADER_STRUCT_SIZE = 12288;
    static final int MAX_HEADER_SIZE = 8 * 65536; // vma-writer.c's HEADERBUF_SIZE
    static final int CLUSTER_SIZE = 65536;
    static final int BLOCK_SIZE = 4096;
    static final int EXTENT_HEADER_SIZE = 512;
    static final int CLUSTERS_PER_EXTENT = 59;
    static final int MAX_CONFIGS = 256;
    static final int CONFIG_NAMES_AT = 2044;
    static final int CONFIG_DATA_AT = 3068;
    static final int DEV_INFO_AT = 4096;
    static final int DEV_INFO_SIZE = 32;
    static final long MAX_DEVICE_SIZE = (1L << 32) * CLUSTER_SIZE; // cluster numbers are 32 bits
    static final byte[] MAGIC = {'V', 'M', 'A', 0};
    static final byte[] EXTENT_MAGIC = {'V', 'M', 'A', 'E'};
    private static final int MAX_NAME = 255;
    private static final String VMSTATE = "vmstate";

    /** Receives the non-zero data of a verified archive, device by device, in archive order. */
    @FunctionalInterface
    public interface BlockSink {
        /** {@code length} bytes of {@code device} at byte {@code offset} (never past the device's end). */
        void write(VmaHeader.Device device, long offset, byte[] data, int from, int length) throws IOException;
    }

    private VmaArchive() {
    }

    /** The header of the archive in {@code file} (wrapper removed by its name, see {@link Compression}). */
    public static VmaHeader readHeader(Path file) throws IOException {
        try (InputStream in = Compression.open(file)) {
            return readHeader(in, file.getFileName().toString());
        }
    }

    /** Walks every extent of the archive in {@code file}; its header when the archive is whole and sound. */
    public static VmaHeader verify(Path file) throws IOException {
        return verify(file, null);
    }

    /** As {@link #verify(Path)}, handing the non-zero data to {@code sink} (may be null). */
    public static VmaHeader verify(Path file, BlockSink sink) throws IOException {
        try (InputStream in = Compression.open(file)) {
            return verify(in, file.getFileName().toString(), sink);
        }
    }

    /** Reads the header from {@code in}; {@code where} names the source in messages. */
    public static VmaHeader readHeader(InputStream in, String where) throws IOException {
        return new Reader(in, where).header();
    }

    /**
     * Reads the header and every extent from {@code in}, checking what {@code vma verify} checks; non-zero data
     * goes to {@code sink} when it is not null.
     */
    public static VmaHeader verify(InputStream in, String where, BlockSink sink) throws IOException {
        Reader r = new Reader(in, where);
        VmaHeader h = r.header();
        r.extents(h, sink);
        return h;
    }

    static byte[] md5(byte[] data, int length) {
        try {
            MessageDigest md = MessageDigest.getInstance("MD5");
            md.update(data, 0, length);
            return md.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** One pass over one stream. */
    private static final class Reader {
        private final InputStream in;
        private final String where;
        private long offset;

        Reader(InputStream in, String where) {
            this.in = in;
            this.where = where;
        }

        VmaHeader header() throws IOException {
            byte[] fixed = new byte[HEADER_STRUCT_SIZE];
            int got = readFully(fixed, 0, fixed.length);
            if (got == 0) {
                throw reject("empty: no VMA header");
            }
            if (got >= 4 && !Arrays.equals(fixed, 0, 4, MAGIC, 0, 4)) {
                throw reject("not a VMA archive: wrong magic " + Compression.hex(fixed, 4) + " at byte 0 (want 56 4d 41 00)");
            }
            if (got < HEADER_STRUCT_SIZE) {
                throw reject("truncated VMA header: " + got + " of " + HEADER_STRUCT_SIZE + " bytes");
            }
            ByteBuffer b = ByteBuffer.wrap(fixed);
            int version = b.getInt(4);
            if (version != 1) {
                throw reject("VMA version " + version + " at byte 4 is not supported (only 1)");
            }
            long headerSize = Integer.toUnsignedLong(b.getInt(56));
            if (headerSize <= HEADER_STRUCT_SIZE || headerSize > MAX_HEADER_SIZE || headerSize % 512 != 0) {
                throw reject("wrong VMA header size " + headerSize + " at byte 56 (must be a multiple of 512 above "
                        + HEADER_STRUCT_SIZE + " and at most " + MAX_HEADER_SIZE + ")");
            }
            byte[] head = Arrays.copyOf(fixed, (int) headerSize);
            int more = readFully(head, HEADER_STRUCT_SIZE, head.length - HEADER_STRUCT_SIZE);
            if (more < head.length - HEADER_STRUCT_SIZE) {
                throw reject("truncated VMA header: " + (HEADER_STRUCT_SIZE + more) + " of " + headerSize + " bytes");
            }
            byte[] stored = Arrays.copyOfRange(head, 32, 48);
            Arrays.fill(head, 32, 48, (byte) 0);
            if (!Arrays.equals(stored, md5(head, head.length))) {
                throw reject("wrong VMA header checksum (MD5 at byte 32 does not match bytes 0-" + (headerSize - 1) + ")");
            }
            b = ByteBuffer.wrap(head);
            UUID uuid = new UUID(b.getLong(8), b.getLong(16));
            long ctime = b.getLong(24);
            long blobOffset = Integer.toUnsignedLong(b.getInt(48));
            long blobSize = Integer.toUnsignedLong(b.getInt(52));
            if (blobOffset < HEADER_STRUCT_SIZE) {
                throw reject("wrong VMA blob buffer offset " + blobOffset + " (below the header's fixed part)");
            }
            if (blobOffset + blobSize > headerSize) {
                throw reject("wrong VMA blob buffer: offset " + blobOffset + " + size " + blobSize
                        + " ends past the header (" + headerSize + " bytes)");
            }
            Map<Long, byte[]> blobs = blobs(head, (int) blobOffset, (int) (blobOffset + blobSize));
            List<VmaHeader.Device> devices = new ArrayList<>();
            for (int id = 1; id < 256; id++) {
                int at = DEV_INFO_AT + id * DEV_INFO_SIZE;
                long namePtr = Integer.toUnsignedLong(b.getInt(at));
                long size = b.getLong(at + 8);
                if (size == 0 && namePtr == 0) {
                    continue;
                }
                if (size <= 0 || size > MAX_DEVICE_SIZE) {
                    throw reject("device " + id + ": size " + Long.toUnsignedString(size) + " at byte " + (at + 8)
                            + " is out of range (1 byte to 256 TiB)");
                }
                String name = string(blobs, namePtr, "device " + id + " name");
                devices.add(new VmaHeader.Device(id, name, size));
            }
            Map<String, byte[]> configs = new LinkedHashMap<>();
            for (int i = 0; i < MAX_CONFIGS; i++) {
                long namePtr = Integer.toUnsignedLong(b.getInt(CONFIG_NAMES_AT + 4 * i));
                long dataPtr = Integer.toUnsignedLong(b.getInt(CONFIG_DATA_AT + 4 * i));
                if (namePtr == 0 && dataPtr == 0) {
                    continue;
                }
                if (namePtr == 0 || dataPtr == 0) {
                    throw reject("config " + i + ": invalid data pointers (name " + namePtr + ", data " + dataPtr + ")");
                }
                String name = string(blobs, namePtr, "config " + i + " name");
                byte[] data = blobs.get(dataPtr);
                if (data == null) {
                    throw reject("config " + i + " (" + name + "): data pointer " + dataPtr
                            + " is not a blob in the blob buffer");
                }
                configs.put(name, data);
            }
            return new VmaHeader(uuid, ctime, configs, devices);
        }

        /** The blob buffer as vma-reader.c walks it: 2-byte little-endian sizes from position 1. */
        private static Map<Long, byte[]> blobs(byte[] head, int from, int to) {
            Map<Long, byte[]> out = new HashMap<>();
            long pos = from + 1L;
            while (pos + 2 <= to) {
                int size = (head[(int) pos] & 0xff) | (head[(int) pos + 1] & 0xff) << 8;
                if (pos + 2 + size <= to) {
                    out.put(pos - from, Arrays.copyOfRange(head, (int) pos + 2, (int) pos + 2 + size));
                }
                pos += 2 + size;
            }
            return out;
        }

        private String string(Map<Long, byte[]> blobs, long ptr, String what) throws ImageRejected {
            byte[] blob = blobs.get(ptr);
            if (blob == null) {
                throw reject(what + ": pointer " + ptr + " is not a blob in the blob buffer");
            }
            if (blob.length == 0 || blob[blob.length - 1] != 0) {
                throw reject(what + ": blob at " + ptr + " is not a NUL-terminated string");
            }
            if (blob.length - 1 > MAX_NAME) {
                throw reject(what + ": " + (blob.length - 1) + " bytes long (at most " + MAX_NAME + ")");
            }
            String s = new String(blob, 0, blob.length - 1, StandardCharsets.UTF_8);
            if (s.isEmpty() || !s.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
                throw reject(what + ": not a printable name");
            }
            return s;
        }

        void extents(VmaHeader h, BlockSink sink) throws IOException {
            VmaHeader.Device[] byId = new VmaHeader.Device[256];
            ClusterCoverage[] coverage = new ClusterCoverage[256];
            long[] vmstateNext = new long[256];
            for (VmaHeader.Device d : h.devices()) {
                byId[d.id()] = d;
                coverage[d.id()] = new ClusterCoverage();
            }
            byte[] uuid = ByteBuffer.allocate(16).putLong(h.uuid().getMostSignificantBits())
                    .putLong(h.uuid().getLeastSignificantBits()).array();
            byte[] eh = new byte[EXTENT_HEADER_SIZE];
            byte[] data = new byte[CLUSTER_SIZE];
            long extent = 0;
            while (true) {
                long at = offset;
                int got = readFully(eh, 0, EXTENT_HEADER_SIZE);
                if (got == 0) {
                    break;
                }
                if (got < EXTENT_HEADER_SIZE) {
                    throw reject("truncated extent " + extent + " at byte " + at + ": " + got + " of "
                            + EXTENT_HEADER_SIZE + " header bytes");
                }
                if (!Arrays.equals(eh, 0, 4, EXTENT_MAGIC, 0, 4) || eh[4] != 0 || eh[5] != 0) {
                    throw reject("extent " + extent + " at byte " + at + ": wrong magic "
                            + Compression.hex(eh, 6) + " (want 56 4d 41 45 00 00)");
                }
                byte[] stored = Arrays.copyOfRange(eh, 24, 40);
                Arrays.fill(eh, 24, 40, (byte) 0);
                if (!Arrays.equals(stored, md5(eh, EXTENT_HEADER_SIZE))) {
                    throw reject("extent " + extent + " at byte " + at + ": wrong header checksum (MD5)");
                }
                if (!Arrays.equals(eh, 8, 24, uuid, 0, 16)) {
                    ByteBuffer u = ByteBuffer.wrap(eh, 8, 16);
                    throw reject("extent " + extent + " at byte " + at + ": UUID " + new UUID(u.getLong(), u.getLong())
                            + " is not the archive's " + h.uuid());
                }
                ByteBuffer b = ByteBuffer.wrap(eh);
                int blockCount = Short.toUnsignedInt(b.getShort(6));
                List<long[]> clusters = new ArrayList<>(); // {devId, clusterNum, mask}
                int blocks = 0;
                for (int i = 0; i < CLUSTERS_PER_EXTENT; i++) {
                    long info = b.getLong(40 + 8 * i);
                    int devId = (int) (info >>> 32) & 0xff;
                    if (devId == 0) {
                        continue;
                    }
                    long cluster = info & 0xffffffffL;
                    int mask = (int) (info >>> 48) & 0xffff;
                    VmaHeader.Device d = byId[devId];
                    if (d == null) {
                        throw reject("extent " + extent + " at byte " + at + ": block info " + i
                                + " names device id " + devId + ", which the header does not have");
                    }
                    if (d.name().equals(VMSTATE)) {
                        if (cluster != vmstateNext[devId]++) {
                            throw reject("extent " + extent + " at byte " + at + ": vmstate data out of order");
                        }
                    } else {
                        long start = cluster * CLUSTER_SIZE;
                        if (start >= d.size()) {
                            throw reject("extent " + extent + " at byte " + at + ": cluster " + cluster + " of device "
                                    + d.name() + " lies past its end (" + d.size() + " bytes)");
                        }
                        for (int j = 0; j < 16; j++) {
                            if ((mask & 1 << j) != 0 && start + (long) j * BLOCK_SIZE >= d.size()) {
                                throw reject("extent " + extent + " at byte " + at + ": block " + j + " of cluster "
                                        + cluster + " of device " + d.name() + " lies past its end");
                            }
                        }
                        if (!coverage[devId].add(cluster)) {
                            throw reject("extent " + extent + " at byte " + at + ": duplicate cluster " + cluster
                                    + " of device " + d.name());
                        }
                    }
                    blocks += Integer.bitCount(mask);
                    clusters.add(new long[] {devId, cluster, mask});
                }
                if (blocks != blockCount) {
                    throw reject("extent " + extent + " at byte " + at + ": block count " + blockCount
                            + " does not match its block infos (" + blocks + " non-zero blocks)");
                }
                for (long[] c : clusters) {
                    VmaHeader.Device d = byId[(int) c[0]];
                    int mask = (int) c[2];
                    for (int j = 0; j < 16; j++) {
                        if ((mask & 1 << j) == 0) {
                            continue;
                        }
                        long dataAt = offset;
                        int n = readFully(data, 0, BLOCK_SIZE);
                        if (n < BLOCK_SIZE) {
                            throw reject("truncated extent " + extent + " at byte " + at + ": data of device "
                                    + d.name() + " cluster " + c[1] + " ends at byte " + (dataAt + n)
                                    + " (" + blockCount * (long) BLOCK_SIZE + " data bytes expected)");
                        }
                        long devOffset = c[1] * CLUSTER_SIZE + (long) j * BLOCK_SIZE;
                        if (sink != null) {
                            sink.write(d, devOffset, data, 0,
                                    (int) Math.min(BLOCK_SIZE, d.name().equals(VMSTATE) ? BLOCK_SIZE : d.size() - devOffset));
                        }
                    }
                }
                extent++;
            }
            for (VmaHeader.Device d : h.devices()) {
                if (d.name().equals(VMSTATE)) {
                    continue;
                }
                long count = (d.size() + CLUSTER_SIZE - 1) / CLUSTER_SIZE;
                long missing = coverage[d.id()].firstMissing(count);
                if (missing >= 0) {
                    throw reject("device " + d.name() + ": cluster " + missing + " of " + count
                            + " is missing (archive ends at byte " + offset + " after " + extent + " extents)");
                }
            }
        }

        /** Reads until {@code length} bytes or the end; how many it got. */
        private int readFully(byte[] buf, int from, int length) throws IOException {
            int total = 0;
            try {
                while (total < length) {
                    int n = in.read(buf, from + total, length - total);
                    if (n < 0) {
                        break;
                    }
                    total += n;
                }
            } catch (EOFException e) {
                // a gzip stream cut short: what was read so far counts, the caller names what is missing
            } catch (ImageRejected e) {
                throw e;
            } catch (IOException e) {
                // zstd says "truncated source" or "corrupted data" this way
                throw reject("cannot read the stream at byte " + (offset + total) + " (corrupt or truncated "
                        + "compression?): " + e.getMessage());
            }
            offset += total;
            return total;
        }

        private ImageRejected reject(String what) {
            return new ImageRejected(where + ": " + what);
        }
    }
}
