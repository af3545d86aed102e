package dev.fleetplane.proxmox.client;

import dev.fleetplane.proxmox.client.PveException.Failure;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs {@link Preflight} against a live cluster: reads version, permissions, VMs and the node's storages through
 * {@link PveReadOnlyClient} and turns a failed read into one problem line naming cause and fix (a refused token, an
 * unreachable URL, a certificate that does not match the pin). Messages never contain the token secret.
 */
public final class PreflightReader {

    private PreflightReader() {
    }

    /** The preflight report for {@code client}'s cluster; never throws for what Proxmox or the network answer. */
    public static Preflight.Report run(PveReadOnlyClient client, Preflight.Needs needs) {
        PveConnection connection = client.connection();
        String url = connection.baseUrl().toString();
        try {
            PveVersion version = client.version();
            PvePermissions permissions = client.permissions();
            for (String exact : exactPaths(needs)) {
                permissions = permissions.with(client.permissions(exact));
            }
            List<ClusterVm> vms = client.clusterVms();
            List<NodeStorage> storages;
            try {
                storages = client.storages(needs.node());
            } catch (PveException e) {
                if (e.httpStatus() == 500 && e.pveMessage() != null && e.pveMessage().contains("hostname lookup")) {
                    return Preflight.Report.problem(missingNode(client, needs.node()));
                }
                throw e;
            }
            Preflight.Observed seen = new Preflight.Observed(url, connection.tokenId(), version, permissions, vms,
                    storages);
            return Preflight.check(seen, needs);
        } catch (PveException e) {
            return Preflight.Report.problem(connection.redact(describe(e, connection)));
        }
    }

    // Paths whose own ACLs (NoAccess, a non-propagating grant) the whole-tree answer could hide.
    private static List<String> exactPaths(Preflight.Needs needs) {
        List<String> out = new ArrayList<>();
        needs.templateVmid().ifPresent(t -> out.add("/vms/" + t));
        needs.storage().ifPresent(s -> out.add("/storage/" + s));
        return out;
    }

    private static String missingNode(PveReadOnlyClient client, String node) {
        String known;
        try {
            List<String> nodes = client.nodes();
            known = nodes.isEmpty() ? "the token sees no node" : "nodes: " + String.join(", ", nodes);
        } catch (PveException e) {
            known = "the node list could not be read";
        }
        return "node " + node + " is not a node of this cluster (" + known + "; set _proxmox.node)";
    }

    /** One line for a read that failed. */
    static String describe(PveException e, PveConnection connection) {
        String url = connection.baseUrl().toString();
        if (e instanceof PveCertificateException cert && cert.expectedFingerprint() != null) {
            return "the TLS certificate of " + url + " has SHA-256 fingerprint " + cert.seenFingerprint()
                    + ", not the pinned " + cert.expectedFingerprint() + " (if the node's certificate was renewed, pin"
                    + " the new one, --fingerprint " + cert.seenFingerprint() + "; otherwise this is not your node)";
        }
        if (e.failure() == Failure.UNTRUSTED_CERTIFICATE) {
            return "the TLS certificate of " + url + " is not trusted (pin it: --fingerprint <SHA-256 from the node's"
                    + " System > Certificates panel or `pvenode cert info`>, or trust the cluster CA: --ca-file"
                    + " pve-root-ca.pem from /etc/pve)";
        }
        if (e.failure() == Failure.UNAUTHORIZED) {
            return "Proxmox at " + url + " refused API token " + connection.tokenId() + " (401: Proxmox knows no"
                    + " token with this id and secret, or it was deleted or has expired; copy user@realm!tokenid=secret from `pveum user"
                    + " token add`, see docs/proxmox-privileges.md)";
        }
        if (e.httpStatus() == 0 && (e.failure() == Failure.TRANSIENT || e.failure() == Failure.TIMEOUT)) {
            return "Proxmox at " + url + " is unreachable: " + e.pveMessage() + " (check the URL, usually"
                    + " https://<node>:8006, that pveproxy runs and that no firewall is in the way)";
        }
        if (e.failure() == Failure.BAD_RESPONSE) {
            return url + " did not answer like the Proxmox VE API (" + e.getMessage() + "; is --pve-url the node's"
                    + " https://<node>:8006 address?)";
        }
        return "reading " + e.operation() + " from " + url + " failed: " + e.getMessage();
    }
}
