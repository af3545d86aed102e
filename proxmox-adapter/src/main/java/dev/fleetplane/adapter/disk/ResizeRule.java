package dev.fleetplane.adapter.disk;

import dev.fleetplane.proxmox.client.VmConfig;
import java.util.Optional;
import java.util.regex.Pattern;

/** Whether a {@code ResizeDisk} may go to Proxmox: an absolute size, an existing disk, never smaller; pure. */
public final class ResizeRule {

    private static final Pattern ABSOLUTE = Pattern.compile("\\d+(?:\\.\\d+)?[KMGT]?");

    /** What to do with the command. */
    public sealed interface Verdict {
        /** The disk must grow to {@code bytes}. */
        record Grow(long fromBytes, long toBytes) implements Verdict {
        }

        /** The disk has that size already: answer at once. */
        record AlreadyThere(long bytes) implements Verdict {
        }

        /** Refused before any resize call; {@code failure} is the {@code PveOperationFailed} code. */
        record Refused(String failure, String message) implements Verdict {
        }
    }

    private ResizeRule() {
    }

    /** Problems with the command's own fields (no config needed); empty when fine. */
    public static Optional<String> fieldProblem(String disk, String size) {
        return fieldProblem(disk, size, false);
    }

    /** As above; with {@code bootDiskIfAbsent} a null disk is fine (the VM's boot disk is grown). */
    public static Optional<String> fieldProblem(String disk, String size, boolean bootDiskIfAbsent) {
        if (disk == null && bootDiskIfAbsent) {
            return sizeProblem(size);
        }
        if (disk == null || !VmConfig.DISK_KEY.matcher(disk).matches()) {
            return Optional.of("disk '" + disk + "' is not a Proxmox disk key (scsi0..30, virtio0..15, sata0..5, ide0..3,"
                    + " efidisk0, tpmstate0)");
        }
        return sizeProblem(size);
    }

    private static Optional<String> sizeProblem(String size) {
        if (size == null || !ABSOLUTE.matcher(size).matches()) {
            return Optional.of("size '" + size + "' is not an absolute size such as 64G (digits and K, M, G or T;"
                    + " no '+')");
        }
        if (VmConfig.sizeBytes(size).orElse(0L) <= 0) {
            return Optional.of("size '" + size + "' must be more than zero");
        }
        return Optional.empty();
    }

    public static Verdict judge(int vmid, String disk, String size, VmConfig current) {
        long want = VmConfig.sizeBytes(size).orElseThrow();
        Optional<String> spec = current.get(disk);
        if (spec.isEmpty()) {
            return new Verdict.Refused("not-found", "VM " + vmid + " has no disk '" + disk + "'");
        }
        Optional<Long> have = current.diskBytes(disk);
        if (have.isEmpty()) {
            return new Verdict.Refused("invalid-parameter", "disk '" + disk + "' of VM " + vmid + " ('" + spec.get()
                    + "') has no size; is it a cdrom?");
        }
        if (want < have.get()) {
            return new Verdict.Refused("invalid-parameter", "shrinking disk '" + disk + "' of VM " + vmid + " from "
                    + human(have.get()) + " to " + size + " is refused: Proxmox only grows disks (keep " + human(have.get())
                    + " or replace the VM)");
        }
        return want == have.get() ? new Verdict.AlreadyThere(want) : new Verdict.Grow(have.get(), want);
    }

    /** Bytes in the largest unit that divides them exactly, as Proxmox writes sizes. */
    static String human(long bytes) {
        String[] units = {"T", "G", "M", "K"};
        for (int i = 0; i < units.length; i++) {
            long f = 1L << (10 * (4 - i));
            if (bytes >= f && bytes % f == 0) {
                return (bytes / f) + units[i];
            }
        }
        return bytes + " bytes";
    }
}
