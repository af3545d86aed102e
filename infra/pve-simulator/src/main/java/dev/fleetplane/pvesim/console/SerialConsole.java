package dev.fleetplane.pvesim.console;

import dev.fleetplane.pvesim.qemu.GuestAgentReplies;
import dev.fleetplane.pvesim.qemu.GuestRuntime;
import dev.fleetplane.pvesim.qemu.Inventory;
import dev.fleetplane.pvesim.qemu.QemuVm;

import java.io.Closeable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.Map;
import java.util.Optional;

/**
 * {@code qm terminal}'s checks and the VMs' serial lines, shared by termproxy sessions and the node's {@code qm}: a
 * session either gets qm's refusal (qemu-server {@code CLI/qm.pm terminal}, reference §5.1) or the VM's
 * {@link SerialLine}. One line per VM run: a line lives from the first attach until the VM stops (a new QEMU pid
 * gets a fresh line, at the login prompt).
 */
public final class SerialConsole {

    /** A refusal (qm's message) or the interface and line a session attaches to. */
    public record Attach(String refusal, String iface, SerialLine line) {
        public boolean refused() {
            return refusal != null;
        }
    }

    private record Run(long pid, SerialLine line) {
    }

    private final Inventory inventory;
    private final GuestRuntime guests;
    private final Map<Integer, Run> lines = new HashMap<>(); // guarded by inventory
    private final Map<Integer, Set<Closeable>> attached = new HashMap<>(); // guarded by inventory

    public SerialConsole(Inventory inventory, GuestRuntime guests) {
        this.inventory = inventory;
        this.guests = guests;
    }

    /** What real {@code qm terminal} prints before bridging; the escape note only when there is an escape. */
    public static String starting(String iface, int escape) {
        String note = escape == 0 ? "" : " (press Ctrl+" + (char) (escape + 0x40) + " to exit)";
        return "starting serial terminal on interface " + iface + note + "\r\n";
    }

    /**
     * Checks as qm does, in its order: the config exists on this node, the interface (given: configured and
     * {@code socket}; absent: the first {@code socket} one of serial0–3), the VM runs.
     */
    public Attach attach(String node, int vmid, String iface) {
        synchronized (inventory) {
            QemuVm vm = inventory.find(vmid);
            if (vm == null || !vm.node().equals(node)) {
                return refused(Inventory.missingConfig(node, vmid));
            }
            String chosen = iface;
            if (iface != null) {
                Object value = vm.config().get(iface);
                if (value == null) {
                    return refused("serial interface '" + iface + "' is not configured");
                }
                if (!value.toString().equals("socket")) {
                    return refused("wrong serial type on interface '" + iface + "'");
                }
            } else {
                chosen = firstSocketSerial(vm);
                if (chosen == null) {
                    return refused("unable to find a serial interface");
                }
            }
            if (!vm.running()) {
                lines.remove(vmid);
                return refused("VM " + vmid + " not running");
            }
            Run run = lines.get(vmid);
            if (run == null || run.pid() != vm.qemuPid()) {
                run = new Run(vm.qemuPid(), new SerialLine(guest(vmid)));
                lines.put(vmid, run);
            }
            return new Attach(null, chosen, run.line());
        }
    }

    /**
     * Records {@code connection} as attached to the VM's serial line until the returned action runs, so that
     * {@link #hangUp} can end it.
     */
    public Runnable hold(int vmid, Closeable connection) {
        synchronized (inventory) {
            attached.computeIfAbsent(vmid, k -> new HashSet<>()).add(connection);
        }
        return () -> {
            synchronized (inventory) {
                Set<Closeable> s = attached.get(vmid);
                if (s != null && s.remove(connection) && s.isEmpty()) {
                    attached.remove(vmid);
                }
            }
        };
    }

    /**
     * Ends every session attached to the VM's serial line (termproxy and the nodes' {@code qm terminal}), as when
     * QEMU's chardev socket goes away under socat: each client sees its connection close. Returns how many ended.
     */
    public int hangUp(int vmid) {
        List<Closeable> victims;
        synchronized (inventory) {
            Set<Closeable> s = attached.remove(vmid);
            victims = s == null ? List.of() : new ArrayList<>(s);
        }
        for (Closeable c : victims) {
            try {
                c.close();
            } catch (IOException ignored) {
                // gone already
            }
        }
        return victims.size();
    }

    private static Attach refused(String message) {
        return new Attach(message, null, null);
    }

    private static String firstSocketSerial(QemuVm vm) {
        for (String opt : List.of("serial0", "serial1", "serial2", "serial3")) {
            Object v = vm.config().get(opt);
            if (v != null && v.toString().equals("socket")) {
                return opt;
            }
        }
        return null;
    }

    // Reads the VM at each command; a VM destroyed under an open session answers with what it last had.
    private SerialLine.Guest guest(int vmid) {
        return new SerialLine.Guest() {
            private String lastName = "nixos";

            @Override
            public String hostname() {
                synchronized (inventory) {
                    QemuVm vm = inventory.find(vmid);
                    if (vm != null && vm.config().get("name") != null) {
                        lastName = vm.name();
                    }
                    return lastName;
                }
            }

            @Override
            public Optional<String> ciuser() {
                synchronized (inventory) {
                    QemuVm vm = inventory.find(vmid);
                    return Optional.ofNullable(vm == null ? null : vm.config().get("ciuser")).map(Object::toString);
                }
            }

            @Override
            public List<Map<String, Object>> interfaces() {
                Optional<List<Map<String, Object>>> real = guests.interfaces(vmid);
                if (real.isPresent()) {
                    return real.get();
                }
                synchronized (inventory) {
                    QemuVm vm = inventory.find(vmid);
                    return vm == null ? List.of() : GuestAgentReplies.networkInterfaces(vm, System.currentTimeMillis());
                }
            }
        };
    }
}
