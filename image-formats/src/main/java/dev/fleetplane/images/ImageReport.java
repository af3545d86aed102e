package dev.fleetplane.images;

import java.util.List;

/**
 * What {@link ImageCheck} found in an image that passed.
 *
 * @param format      {@code vma} or {@code qcow2}
 * @param compression {@code none}, {@code zst}, {@code gz} or {@code lzo}
 * @param devices     the disks: VMA devices by name, or the qcow2's one disk (named {@code disk}) by virtual size
 * @param configs     the config files a VMA carries ({@code qemu-server.conf}); empty for qcow2
 * @param checkedBy   what checked it, e.g. {@code image-formats VMA verify} or {@code … + qemu-img check}
 */
public record ImageReport(String format, String compression, List<Device> devices, List<String> configs,
                          String checkedBy) {

    /** One disk and its size in bytes. */
    public record Device(String name, long bytes) {
    }

    public ImageReport {
        devices = List.copyOf(devices);
        configs = List.copyOf(configs);
    }
}
