package dev.fleetplane.pvesim.qemu;

import dev.fleetplane.images.Qcow2Image;
import dev.fleetplane.pvesim.http.ApiCall;
import dev.fleetplane.pvesim.http.ApiException;
import dev.fleetplane.pvesim.http.ApiRouter;
import dev.fleetplane.pvesim.storage.Storages;
import dev.fleetplane.pvesim.task.TaskFailure;
import dev.fleetplane.pvesim.task.TaskRunner;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code POST /nodes/{node}/qemu}: create a VM from config keys ({@code qmcreate}) or restore one from a backup
 * archive ({@code qmrestore}), as qemu-server's {@code create_vm}: parameter checks and the duplicate-VMID check
 * answer before a task exists, the new VM holds {@code lock: create} while its task runs, and a failed create
 * removes the VM while a failed restore only drops the lock ("VM … state is NOT cleaned up"). A backup that is a
 * real file is read and verified through image-formats ({@link VmaRestore}); an uploaded qcow2 imported with
 * {@code import-from} gives the new disk its virtual size.
 */
final class CreateApi {

    private static final Set<String> CREATE_ONLY = Set.of("vmid", "archive", "storage", "force", "unique", "start",
            "pool", "bwlimit", "live-restore");
    private static final Pattern NEW_DISK = Pattern.compile("([a-zA-Z][a-zA-Z0-9\\-_.]*):(\\d+(?:\\.\\d+)?|cloudinit)(,.*)?");
    private static final long EXTENT = 4L * 1024 * 1024; // LVM rounds volumes up to 4 MiB extents

    private final Inventory inventory;
    private final TaskRunner tasks;
    private final Storages storages;
    private final GuestBooter booter;

    CreateApi(Inventory inventory, TaskRunner tasks, Storages storages, GuestBooter booter) {
        this.inventory = inventory;
        this.tasks = tasks;
        this.storages = storages;
        this.booter = booter;
    }

    void register(ApiRouter router) {
        router.add("POST", "/nodes/{node}/qemu", this::create);
    }

    private Object create(ApiCall call) {
        call.allow(k -> ConfigSchema.settable(k) || CREATE_ONLY.contains(k));
        Integer vmid = call.requireInt("vmid", Inventory.MIN_VMID, Inventory.MAX_VMID);
        String archive = call.opt("archive").orElse(null);
        boolean force = call.optBool("force", false);
        boolean unique = call.optBool("unique", false);
        boolean start = call.optBool("start", false);
        call.optBool("live-restore", false);
        call.opt("bwlimit").ifPresent(b -> call.integer("bwlimit", b, 0, Integer.MAX_VALUE));
        String storage = call.opt("storage").orElse(null);
        Map<String, String> changes = new LinkedHashMap<>();
        call.params().forEach((k, v) -> {
            if (!ConfigSchema.settable(k)) {
                return;
            }
            if (archive != null && QemuVm.DISK_KEY.matcher(k).matches()) {
                call.error(k, "option conflicts with option 'archive'");
            }
            changes.put(k, v);
            // validation only: a 400 must not consume MACs or disk names
            ConfigSchema.normalize(call, k, v, 0, new MacAddresses(0), null);
        });
        if (changes.containsKey("sshkeys") && !ConfigSchema.validSshKeys(changes.get("sshkeys"))) {
            call.check();
            throw ApiException.internal("SSH public key validation error");
        }
        call.check();
        String node = call.path("node");
        call.opt("pool").ifPresent(p -> {
            throw ApiException.internal("pool '" + p + "' does not exist");
        });
        return archive == null ? createVm(call, node, vmid, changes, start) : restoreVm(call, node, vmid, archive,
                storage, force, unique, start, changes);
    }

    // ---------------------------------------------------------------- create

