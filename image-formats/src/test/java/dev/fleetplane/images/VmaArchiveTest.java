package dev.fleetplane.images;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VmaArchiveTest {

    @TempDir
    Path dir;

    @Test
    void roundTrip_headerConfigsDevicesAndEveryByteSurvive() throws IOException {
        Path a = TestArchives.disk(dir, "a.raw", 5 * 65536 + 12345, 1);
        Path b = TestArchives.disk(dir, "b.raw", 70 * 65536, 2);
        byte[] vma = TestArchives.archive(List.of(new VmaWriter.Disk("drive-virtio0", a),
                new VmaWriter.Disk("drive-scsi1", b)));
        Map<String, byte[]> restored = new HashMap<>();
        VmaHeader h = VmaArchive.verify(new ByteArrayInputStream(vma), "t.vma", (d, offset, data, from, len) -> {
            byte[] img = restored.computeIfAbsent(d.name(), n -> new byte[(int) d.size()]);
            System.arraycopy(data, from, img, (int) offset, len);
        });
        assertEquals(TestArchives.ID, h.uuid());
        assertEquals(1_700_000_000L, h.ctime());
        assertEquals(TestArchives.CONF, h.qemuConfig().orElseThrow());
        assertEquals(List.of(new VmaHeader.Device(1, "drive-virtio0", 5 * 65536 + 12345),
                new VmaHeader.Device(2, "drive-scsi1", 70 * 65536)), h.devices());
        assertArrayEquals(Files.readAllBytes(a), restored.get("drive-virtio0"));
        assertArrayEquals(Files.readAllBytes(b), restored.get("drive-scsi1"));
    }

    @Test
    void zeroBlocks_areNotStored_onlyListedWithAnEmptyMask() throws IOException {
        Path zeros = dir.resolve("z.raw");
        Files.write(zeros, new byte[16 * 65536]);
        byte[] vma = TestArchives.archive(List.of(new VmaWriter.Disk("drive-virtio0", zeros)));
        int header = TestArchives.headerSize(vma);
        assertEquals(header + 512, vma.length, "one extent header listing 16 empty clusters, no data");
        ByteBuffer e = ByteBuffer.wrap(vma, header, 512).slice();
        assertEquals(0, e.getShort(6));
        for (int i = 0; i < 16; i++) {
            assertEquals(1L << 32 | i, e.getLong(40 + 8 * i));
        }
        assertEquals(0, e.getLong(40 + 8 * 16));
        VmaArchive.verify(new ByteArrayInputStream(vma), "z.vma", null);
    }

    /** The writer checked against offsets computed by hand from vma_spec.txt, not by the reader. */
    @Test
    void tinyArchive_hasTheLayoutTheSpecGives() throws IOException {
        byte[] raw = new byte[8192];
        Arrays.fill(raw, 4096, 8192, (byte) 0x5a);
        Path disk = dir.resolve("t.raw");
        Files.write(disk, raw);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        VmaWriter.write(out, TestArchives.ID, 42, Map.of("qemu-server.conf", "a\n".getBytes(StandardCharsets.UTF_8)),
                List.of(new VmaWriter.Disk("drive-virtio0", disk)));
        byte[] v = out.toByteArray();
        ByteBuffer b = ByteBuffer.wrap(v);
        // header: 12288 fixed + one 512-byte blob table; extent: 512 header + one 4 KiB block
        assertEquals(12800 + 512 + 4096, v.length);
        assertArrayEquals(new byte[] {'V', 'M', 'A', 0, 0, 0, 0, 1}, Arrays.copyOf(v, 8));
        assertEquals(42, b.getLong(24));
        assertEquals(12288, b.getInt(48));
        assertEquals(40, b.getInt(52)); // 1 unused + (2+17) name + (2+2) data + (2+14) device name
        assertEquals(12800, b.getInt(56));
        assertEquals(1, b.getInt(2044));
        assertEquals(20, b.getInt(3068));
        assertEquals(24, b.getInt(4096 + 32));
        assertEquals(8192, b.getLong(4096 + 32 + 8));
        assertEquals(17, v[12288 + 1]);
        assertEquals(0, v[12288 + 2]);
        assertEquals("qemu-server.conf\0", new String(v, 12288 + 3, 17, StandardCharsets.US_ASCII));
        assertEquals(2, v[12288 + 20]);
        assertEquals("a\n", new String(v, 12288 + 22, 2, StandardCharsets.US_ASCII));
        assertEquals("drive-virtio0\0", new String(v, 12288 + 26, 14, StandardCharsets.US_ASCII));
        byte[] header = Arrays.copyOf(v, 12800);
        Arrays.fill(header, 32, 48, (byte) 0);
        assertArrayEquals(md5(header), Arrays.copyOfRange(v, 32, 48));
        assertArrayEquals(new byte[] {'V', 'M', 'A', 'E', 0, 0, 0, 1}, Arrays.copyOfRange(v, 12800, 12808));
        assertEquals(2L << 48 | 1L << 32, b.getLong(12800 + 40), "mask 0b10, device 1, cluster 0");
        assertEquals(0, b.getLong(12800 + 48));
        byte[] extent = Arrays.copyOfRange(v, 12800, 13312);
        Arrays.fill(extent, 24, 40, (byte) 0);
        assertArrayEquals(md5(extent), Arrays.copyOfRange(v, 12800 + 24, 12800 + 40));
        assertArrayEquals(Arrays.copyOfRange(raw, 4096, 8192), Arrays.copyOfRange(v, 13312, 17408));
    }

    @Test
    void truncatedAnywhere_isRefusedNamingWhere() throws IOException {
        byte[] vma = TestArchives.archive(dir);
        int header = TestArchives.headerSize(vma);
        Map<Integer, String> cuts = Map.of(
                100, "truncated VMA header: 100 of 12288 bytes",
                12288 + 10, "truncated VMA header: 12298 of " + header + " bytes",
                header + 100, "truncated extent 0 at byte " + header + ": 100 of 512 header bytes",
                header + 512 + 5000, "truncated extent 0 at byte " + header + ": data of device drive-virtio0",
                vma.length - 1, "truncated extent 1",
                vma.length - 10 * 4096, "truncated extent 1");
        for (Map.Entry<Integer, String> cut : cuts.entrySet()) {
            ImageRejected e = assertThrows(ImageRejected.class, () -> verify(Arrays.copyOf(vma, cut.getKey())));
            assertTrue(e.getMessage().startsWith("t.vma: " + cut.getValue()), cut.getKey() + ": " + e.getMessage());
        }
    }

    @Test
    void archiveEndingAtAnExtentBoundary_isRefusedForTheMissingClusters() throws IOException {
        byte[] vma = TestArchives.archive(dir);
        int firstExtentBlocks = ByteBuffer.wrap(vma).getShort(TestArchives.headerSize(vma) + 6);
        int end = TestArchives.headerSize(vma) + 512 + firstExtentBlocks * 4096;
        ImageRejected e = assertThrows(ImageRejected.class, () -> verify(Arrays.copyOf(vma, end)));
        assertEquals("t.vma: device drive-scsi1: cluster 53 of 70 is missing (archive ends at byte " + end
                + " after 1 extents)", e.getMessage());
    }

    @Test
    void emptyStream_isRefused() {
        ImageRejected e = assertThrows(ImageRejected.class, () -> verify(new byte[0]));
        assertEquals("t.vma: empty: no VMA header", e.getMessage());
    }

    @Test
    void wrongMagic_isRefused() throws IOException {
        byte[] vma = TestArchives.archive(dir);
        vma[3] = 1;
        ImageRejected e = assertThrows(ImageRejected.class, () -> verify(vma));
        assertEquals("t.vma: not a VMA archive: wrong magic 56 4d 41 01 at byte 0 (want 56 4d 41 00)", e.getMessage());
    }

    @Test
    void headerChecksumMismatch_isRefused() throws IOException {
        byte[] vma = TestArchives.archive(dir);
        vma[12288 + 5] ^= 1;
        ImageRejected e = assertThrows(ImageRejected.class, () -> verify(vma));
        assertTrue(e.getMessage().contains("wrong VMA header checksum"), e.getMessage());
    }

    @Test
    void hugeHeaderSize_isRefusedBeforeAnythingIsAllocated() throws IOException {
        byte[] vma = TestArchives.patchHeader(TestArchives.archive(dir), b -> b.putInt(56, 0x7fff_fe00));
        ImageRejected e = assertThrows(ImageRejected.class, () -> verify(vma));
        assertTrue(e.getMessage().startsWith("t.vma: wrong VMA header size 2147483136 at byte 56"), e.getMessage());
    }

    @Test
    void blobPointersOutsideTheBuffer_areRefused() throws IOException {
        byte[] base = TestArchives.archive(dir);
        byte[] deviceName = TestArchives.patchHeader(base, b -> b.putInt(4096 + 32, 60_000));
        assertEquals("t.vma: device 1 name: pointer 60000 is not a blob in the blob buffer",
                assertThrows(ImageRejected.class, () -> verify(deviceName)).getMessage());
        byte[] configData = TestArchives.patchHeader(base, b -> b.putInt(3068, 5));
        assertEquals("t.vma: config 0 (qemu-server.conf): data pointer 5 is not a blob in the blob buffer",
                assertThrows(ImageRejected.class, () -> verify(configData)).getMessage());
        byte[] blobBuffer = TestArchives.patchHeader(base, b -> b.putInt(52, 0x7fff_ffff));
        assertTrue(assertThrows(ImageRejected.class, () -> verify(blobBuffer)).getMessage()
                .startsWith("t.vma: wrong VMA blob buffer: offset 12288 + size 2147483647 ends past the header"));
        byte[] halfConfig = TestArchives.patchHeader(base, b -> b.putInt(2044, 0));
        assertEquals("t.vma: config 0: invalid data pointers (name 0, data 20)",
                assertThrows(ImageRejected.class, () -> verify(halfConfig)).getMessage());
    }

    @Test
    void extentWithAnotherArchivesUuid_isRefused() throws IOException {
        byte[] base = TestArchives.archive(dir);
        int at = TestArchives.headerSize(base);
        byte[] vma = TestArchives.patchExtent(base, at, b -> b.putLong(8, 1L));
        ImageRejected e = assertThrows(ImageRejected.class, () -> verify(vma));
        assertTrue(e.getMessage().startsWith("t.vma: extent 0 at byte " + at + ": UUID 00000000-0000-0001-"),
                e.getMessage());
        assertTrue(e.getMessage().endsWith("is not the archive's " + TestArchives.ID), e.getMessage());
    }

    @Test
    void extentHeaderCorruption_isRefused() throws IOException {
        byte[] base = TestArchives.archive(dir);
        int at = TestArchives.headerSize(base);
        byte[] md5 = base.clone();
        md5[at + 100] ^= 1;
        assertEquals("t.vma: extent 0 at byte " + at + ": wrong header checksum (MD5)",
                assertThrows(ImageRejected.class, () -> verify(md5)).getMessage());
        byte[] magic = TestArchives.patchExtent(base, at, b -> b.put(3, (byte) 'X'));
        assertTrue(assertThrows(ImageRejected.class, () -> verify(magic)).getMessage()
                .startsWith("t.vma: extent 0 at byte " + at + ": wrong magic 56 4d 41 58"));
        byte[] count = TestArchives.patchExtent(base, at, b -> b.putShort(6, (short) 900));
        assertTrue(assertThrows(ImageRejected.class, () -> verify(count)).getMessage()
                .contains(": block count 900 does not match its block infos"));
        byte[] device = TestArchives.patchExtent(base, at, b -> b.put(40 + 3, (byte) 9));
        assertTrue(assertThrows(ImageRejected.class, () -> verify(device)).getMessage()
                .contains("block info 0 names device id 9, which the header does not have"));
        byte[] duplicate = TestArchives.patchExtent(base, at, b -> b.putLong(48, b.getLong(40)));
        assertTrue(assertThrows(ImageRejected.class, () -> verify(duplicate)).getMessage()
                .contains("duplicate cluster 0 of device drive-virtio0"));
        byte[] beyond = TestArchives.patchExtent(base, at, b -> b.putInt(40 + 4, 1_000_000));
        assertTrue(assertThrows(ImageRejected.class, () -> verify(beyond)).getMessage()
                .contains("cluster 1000000 of device drive-virtio0 lies past its end"));
    }

    @Test
    void readHeader_readsOnlyTheHeader() throws IOException {
        byte[] vma = TestArchives.archive(dir);
        byte[] headerOnly = Arrays.copyOf(vma, TestArchives.headerSize(vma));
        VmaHeader h = VmaArchive.readHeader(new ByteArrayInputStream(headerOnly), "t.vma");
        assertEquals(2, h.devices().size());
        assertEquals(List.of("qemu-server.conf"), List.copyOf(h.configs().keySet()));
    }

    private static VmaHeader verify(byte[] vma) throws IOException {
        return VmaArchive.verify(new ByteArrayInputStream(vma), "t.vma", null);
    }

    private static byte[] md5(byte[] b) {
        try {
            return java.security.MessageDigest.getInstance("MD5").digest(b);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
