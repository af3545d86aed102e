package dev.fleetplane.pvesim.qemu;

import dev.fleetplane.pvesim.http.ApiCall;
import dev.fleetplane.pvesim.http.ApiException;
import dev.fleetplane.pvesim.http.ApiRouter;
import dev.fleetplane.pvesim.task.Task;
import dev.fleetplane.pvesim.task.TaskFailure;
import dev.fleetplane.pvesim.task.TaskRunner;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code POST …/qemu/{vmid}/clone} as qemu-server's {@code clone_vm}: the checks answer before a task exists, the
 * target exists at once with {@code lock: clone}, and the {@code qmclone} task drops the lock (or, failing, removes
 * the target).
 */
final class CloneApi {

    private final Inventory inventory;
    private final TaskRunner tasks;

    CloneApi(Inventory inventory, TaskRunner tasks) {
        this.inventory = inventory;
        this.tasks = tasks;
    }

    void register(ApiRouter router) {
        router.add("POST", QemuCalls.VM + "/clone", this::cloneVm);
    }

    private Object cloneVm(ApiCall call) {
        call.allowOnly("newid", "name", "full", "storage", "format", "target", "pool", "description", "snapname", "bwlimit");
        Integer newid = call.requireInt("newid", Inventory.MIN_VMID, Inventory.MAX_VMID);
        String name = call.opt("name").orElse(null);
        if (name != null) {
            ConfigSchema.normalize(call, "name", name, 0, inventory.macs(), null);
        }
        Boolean full = call.has("full") ? call.optBool("full", false) : null;
        String storage = call.opt("storage").orElse(null);
        String format = call.opt("format").orElse(null);
        if (format != null && !List.of("raw", "qcow2", "vmdk").contains(format)) {
            call.error("format", "value '" + format + "' does not have a value in the enumeration 'raw, qcow2, vmdk'");
        }
        String target = call.opt("target").orElse(null);
        call.opt("bwlimit").ifPresent(b -> call.integer("bwlimit", b, 0, Integer.MAX_VALUE));
        call.check();

        String node = call.path("node");
        int srcId = QemuCalls.vmid(call);
        Task task;
        synchronized (inventory) {
            if (target != null && !inventory.hasNode(target)) {
                throw ApiException.internal("no such cluster node '" + target + "'");
            }
            call.opt("pool").ifPresent(p -> {
                throw ApiException.internal("pool '" + p + "' does not exist");
            });
            QemuVm src = inventory.vm(node, srcId);
            call.opt("snapname").ifPresent(s -> {
                throw ApiException.internal("snapshot '" + s + "' does not exist");
            });
            boolean isFull = full != null ? full : !src.isTemplate();
            if (!isFull && storage != null) {
                throw ApiException.param("storage", "parameter 'storage' not allowed for linked clones");
            }
            if (!isFull && format != null) {
                throw ApiException.param("format", "parameter 'format' not allowed for linked clones");
            }
            if (storage != null) {
                checkImageStorage(storage);
            }
            String srcDisk = firstDiskKey(src);
            if (!isFull && !src.isTemplate() && srcDisk != null) {
                throw ApiException.internal("Linked clone feature is not supported for drive '" + srcDisk + "'");
            }
            if (target != null && !target.equals(node) && srcDisk != null) {
                throw ApiException.internal("can't clone VM to node '" + target + "' (VM uses local storage)");
            }
            src.lock().ifPresent(l -> {
                throw ApiException.internal("VM is locked (" + l + ")");
            });
            if (inventory.exists(newid)) {
                throw ApiException.internal("unable to create VM " + newid + ": config file already exists");
            }
            QemuVm clone = inventory.create(newid, target != null ? target : node);
            inventory.inheritDefects(clone, src);
            List<String> log = copyConfig(src, clone, isFull, storage, name, call.opt("description").orElse(null));
            clone.config().put("lock", "clone");
            task = tasks.submit(node, "qmclone", Integer.toString(srcId), call.user(), t -> {
                log.forEach(t::log);
                synchronized (inventory) {
                    QemuVm created = inventory.find(newid);
                    if (created == null) {
                        throw new TaskFailure("clone failed: configuration file of VM " + newid + " vanished");
                    }
                    created.config().remove("lock");
                }
                return 0;
            }, t -> {
                // clone_vm's worker on error: frees the new volumes and removes the target's config, then dies.
                synchronized (inventory) {
                    QemuVm created = inventory.find(newid);
                    if (created != null && created.lock().filter("clone"::equals).isPresent()) {
                        inventory.remove(newid);
                    }
                }
            });
        }
        return task.upid().encode();
    }