    private Object createVm(ApiCall call, String node, int vmid, Map<String, String> changes, boolean start) {
        for (Map.Entry<String, String> e : changes.entrySet()) {
            if (QemuVm.DISK_KEY.matcher(e.getKey()).matches()) {
                Matcher m = NEW_DISK.matcher(e.getValue());
                if (m.matches()) {
                    requireImageStorage(m.group(1));
                }
            }
        }
        synchronized (inventory) {
            refuseDuplicate("create", vmid);
            QemuVm vm = inventory.create(vmid, node);
            vm.config().put("lock", "create");
        }
        return tasks.submit(node, "qmcreate", Integer.toString(vmid), call.user(), t -> {
            synchronized (inventory) {
                QemuVm vm = inventory.find(vmid);
                if (vm == null) {
                    throw new TaskFailure(Inventory.missingConfig(node, vmid));
                }
                int[] nextDisk = {0};
                ConfigSchema.DiskAllocator allocator = ConfigSchema.allocatorFor(vmid, () -> nextDisk[0]++,
                        s -> storages.find(s).isPresent());
                Map<String, Object> config = new LinkedHashMap<>();
                for (Map.Entry<String, String> e : changes.entrySet()) {
                    String key = e.getKey();
                    String value = e.getValue();
                    Long importBytes = null;
                    if (QemuVm.DISK_KEY.matcher(key).matches()) {
                        String source = PropertyString.parse(value, "file").get("import-from");
                        if (source != null) {
                            importBytes = importSize(node, source);
                            t.log("importing disk '" + source + "' to VM " + vmid + " ...");
                        }
                    }
                    Object normalized = ConfigSchema.normalize(call, key, value, vmid, inventory.macs(), allocator);
                    if (importBytes != null && normalized != null) {
                        long rounded = (importBytes + EXTENT - 1) / EXTENT * EXTENT;
                        Map<String, String> props = PropertyString.parse(normalized.toString(), "file");
                        props.put("size", DiskSize.format(Math.max(rounded, EXTENT)));
                        String volume = props.remove("file");
                        normalized = volume + "," + PropertyString.print(props);
                        t.log("transferred " + DiskSize.gib(importBytes) + " of " + DiskSize.gib(importBytes) + " (100.00%)");
                    }
                    if (normalized != null && QemuVm.DISK_KEY.matcher(key).matches() && !normalized.equals(value)) {
                        String volname = normalized.toString().split(",")[0];
                        t.log("  Logical volume \"" + volname.substring(volname.indexOf(':') + 1) + "\" created.");
                    }
                    config.put(key, normalized);
                }
                config.putIfAbsent("smbios1", "uuid=" + java.util.UUID.randomUUID());
                config.putIfAbsent("vmgenid", java.util.UUID.randomUUID().toString());
                config.putIfAbsent("meta", "creation-qemu=9.2.0,ctime=" + (System.currentTimeMillis() / 1000));
                vm.config().putAll(config);
                vm.config().remove("lock");
            }
            startAfter(t, vmid, start);
            return 0;
        }, t -> {
            // create_vm: "if creation failed, remove the config" (and the disks it had allocated)
            synchronized (inventory) {
                QemuVm vm = inventory.find(vmid);
                if (vm != null && vm.lock().filter("create"::equals).isPresent()) {
                    inventory.remove(vmid);
                }
            }
        }).upid().encode();
    }

    private long importSize(String node, String source) {
        Optional<Storages.Volume> file = storages.volume(node, source);
        if (file.isPresent() && file.get().file() != null && "qcow2".equals(file.get().format())) {
            // qemu-img takes the guest-visible (virtual) size from the header, not the file's length
            try {
                return Qcow2Image.read(file.get().file()).virtualSize();
            } catch (IOException e) {
                throw new TaskFailure("unable to import '" + source + "' - " + e.getMessage());
            }
        }
        if (file.isPresent() && List.of("import", "images").contains(file.get().content())) {
            return file.get().size();
        }
        for (QemuVm other : inventory.vms()) {
            if (!other.node().equals(node)) {
                continue;
            }
            for (String key : other.diskKeys()) {
                String value = other.config().get(key).toString();
                if (source.equals(PropertyString.parse(value, "file").get("file"))) {
                    return QemuVm.diskBytes(value);
                }
            }
        }
        throw new TaskFailure("volume '" + source + "' does not exist");
    }

    // ---------------------------------------------------------------- restore

