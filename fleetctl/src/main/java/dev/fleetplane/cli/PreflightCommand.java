package dev.fleetplane.cli;

import dev.fleetplane.plancore.spec.HostsSpec;
import dev.fleetplane.proxmox.client.Preflight;
import dev.fleetplane.proxmox.client.PveConnection;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code fleetplane preflight}: whether a Proxmox cluster is ready for a fleet (version, the token's privileges, the
 * template, the storage), one line per check; exit 0 when clean, 1 with problems.
 */
@Command(name = "preflight", mixinStandardHelpOptions = true, exitCodeOnInvalidInput = 1,
        description = {"Check that a Proxmox cluster is ready for fleetplane: version, the API token's privileges,",
                "the template and the storage (from --spec's _proxmox, or --node/--template/--storage).",
                "Prints 'ok: ...' and 'problem: ...' lines. Exit codes: 0 ready, 1 problems or an error."})
final class PreflightCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    PveConnectionOptions pve = new PveConnectionOptions();

    @Option(names = "--spec", paramLabel = "FILE", description = "hosts.nix (or its evaluated .json): its _proxmox names"
            + " node, templateVmid and defaultStorage")
    Path specFile;

    @Option(names = "--node", paramLabel = "NAME", description = "the node fleetplane clones on (default: the spec's,"
            + " else " + PreflightCheck.DEFAULT_NODE + ")")
    String node;

    @Option(names = "--template", paramLabel = "VMID", description = "the template to check (default: the spec's)")
    Integer template;

    @Option(names = "--storage", paramLabel = "NAME", description = "the storage clones go to (default: the spec's)")
    String storage;

    @Option(names = "--nix-timeout", defaultValue = "PT30S", description = "how long Nix may evaluate --spec (default ${DEFAULT-VALUE})")
    Duration nixTimeout;

    /** The environment {@code PVE_TOKEN} is read from; tests replace it. */
    Map<String, String> env = System.getenv();

    @Override
    public Integer call() {
        Optional<HostsSpec> hosts = specFile == null ? Optional.empty()
                : Optional.of(SpecFile.read(specFile, nixTimeout, System.err));
        Preflight.Needs needs = PreflightCheck.needs(hosts, node, template, storage);
        PveConnection connection = pve.connection(env);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (pve.insecure && "https".equals(connection.baseUrl().getScheme())) {
            err.println("fleetplane: warning: --insecure: the node's TLS certificate and host name are not verified");
            err.flush();
        }
        Preflight.Report report = PreflightCheck.run(connection, needs);
        report.ok().forEach(out::println);
        report.problems().forEach(p -> out.println("problem: " + p));
        out.println(report.clean() ? "preflight: ready"
                : "preflight: " + report.problems().size() + (report.problems().size() == 1 ? " problem" : " problems")
                + "; fleetplane will not report ready until " + (report.problems().size() == 1 ? "it is" : "they are")
                + " fixed");
        out.flush();
        return report.clean() ? 0 : 1;
    }
}
