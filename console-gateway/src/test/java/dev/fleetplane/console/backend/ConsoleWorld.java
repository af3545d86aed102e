package dev.fleetplane.console.backend;

import dev.fleetplane.pvesim.NodeSsh;
import dev.fleetplane.pvesim.PveSimulator;
import dev.fleetplane.pvesim.SeedVm;
import dev.fleetplane.pvesim.guest.Sshd;
import dev.fleetplane.pvesim.nodessh.NodeSshEndpoint;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;

/**
 * The console backends' world: the PVE simulator over HTTPS (pinned fingerprint) with the console user, a node sshd
 * whose {@code qm terminal} and {@code pvesh} reach the same VMs, a key it accepts, and the gateway's settings for
 * both backends pointing at it ({@code fleetplane.console.backend=pve-api}; the node-ssh settings are complete too, so
 * the IT builds that backend from the same config).
 */
public class ConsoleWorld implements QuarkusTestResourceLifecycleManager {

    static final String USER = "console@pve";
    static final String PASSWORD = "console-it-password";
    static final String NODE = "pve";
    /** Running, serial0 socket: one per backend, since a VM's serial line (and who is logged in) is shared. */
    static final int API_VM = 101;
    static final int SSH_VM = 102;
    static final int STOPPED_VM = 103;
    /** Running, serial0 removed by the IT before it opens it. */
    static final int NO_SERIAL_VM = 104;
    static final int TWIN_A = 105;
    static final int TWIN_B = 106;
    /** Running; the IT drops its line from the simulator's side. */
    static final int DROP_API_VM = 107;
    static final int DROP_SSH_VM = 108;

    static volatile PveSimulator sim;
    static Path dir;
    static Path key;

    @Override
    public Map<String, String> start() {
        try {
            dir = Files.createTempDirectory("fleetplane-console-it-");
            key = dir.resolve("id_ed25519");
            Sshd.generateKey(Path.of("/usr/bin/ssh-keygen"), key, "console-it", "the gateway's node key");
            sim = PveSimulator.builder()
                    .node(NODE)
                    .https(true)
                    .user(USER, PASSWORD)
                    .taskDuration(Duration.ZERO)
                    .seed(SeedVm.vm(API_VM, "web-api").running(), SeedVm.vm(SSH_VM, "web-ssh").running(),
                            SeedVm.vm(STOPPED_VM, "off"), SeedVm.vm(NO_SERIAL_VM, "noserial").running(),
                            SeedVm.vm(TWIN_A, "twin"), SeedVm.vm(TWIN_B, "twin").running(),
                            SeedVm.vm(DROP_API_VM, "drop-api").running(), SeedVm.vm(DROP_SSH_VM, "drop-ssh").running(),
                            SeedVm.template(9000, "web-tpl"))
                    .nodeSsh(NodeSsh.of(Files.readString(Path.of(key + ".pub")).strip()))
                    .build()
                    .start();
            NodeSshEndpoint node = sim.nodeSsh(NODE).orElseThrow(() -> new IllegalStateException("no node sshd"));
            Map<String, String> props = new HashMap<>();
            props.put("fleetplane.console.backend", "pve-api");
            props.put("fleetplane.console.pve.url", sim.url());
            props.put("fleetplane.console.pve.username", USER);
            props.put("fleetplane.console.pve.password", PASSWORD);
            props.put("fleetplane.console.pve.fingerprint", sim.fingerprint());
            props.put("fleetplane.console.pve.keepalive", "PT0.2S");
            props.put("fleetplane.console.node-ssh.host", node.host());
            props.put("fleetplane.console.node-ssh.port", Integer.toString(node.port()));
            props.put("fleetplane.console.node-ssh.user", node.user());
            props.put("fleetplane.console.node-ssh.identity-file", key.toString());
            props.put("fleetplane.console.node-ssh.host-key-fingerprint", node.hostKeyFingerprint());
            return props;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void stop() {
        if (sim != null) {
            sim.close();
            sim = null;
        }
        if (dir != null) {
            try (var files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException ignored) {
                // a temp dir left behind is harmless
            }
        }
    }
}
