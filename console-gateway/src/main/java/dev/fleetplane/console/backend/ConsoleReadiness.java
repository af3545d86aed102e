package dev.fleetplane.console.backend;

import java.util.Optional;

/**
 * Whether a VM can give a serial console, decided before termproxy is asked: qm terminal, which termproxy runs, would
 * print its refusal into the stream after the {@code OK} and the gateway could not tell it from the VM's output. Each
 * refusal says what is wrong and how to fix it. Pure.
 */
public final class ConsoleReadiness {

    /** The serial interface both backends open (termproxy {@code serial=serial0}, {@code qm terminal -iface serial0}). */
    public static final String SERIAL = "serial0";

    private ConsoleReadiness() {
    }

    /**
     * Empty when the VM can give a console; otherwise the refusal.
     *
     * @param status the VM's {@code status} ({@code running}, {@code stopped}, …)
     * @param serial0 the config's {@code serial0} value, null when the key is absent
     */
    public static Optional<String> refusal(ConsoleTarget target, String status, String serial0) {
        int vmid = target.vmid();
        if (!"running".equals(status)) {
            return Optional.of(target + " is " + (status == null || status.isEmpty() ? "not running" : status)
                    + ": start it (qm start " + vmid + ") to open its serial console");
        }
        if (serial0 == null || serial0.isBlank()) {
            return Optional.of(target + " has no serial port: add serial0: socket (qm set " + vmid
                    + " --serial0 socket) and restart the VM so QEMU opens it");
        }
        if (!serial0.trim().equals("socket")) {
            return Optional.of(target + " has serial0: " + serial0.trim() + ", not a socket: set serial0: socket"
                    + " (qm set " + vmid + " --serial0 socket) and restart the VM");
        }
        return Optional.empty();
    }
}
