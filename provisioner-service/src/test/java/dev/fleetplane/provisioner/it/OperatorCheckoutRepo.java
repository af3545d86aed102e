package dev.fleetplane.provisioner.it;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The operator's side of checkout mode for {@link ProvisionerCheckoutIT}: a real git repository as the operator's
 * clone of the fleet's flake (a stub flake.nix and a {@code hosts/<name>/} directory per host, committed by the test
 * as the operator would have), and the stand-in {@code nixos-rebuild} of the operator's machine (from
 * {@code src/test/resources/checkout}), which activates on the guest over real ssh with the provisioner's
 * {@code NIX_SSHOPTS}. The provisioner's settings point at both; the wait for sshd is short, so a guest whose sshd
 * never comes up fails within seconds.
 */
public class OperatorCheckoutRepo implements QuarkusTestResourceLifecycleManager {

    static final List<String> HOSTS = List.of("repo1", "nogit1", "late2", "never1");
    static final java.time.Duration SSH_WAIT = java.time.Duration.ofSeconds(12);

    static volatile Path checkout;
    static volatile Path nixosRebuild;
    private static Path dir;

    @Override
    public Map<String, String> start() {
        try {
            dir = Files.createTempDirectory("fleetplane-checkout-it-");
            checkout = dir.resolve("nixosconfig");
            Files.createDirectories(checkout);
            Files.writeString(checkout.resolve("flake.nix"), """
                    {
                      description = "the fleet (a stub: the stand-in nixos-rebuild builds nothing)";
                      outputs = { self, ... }: { };
                    }
                    """);
            for (String host : HOSTS) {
                Files.createDirectories(checkout.resolve("hosts/" + host));
                Files.writeString(checkout.resolve("hosts/" + host + "/default.nix"),
                        "{ ... }: { imports = [ ./hardware-configuration.nix ]; }\n");
            }
            git("init", "--quiet");
            git("add", "--all");
            git("-c", "user.name=Operator", "-c", "user.email=ops@example.org", "commit", "--quiet", "-m",
                    "the fleet before fleetplane");
            Path bin = dir.resolve("bin");
            Files.createDirectories(bin);
            Path rebuild = bin.resolve("nixos-rebuild");
            try (InputStream in = OperatorCheckoutRepo.class.getResourceAsStream("/checkout/nixos-rebuild")) {
                if (in == null) {
                    throw new IllegalStateException("src/test/resources/checkout/nixos-rebuild is not on the classpath");
                }
                Files.copy(in, rebuild);
            }
            Files.setPosixFilePermissions(rebuild, PosixFilePermissions.fromString("rwxr-xr-x"));
            nixosRebuild = rebuild;
            return Map.of("fleetplane.provisioner.checkout.path", checkout.toString(),
                    "fleetplane.provisioner.checkout.nixos-rebuild", rebuild.toString(),
                    "fleetplane.provisioner.ssh.wait-timeout", "PT" + SSH_WAIT.toSeconds() + "S");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Override
    public void stop() {
        if (dir != null) {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException ignored) {
                // a temp dir left behind is harmless
            }
        }
    }

    /** Runs git in the checkout; fails the test (never skips it) when git is missing or the command fails. */
    static String git(String... args) {
        List<String> command = new ArrayList<>(List.of("git", "-C", checkout.toString()));
        command.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
            }
            return out;
        } catch (IOException e) {
            throw new IllegalStateException("these tests need git (apt-get install -y git; README, Prerequisites): "
                    + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
