package dev.fleetplane.templates.it;

import dev.fleetplane.localstack.Endpoints;
import dev.fleetplane.localstack.quarkus.ServiceJar;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * The real proxmox-adapter, its packaged jar (the reactor builds it before this module), against the test's stack and
 * simulator: the template builder's commands are carried out by the same code as in production, never by a stand-in.
 */
final class AdapterProcess {

    private AdapterProcess() {
    }

    static ServiceJar start(Endpoints stack, String pveUrl, String tokenId, String secret, Path logDir) throws Exception {
        Map<String, String> env = new HashMap<>();
        env.put("PVE_URL", pveUrl);
        env.put("PVE_TOKEN_ID", tokenId);
        env.put("PVE_TOKEN_SECRET", secret);
        env.put("fleetplane.adapter.tasks.poll-interval", "PT0.1S");
        Path jar = Path.of("..", "proxmox-adapter", "target", "quarkus-app", "quarkus-run.jar");
        return ServiceJar.of(jar, stack, env).start(log(logDir), Duration.ofSeconds(90));
    }

    static Path log(Path logDir) {
        return logDir.resolve("proxmox-adapter.log");
    }
}