    private Object restoreVm(ApiCall call, String node, int vmid, String archive, String storage, boolean force,
                             boolean unique, boolean start, Map<String, String> changes) {
        int colon = archive.indexOf(':');
        if (colon > 0) {
            storages.require(archive.substring(0, colon));
        }
        Storages.Volume backup = storages.volume(node, archive)
                .orElseThrow(() -> ApiException.internal("can't find file '" + archive + "'"));
        if (!backup.content().equals("backup") || (backup.archiveConfig() == null && backup.file() == null)) {
            throw ApiException.internal("volume '" + archive + "' is not a backup archive");
        }
        if (storage != null) {
            requireImageStorage(storage);
        }
        synchronized (inventory) {
            QemuVm existing = inventory.find(vmid);
            if (existing != null && (!force || !existing.node().equals(node))) {
                refuseDuplicate("restore", vmid);
            }
            if (existing != null) {
                if (existing.running()) {
                    throw ApiException.internal("unable to restore VM " + vmid + " - VM is running");
                }
                existing.lock().ifPresent(l -> {
                    throw ApiException.internal("VM is locked (" + l + ")");
                });
                existing.config().put("lock", "create");
            } else {
                inventory.create(vmid, node).config().put("lock", "create");
            }
        }
        return tasks.submit(node, "qmrestore", Integer.toString(vmid), call.user(), t -> {
            Map<String, String> source;
            Map<String, Long> diskBytes;
            if (backup.file() != null) {
                VmaRestore.Archive read = VmaRestore.read(backup, vmid, t); // outside the lock: it reads the file
                source = read.config();
                diskBytes = read.diskBytes();
            } else {
                t.log("restore vma archive: zstd -q -d -c /var/lib/vz/dump/" + archive.substring(archive.indexOf('/') + 1)
                        + " | vma extract -v -r /var/tmp/vzdumptmp" + vmid + ".fifo - /var/tmp/vzdumptmp" + vmid);
                source = backup.archiveConfig();
                diskBytes = Map.of();
            }
            synchronized (inventory) {
                QemuVm vm = inventory.find(vmid);
                if (vm == null) {
                    throw new TaskFailure(Inventory.missingConfig(node, vmid));
                }
                boolean template = "1".equals(source.get("template"));
                Map<String, Object> config = new LinkedHashMap<>();
                int disk = 0;
                for (Map.Entry<String, String> e : source.entrySet()) {
                    String key = e.getKey();
                    String value = e.getValue();
                    if (key.equals("lock") || key.equals("digest")) {
                        continue;
                    }
                    if (QemuVm.DISK_KEY.matcher(key).matches()) {
                        value = restoredDisk(value, vmid, storage, template, disk, t);
                        Long bytes = diskBytes.get(key);
                        if (bytes != null && !QemuVm.isCdrom(e.getValue())) {
                            value = withSize(value, bytes); // the rescan after extract reports the volume's size
                        }
                        if (!QemuVm.isCdrom(e.getValue())) {
                            disk++;
                        }
                    } else if (key.matches("net\\d+") && unique) {
                        Map<String, String> out = new LinkedHashMap<>();
                        PropertyString.parse(value, "model").forEach((k, v) ->
                                out.put(k, MacAddresses.isMac(v) ? inventory.macs().next() : v));
                        value = PropertyString.print(out);
                    }
                    config.put(key, ConfigSchema.INTEGER_KEYS.contains(key) || ConfigSchema.BOOLEAN_KEYS.contains(key)
                            ? (Object) Integer.valueOf(value) : value);
                }
                changes.forEach((k, v) -> config.put(k, ConfigSchema.normalize(call, k, v, vmid, inventory.macs(), null)));
                vm.config().clear();
                vm.config().putAll(config);
                vm.config().put("lock", "create"); // until the worker is done
                t.log("rescan volumes...");
                vm.config().remove("lock");
            }
            startAfter(t, vmid, start);
            return 0;
        }, t -> {
            // restore_vma_archive on error: the config (and any restored disks) stay, only the create lock goes
            synchronized (inventory) {
                QemuVm vm = inventory.find(vmid);
                if (vm != null && vm.lock().filter("create"::equals).isPresent()) {
                    vm.config().remove("lock");
                }
            }
        }).upid().encode();
    }

    private static String restoredDisk(String value, int vmid, String storage, boolean template, int index,
                                       dev.fleetplane.pvesim.task.Task t) {
        Map<String, String> props = PropertyString.parse(value, "file");
        String volume = props.remove("file");
        if (volume == null || volume.equals("none") || !volume.contains(":")) {
            return value;
        }
        String sourceStorage = volume.substring(0, volume.indexOf(':'));
        String target = storage != null ? storage : sourceStorage;
        if (QemuVm.isCdrom(value)) {
            if (!volume.contains("cloudinit")) {
                return value;
            }
            return target + ":vm-" + vmid + "-cloudinit," + PropertyString.print(props);
        }
        String volname = (template ? "base-" : "vm-") + vmid + "-disk-" + index;
        t.log("  Logical volume \"" + volname + "\" created.");
        t.log("new volume ID is '" + target + ":" + volname + "'");
        String rest = PropertyString.print(props);
        return target + ":" + volname + (rest.isEmpty() ? "" : "," + rest);
    }

    /** {@code value} with {@code size=} set to {@code bytes} rounded up to whole LVM extents. */
    private static String withSize(String value, long bytes) {
        Map<String, String> props = PropertyString.parse(value, "file");
        String volume = props.remove("file");
        long rounded = (bytes + EXTENT - 1) / EXTENT * EXTENT;
        props.put("size", DiskSize.format(Math.max(rounded, EXTENT)));
        return volume + "," + PropertyString.print(props);
    }

    // ---------------------------------------------------------------- shared

    private void startAfter(dev.fleetplane.pvesim.task.Task t, int vmid, boolean start) throws Exception {
        if (!start) {
            return;
        }
        synchronized (inventory) {
            QemuVm vm = inventory.find(vmid);
            if (vm == null || vm.isTemplate()) {
                return;
            }
            inventory.powerOn(vm);
        }
        booter.boot(vmid);
    }

    /** {@code create_and_lock_config} → {@code check_vmid_unused}: "unable to create VM 111 - VM 111 already exists on node 'pve'". */
    private void refuseDuplicate(String verb, int vmid) {
        QemuVm existing = inventory.find(vmid);
        if (existing != null) {
            throw ApiException.internal("unable to " + verb + " VM " + vmid + " - VM " + vmid
                    + " already exists on node '" + existing.node() + "'");
        }
    }

    private void requireImageStorage(String id) {
        Storages.Storage s = storages.require(id);
        if (!s.content().contains("images")) {
            throw ApiException.internal("storage '" + id + "' does not support vm images");
        }
    }
}
