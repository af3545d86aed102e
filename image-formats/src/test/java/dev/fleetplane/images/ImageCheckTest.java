package dev.fleetplane.images;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageCheckTest {

    @TempDir
    Path dir;

    @Test
    void standInPair_isReportedWithItsDisksAndConfigs() throws IOException {
        List<Path> images = StandInImages.write(dir, StandInImages.Format.BOTH, 3, false,
                Instant.parse("2026-01-02T03:04:05Z"));
        assertEquals(List.of(dir.resolve("vzdump-qemu-nixos-2026_01_02-03_04_05.vma.zst"), dir.resolve("nixos.qcow2")),
                images);
        ImageReport vma = ImageCheck.inspect(images.get(0));
        assertEquals(new ImageReport("vma", "zst", List.of(new ImageReport.Device("drive-virtio0", 3L << 20)),
                List.of("qemu-server.conf"), "image-formats VMA verify"), vma);
        ImageReport qcow2 = ImageCheck.inspect(images.get(1), Optional.of(Qcow2Test.qemuImg()));
        assertEquals(new ImageReport("qcow2", "none", List.of(new ImageReport.Device("disk", 3L << 20)), List.of(),
                "image-formats qcow2 header + qemu-img check"), qcow2);
        assertEquals("image-formats qcow2 header", ImageCheck.inspect(images.get(1)).checkedBy());
    }

    @Test
    void truncatedStandIns_areRefused() throws IOException {
        for (Path p : StandInImages.write(dir, StandInImages.Format.BOTH, 2, true, Instant.now())) {
            ImageRejected e = assertThrows(ImageRejected.class, () -> ImageCheck.inspect(p));
            assertTrue(e.getMessage().startsWith(p.getFileName().toString()), e.getMessage());
        }
    }

    @Test
    void neitherFormat_isRefusedSayingHowItStarts() throws IOException {
        Path iso = Files.write(dir.resolve("x.iso"), "CD001 something".getBytes(StandardCharsets.US_ASCII));
        assertEquals("x.iso: not a VMA or qcow2: starts with 43 44 30 30 31 20 73 6f",
                assertThrows(ImageRejected.class, () -> ImageCheck.inspect(iso)).getMessage());
    }

    @Test
    void emptyOrMissingFiles_areRefused() throws IOException {
        Path empty = Files.createFile(dir.resolve("x.qcow2"));
        assertTrue(assertThrows(ImageRejected.class, () -> ImageCheck.inspect(empty)).getMessage()
                .endsWith("x.qcow2: empty file"));
        Path missing = dir.resolve("nope.vma");
        assertTrue(assertThrows(ImageRejected.class, () -> ImageCheck.inspect(missing)).getMessage()
                .endsWith("nope.vma: not a regular file"));
    }

    @Test
    void digest_isSha256AndSizeInOnePass() throws IOException {
        Path f = Files.write(dir.resolve("abc"), "abc".getBytes(StandardCharsets.US_ASCII));
        assertEquals(new ImageDigest("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", 3),
                ImageDigest.of(f));
    }
}
