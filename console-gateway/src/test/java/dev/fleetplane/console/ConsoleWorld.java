package dev.fleetplane.console;

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
 * the IT builds that backend from the same config), four operators in an operators file, transcripts on, and short
 * linger, auth timeout and viewer queue so the ITs reach them quickly. Declared on every console IT without
 * {@code restrictToAnnotatedClass}: one Quarkus boot serves them all.
 */
public class ConsoleWorld implements QuarkusTestResourceLifecycleManager {

    public static final String USER = "console@pve";
    public static final String PASSWORD = "console-it-password";
    public static final String NODE = "pve";
    /** Running, serial0 socket: one per backend, since a VM's serial line (and who is logged in) is shared. */
    public static final int API_VM = 101;
    public static final int SSH_VM = 102;
    public static final int STOPPED_VM = 103;
    /** Running, serial0 removed by the IT before it opens it. */
    public static final int NO_SERIAL_VM = 104;
    public static final int TWIN_A = 105;
    public static final int TWIN_B = 106;
    /** Running; the IT drops its line from the simulator's side. */
    public static final int DROP_API_VM = 107;
    public static final int DROP_SSH_VM = 108;

    /** The gateway's own IT (ConsoleGatewayIT): a console shared by three, a paste, a reader that stops reading. */
    public static final int SHARED_VM = 110;
    public static final String SHARED_HOST = "gw-shared";
    public static final String FLOOD_HOST = "gw-flood";
    public static final String SLOW_HOST = "gw-slow";
    public static final String STOPPED_HOST = "off";
    /** Running; its serial0 is deleted by the IT that needs it gone. */
    public static final int GW_NO_SERIAL_VM = 113;
    public static final String NO_SERIAL_HOST = "gw-noserial";
    /** Running: the gateway's IT over the node-ssh backend (ConsoleGatewayNodeSshIT). */
    public static final String SSH_HOST = "gw-ssh";
    /** Running: its line is hung up from the simulator's side while viewers watch. */
    public static final int GW_DROP_VM = 115;
    public static final String DROP_HOST = "gw-drop";

    /** Operators' tokens (their SHA-256 is configured): alice, bob write anywhere; rita reads; wendy writes web-*. */
    public static final String ALICE = "alice-token-0123456789";
    public static final String BOB = "bob-token-0123456789";
    public static final String RITA = "rita-token-0123456789";
    public static final String WENDY = "wendy-token-0123456789";

    public static volatile PveSimulator sim;
    public static Path dir;
    public static Path key;

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
                            SeedVm.vm(SHARED_VM, SHARED_HOST).running(), SeedVm.vm(111, FLOOD_HOST).running(),
                            SeedVm.vm(112, SLOW_HOST).running(), SeedVm.vm(GW_NO_SERIAL_VM, NO_SERIAL_HOST).running(),
                            SeedVm.vm(114, SSH_HOST).running(), SeedVm.vm(GW_DROP_VM, DROP_HOST).running(),
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
            Path operators = dir.resolve("operators");
            Files.writeString(operators, "# name access hosts sha256\n"
                    + "alice write * " + sha256(ALICE) + "\n"
                    + "bob write * " + sha256(BOB) + "\n"
                    + "rita read * " + sha256(RITA) + "\n"
                    + "wendy write web-* " + sha256(WENDY) + "\n");
            props.put("fleetplane.console.operators-file", operators.toString());
            props.put("fleetplane.console.transcript", "true");
            props.put("fleetplane.console.linger", "PT1S");
            props.put("fleetplane.console.auth-timeout", "PT2S");
            props.put("fleetplane.console.viewer-queue-bytes", "1048576");
            return props;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public static String sha256(String token) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(token.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
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
