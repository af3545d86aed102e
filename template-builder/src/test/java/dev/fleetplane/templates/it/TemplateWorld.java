package dev.fleetplane.templates.it;

import dev.fleetplane.pvesim.GuestSsh;
import dev.fleetplane.pvesim.NodeSsh;
import dev.fleetplane.pvesim.PveSimulator;
import dev.fleetplane.pvesim.guest.Sshd;
import dev.fleetplane.pvesim.nodessh.NodeSshEndpoint;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * The template builder's world for its ITs: the PVE simulator with guests in network namespaces (a real sshd each,
 * real DHCP-like addresses) and a node sshd for SFTP into its dump directory, the fleet key both accept, a stand-in
 * build command that writes a small real VMA or qcow2 (image-formats' StandInImages; nixpkgs cannot run here), and the
 * builder's settings pointing at all of it. The adapter runs as its packaged jar ({@link AdapterProcess}).
 */
public class TemplateWorld implements QuarkusTestResourceLifecycleManager {

    static final String TOKEN_ID = "fleetplane@pve!templates-it";
    static final String SECRET = "5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9";
    static final String NODE = "pve";
    /** How long a probe may take to show an address before the smoke test gives up (short: the broken-agent case). */
    static final Duration SMOKE_DEADLINE = Duration.ofSeconds(10);

    static volatile PveSimulator sim;
    static Path dir;
    static Path recipe;
    static Path truncatingRecipe;
    static Path failingRecipe;
    static Path hangingRecipe;
    static Path slowRecipe;

    @Override
    public Map<String, String> start() {
        try {
            dir = Files.createTempDirectory("fleetplane-templates-it-");
            Path key = dir.resolve("id_ed25519");
            Sshd.generateKey(Path.of("/usr/bin/ssh-keygen"), key, "templates-it", "the fleet key");
            String publicKey = Files.readString(Path.of(key + ".pub")).strip();
            sim = PveSimulator.builder()
                    .node(NODE)
                    .apiToken(TOKEN_ID, SECRET)
                    .taskDuration(Duration.ofMillis(100))
                    .guestBootDelay(Duration.ofMillis(300))
                    .guestDhcpDelay(Duration.ofMillis(700))
                    .guestSsh(GuestSsh.of(Path.of(key + ".pub")))
                    .netnsGuests(true)
                    .nodeSsh(NodeSsh.of(publicKey))
                    .build()
                    .start();
            if (!sim.hasNetnsGuests()) {
                throw new IllegalStateException("these tests need guests in network namespaces (root, iproute2,"
                        + " unshare); the simulator fell back to loopback guests");
            }
            NodeSshEndpoint node = sim.nodeSsh(NODE).orElseThrow(() -> new IllegalStateException("no node sshd"));

            recipe = Files.createDirectories(dir.resolve("recipe"));
            truncatingRecipe = Files.createDirectories(dir.resolve("recipe-truncating"));
            Files.writeString(truncatingRecipe.resolve("stand-in-fault"), "truncate\n");
            failingRecipe = Files.createDirectories(dir.resolve("recipe-failing"));
            Files.writeString(failingRecipe.resolve("stand-in-fault"), "fail\n");
            hangingRecipe = Files.createDirectories(dir.resolve("recipe-hanging"));
            Files.writeString(hangingRecipe.resolve("stand-in-fault"), "hang\n");
            slowRecipe = Files.createDirectories(dir.resolve("recipe-slow"));
            Files.writeString(slowRecipe.resolve("stand-in-fault"), "slow\n");
            String build = standInBuild();
            String cp = System.getProperty("java.class.path");

            Map<String, String> props = new HashMap<>();
            props.put("fleetplane.templates.work-dir", dir.resolve("work").toString());
            props.put("fleetplane.templates.node", NODE);
            props.put("fleetplane.templates.storage", "local-lvm");
            props.put("fleetplane.templates.build.recipe", recipe.toString());
            props.put("fleetplane.templates.build.sftp-command", build + " {flake} {out} vma " + cp);
            props.put("fleetplane.templates.build.api-command", build + " {flake} {out} qcow2 " + cp);
            props.put("fleetplane.templates.build.timeout", "PT2M");
            props.put("fleetplane.templates.node-ssh.host", node.host());
            props.put("fleetplane.templates.node-ssh.port", Integer.toString(node.port()));
            props.put("fleetplane.templates.node-ssh.user", node.user());
            props.put("fleetplane.templates.node-ssh.identity-file", key.toString());
            props.put("fleetplane.templates.node-ssh.host-key-fingerprint", node.hostKeyFingerprint());
            props.put("fleetplane.templates.node-ssh.dump-dir", node.dumpDir().toString());
            props.put("fleetplane.templates.smoke.identity-file", key.toString());
            props.put("fleetplane.templates.smoke.ssh-port", "22");
            props.put("fleetplane.templates.smoke.deadline", "PT" + SMOKE_DEADLINE.toSeconds() + "S");
            props.put("fleetplane.templates.smoke.login-deadline", "PT20S");
            // Retention at its tightest, so that a second template of a name retires the first at once.
            props.put("fleetplane.templates.retention.keep", "1");
            props.put("fleetplane.templates.retention.unused-for", "PT0S");
            return props;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * The repository's stand-in for {@code nixos-rebuild build-image} ({@code examples/template/stand-in-build}): it
     * writes one small real image with this JVM's classpath, which the command passes as its fourth argument.
     */
    private static String standInBuild() {
        Path script = Path.of("..", "examples", "template", "stand-in-build").toAbsolutePath().normalize();
        if (!Files.isExecutable(script)) {
            throw new IllegalStateException(script + " is missing or not executable");
        }
        return script.toString();
    }

    @Override
    public void stop() {
        if (sim != null) {
            sim.close();
            sim = null;
        }
        if (dir != null) {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException ignored) {
                // a temp dir left behind is harmless
            }
        }
    }
}
