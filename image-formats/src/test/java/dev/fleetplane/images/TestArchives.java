package dev.fleetplane.images;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

/** Builds small archives and raw disks for the tests, and patches bytes with the checksums fixed up. */
final class TestArchives {

    static final UUID ID = UUID.fromString("0b3f6c1e-2a4d-4c5e-9f60-7a8b9c0d1e2f");
    static final String CONF = "boot: order=virtio0\nmemory: 1024\nvirtio0: local-lvm:vm-9999-disk-0,size=1M\n";

    private TestArchives() {
    }

    /** A raw disk of {@code size} bytes: zeros with a few random 4 KiB blocks and a tail byte. */
    static Path disk(Path dir, String name, long size, long seed) throws IOException {
        byte[] b = new byte[(int) size];
        Random r = new Random(seed);
        for (int at = 8192; at + 4096 <= size; at += 7 * 4096 + 512) {
            byte[] block = new byte[4096];
            r.nextBytes(block);
            System.arraycopy(block, 0, b, at, 4096);
        }
        b[(int) size - 1] = 7;
        Path p = dir.resolve(name);
        Files.write(p, b);
        return p;
    }

    static byte[] archive(Path dir) throws IOException {
        return archive(List.of(new VmaWriter.Disk("drive-virtio0", disk(dir, "a.raw", 5 * 65536 + 12345, 1)),
                new VmaWriter.Disk("drive-scsi1", disk(dir, "b.raw", 70 * 65536, 2))));
    }

    static byte[] archive(List<VmaWriter.Disk> disks) throws IOException {
        Map<String, byte[]> configs = new LinkedHashMap<>();
        configs.put("qemu-server.conf", CONF.getBytes(StandardCharsets.UTF_8));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        VmaWriter.write(out, ID, 1_700_000_000L, configs, disks);
        return out.toByteArray();
    }

    static int headerSize(byte[] vma) {
        return ByteBuffer.wrap(vma).getInt(56);
    }

    /** A copy with the header's MD5 recomputed after {@code patch}. */
    static byte[] patchHeader(byte[] vma, java.util.function.Consumer<ByteBuffer> patch) {
        byte[] copy = vma.clone();
        ByteBuffer b = ByteBuffer.wrap(copy);
        patch.accept(b);
        int size = Math.min(headerSize(vma), copy.length);
        Arrays.fill(copy, 32, 48, (byte) 0);
        System.arraycopy(VmaArchive.md5(copy, size), 0, copy, 32, 16);
        return copy;
    }

    /** A copy with the extent header at {@code at} patched and its MD5 recomputed. */
    static byte[] patchExtent(byte[] vma, int at, java.util.function.Consumer<ByteBuffer> patch) {
        byte[] copy = vma.clone();
        ByteBuffer b = ByteBuffer.wrap(copy, at, 512).slice();
        patch.accept(b);
        byte[] eh = Arrays.copyOfRange(copy, at, at + 512);
        Arrays.fill(eh, 24, 40, (byte) 0);
        System.arraycopy(VmaArchive.md5(eh, 512), 0, copy, at + 24, 16);
        return copy;
    }
}
