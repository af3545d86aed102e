package dev.fleetplane.images;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The one entry point for "may this file become a template?": it recognises a VMA archive (any vzdump wrapper) or
 * a qcow2 image, checks it whole, and reports what it holds, or refuses it with {@link ImageRejected}.
 */
public final class ImageCheck {

    private ImageCheck() {
    }

    /** Checks with this module's readers only. */
    public static ImageReport inspect(Path file) throws IOException {
        return inspect(file, Optional.empty());
    }

    /** Checks with this module's readers and, for qcow2, also with {@code qemuImg} when given. */
    public static ImageReport inspect(Path file, Optional<QemuImg> qemuImg) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new ImageRejected(file + ": not a regular file");
        }
        Compression compression = Compression.ofName(file.getFileName().toString());
        byte[] head = new byte[8];
        int n;
        try (InputStream in = Compression.open(file)) {
            n = in.readNBytes(head, 0, head.length);
        } catch (ImageRejected e) {
            throw e;
        } catch (IOException e) {
            throw new ImageRejected(file.getFileName() + ": cannot read its first bytes through ." + compression.label()
                    + " decompression (corrupt or truncated?): " + e.getMessage(), e);
        }
        if (n >= 4 && java.util.Arrays.equals(head, 0, 4, VmaArchive.MAGIC, 0, 4)) {
            VmaHeader h = VmaArchive.verify(file);
            if (h.devices().isEmpty()) {
                throw new ImageRejected(file.getFileName() + ": VMA archive has no disks");
            }
            List<ImageReport.Device> devices = new ArrayList<>();
            h.devices().forEach(d -> devices.add(new ImageReport.Device(d.name(), d.size())));
            return new ImageReport("vma", compression.label(), devices, new ArrayList<>(h.configs().keySet()),
                    "image-formats VMA verify");
        }
        if (compression == Compression.NONE && n >= 4 && java.util.Arrays.equals(head, 0, 4, Qcow2Image.MAGIC, 0, 4)) {
            Qcow2Image q = Qcow2Image.read(file);
            String checkedBy = "image-formats qcow2 header";
            if (qemuImg.isPresent()) {
                QemuImg.Check c = qemuImg.get().check(file);
                if (!c.clean()) {
                    throw new ImageRejected(file.getFileName() + ": qemu-img check found " + c.corruptions()
                            + " corruptions, " + c.leaks() + " leaks, " + c.checkErrors() + " check errors");
                }
                checkedBy += " + qemu-img check";
            }
            return new ImageReport("qcow2", compression.label(), List.of(new ImageReport.Device("disk", q.virtualSize())),
                    List.of(), checkedBy);
        }
        throw new ImageRejected(file.getFileName() + ": not a VMA or qcow2: starts with "
                + (n == 0 ? "nothing (empty after decompression)" : Compression.hex(head, n)));
    }
}
