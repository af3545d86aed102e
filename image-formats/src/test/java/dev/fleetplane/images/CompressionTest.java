package dev.fleetplane.images;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.luben.zstd.ZstdOutputStream;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompressionTest {

    @TempDir
    Path dir;

    @Test
    void zstdGzipAndPlain_areVerifiedThroughTheirWrapper() throws IOException {
        byte[] vma = TestArchives.archive(dir);
        Path plain = Files.write(dir.resolve("vzdump-qemu-100-2024_01_01-00_00_00.vma"), vma);
        Path zst = dir.resolve("vzdump-qemu-100-2024_01_01-00_00_00.vma.zst");
        try (OutputStream o = new ZstdOutputStream(Files.newOutputStream(zst))) {
            o.write(vma);
        }
        Path gz = dir.resolve("vzdump-qemu-100-2024_01_01-00_00_00.vma.gz");
        try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(gz))) {
            o.write(vma);
        }
        for (Path p : new Path[] {plain, zst, gz}) {
            VmaHeader h = VmaArchive.verify(p);
            assertEquals(TestArchives.ID, h.uuid(), p.toString());
            assertEquals(2, h.devices().size());
        }
    }

    @Test
    void lzo_isReadThroughLzop() throws Exception {
        byte[] vma = TestArchives.archive(dir);
        Path plain = Files.write(dir.resolve("x.vma"), vma);
        Process p = new ProcessBuilder("lzop", "-q", "-o", dir.resolve("x.vma.lzo").toString(), plain.toString())
                .inheritIO().start();
        assertEquals(0, p.waitFor(), "lzop must be installed (.ci/run installs it)");
        assertEquals(TestArchives.ID, VmaArchive.verify(dir.resolve("x.vma.lzo")).uuid());
        Path cut = dir.resolve("cut.vma.lzo");
        byte[] lzo = Files.readAllBytes(dir.resolve("x.vma.lzo"));
        Files.write(cut, Arrays.copyOf(lzo, lzo.length / 2));
        ImageRejected e = assertThrows(ImageRejected.class, () -> VmaArchive.verify(cut));
        assertTrue(e.getMessage().contains("cut.vma.lzo"), e.getMessage());
    }

    @Test
    void zstNameOnGzipBytes_isRefused() throws IOException {
        Path fake = dir.resolve("x.vma.zst");
        try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(fake))) {
            o.write(TestArchives.archive(dir));
        }
        ImageRejected e = assertThrows(ImageRejected.class, () -> VmaArchive.verify(fake));
        assertTrue(e.getMessage().endsWith("x.vma.zst: named .zst but is gz (starts with 1f 8b 08 00 00 00 00 00)"),
                e.getMessage());
    }

    @Test
    void plainNameOnZstdBytes_isRefused() throws IOException {
        Path fake = dir.resolve("x.vma");
        try (OutputStream o = new ZstdOutputStream(Files.newOutputStream(fake))) {
            o.write(TestArchives.archive(dir));
        }
        ImageRejected e = assertThrows(ImageRejected.class, () -> VmaArchive.verify(fake));
        assertTrue(e.getMessage().endsWith("x.vma: is zst compressed but its name has no .zst suffix"), e.getMessage());
    }

    @Test
    void gzNameOnPlainBytes_isRefused() throws IOException {
        Path fake = Files.write(dir.resolve("x.vma.gz"), TestArchives.archive(dir));
        ImageRejected e = assertThrows(ImageRejected.class, () -> VmaArchive.verify(fake));
        assertTrue(e.getMessage().endsWith("named .gz but does not start with the gz magic: starts with 56 4d 41 00 00 00 00 01"),
                e.getMessage());
    }

    @Test
    void truncatedZst_isRefusedAsCorruptOrTruncated() throws IOException {
        Path zst = dir.resolve("x.vma.zst");
        try (OutputStream o = new ZstdOutputStream(Files.newOutputStream(zst))) {
            o.write(TestArchives.archive(dir));
        }
        byte[] bytes = Files.readAllBytes(zst);
        Files.write(zst, Arrays.copyOf(bytes, bytes.length * 2 / 3));
        ImageRejected e = assertThrows(ImageRejected.class, () -> VmaArchive.verify(zst));
        assertTrue(e.getMessage().startsWith("x.vma.zst: "), e.getMessage());
    }

    @Test
    void emptyFile_isRefused() throws IOException {
        Path empty = Files.createFile(dir.resolve("x.vma.zst"));
        ImageRejected e = assertThrows(ImageRejected.class, () -> VmaArchive.verify(empty));
        assertTrue(e.getMessage().endsWith("x.vma.zst: empty file"), e.getMessage());
    }

    @Test
    void labels_areProxmoxFormatSuffixes() {
        assertEquals("zst", Compression.ofName("a.vma.zst").label());
        assertEquals("gz", Compression.ofName("a.vma.gz").label());
        assertEquals("lzo", Compression.ofName("a.vma.lzo").label());
        assertEquals("none", Compression.ofName("a.vma").label());
    }
}
