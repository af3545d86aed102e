package dev.fleetplane.adapter;

import dev.fleetplane.pvesim.PveSimulator;
import dev.fleetplane.pvesim.SeedVm;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.time.Duration;
import java.util.Map;

/**
 * The PVE simulator with clones that take {@link #CLONE_TIME} (so a bound on clones in flight shows), template
 * {@link #TEMPLATE}, and an adapter configured with 2 clones per node, short read timeouts, a VMID range and a
 * per-host clone timeout for host {@code slow-1}. Tests flip the simulator's fault switches through {@link #simulator()}.
 */
public class FaultySimulatorTestResource implements QuarkusTestResourceLifecycleManager {

    public static final String TOKEN_ID = "fleetplane@pve!adapter";
    public static final String SECRET = "0d8f5e1c-7a2b-4c6d-9e0f-1a2b3c4d5e6f";
    public static final int TEMPLATE = 9003;
    public static final Duration CLONE_TIME = Duration.ofMillis(700);

    private static volatile PveSimulator current;
    private PveSimulator sim;

    public static PveSimulator simulator() {
        if (current == null) {
            throw new IllegalStateException("the faulty PVE simulator test resource has not started");
        }
        return current;
    }

    @Override
    public Map<String, String> start() {
        sim = PveSimulator.builder()
                .apiToken(TOKEN_ID, SECRET)
                .taskDuration(Duration.ZERO)
                .taskDuration("qmclone", CLONE_TIME)
                .seed(SeedVm.template(TEMPLATE, "nixos-template"))
                .build()
                .start();
        current = sim;
        return Map.ofEntries(
                Map.entry("fleetplane.adapter.pve.url", sim.url()),
                Map.entry("fleetplane.adapter.pve.token-id", TOKEN_ID),
                Map.entry("fleetplane.adapter.pve.token-secret", SECRET),
                Map.entry("fleetplane.adapter.pve.read-timeout", "PT2S"),
                Map.entry("fleetplane.adapter.tasks.poll-interval", "PT0.1S"),
                Map.entry("fleetplane.adapter.tasks.host.\"slow-1\".clone-timeout", "PT0.3S"),
                Map.entry("fleetplane.adapter.retry.attempts", "4"),
                Map.entry("fleetplane.adapter.retry.base-delay", "PT0.05S"),
                Map.entry("fleetplane.adapter.retry.max-delay", "PT0.2S"),
                Map.entry("fleetplane.adapter.limits.clones-per-node", "2"),
                Map.entry("fleetplane.adapter.vmid.range", "9050-9059"),
                Map.entry("fleetplane.adapter.guest.allow-loopback", "true"));
    }

    @Override
    public void stop() {
        if (sim != null) {
            sim.close();
            sim = null;
            current = null;
        }
    }
}
