package dev.fleetplane.adapter.pve;

import dev.fleetplane.adapter.config.AdapterConfig;
import dev.fleetplane.messaging.FleetMetrics;
import dev.fleetplane.proxmox.client.ProxmoxClient;
import dev.fleetplane.proxmox.client.PveConnection;
import dev.fleetplane.proxmox.client.PveException;
import dev.fleetplane.proxmox.client.PveVersion;
import dev.fleetplane.proxmox.client.RetryPolicy;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jboss.logging.Logger;

/** Builds the one Proxmox client of the adapter from config and tells the operator where it points (never the secret). */
@ApplicationScoped
public class ProxmoxClientProducer {

    private static final Logger LOG = Logger.getLogger(ProxmoxClientProducer.class);

    @Inject
    AdapterConfig config;

    @Inject
    FleetMetrics metrics;

    private ProxmoxClient client;

    @Produces
    @Singleton
    synchronized ProxmoxClient client() {
        if (client == null) {
            client = ProxmoxClient.connect(connection());
            client.listen(metrics::pveCall);
        }
        return client;
    }

    @Produces
    @Singleton
    RetryPolicy retryPolicy() {
        var r = config.retry();
        return new RetryPolicy(r.attempts(), r.baseDelay(), r.maxDelay());
    }

    PveConnection connection() {
        var pve = config.pve();
        String tokenId = pve.tokenId().orElseThrow(() -> new IllegalStateException(
                "no Proxmox API token id: set PVE_TOKEN_ID (fleetplane.adapter.pve.token-id), e.g. fleetplane@pve!adapter"));
        String secret = pve.tokenSecret().orElseThrow(() -> new IllegalStateException(
                "no Proxmox API token secret for " + tokenId + ": set PVE_TOKEN_SECRET (fleetplane.adapter.pve.token-secret)"));
        URI url;
        try {
            url = URI.create(pve.url().trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("PVE_URL (fleetplane.adapter.pve.url) '" + pve.url() + "' is not a URL: "
                    + e.getMessage());
        }
        PveConnection c = new PveConnection(url, tokenId, secret, pve.insecure(), pve.connectTimeout(), pve.readTimeout());
        try {
            if (pve.caFile().isPresent()) {
                Path ca = Path.of(pve.caFile().get().trim());
                if (!Files.isReadable(ca)) {
                    throw new IllegalStateException("PVE_CA_FILE (fleetplane.adapter.pve.ca-file) " + ca
                            + " does not exist or is not readable");
                }
                c = c.caFile(ca);
            }
            if (pve.fingerprint().isPresent()) {
                c = c.fingerprint(pve.fingerprint().get());
            }
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("Proxmox TLS settings (fleetplane.adapter.pve.ca-file / fingerprint /"
                    + " insecure): " + e.getMessage(), e);
        }
        return c;
    }

    void announce(@Observes StartupEvent ignored) {
        PveConnection c = connection();
        LOG.infof("Proxmox API %s, token %s, TLS %s", c.baseUrl(), c.tokenId(), c.insecure() ? "NOT verified"
                : c.fingerprint() != null ? "pinned to SHA-256 " + c.fingerprint()
                : c.caFile() != null ? "verified against " + c.caFile() : "verified against the JVM trust store");
        if (c.insecure()) {
            LOG.warnf("!!! fleetplane.adapter.pve.insecure=true: TLS certificates and host names of %s are NOT checked;"
                    + " anyone on the path can read the API token. Use only for a lab node with a self-signed certificate. !!!",
                    c.baseUrl());
        }
        if (c.baseUrl().getScheme().equals("http") && !isLoopback(c.baseUrl())) {
            LOG.warnf("Proxmox URL %s is plain http to a remote host: the API token travels unencrypted", c.baseUrl());
        }
        if (config.guest().allowLoopback()) {
            LOG.warn("fleetplane.adapter.guest.allow-loopback=true: loopback guest addresses are accepted (PVE simulator only)");
        }
        try {
            PveVersion v = client().version();
            LOG.infof("Proxmox VE %s (release %s) answers at %s", v.version(), v.release(), c.baseUrl());
        } catch (PveException e) {
            // Not fatal: Proxmox may come up later; every command reports its own failure.
            LOG.warnf("Proxmox is not usable yet: %s", e.getMessage());
        }
    }

    private static boolean isLoopback(URI u) {
        String h = u.getHost();
        return h.equals("localhost") || h.startsWith("127.") || h.equals("[::1]") || h.equals("::1");
    }

    @PreDestroy
    synchronized void close() {
        if (client != null) {
            client.close();
            client = null;
        }
    }
}
