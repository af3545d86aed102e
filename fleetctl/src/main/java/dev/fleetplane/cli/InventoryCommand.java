package dev.fleetplane.cli;

import dev.fleetplane.proxmox.client.PveConnection;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
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

    @Mixin
    PveConnectionOptions pve = new PveConnectionOptions();

    @Option(names = "--addresses", description = "ask each running VM's guest agent and show the chosen IP")
    boolean addresses;

    @Option(names = "--json", description = "print a JSON array instead of the table")
    boolean json;

    @Option(names = "--ipv6", description = "with --addresses: prefer a global IPv6 address (IPv4 as fallback)")
    boolean ipv6;

    @Option(names = "--allow-loopback",
            description = "with --addresses: accept 127.x guest addresses (the PVE simulator's guests only)")
    boolean allowLoopback;

    /** The environment {@code PVE_TOKEN} is read from; tests replace it. */
    Map<String, String> env = System.getenv();

    @Override
    public Integer call() {
        PveConnection connection = pve.connection(env);
        PrintWriter err = spec.commandLine().getErr();
        if (pve.insecure && "https".equals(connection.baseUrl().getScheme())) {
            err.println("fleetplane: warning: --insecure: the node's TLS certificate and host name are not verified");
            err.flush();
        }
        List<InventoryRow> rows = InventoryReader.read(connection, addresses, ipv6, allowLoopback);
        if (rows.isEmpty()) {
            // Proxmox answers a token without ACLs with an empty list, not a 403: say so rather than print nothing.
            err.println("fleetplane: API token '" + connection.tokenId() + "' sees no guests at " + connection.baseUrl()
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
}
