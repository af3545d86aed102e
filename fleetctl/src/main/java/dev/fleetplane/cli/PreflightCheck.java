package dev.fleetplane.cli;

import dev.fleetplane.plancore.spec.HostsSpec;
import dev.fleetplane.plancore.spec.ProxmoxSettings;
import dev.fleetplane.proxmox.client.Preflight;
import dev.fleetplane.proxmox.client.PreflightReader;
import dev.fleetplane.proxmox.client.PveConnection;
import dev.fleetplane.proxmox.client.PveReadOnlyClient;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The pre-flight of a Proxmox cluster for a fleet, callable without picocli ({@code fleetplane preflight} and
 * {@code fleetplane up} use it): {@code List<String> problems = PreflightCheck.run(connection, needs).problems()}.
 */
final class PreflightCheck {

    /** The node fleetplane assumes when neither a spec nor {@code --node} names one (Proxmox's installer default). */
    static final String DEFAULT_NODE = "pve";

    private PreflightCheck() {
    }

    /** Reads the cluster through {@code connection} and checks it; never throws for what the cluster answers. */
    static Preflight.Report run(PveConnection connection, Preflight.Needs needs) {
        return PreflightReader.run(PveReadOnlyClient.connect(connection), needs);
    }

    /** The problem lines only (empty: ready). */
    static List<String> problems(PveConnection connection, Preflight.Needs needs) {
        return run(connection, needs).problems();
    }

    /** What a spec's {@code _proxmox} asks for (node, template, default storage); a spec without it asks for the node only. */
    static Preflight.Needs needs(Optional<HostsSpec> spec, String node, Integer templateVmid, String storage) {
        Optional<ProxmoxSettings> px = spec.flatMap(HostsSpec::proxmox);
        String n = node != null ? node : px.map(ProxmoxSettings::node).orElse(DEFAULT_NODE);
        OptionalInt template = templateVmid != null ? OptionalInt.of(templateVmid)
                : px.map(p -> OptionalInt.of(p.templateVmid())).orElse(OptionalInt.empty());
        Optional<String> s = storage != null ? Optional.of(storage) : px.map(ProxmoxSettings::defaultStorage);
        return new Preflight.Needs(n, template, s);
    }
}
