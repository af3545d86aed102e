package dev.fleetplane.provisioner.it;

import dev.fleetplane.proxmox.client.PveConnection;
import dev.fleetplane.proxmox.client.PveReadOnlyClient;
import dev.fleetplane.pvesim.GuestSsh;
import dev.fleetplane.pvesim.PveSimulator;
import dev.fleetplane.pvesim.guest.Sshd;
import dev.fleetplane.pvesim.SeedVm;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The provisioner's world for its ITs: the PVE simulator with guests in network namespaces (real sshd, real
 * addresses that move when a switch restarts the network), the fleet's SSH identity, and the provisioner's settings
 * pointing at them (short keepalive and confirm timeout, so a dropped connection and a rollback show in seconds).
 */
public class SimulatedGuests implements QuarkusTestResourceLifecycleManager {

    static final String TOKEN_ID = "fleetplane@pve!provisioner-it";
    static final String SECRET = "0b9c8d7e-6f5a-4b3c-2d1e-0f9a8b7c6d5e";
    static final String NODE = "pve";
    static final String ADMIN = "ops";
    static final Duration CONFIRM = Duration.ofSeconds(12);

    static volatile PveSimulator sim;
    static volatile PveReadOnlyClient pve;
    private static Path dir;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Override
    public Map<String, String> start() {
        try {
            dir = Files.createTempDirectory("fleetplane-provisioner-it-");
            Path key = dir.resolve("id_ed25519");
            Sshd.generateKey(Path.of("/usr/bin/ssh-keygen"), key, "provisioner-it", "the fleet key");
            sim = PveSimulator.builder()
                    .apiToken(TOKEN_ID, SECRET)
                    .taskDuration(Duration.ZERO)
                    .guestBootDelay(Duration.ofMillis(300))
                    .guestDhcpDelay(Duration.ofMillis(700))
                    .guestSsh(GuestSsh.of(Path.of(key + ".pub")))
                    .netnsGuests(true)
                    .build()
                    .start();
            if (!sim.hasNetnsGuests()) {
                throw new IllegalStateException("these tests need guests in network namespaces (root, iproute2,"
                        + " unshare); the simulator fell back to loopback guests");
            }
            pve = PveReadOnlyClient.connect(PveConnection.of(sim.url(), TOKEN_ID, SECRET));
            Map<String, String> props = new HashMap<>();
            props.put("fleetplane.provisioner.ssh.identity-file", key.toString());
            props.put("fleetplane.provisioner.ssh.port", "22");
            props.put("fleetplane.provisioner.ssh.keepalive", "PT1S");
            props.put("fleetplane.provisioner.ssh.connect-timeout", "PT3S");
            props.put("fleetplane.provisioner.rollback.confirm-timeout", "PT" + CONFIRM.toSeconds() + "S");
            props.put("fleetplane.provisioner.rebuild.output-max-batches", "20");
            return props;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
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
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException ignored) {
                // a temp dir left behind is harmless
            }
        }
    }

    /** A stopped VM with the agent on and cloud-init's admin user, then started (its guest boots for real). */
    static void startVm(int vmid, String name) {
        sim.seed(List.of(SeedVm.vm(vmid, name).withAgent(true)));
        call("PUT", "/nodes/" + NODE + "/qemu/" + vmid + "/config", Map.of("ciuser", ADMIN));
        call("POST", "/nodes/" + NODE + "/qemu/" + vmid + "/status/start", Map.of());
    }

    /** One API call as a client would make it (form body, token header); fails the test on any error. */
    static String call(String method, String path, Map<String, String> form) {
        String body = form.entrySet().stream().map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(),
                StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
        HttpRequest request = HttpRequest.newBuilder(URI.create(sim.url() + path))
                .header("Authorization", "PVEAPIToken=" + TOKEN_ID + "=" + SECRET)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .method(method, HttpRequest.BodyPublishers.ofString(body)).build();
        try {
            HttpResponse<String> r = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() >= 400) {
                throw new IllegalStateException(method + " " + path + " answered " + r.statusCode() + ": " + r.body());
            }
            return r.body();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Where {@code /run/current-system} of the guest points now (its store path). */
    static String currentSystem(int vmid) {
        try {
            Path link = sim.guestDir(vmid).orElseThrow().resolve("run/current-system");
            return link.toRealPath().toString();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
