package dev.fleetplane.pvesim.qemu;

import dev.fleetplane.pvesim.http.ApiCall;
import dev.fleetplane.pvesim.http.ApiException;
import dev.fleetplane.pvesim.http.ApiRouter;
import dev.fleetplane.pvesim.task.Task;
import dev.fleetplane.pvesim.task.TaskRunner;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * {@code …/qemu/{vmid}/config}: {@code GET}, {@code PUT} (synchronous) and {@code POST} (a {@code qmconfig} task, or
 * none when it ends within {@code background_delay}); every value is validated before anything changes.
 */
final class ConfigApi {

    private static final Pattern DELETE_SPLIT = Pattern.compile("[,;\\s]+");

    private final Inventory inventory;
    private final TaskRunner tasks;

    ConfigApi(Inventory inventory, TaskRunner tasks) {
        this.inventory = inventory;
        this.tasks = tasks;
    }

    void register(ApiRouter router) {
        router.add("GET", QemuCalls.VM + "/config", this::getConfig)
                .add("PUT", QemuCalls.VM + "/config", c -> updateConfig(c, false))
                .add("POST", QemuCalls.VM + "/config", c -> updateConfig(c, true));
    }

    private Object getConfig(ApiCall call) {
        call.allowOnly("current", "snapshot").optBool("current", false);
        call.check();
        synchronized (inventory) {
            QemuVm vm = inventory.vm(call.path("node"), QemuCalls.vmid(call));
            call.opt("snapshot").ifPresent(s -> {
                throw ApiException.internal("snapshot '" + s + "' does not exist");
            });
            return vm.configView();
        }
    }

    private Object updateConfig(ApiCall call, boolean async) {
        call.allow(k -> ConfigSchema.settable(k) || List.of("digest", "delete", "revert", "skiplock", "force").contains(k)
                || (async && k.equals("background_delay")));
        boolean skiplock = QemuCalls.skiplock(call);
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

        int id = QemuCalls.vmid(call);
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
}
