package dev.fleetplane.adapter.importvm;

import dev.fleetplane.adapter.commands.Checks;
import dev.fleetplane.events.pve.ImportVm;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/** What an {@code ImportVm} may ask for and the create parameters it becomes; pure. */
public final class ImportRules {

    /** {@code storage:path} as Proxmox names volumes. */
    private static final Pattern VOLID = Pattern.compile("[A-Za-z][A-Za-z0-9._-]*:[^\\s,;=]+");
    private static final Pattern STORAGE = Pattern.compile("[A-Za-z][A-Za-z0-9._-]*");
    /** The disks a VM can boot from and import into (qemu-server's bus limits). */
    private static final Pattern DISK_KEY = Pattern.compile("ide[0-3]|sata[0-5]|scsi([0-9]|[12][0-9]|30)|virtio([0-9]|1[0-5])");
    /** Any key that allocates or attaches a volume. */
    private static final Pattern DRIVE_KEY = Pattern.compile("(ide|sata|scsi|virtio|efidisk|tpmstate|unused)[0-9]+");
    /** The one drive key allowed beside the imported disk: the cloud-init or CD-ROM drive. */
    private static final String CDROM = "ide2";
    /** Keys the command's own fields set, or that would make the create something else. */
    private static final Set<String> RESERVED = Set.of("vmid", "name", "archive", "force", "unique", "start");

    private ImportRules() {
    }

    /** The command's fields checked, each bad one named; the VMID is the caller's (null/0 means allocate). */
    public static Checks check(ImportVm cmd, String what) {
        Checks checks = Checks.of(what).node(cmd.node()).dnsName("name", cmd.name())
                .check(cmd.importFrom() != null && VOLID.matcher(cmd.importFrom()).matches(), "importFrom '"
                        + cmd.importFrom() + "' is not a volume id like local:import/nixos.qcow2")
                .check(cmd.storage() != null && STORAGE.matcher(cmd.storage()).matches(),
                        "storage '" + cmd.storage() + "' is not a storage id")
                .check(cmd.diskKey() != null && DISK_KEY.matcher(cmd.diskKey()).matches(), "diskKey '"
                        + cmd.diskKey() + "' is not a disk (ide0-3, sata0-5, scsi0-30, virtio0-15)")
                .check(!CDROM.equals(cmd.diskKey()), "diskKey 'ide2' is kept for the cloud-init/CD-ROM drive");
        Map<String, String> config = cmd.config() == null ? Map.of() : cmd.config();
        for (Map.Entry<String, String> e : config.entrySet()) {
            String key = e.getKey();
            checks.configKey(key);
            if (key == null) {
                continue;
            }
            checks.check(!key.equals(cmd.diskKey()), "config key '" + key + "' is the imported disk itself")
                    .check(key.equals(CDROM) || key.equals(cmd.diskKey()) || !DRIVE_KEY.matcher(key).matches(),
                            "config key '" + key + "' is a drive; only " + CDROM + " may be given beside the imported"
                                    + " disk")
                    .check(!RESERVED.contains(key), "config key '" + key + "' is not allowed (set by the command or"
                            + " not a create parameter)")
                    .check(e.getValue() != null && !e.getValue().isBlank() && e.getValue().indexOf('\n') < 0
                            && e.getValue().indexOf('\r') < 0, "config value of '" + key + "' is empty or spans lines");
        }
        return checks;
    }

    /** The parameters of {@code POST /nodes/{node}/qemu} besides {@code vmid}: name, the imported disk, the config. */
    public static Map<String, String> createParameters(ImportVm cmd) {
        Map<String, String> create = new TreeMap<>(cmd.config() == null ? Map.of() : cmd.config());
        if (cmd.name() != null && !cmd.name().isEmpty()) {
            create.put("name", cmd.name());
        }
        create.put(cmd.diskKey(), cmd.storage() + ":0,import-from=" + cmd.importFrom());
        return create;
    }
}
