package dev.fleetplane.console.backend;

import dev.fleetplane.console.ConsoleConfig;
import dev.fleetplane.messaging.FleetMetrics;
import dev.fleetplane.proxmox.client.ProxmoxClient;
import dev.fleetplane.proxmox.client.PveConnection;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

/**
 * The one {@link ConsoleBackend} of the gateway, chosen by {@code fleetplane.console.backend} ({@code pve-api} or
 * {@code node-ssh}). Built at startup, so that a half-configured backend stops the gateway with the missing key
 * rather than failing the first operator; it does not call Proxmox or the node then (they may come up later). A
 * backend with none of its credentials set is an {@link UnconfiguredBackend}: the gateway starts (./fleetplane up
 * runs it whether or not a console user exists), warns, and refuses every console naming the keys to set.
 */
@ApplicationScoped
public class Backends {

    private static final Logger LOG = Logger.getLogger(Backends.class);

    @Inject
    ConsoleConfig config;

    @Inject
    FleetMetrics metrics;

    private ConsoleBackend backend; // guarded by this
    private ProxmoxClient client; // guarded by this; with pve-api

    @Produces
    @Singleton
    synchronized ConsoleBackend backend() {
        if (backend == null) {
            backend = switch (config.backend().trim()) {
                case PveApiBackend.NAME -> BackendSettings.anySet(config.pve()) ? pveApi()
                        : unconfigured(PveApiBackend.NAME, BackendSettings.PVE_API_NEEDS);
                case NodeSshBackend.NAME -> BackendSettings.anySet(config.nodeSsh()) ? nodeSsh()
                        : unconfigured(NodeSshBackend.NAME, BackendSettings.NODE_SSH_NEEDS);
                default -> throw new IllegalStateException("fleetplane.console.backend (FLEETPLANE_CONSOLE_BACKEND) is '"
                        + config.backend() + "'; it must be " + PveApiBackend.NAME + " or " + NodeSshBackend.NAME);
            };
        }
        return backend;
    }

    private static ConsoleBackend unconfigured(String name, String needs) {
        LOG.warnf("!!! console backend %s has no credentials: every console will be refused until you %s !!!", name,
                needs);
        return new UnconfiguredBackend(name, needs);
    }

    private ConsoleBackend pveApi() {
        PveConnection c = BackendSettings.pveConnection(config.pve());
        LOG.infof("console backend pve-api: %s as %s, TLS %s", c.baseUrl(), c.principal(), c.insecure()
                ? "NOT verified" : c.fingerprint() != null ? "pinned to SHA-256 " + c.fingerprint()
                : c.caFile() != null ? "verified against " + c.caFile() : "verified against the JVM trust store");
        if (c.insecure()) {
            LOG.warnf("!!! fleetplane.console.pve.insecure=true: the certificate of %s is NOT checked; anyone on the"
                    + " path can read the console user's ticket and every keystroke. Lab nodes only. !!!", c.baseUrl());
        }
        if (!c.ticketLogin()) {
            LOG.warn("console backend pve-api with an API token: vncwebsocket accepts tokens only on PVE 9.1 with"
                    + " qemu-server 9.1.7 or later; older nodes refuse the console (use a console user)");
        }
        client = ProxmoxClient.connect(c);
        client.listen(metrics::pveCall);
        return new PveApiBackend(client, config.pve().keepalive());
    }

    private ConsoleBackend nodeSsh() {
        NodeSshBackend.Settings s = BackendSettings.nodeSsh(config.nodeSsh());
        LOG.infof("console backend node-ssh: %s@%s port %d%s, host key %s, key %s", s.user(),
                s.host().orElse("(per node)"), s.port(), s.nodeHosts().isEmpty() ? "" : ", nodes " + s.nodeHosts(),
                s.hostKeyFingerprint(), s.identityFile());
        return new NodeSshBackend(s);
    }

    /** The Proxmox API client of the pve-api backend; empty with node-ssh or without credentials. */
    public synchronized java.util.Optional<ProxmoxClient> pveClient() {
        backend();
        return java.util.Optional.ofNullable(client);
    }

    void checkAtStartup(@Observes StartupEvent ignored) {
        backend();
    }

    @PreDestroy
    synchronized void close() {
        if (backend instanceof PveApiBackend p) {
            p.close();
        }
        if (client != null) {
            client.close();
        }
        backend = null;
        client = null;
    }
}