    private static String firstDiskKey(QemuVm vm) {
        for (String key : vm.diskKeys()) {
            String value = vm.config().get(key).toString();
            if (!QemuVm.isCdrom(value)) {
                return key;
            }
        }
        return null;
    }

    private void checkImageStorage(String storage) {
        if (!inventory.storages().contains(storage)) {
            throw ApiException.internal("storage '" + storage + "' does not exist");
        }
        if (!storage.equals(Inventory.IMAGE_STORAGE)) {
            throw ApiException.internal("storage '" + storage + "' does not support vm images");
        }
    }

    /** Copies the source config the way clone_vm does; returns the task log lines the disk copies produce. */
    private List<String> copyConfig(QemuVm src, QemuVm clone, boolean full, String storage, String name,
                                    String description) {
        List<String> log = new ArrayList<>();
        AtomicInteger diskIndex = new AtomicInteger();
        for (Map.Entry<String, Object> e : src.config().entrySet()) {
            String key = e.getKey();
            Object value = e.getValue();
            if (key.equals("template") || key.equals("lock") || key.startsWith("unused")) {
                continue;
            }
            if (key.matches("net\\d+")) {
                Map<String, String> props = PropertyString.parse(value.toString(), "model");
                Map<String, String> out = new LinkedHashMap<>();
                props.forEach((k, v) -> out.put(k, MacAddresses.isMac(v) ? inventory.macs().next() : v));
                value = PropertyString.print(out);
            } else if (key.equals("smbios1")) {
                value = "uuid=" + UUID.randomUUID();
            } else if (key.equals("vmgenid")) {
                value = UUID.randomUUID().toString();
            } else if (QemuVm.DISK_KEY.matcher(key).matches()) {
                value = cloneDisk(src.vmid(), clone.vmid(), key, value.toString(), full, storage, diskIndex, log);
            }
            clone.config().put(key, value);
        }
        clone.config().put("name", name != null ? name : "Copy-of-VM-" + src.name());
        if (description != null) {
            clone.config().put("description", description);
        }
        return log;
    }

    private static String cloneDisk(int srcId, int newId, String key, String value, boolean full, String storage,
                                    AtomicInteger diskIndex, List<String> log) {
        if (QemuVm.isCdrom(value)) {
            if (value.contains("cloudinit")) {
                String store = value.substring(0, value.indexOf(':'));
                return store + ":vm-" + newId + "-cloudinit,media=cdrom";
            }
            return value;
        }
        int colon = value.indexOf(':');
        int comma = value.indexOf(',');
        if (colon < 0) {
            return value;
        }
        String srcStorage = value.substring(0, colon);
        String srcVolume = value.substring(0, comma < 0 ? value.length() : comma);
        String options = comma < 0 ? "" : value.substring(comma);
        String volname = "vm-" + newId + "-disk-" + diskIndex.getAndIncrement();
        long bytes = QemuVm.diskBytes(value);
        if (full) {
            String targetStorage = storage != null ? storage : srcStorage;
            log.add("create full clone of drive " + key + " (" + srcVolume + ")");
            log.add("  Logical volume \"" + volname + "\" created.");
            log.add("transferred " + DiskSize.gib(bytes) + " of " + DiskSize.gib(bytes) + " (100.00%)");
            return targetStorage + ":" + volname + options;
        }
        String base = srcVolume.substring(colon + 1);
        log.add("create linked clone of drive " + key + " (" + srcVolume + ")");
        log.add("  Logical volume \"" + volname + "\" created.");
        return srcStorage + ":" + base + "/" + volname + options;
    }
}
