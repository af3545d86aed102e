package dev.fleetplane.pvesim.qemu;

import dev.fleetplane.pvesim.http.ApiCall;
import dev.fleetplane.pvesim.http.ApiException;
import dev.fleetplane.pvesim.http.ApiRouter;
import dev.fleetplane.pvesim.task.Task;
import dev.fleetplane.pvesim.task.TaskFailure;
import dev.fleetplane.pvesim.task.TaskRunner;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * {@code /nodes/{node}/qemu/…}: clone, config, resize, power, template, destroy and the guest agent, with the
 * split qemu-server makes between early checks (HTTP 500 before a task exists) and task errors (HTTP 200 + UPID,
 * the failure in the task's exitstatus).
 */
public final class QemuApi {

    private static final Pattern RESIZE_DISK = Pattern.compile("ide[0-3]|sata[0-5]|scsi(?:[0-9]|[12][0-9]|30)|virtio(?:[0-9]|1[0-5])|efidisk0|tpmstate0");
    private static final Pattern DELETE_SPLIT = Pattern.compile("[,;\\s]+");

    private final Inventory inventory;
    private final TaskRunner tasks;
    private final GuestRuntime guests;
    private final Duration bootDelay;
    private final Duration dhcpDelay;
    private final boolean acpiShutdown;

    /** @param acpiShutdown guests obey ACPI powerdown; otherwise only a running guest agent makes them shut down */
    public QemuApi(Inventory inventory, TaskRunner tasks, GuestRuntime guests, Duration bootDelay, Duration dhcpDelay,
                   boolean acpiShutdown) {
        this.acpiShutdown = acpiShutdown;
        this.inventory = inventory;
        this.tasks = tasks;
        this.guests = guests;
        this.bootDelay = bootDelay;
        this.dhcpDelay = dhcpDelay;
    }

    public void register(ApiRouter router) {
        String vm = "/nodes/{node}/qemu/{vmid}";
        router.add("GET", "/nodes/{node}/qemu", this::list)
                .add("GET", vm, c -> subdirs("config", "pending", "status", "agent", "clone", "resize", "template"))
                .add("DELETE", vm, this::destroy)
                .add("POST", vm + "/clone", this::cloneVm)
                .add("GET", vm + "/config", this::getConfig)
                .add("PUT", vm + "/config", c -> updateConfig(c, false))
                .add("POST", vm + "/config", c -> updateConfig(c, true))
                .add("PUT", vm + "/resize", this::resize)
                .add("GET", vm + "/status", c -> subdirs("current", "start", "stop", "shutdown", "reboot"))
                .add("GET", vm + "/status/current", this::statusCurrent)
                .add("POST", vm + "/status/start", this::start)
                .add("POST", vm + "/status/stop", c -> stop(c, "qmstop"))
                .add("POST", vm + "/status/shutdown", c -> stop(c, "qmshutdown"))
                .add("POST", vm + "/status/reboot", this::reboot)
                .add("POST", vm + "/template", this::template)
                .add("GET", vm + "/agent", c -> subdirs("get-host-name", "get-osinfo", "network-get-interfaces", "ping"))
                .add("POST", vm + "/agent", this::agentCommand)
                .add("POST", vm + "/agent/ping", c -> agent(c, "ping"))
                .add("GET", vm + "/agent/network-get-interfaces", c -> agent(c, "network-get-interfaces"))
                .add("GET", vm + "/agent/get-host-name", c -> agent(c, "get-host-name"))
                .add("GET", vm + "/agent/get-osinfo", c -> agent(c, "get-osinfo"));
    }

    private static List<Map<String, Object>> subdirs(String... names) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (String n : names) {
            out.add(Map.of("subdir", n));
        }
        return out;
    }

    private static int vmid(ApiCall call) {
        return Integer.parseInt(call.path("vmid"));
    }

    // ---------------------------------------------------------------- list, status

    private Object list(ApiCall call) {
        call.allowOnly("full").optBool("full", false);
        call.check();
        List<Map<String, Object>> out = new ArrayList<>();
        synchronized (inventory) {
            for (QemuVm vm : inventory.vms()) {
                if (!vm.node().equals(call.path("node"))) {
                    continue;
                }
                Map<String, Object> e = new LinkedHashMap<>();
                e.put("vmid", vm.vmid());
                e.put("name", vm.name());
                e.put("status", vm.running() ? "running" : "stopped");
                if (vm.isTemplate()) {
                    e.put("template", 1);
                }
                vm.lock().ifPresent(l -> e.put("lock", l));
                if (vm.config().get("tags") != null) {
                    e.put("tags", vm.config().get("tags"));
                }
                e.put("cpus", vm.cpus());
                e.put("maxmem", vm.memoryMb() * 1024 * 1024);
                e.put("maxdisk", vm.bootDiskBytes());
                e.put("mem", vm.running() ? vm.memoryMb() * 1024 * 1024 / 4 : 0);
                e.put("cpu", vm.running() ? (Object) 0.0123 : (Object) 0);
                e.put("disk", 0);
                e.put("uptime", vm.uptimeSeconds());
                e.put("netin", 0);
                e.put("netout", 0);
                e.put("diskread", 0);
                e.put("diskwrite", 0);
                if (vm.running()) {
                    e.put("pid", vm.qemuPid());
                }
                out.add(e);
            }
        }
        return out;
    }

    private Object statusCurrent(ApiCall call) {
        call.allowOnly();
        call.check();
        synchronized (inventory) {
            QemuVm vm = inventory.vm(call.path("node"), vmid(call));
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("vmid", vm.vmid());
            s.put("name", vm.name());
            s.put("status", vm.running() ? "running" : "stopped");
            s.put("qmpstatus", vm.running() ? "running" : "stopped");
            s.put("uptime", vm.uptimeSeconds());
            if (vm.running()) {
                s.put("pid", vm.qemuPid());
                s.put("running-qemu", "9.2.0");
                s.put("running-machine", "pc-i440fx-9.2+pve1");
            }
            if (vm.agentEnabled()) {
                s.put("agent", 1);
            }
            vm.lock().ifPresent(l -> s.put("lock", l));
            if (vm.isTemplate()) {
                s.put("template", 1);
            }
            if (vm.config().get("tags") != null) {
                s.put("tags", vm.config().get("tags"));
            }
            if (vm.config().containsKey("serial0")) {
                s.put("serial", 1);
            }
            s.put("cpus", vm.cpus());
            s.put("cpu", vm.running() ? (Object) 0.0123 : (Object) 0);
            s.put("maxmem", vm.memoryMb() * 1024 * 1024);
            s.put("mem", vm.running() ? vm.memoryMb() * 1024 * 1024 / 4 : 0);
            s.put("maxdisk", vm.bootDiskBytes());
            s.put("disk", 0);
            s.put("netin", 0);
            s.put("netout", 0);
            s.put("diskread", 0);
            s.put("diskwrite", 0);
            s.put("ha", Map.of("managed", 0));
            return s;
        }
    }

    // ---------------------------------------------------------------- clone

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
        int srcId = vmid(call);
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

    // ---------------------------------------------------------------- config

    private Object getConfig(ApiCall call) {
        call.allowOnly("current", "snapshot").optBool("current", false);
        call.check();
        synchronized (inventory) {
            QemuVm vm = inventory.vm(call.path("node"), vmid(call));
            call.opt("snapshot").ifPresent(s -> {
                throw ApiException.internal("snapshot '" + s + "' does not exist");
            });
            return vm.configView();
        }
    }

    private Object updateConfig(ApiCall call, boolean async) {
        call.allow(k -> ConfigSchema.settable(k) || List.of("digest", "delete", "revert", "skiplock", "force").contains(k)
                || (async && k.equals("background_delay")));
        boolean skiplock = skiplock(call);
        Integer backgroundDelay = async ? call.optInt("background_delay", 1, 30) : null;
        List<String> deletes = new ArrayList<>();
        call.opt("delete").ifPresent(d -> {
            for (String key : DELETE_SPLIT.split(d.trim())) {
                if (key.isEmpty()) {
                    continue;
                }
                if (!ConfigSchema.settable(key)) {
                    call.error("delete", "invalid format - invalid configuration ID '" + key + "'");
                }
                deletes.add(key);
            }
        });
        // Validate every value once without side effects, so a 400 never consumes MACs or disk names.
        Map<String, String> changes = new LinkedHashMap<>();
        call.params().forEach((k, v) -> {
            if (ConfigSchema.settable(k)) {
                changes.put(k, v);
                ConfigSchema.normalize(call, k, v, 0, new MacAddresses(0), null);
                if (deletes.contains(k)) {
                    call.error(k, "conflicting value in delete list");
                }
            }
        });
        if (changes.containsKey("sshkeys") && !ConfigSchema.validSshKeys(changes.get("sshkeys"))) {
            call.check();
            throw ApiException.internal("SSH public key validation error");
        }
        call.check();
        if (changes.isEmpty() && deletes.isEmpty() && !call.has("revert")) {
            throw ApiException.internal("no options specified");
        }

        int id = vmid(call);
        List<String> logged = new ArrayList<>();
        synchronized (inventory) {
            QemuVm vm = inventory.vm(call.path("node"), id);
            String digest = call.opt("digest").orElse(null);
            if (digest != null && !digest.equalsIgnoreCase(vm.digest())) {
                throw ApiException.internal("checksum mismatch (file change by other user?)");
            }
            if (!skiplock) {
                vm.lock().ifPresent(l -> {
                    throw ApiException.internal("VM is locked (" + l + ")");
                });
            }
            ConfigSchema.DiskAllocator disks = ConfigSchema.allocatorFor(id, () -> nextDiskIndex(vm),
                    s -> inventory.storages().contains(s));
            Map<String, Object> normalized = new LinkedHashMap<>();
            changes.forEach((k, v) -> normalized.put(k, ConfigSchema.normalize(call, k, v, id, inventory.macs(), disks)));
            call.check();
            normalized.forEach((k, v) -> {
                vm.config().put(k, v);
                logged.add("-" + k);
                logged.add(k.equals("cipassword") ? "**********" : String.valueOf(v));
            });
            for (String key : deletes) {
                vm.config().remove(key);
            }
            if (!deletes.isEmpty()) {
                logged.add("-delete");
                logged.add(String.join(",", deletes));
            }
        }
        if (!async) {
            return null;
        }
        Task task = tasks.submit(call.path("node"), "qmconfig", Integer.toString(id), call.user(), t -> {
            t.log("update VM " + id + ": " + String.join(" ", logged));
            return 0;
        });
        if (backgroundDelay != null) {
            try {
                if (task.await(backgroundDelay * 1000L) && "OK".equals(task.exitstatus())) {
                    return null;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return task.upid().encode();
    }

    private static int nextDiskIndex(QemuVm vm) {
        int max = -1;
        for (Object value : vm.config().values()) {
            java.util.regex.Matcher m = Pattern.compile("vm-" + vm.vmid() + "-disk-(\\d+)").matcher(value.toString());
            while (m.find()) {
                max = Math.max(max, Integer.parseInt(m.group(1)));
            }
        }
        return max + 1;
    }

    private static boolean skiplock(ApiCall call) {
        boolean skiplock = call.optBool("skiplock", false);
        if (skiplock && !call.user().equals("root@pam")) {
            call.error("skiplock", "Only root may use this option.");
        }
        return skiplock;
    }

    // ---------------------------------------------------------------- resize

    private Object resize(ApiCall call) {
        call.allowOnly("disk", "size", "digest", "skiplock");
        boolean skiplock = skiplock(call);
        String disk = call.require("disk");
        if (disk != null && !RESIZE_DISK.matcher(disk).matches()) {
            call.error("disk", "value '" + disk + "' does not have a value in the enumeration '" + diskEnumeration() + "'");
        }
        String size = call.require("size");
        if (size != null && !DiskSize.RESIZE.matcher(size).matches()) {
            call.error("size", "value does not match the regex pattern");
        }
        call.check();
        String node = call.path("node");
        int id = vmid(call);
        synchronized (inventory) {
            QemuVm vm = inventory.vm(node, id);
            String digest = call.opt("digest").orElse(null);
            if (digest != null && !digest.equalsIgnoreCase(vm.digest())) {
                throw ApiException.internal("checksum mismatch (file change by other user?)");
            }
        }
        return tasks.submit(node, "resize", Integer.toString(id), call.user(), t -> {
            synchronized (inventory) {
                QemuVm vm = inventory.find(id);
                if (vm == null) {
                    throw new TaskFailure(Inventory.missingConfig(node, id));
                }
                if (!skiplock && vm.lock().isPresent()) {
                    throw new TaskFailure("VM is locked (" + vm.lock().get() + ")");
                }
                Object current = vm.config().get(disk);
                if (current == null) {
                    throw new TaskFailure("disk '" + disk + "' does not exist");
                }
                if (QemuVm.isCdrom(current.toString())) {
                    throw new TaskFailure("you can't resize a cdrom");
                }
                long before = QemuVm.diskBytes(current.toString());
                long after = DiskSize.target(size, before);
                if (after < before) {
                    throw new TaskFailure("shrinking disks is not supported");
                }
                if (after == before) {
                    return 0;
                }
                Map<String, String> props = PropertyString.parse(current.toString(), "file");
                String volume = props.get("file");
                props.put("size", DiskSize.format(after));
                String volname = volume.substring(volume.indexOf(':') + 1);
                t.log("  Size of logical volume pve/" + volname + " changed from " + DiskSize.gib(before) + " to "
                        + DiskSize.gib(after) + ".");
                t.log("  Logical volume pve/" + volname + " successfully resized.");
                vm.config().put(disk, volume + "," + PropertyString.print(without(props, "file")));
            }
            return 0;
        }).upid().encode();
    }

    private static Map<String, String> without(Map<String, String> props, String key) {
        Map<String, String> out = new LinkedHashMap<>(props);
        out.remove(key);
        return out;
    }

    private static String diskEnumeration() {
        List<String> all = new ArrayList<>();
        for (int i = 0; i <= 3; i++) all.add("ide" + i);
        for (int i = 0; i <= 5; i++) all.add("sata" + i);
        for (int i = 0; i <= 30; i++) all.add("scsi" + i);
        for (int i = 0; i <= 15; i++) all.add("virtio" + i);
        all.add("efidisk0");
        all.add("tpmstate0");
        return String.join(", ", all);
    }

    // ---------------------------------------------------------------- power

    private Object start(ApiCall call) {
        call.allowOnly("skiplock", "timeout", "machine", "forceCPU", "migratedfrom", "migration_type",
                "migration_network", "stateuri", "targetstorage");
        boolean skiplock = skiplock(call);
        call.optInt("timeout", 0, 86400);
        call.check();
        String node = call.path("node");
        int id = vmid(call);
        synchronized (inventory) {
            QemuVm vm = inventory.vm(node, id);
            if (vm.isTemplate()) {
                throw ApiException.internal("you can't start a vm if it's a template");
            }
        }
        return tasks.submit(node, "qmstart", Integer.toString(id), call.user(), t -> {
            int warnings = 0;
            synchronized (inventory) {
                QemuVm vm = inventory.find(id);
                if (vm == null) {
                    throw new TaskFailure(Inventory.missingConfig(node, id));
                }
                if (!skiplock && vm.lock().isPresent()) {
                    throw new TaskFailure("VM is locked (" + vm.lock().get() + ")");
                }
                if (vm.running()) {
                    throw new TaskFailure("VM " + id + " already running");
                }
                if (vm.config().values().stream().anyMatch(v -> v.toString().contains("-cloudinit"))) {
                    t.log("generating cloud-init ISO");
                }
                if ("ovmf".equals(vm.config().get("bios")) && !vm.config().containsKey("efidisk0")) {
                    t.log("WARN: no efidisk configured! Using temporary efivars disk.");
                    warnings = 1;
                }
                inventory.powerOn(vm);
            }
            bootGuest(id);
            return warnings;
        }).upid().encode();
    }

    /** Boots the guest outside the monitor; the agent answers once it listens plus the configured boot delay. */
    void bootGuest(int id) throws Exception {
        try {
            GuestBoot spec;
            synchronized (inventory) {
                QemuVm vm = inventory.find(id);
                if (vm == null) {
                    return;
                }
                spec = GuestBoot.of(vm, bootDelay, dhcpDelay);
            }
            guests.boot(spec);
        } catch (Exception e) {
            synchronized (inventory) {
                QemuVm vm = inventory.find(id);
                if (vm != null) {
                    vm.powerOff();
                }
            }
            throw e;
        }
        synchronized (inventory) {
            QemuVm vm = inventory.find(id);
            if (vm != null && vm.running()) {
                long agentUp = System.currentTimeMillis() + bootDelay.toMillis();
                vm.agentUpAt(agentUp, agentUp + dhcpDelay.toMillis());
            }
        }
    }

    private Object stop(ApiCall call, String type) {
        boolean shutdown = type.equals("qmshutdown");
        if (!shutdown) {
            call.allowOnly("skiplock", "timeout", "keepActive", "migratedfrom", "overrule-shutdown");
        } else {
            call.allowOnly("skiplock", "timeout", "forceStop", "keepActive");
        }
        boolean skiplock = skiplock(call);
        Integer timeout = call.optInt("timeout", 0, 86400);
        boolean forceStop = call.optBool("forceStop", false);
        call.optBool("keepActive", false);
        call.optBool("overrule-shutdown", false);
        call.check();
        String node = call.path("node");
        int id = vmid(call);
        boolean guestObeys;
        synchronized (inventory) {
            QemuVm vm = inventory.vm(node, id);
            // _do_vm_stop: guest-shutdown through the agent when it is enabled, else ACPI system_powerdown.
            guestObeys = !vm.running() || (vm.agentEnabled() ? vm.agentUp(System.currentTimeMillis()) : acpiShutdown);
        }
        if (shutdown && !guestObeys) {
            // Nobody in the guest acts on the request: the worker waits out its timeout (default 60 s).
            Duration wait = Duration.ofSeconds(timeout != null ? timeout : 60);
            Duration duration = wait.compareTo(tasks.durationOf(type)) > 0 ? wait : tasks.durationOf(type);
            return tasks.submit(node, type, Integer.toString(id), call.user(), duration, t -> {
                synchronized (inventory) {
                    QemuVm vm = inventory.find(id);
                    if (vm == null) {
                        throw new TaskFailure(Inventory.missingConfig(node, id));
                    }
                    if (!vm.running()) {
                        return 0; // stopped meanwhile (a hard stop by someone else)
                    }
                    if (!forceStop) {
                        throw new TaskFailure("VM quit/powerdown failed - got timeout");
                    }
                    t.log("VM still running - terminating now with SIGTERM");
                    vm.powerOff();
                }
                guests.halt(id);
                return 1;
            }).upid().encode();
        }
        return tasks.submit(node, type, Integer.toString(id), call.user(), t -> {
            synchronized (inventory) {
                QemuVm vm = inventory.find(id);
                if (vm == null) {
                    throw new TaskFailure(Inventory.missingConfig(node, id));
                }
                if (!skiplock && vm.lock().isPresent()) {
                    throw new TaskFailure("VM is locked (" + vm.lock().get() + ")");
                }
                if (!vm.running()) {
                    return 0; // vm_stop returns quietly when nothing runs
                }
                vm.powerOff();
            }
            guests.halt(id);
            return 0;
        }).upid().encode();
    }

    private Object reboot(ApiCall call) {
        call.allowOnly("timeout");
        call.optInt("timeout", 0, 86400);
        call.check();
        String node = call.path("node");
        int id = vmid(call);
        synchronized (inventory) {
            QemuVm vm = inventory.vm(node, id);
            if (!vm.running()) {
                throw ApiException.internal("VM " + id + " not running");
            }
        }
        return tasks.submit(node, "qmreboot", Integer.toString(id), call.user(), t -> {
            synchronized (inventory) {
                QemuVm vm = inventory.find(id);
                if (vm == null || !vm.running()) {
                    throw new TaskFailure("VM " + id + " not running");
                }
                if (vm.lock().isPresent()) {
                    throw new TaskFailure("VM is locked (" + vm.lock().get() + ")");
                }
                vm.powerOff();
            }
            guests.halt(id);
            synchronized (inventory) {
                QemuVm vm = inventory.find(id);
                if (vm == null) {
                    throw new TaskFailure(Inventory.missingConfig(node, id));
                }
                inventory.powerOn(vm);
            }
            bootGuest(id);
            return 0;
        }).upid().encode();
    }

    // ---------------------------------------------------------------- template, destroy

    private Object template(ApiCall call) {
        call.allowOnly("disk");
        String disk = call.opt("disk").orElse(null);
        if (disk != null && !RESIZE_DISK.matcher(disk).matches()) {
            call.error("disk", "value '" + disk + "' does not have a value in the enumeration '" + diskEnumeration() + "'");
        }
        call.check();
        String node = call.path("node");
        int id = vmid(call);
        synchronized (inventory) {
            // qemu-server checks these under the config lock before forking, and writes 'template: 1' right away;
            // the worker only converts the disks (template_create).
            QemuVm vm = inventory.vm(node, id);
            vm.lock().ifPresent(l -> {
                throw ApiException.internal("VM is locked (" + l + ")");
            });
            if (vm.isTemplate() && disk == null) {
                throw ApiException.internal("you can't convert a template to a template");
            }
            if (vm.running()) {
                throw ApiException.internal("you can't convert a VM to template if VM is running");
            }
            vm.config().put("template", 1);
        }
        return tasks.submit(node, "qmtemplate", Integer.toString(id), call.user(), t -> {
            synchronized (inventory) {
                QemuVm vm = inventory.find(id);
                if (vm == null) {
                    throw new TaskFailure(Inventory.missingConfig(node, id));
                }
                for (String key : vm.diskKeys()) {
                    if (disk != null && !disk.equals(key)) {
                        continue;
                    }
                    String value = vm.config().get(key).toString();
                    String from = "vm-" + id + "-disk-";
                    if (!QemuVm.isCdrom(value) && value.contains(":" + from)) {
                        String renamed = value.replace(":" + from, ":base-" + id + "-disk-");
                        String oldName = value.substring(value.indexOf(':') + 1).split(",")[0];
                        t.log("  Renamed \"" + oldName + "\" to \"" + oldName.replace("vm-", "base-")
                                + "\" in volume group \"pve\"");
                        t.log("  Logical volume pve/" + oldName.replace("vm-", "base-") + " changed.");
                        vm.config().put(key, renamed);
                    }
                }
                vm.config().put("template", 1);
            }
            return 0;
        }).upid().encode();
    }

    private Object destroy(ApiCall call) {
        call.allowOnly("purge", "destroy-unreferenced-disks", "skiplock");
        boolean skiplock = skiplock(call);
        call.optBool("purge", false);
        call.optBool("destroy-unreferenced-disks", false);
        call.check();
        String node = call.path("node");
        int id = vmid(call);
        boolean[] ourLock = {false};
        synchronized (inventory) {
            QemuVm vm = inventory.vm(node, id);
            if (Integer.valueOf(1).equals(vm.config().get("protection"))) {
                throw ApiException.internal("can't remove VM " + id + " - protection mode enabled");
            }
            if (vm.running()) {
                throw ApiException.internal("VM " + id + " is running - destroy failed");
            }
            // While the worker removes the disks the config holds 'lock: destroyed' (qemu-server's replacement
            // config), so /cluster/resources shows the lock until the VM is gone. An existing lock fails the worker.
            if (vm.lock().isEmpty()) {
                vm.config().put("lock", "destroyed");
                ourLock[0] = true;
            }
        }
        Task task = tasks.submit(node, "qmdestroy", Integer.toString(id), call.user(), t -> {
            synchronized (inventory) {
                QemuVm vm = inventory.find(id);
                if (vm == null) {
                    throw new TaskFailure(Inventory.missingConfig(node, id));
                }
                boolean destroying = ourLock[0] && vm.lock().filter("destroyed"::equals).isPresent();
                if (!skiplock && vm.lock().isPresent() && !destroying) {
                    throw new TaskFailure("VM is locked (" + vm.lock().get() + ")");
                }
                if (vm.running()) {
                    throw new TaskFailure("VM " + id + " is running - destroy failed");
                }
                for (String key : vm.diskKeys()) {
                    String value = vm.config().get(key).toString();
                    if (!QemuVm.isCdrom(value) || value.contains("cloudinit")) {
                        String volname = value.substring(value.indexOf(':') + 1).split(",")[0];
                        volname = volname.substring(volname.lastIndexOf('/') + 1);
                        t.log("  Logical volume \"" + volname + "\" successfully removed.");
                    }
                }
                inventory.remove(id);
            }
            guests.destroy(id);
            return 0;
        });
        return task.upid().encode();
    }

    // ---------------------------------------------------------------- guest agent

    private Object agentCommand(ApiCall call) {
        call.allowOnly("command");
        String command = call.require("command");
        List<String> known = List.of("fsfreeze-freeze", "fsfreeze-status", "fsfreeze-thaw", "fstrim", "get-fsinfo",
                "get-host-name", "get-memory-block-info", "get-memory-blocks", "get-osinfo", "get-time",
                "get-timezone", "get-users", "get-vcpus", "info", "network-get-interfaces", "ping", "shutdown",
                "suspend-disk", "suspend-hybrid", "suspend-ram");
        if (command != null && !known.contains(command)) {
            call.error("command", "value '" + command + "' does not have a value in the enumeration '"
                    + String.join(", ", known) + "'");
        }
        call.check();
        if (!List.of("ping", "network-get-interfaces", "get-host-name", "get-osinfo").contains(command)) {
            return agentResult(call, command, vm -> {
                throw ApiException.internal("VM " + vm.vmid() + " qga command 'guest-" + command
                        + "' failed - The command guest-" + command + " has not been found");
            });
        }
        return agent(call, command);
    }

    private Object agent(ApiCall call, String command) {
        if (!call.method().equals("POST") || !call.relativePath().endsWith("/agent")) {
            call.allowOnly();
            call.check();
        }
        return agentResult(call, command, vm -> switch (command) {
            case "ping" -> Map.of();
            case "network-get-interfaces" -> guests.interfaces(vm.vmid())
                    .orElseGet(() -> GuestAgentReplies.networkInterfaces(vm, System.currentTimeMillis()));
            case "get-host-name" -> Map.of("host-name", vm.name());
            case "get-osinfo" -> GuestAgentReplies.osInfo();
            default -> throw new IllegalStateException(command);
        });
    }

    private Object agentResult(ApiCall call, String command, java.util.function.Function<QemuVm, Object> result) {
        synchronized (inventory) {
            QemuVm vm = inventory.vm(call.path("node"), vmid(call));
            if (!vm.agentEnabled()) {
                throw ApiException.internal("No QEMU guest agent configured");
            }
            if (!vm.running()) {
                throw ApiException.internal("VM " + vm.vmid() + " is not running");
            }
            if (!vm.agentUp(System.currentTimeMillis())) {
                throw ApiException.internal("QEMU guest agent is not running");
            }
            return Map.of("result", result.apply(vm));
        }
    }
}
