package dev.fleetplane.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code fleetplane integrate HOST}: what a user commits for a provisioned host, the {@code publicKey} line for
 * hosts.nix and the age recipient for {@code .sops.yaml} (then {@code sops updatekeys} re-encrypts the secrets).
 */
@Command(name = "integrate", mixinStandardHelpOptions = true,
        description = "Print the hosts.nix and .sops.yaml lines for a provisioned host's SSH host key.")
final class IntegrateCommand implements Callable<Integer> {

    @Parameters(paramLabel = "HOST", description = "the host name, as in hosts.nix")
    String host;

    @Option(names = "--provisioner", description = "provisioner URL (default: the running `up` stack)")
    String provisioner;

    @Option(names = "--hardware-config", description = "print the host's hardware-configuration.nix instead")
    boolean hardwareConfig;

    @Option(names = "--json", description = "print the provisioner's JSON")
    boolean json;

    @Override
    public Integer call() {
        JsonNode view = new ServiceApi("provisioner", StackFile.provisionerUrl(provisioner))
                .get("/sagas/" + PathSegment.encode(host) + "/integration");
        if (json) {
            System.out.println(view.toPrettyString());
        } else if (hardwareConfig) {
            if (view.path("hardwareConfig").isNull() || view.path("hardwareConfig").isMissingNode()) {
                throw new CliException("no hardware configuration kept for " + host);
            }
            System.out.print(view.path("hardwareConfig").asText());
        } else {
            System.out.print(render(view));
        }
        return 0;
    }

    static String render(JsonNode v) {
        StringBuilder out = new StringBuilder();
        String nl = System.lineSeparator();
        out.append("# ").append(v.path("host").asText()).append(": ").append(v.path("publicKey").asText())
                .append(nl).append("#   ").append(v.path("fingerprint").asText()).append(", age ")
                .append(v.path("ageRecipient").asText()).append(" (VM ").append(v.path("vmid").asInt()).append(", ")
                .append(v.path("ip").asText()).append(')').append(nl).append(nl);
        out.append(v.path("rendered").asText().replace("\n", nl));
        if (v.path("tailscaleTags").isArray()) {
            out.append(nl).append("# tailscale: enrolled with tags ").append(v.path("tailscaleTags").toString())
                    .append(nl);
        }
        return out.toString();
    }
}
