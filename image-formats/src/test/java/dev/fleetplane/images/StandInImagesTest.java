package dev.fleetplane.images;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StandInImagesTest {

    @TempDir
    Path dir;

    @Test
    void vmaOnly_carriesTheConfigNixpkgsWrites() throws IOException {
        List<Path> out = StandInImages.run(new String[] {"--out", dir.toString(), "--format", "vma", "--disk-mib", "2"});
        assertEquals(1, out.size());
        assertTrue(out.get(0).getFileName().toString().matches("vzdump-qemu-nixos-\\d{4}_\\d{2}_\\d{2}-\\d{2}_\\d{2}_\\d{2}\\.vma\\.zst"));
        VmaHeader h = VmaArchive.verify(out.get(0));
        List<String> lines = Arrays.asList(h.qemuConfig().orElseThrow().split("\n"));
        for (String want : List.of("agent: 1", "boot: order=virtio0", "ostype: l26", "scsihw: virtio-scsi-single",
                "serial0: socket", "ide2: local-lvm:vm-9999-cloudinit,media=cdrom",
                "virtio0: local-lvm:vm-9999-disk-0,discard=on,size=2M")) {
            assertTrue(lines.contains(want), want + " in " + lines);
        }
        assertTrue(lines.stream().anyMatch(l -> l.matches("net0: virtio=[0-9A-F:]{17},bridge=vmbr0.*")), lines.toString());
        assertEquals(2L << 20, h.device("drive-virtio0").orElseThrow().size());
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "the raw scratch disk is removed");
        }
    }

    @Test
    void qcow2Only_andFaults() throws IOException {
        List<Path> out = StandInImages.run(new String[] {"--out", dir.toString(), "--format", "qcow2", "--fault", "truncate"});
        assertEquals(List.of(dir.resolve("nixos.qcow2")), out);
        assertThrows(ImageRejected.class, () -> Qcow2Image.read(out.get(0)));
    }

    @Test
    void badArguments_areNamed() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> StandInImages.run(new String[] {"--format", "iso"}))
                .getMessage().startsWith("--format must be vma, qcow2 or both, got 'iso'"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> StandInImages.run(new String[] {}))
                .getMessage().startsWith("--out DIR is required"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> StandInImages.run(new String[] {"--out", dir.toString(), "--disk-mib", "0"}))
                .getMessage().startsWith("--disk-mib must be 1 to 1024, got 0"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> StandInImages.run(new String[] {"--out", dir.toString(), "--fault", "bitflip"}))
                .getMessage().startsWith("--fault: only 'truncate' is known, got 'bitflip'"));
    }
}
