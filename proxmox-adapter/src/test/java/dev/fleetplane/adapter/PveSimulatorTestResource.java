package dev.fleetplane.adapter;

import dev.fleetplane.pvesim.PveSimulator;
import dev.fleetplane.pvesim.SeedVm;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.time.Duration;
import java.util.Map;

/**
 * Starts the PVE simulator (tasks take no time, template 9003, a VM 150 fleetplane did not create) and points
 * the adapter at it. Init arg {@code adapter-secret} gives the adapter a different secret than the simulator knows;
 * {@code foreign-vm=false} leaves VM 150 out (the template alone). {@code tls=pinned} serves HTTPS and gives the
 * adapter the certificate's fingerprint; {@code tls=wrong-fingerprint} serves HTTPS and pins another fingerprint.
 */
public class PveSimulatorTestResource implements QuarkusTestResourceLifecycleManager {

    public static final String TOKEN_ID = "fleetplane@pve!adapter";
    public static final String SECRET = "5f0c7a9e-1d2b-4c3d-8e9f-0a1b2c3d4e5f";
    public static final int TEMPLATE = 9003;
    public static final int FOREIGN_VM = 150;
    /** A vzdump of the NixOS template image, restorable with RestoreVm. */
    public static final String TEMPLATE_ARCHIVE = "local:backup/vzdump-qemu-9100-2026_11_28-00_00_00.vma.zst";

    private static volatile PveSimulator current;
    private String adapterSecret = SECRET;
    private boolean foreignVm = true;
    private String tls = "none";
    private PveSimulator sim;

    public static PveSimulator simulator() {
        if (current == null) {
            throw new IllegalStateException("the PVE simulator test resource has not started");
        }
        return current;
    }

    @Override
    public void init(Map<String, String> args) {
        adapterSecret = args.getOrDefault("adapter-secret", SECRET);
        foreignVm = !"false".equals(args.get("foreign-vm"));
        tls = args.getOrDefault("tls", "none");
    }

    @Override
    public Map<String, String> start() {
        sim = PveSimulator.builder()
                .https(!tls.equals("none"))
                .apiToken(TOKEN_ID, SECRET)
                .taskDuration(Duration.ZERO)
                .seed(SeedVm.template(TEMPLATE, "nixos-template"))
                .seed(foreignVm ? java.util.List.of(SeedVm.vm(FOREIGN_VM, "hand-made")) : java.util.List.of())
                .backupArchive(TEMPLATE_ARCHIVE, Map.of("name", "nixos-template", "memory", "2048", "cores", "2",
                        "agent", "1", "net0", "virtio=BC:24:11:5E:00:01,bridge=vmbr0", "serial0", "socket",
                        "scsi0", "local-lvm:vm-9100-disk-0,size=8G", "ostype", "l26"))
                .build()
                .start();
        current = sim;
        Map<String, String> props = new java.util.HashMap<>(Map.of(
                "fleetplane.adapter.pve.url", sim.url(),
                "fleetplane.adapter.pve.token-id", TOKEN_ID,
                "fleetplane.adapter.pve.token-secret", adapterSecret,
                "fleetplane.adapter.tasks.poll-interval", "PT0.1S",
                "fleetplane.adapter.retry.base-delay", "PT0.05S",
                "fleetplane.adapter.retry.max-delay", "PT0.2S",
                "fleetplane.adapter.guest.allow-loopback", "true"));
        if (tls.equals("pinned")) {
            props.put("fleetplane.adapter.pve.fingerprint", sim.fingerprint());
        } else if (tls.equals("wrong-fingerprint")) {
            props.put("fleetplane.adapter.pve.fingerprint", WRONG_FINGERPRINT);
        }
        return props;
    }

    public static final String WRONG_FINGERPRINT =
            "00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF";

    @Override
    public void stop() {
        if (sim != null) {
            sim.close();
            sim = null;
        }
    }
}
