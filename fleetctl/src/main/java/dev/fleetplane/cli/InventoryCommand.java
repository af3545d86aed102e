package dev.fleetplane.cli;

import dev.fleetplane.proxmox.client.PveConnection;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code fleetplane inventory}: what fleetplane sees on a Proxmox cluster, read-only, straight from the API (the
 * operator's {@code pve ips}); with {@code --addresses} the address the adapter would choose for each running VM.
 */
@Command(name = "inventory", mixinStandardHelpOptions = true,
        description = "List the guests of a Proxmox cluster as fleetplane sees them (read-only).")
final class InventoryCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--pve-url", required = true, paramLabel = "URL",
            description = "Proxmox API URL, e.g. https://pve.lan:8006 (/api2/json is added when missing)")
    String pveUrl;

    @Option(names = "--token", paramLabel = "TOKEN",
            description = "API token user@realm!tokenid=secret (default: the PVE_TOKEN environment variable)")
    String token;

    @Option(names = "--addresses", description = "ask each running VM's guest agent and show the chosen IP")
    boolean addresses;

    @Option(names = "--json", description = "print a JSON array instead of the table")
    boolean json;

    @Option(names = "--ipv6", description = "with --addresses: prefer a global IPv6 address (IPv4 as fallback)")
    boolean ipv6;

    @Option(names = "--fingerprint", paramLabel = "SHA256",
            description = "https: trust exactly the node certificate with this SHA-256 fingerprint (AB:12:..., as the"
                    + " Proxmox GUI shows it; the host name is not checked)")
    String fingerprint;

    @Option(names = "--ca-file", paramLabel = "PEM",
            description = "https: trust certificates signed by these CA certificates (e.g. pve-root-ca.pem)")
    Path caFile;

    @Option(names = "--insecure", description = "https: accept any certificate and host name (throwaway labs only)")
    boolean insecure;

    @Option(names = "--allow-loopback",
            description = "with --addresses: accept 127.x guest addresses (the PVE simulator's guests only)")
    boolean allowLoopback;

    /** The environment {@code PVE_TOKEN} is read from; tests replace it. */
    Map<String, String> env = System.getenv();

    @Override
    public Integer call() {
        PveToken t = PveToken.resolve(token, env);
        PveConnection connection;
        try {
            connection = PveConnection.of(apiUrl(pveUrl), t.id(), t.secret()).insecure(insecure)
                    .fingerprint(fingerprint).caFile(caFile);
        } catch (IllegalArgumentException e) {
            throw new CliException(e.getMessage());
        }
        PrintWriter err = spec.commandLine().getErr();
        if (insecure && "https".equals(connection.baseUrl().getScheme())) {
            err.println("fleetplane: warning: --insecure: the node's TLS certificate and host name are not verified");
            err.flush();
        }
        List<InventoryRow> rows = InventoryReader.read(connection, addresses, ipv6, allowLoopback);
        if (rows.isEmpty()) {
            // Proxmox answers a token without ACLs with an empty list, not a 403: say so rather than print nothing.
            err.println("fleetplane: API token '" + t.id() + "' sees no guests at " + connection.baseUrl()
                    + ": the cluster is empty, or the token has privilege separation and no ACLs (grant the token"
                    + " itself e.g. PVEAuditor on /vms, or create it with --privsep 0)");
            err.flush();
        }
        PrintWriter out = spec.commandLine().getOut();
        out.print(json ? InventoryTable.json(rows, addresses).toPrettyString() + System.lineSeparator()
                : InventoryTable.render(rows, addresses));
        out.flush();
        return 0;
    }

    /** {@code https://pve:8006} and {@code https://pve:8006/} mean the API root. */
    static String apiUrl(String url) {
        String u = url.strip();
        URI uri;
        try {
            uri = URI.create(u);
        } catch (IllegalArgumentException e) {
            throw new CliException("--pve-url '" + u + "' is not a URL: " + e.getMessage());
        }
        String path = uri.getPath();
        if (path == null || path.isEmpty() || path.equals("/")) {
            return u.replaceAll("/+$", "") + "/api2/json";
        }
        return u;
    }
}
