package dev.fleetplane.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code fleetplane next-vmid}: Proxmox's next free VMID (nothing is reserved), through the proxmox-adapter. */
@Command(name = "next-vmid", mixinStandardHelpOptions = true,
        description = {"Print the next free VMID Proxmox would hand out (GET /cluster/nextid).",
                "Nothing is reserved: a clone or create may still take it first."})
final class NextVmidCommand implements Callable<Integer> {

    @Option(names = "--adapter", description = "proxmox-adapter URL (default: $FLEETPLANE_ADAPTER_URL, else the running `up` stack)")
    String adapter;

    @Override
    public Integer call() {
        JsonNode answer = new ServiceApi("proxmox-adapter", StackFile.adapterUrl(adapter)).get("/api/v1/cluster/nextid");
        if (!answer.path("vmid").canConvertToInt()) {
            throw new CliException("the proxmox-adapter answered no VMID: " + answer);
        }
        System.out.println(answer.path("vmid").asInt());
        return 0;
    }
}
