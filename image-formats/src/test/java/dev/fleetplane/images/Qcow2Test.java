package dev.fleetplane.images;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Qcow2Test {

    @TempDir
    Path dir;

    static QemuImg qemuImg() {
        return QemuImg.find().orElseThrow(() -> new AssertionError(
                "qemu-img is not on PATH: install qemu-utils (.ci/run does)"));
    }

    @Test
    void writtenImage_passesQemuImgCheck_andConvertsBackToTheSameBytes() throws IOException {
        Path raw = TestArchives.disk(dir, "d.raw", 3 * 1024 * 1024 + 4096, 3);
        Path qcow2 = dir.resolve("d.qcow2");
        Qcow2Writer.write(raw, qcow2);

        QemuImg.Check check = qemuImg().check(qcow2);
        assertTrue(check.clean(), check.toString());
        QemuImg.Info info = qemuImg().info(qcow2);
        assertEquals("qcow2", info.format());
        assertEquals(Files.size(raw), info.virtualSize());
        assertFalse(info.corrupt());
        Path back = dir.resolve("back.raw");
        qemuImg().convertToRaw(qcow2, back);
        assertArrayEquals(Files.readAllBytes(raw), Files.readAllBytes(back));

        Qcow2Image image = Qcow2Image.read(qcow2);
        assertEquals(3, image.version());
        assertEquals(16, image.clusterBits());
        assertEquals(Files.size(raw), image.virtualSize());
        assertEquals(104, image.headerLength());
        assertEquals(Files.size(qcow2), image.fileSize());
    }

    @Test
    void qemuMadeImage_isReadToo() throws Exception {
        Path img = dir.resolve("q.qcow2");
        Process p = new ProcessBuilder("qemu-img", "create", "-q", "-f", "qcow2", img.toString(), "1G").inheritIO().start();
        assertEquals(0, p.waitFor());
        Qcow2Image q = Qcow2Image.read(img);
        assertEquals(1L << 30, q.virtualSize());
        assertEquals(qemuImg().info(img).virtualSize(), q.virtualSize());
    }

    @Test
    void truncatedImage_isRefusedNamingTheTableItLost() throws IOException {
        Path raw = TestArchives.disk(dir, "d.raw", 2 * 1024 * 1024, 4);
        Path qcow2 = dir.resolve("d.qcow2");
        Qcow2Writer.write(raw, qcow2);
        long full = Files.size(qcow2);
        truncate(qcow2, full / 2);
        ImageRejected half = assertThrows(ImageRejected.class, () -> Qcow2Image.read(qcow2));
        assertTrue(half.getMessage().startsWith("d.qcow2: truncated or corrupt: L2 table at "), half.getMessage());
        assertTrue(half.getMessage().contains("points at a data cluster at"), half.getMessage());
        truncate(qcow2, 4 * 65536);
        ImageRejected l1 = assertThrows(ImageRejected.class, () -> Qcow2Image.read(qcow2));
        assertTrue(l1.getMessage().startsWith("d.qcow2: truncated: the L1 table at 262144"), l1.getMessage());
        truncate(qcow2, 65536 + 10);
        ImageRejected refcount = assertThrows(ImageRejected.class, () -> Qcow2Image.read(qcow2));
        assertTrue(refcount.getMessage().contains("the L1 table") || refcount.getMessage().contains("refcount table"),
                refcount.getMessage());
        truncate(qcow2, 50);
        assertEquals("d.qcow2: truncated qcow2 header: 50 of 72 bytes",
                assertThrows(ImageRejected.class, () -> Qcow2Image.read(qcow2)).getMessage());
    }

    @Test
    void hostileHeaders_areRefused() throws IOException {
        Path raw = TestArchives.disk(dir, "d.raw", 1024 * 1024, 5);
        Path good = dir.resolve("good.qcow2");
        Qcow2Writer.write(raw, good);
        assertRefused(good, b -> b.put(0, (byte) 'X'), "not a qcow2 image: wrong magic 58 46 49 fb");
        assertRefused(good, b -> b.putInt(4, 4), "qcow2 version 4 at byte 4 is not supported (2 or 3)");
        assertRefused(good, b -> b.putLong(8, 65536 * 3).putInt(16, 10), "has a backing file (offset 196608)");
        assertRefused(good, b -> b.putInt(32, 2), "is encrypted (method 2)");
        assertRefused(good, b -> b.putLong(72, 1), "incompatible feature bit 0 is set (dirty: not closed cleanly");
        assertRefused(good, b -> b.putLong(72, 2), "incompatible feature bit 1 is set (corrupt)");
        assertRefused(good, b -> b.putLong(72, 1L << 40), "incompatible feature bit 40 is set (unknown)");
        assertRefused(good, b -> b.putInt(20, 40), "cluster bits 40 at byte 20 out of range (9-21)");
        assertRefused(good, b -> b.putInt(36, Integer.MAX_VALUE), "L1 table of 2147483647 entries is larger than 32 MiB");
        assertRefused(good, b -> b.putLong(24, 1L << 50), "L1 table of 1 entries cannot map");
        assertRefused(good, b -> b.putLong(40, 1L << 40), "truncated: the L1 table at 1099511627776");
        assertRefused(good, b -> b.putLong(48, 12345), "refcount table offset 12345 is not a cluster boundary");
    }

    @Test
    void emptyFile_isRefused() throws IOException {
        Path empty = Files.createFile(dir.resolve("e.qcow2"));
        assertEquals("e.qcow2: empty file", assertThrows(ImageRejected.class, () -> Qcow2Image.read(empty)).getMessage());
    }

    private void assertRefused(Path good, java.util.function.Consumer<ByteBuffer> patch, String expected)
            throws IOException {
        Path bad = dir.resolve("bad.qcow2");
        Files.copy(good, bad, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        ByteBuffer h = ByteBuffer.allocate(104);
        try (FileChannel ch = FileChannel.open(bad, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ch.read(h, 0);
            patch.accept(h);
            h.clear();
            ch.write(h, 0);
        }
        ImageRejected e = assertThrows(ImageRejected.class, () -> Qcow2Image.read(bad), expected);
        assertTrue(e.getMessage().startsWith("bad.qcow2: " + expected), e.getMessage());
    }

    private static void truncate(Path p, long length) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
            f.setLength(length);
        }
    }
}
